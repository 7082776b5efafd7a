# 03.7 — it rises with k and its neighbour ratios are not constant; n does not appear
from alibi_edu.exercises import check

answer = "D"
check("03.7", answer)
