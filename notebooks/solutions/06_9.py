# 06.9 — signs disagree, mean −0.013 against a standard error of 0.012: by the rule of thumb, not distinguishable yet
from alibi_edu.exercises import check

answer = "A"
check("06.9", answer)
