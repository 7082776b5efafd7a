# 06.10 — 16 heads: m_k = 2^(-k/2); even k give the 8-head slopes, odd k the new ones in between (and 2^-0.5)
from alibi_edu.exercises import check

answer = "B"
check("06.10", answer)
