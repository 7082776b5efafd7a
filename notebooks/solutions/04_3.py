# 04.3 — tiny beta: nearly uniform weights; huge beta: nearly all weight on the nearest tokens
from alibi_edu.exercises import check

answer = "C"
check("04.3", answer)
