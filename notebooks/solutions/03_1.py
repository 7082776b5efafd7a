# 03.1 — m_k = 2^(-8k/n) with n = 8 heads, k = 4
from alibi_edu.exercises import check

answer = 2 ** (-8 * 4 / 8)   # 1/16
check("03.1", answer)
