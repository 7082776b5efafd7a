# 02.2 — -inf before softmax gives e^(-inf) = 0; the rest still sums to 1
from alibi_edu.exercises import check

answer = "B"
check("02.2", answer)
