# 01.5 — a smooth recency bias: near keys preferred, yet a far key with a high enough content score still wins
from alibi_edu.exercises import check

answer = "A"
check("01.5", answer)
