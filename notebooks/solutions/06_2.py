# 06.2 — 2^(-8k/n) is the paper's rule exactly when n is a power of two
from alibi_edu.exercises import check

answer = [1, 2, 4, 8, 16]
check("06.2", answer)
