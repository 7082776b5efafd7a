# 05.3 — a penalty that grows with distance: keys further back, at distances never trained on, weigh less
# (being relative is not enough: RoPE is relative too)
from alibi_edu.exercises import check

answer = "D"
check("05.3", answer)
