# 06.2 — 2^(-8k/n) is the paper's rule exactly when n is a power of two
answer = [1, 2, 4, 8, 16]
