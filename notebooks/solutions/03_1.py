# 03.1 — m_k = 2^(-8k/n) with n = 8 heads, k = 4
answer = 2 ** (-8 * 4 / 8)   # 1/16
