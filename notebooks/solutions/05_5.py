# 05.5 — false: the bias rule has no length in it; its point is to run at lengths other than the training one
from alibi_edu.exercises import check

answer = "C"
check("05.5", answer)
