# 06.10 — m_4 = 2^(-8*4/16) = 2^(-2) = 1/4
from alibi_edu.exercises import check

answer = "B"
check("06.10", answer)
