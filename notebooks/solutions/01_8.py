# 01.8 — the book divides beta by sqrt(d) and the paper does not divide m: beta = sqrt(d) * m
import math

from alibi_edu.exercises import check

d, m = 36, 0.1
answer = math.sqrt(d) * m
check("01.8", answer)
