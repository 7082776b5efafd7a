# 06.5 — 49 more steps back cost head 8 only 49/256 ≈ 0.19 < 5 (the far key wins); head 1 pays 49/2 = 24.5 > 5
from alibi_edu.exercises import check

answer = "A"
check("06.5", answer)
