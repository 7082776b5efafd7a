# 03.7 — reversed, it shares the paper's ends, but its neighbour ratios change: the middle heads differ
from alibi_edu.exercises import check

answer = "B"
check("03.7", answer)
