# 06.6 — m = beta / sqrt(d) = 2 / 4 = 0.5
from alibi_edu.exercises import check

answer = "B"
check("06.6", answer)
