# 01.6 — the bias is <= 0 and becomes more negative with distance
from alibi_edu.exercises import check

answer = "D"
check("01.6", answer)
