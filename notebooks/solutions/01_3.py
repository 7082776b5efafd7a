# 01.3 — a negative beta = -0.5, query i = 10, keys j = 12 and j = 20 (after the query)
from alibi_edu.exercises import check

beta, i = -0.5, 10
answer = [beta * (j - i) for j in (12, 20)]   # [-1.0, -5.0]: five times the penalty at j = 20
check("01.3", answer)
