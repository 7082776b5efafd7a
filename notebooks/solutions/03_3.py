# 03.3 — no search over slopes, local and global heads, a robust choice
from alibi_edu.exercises import check

answer = "B"
check("03.3", answer)
