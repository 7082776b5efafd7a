# 03.6 — the misread formula 1/2^(8/k) for k = 1..8
import torch

from alibi_edu.exercises import check

k = torch.arange(1, 9, dtype=torch.float64)
answer = 1 / 2 ** (8 / k)
check("03.6", answer)
