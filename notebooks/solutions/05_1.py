# 05.1 — past L_train: sinusoidal vectors and rotary angles never seen in training, and for `none` key counts never seen
from alibi_edu.exercises import check

answer = {"sinusoidal", "rope", "none"}
check("05.1", answer)
