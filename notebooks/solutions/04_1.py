# 04.1 — the book's bias sits inside 1/sqrt(d): (q.k + beta(j-i))/sqrt(d) = q.k/sqrt(d) - (beta/sqrt(d))(i-j)
import math

from alibi_edu.exercises import check


def to_slope(beta, d_head):
    return beta / math.sqrt(d_head)


answer = to_slope
check("04.1", answer)
