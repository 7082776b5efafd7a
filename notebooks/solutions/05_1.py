# 05.1 — positions the model never saw: sinusoidal vectors and rotary angles past L_train
answer = {"sinusoidal", "rope"}
