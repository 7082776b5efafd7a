# 06.10 — a head's weights were trained with its slope: the kept heads keep theirs (2^-5 … 2^-8, 2^-0.5 … 2^-3.5)
from alibi_edu.exercises import check

answer = "B"
check("06.10", answer)
