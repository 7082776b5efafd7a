# 02.5 — a per-row constant cancels in softmax; m*(j - i) is ALiBi only when j > i is masked
from alibi_edu.exercises import check

answer = "A"
check("02.5", answer)
