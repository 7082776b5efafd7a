# 05.4 — an ALiBi-style fixed linear bias: no parameters, runs past L_train
from alibi_edu.exercises import check

answer = "B"
check("05.4", answer)
