# 01.8 — the book divides beta by sqrt(d) and the paper does not divide m: beta = sqrt(d) * m
import math

d, m = 64, 0.25
answer = math.sqrt(d) * m
