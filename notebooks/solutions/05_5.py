# 05.5 — false: the rule holds at every length; its point is to run at lengths other than the training one
from alibi_edu.exercises import check

answer = "C"
check("05.5", answer)
