# 02.6 — the bidirectional bias -m * |i - j| for L = 4, m = 0.75
import torch

from alibi_edu.exercises import check

L, m = 4, 0.75
i = torch.arange(L).unsqueeze(1)
j = torch.arange(L).unsqueeze(0)
answer = -m * (i - j).abs()
check("02.6", answer)
