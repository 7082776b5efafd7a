# 05.2 — with equal content scores, w(i - D) / w(i) = exp(-m D) >= 0.01  <=>  D <= ln(100) / m
import math

from alibi_edu.exercises import check


def reach(m):
    return math.floor(math.log(100) / m)


answer = reach
check("05.2", answer)
