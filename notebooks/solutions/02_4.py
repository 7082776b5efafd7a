# 02.4 — -inf: NaN (0/0, loud); -1e9 in float32: a uniform row over hidden keys (silent)
from alibi_edu.exercises import check

answer = "D"
check("02.4", answer)
