# 01.1 — the book's bias beta * (j - i) for query i = 10 and keys j = 5, 2, with beta = 0.5
from alibi_edu.exercises import check

beta, i = 0.5, 10
answer = [beta * (j - i) for j in (5, 2)]   # [-2.5, -4.0]: the key at j = 2 is 1.5 lower
check("01.1", answer)
