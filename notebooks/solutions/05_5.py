# 05.5 — false: the rule holds at every length, which is why it generalises
from alibi_edu.exercises import check

answer = "C"
check("05.5", answer)
