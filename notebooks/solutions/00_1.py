# 00.1 — the book's bias beta·(j - i) for beta = 0.5, query i = 7, key j = 3
from alibi_edu.exercises import check

answer = 0.5 * (3 - 7)
check("00.1", answer)
