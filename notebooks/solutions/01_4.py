# 01.4 — beta > 0: for past keys j - i < 0, so beta * (j - i) <= 0 and falls with distance
from alibi_edu.exercises import check

answer = "C"
check("01.4", answer)
