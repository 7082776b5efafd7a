# 05.3 — a fixed, rule-based penalty on relative distance; no table, no maximum length
from alibi_edu.exercises import check

answer = "D"
check("05.3", answer)
