# 06.3 — an encoder needs the symmetric bias -m·|i - j| (no mask removes the future keys)
import torch

from alibi_edu import geometric_slopes
from alibi_edu.exercises import check

m = geometric_slopes(4, dtype=torch.float64)
i = torch.arange(6)[:, None]
j = torch.arange(6)[None, :]
answer = -m[:, None, None] * (i - j).abs()
check("06.3", answer)
