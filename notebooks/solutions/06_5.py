# 06.5 — bias gap 0.25 * 6 = 1.5 for the near key, content edge 1.0 for the far key: near wins by 0.5
from alibi_edu.exercises import check

answer = "A"
check("06.5", answer)
