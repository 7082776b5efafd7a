# 05.1 — positions the model never saw: sinusoidal vectors and rotary angles past L_train
from alibi_edu.exercises import check

answer = {"sinusoidal", "rope"}
check("05.1", answer)
