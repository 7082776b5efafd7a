# 06.6 — m·j = −m·(100 − j) + 100·m: a constant of the row, which softmax ignores
from alibi_edu.exercises import check

answer = "B"
check("06.6", answer)
