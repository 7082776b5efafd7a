# 06.8 — the penalty grows with distance: keys at unseen distances get little weight
from alibi_edu.exercises import check

answer = "C"
check("06.8", answer)
