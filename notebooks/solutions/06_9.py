# 06.9 — signs disagree, mean −0.013 against a standard error of 0.012: not distinguishable with 3 seeds
from alibi_edu.exercises import check

answer = "A"
check("06.9", answer)
