# 02.4 — -inf then nan_to_num: zero weights, zero output; masked_fill(-1e9): a uniform row, the mean of hidden values
from alibi_edu.exercises import check

answer = "D"
check("02.4", answer)
