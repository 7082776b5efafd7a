# 06.7 — 0 for i - 2 <= j <= i, -inf elsewhere, before softmax
from alibi_edu.exercises import check

answer = "D"
check("06.7", answer)
