# 03.2 — geometric: each slope is the previous times 2^(-8/n)
from alibi_edu.exercises import check

answer = "C"
check("03.2", answer)
