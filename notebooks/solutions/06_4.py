# 06.4 — inside the 1/sqrt(d) the bias is divided by sqrt(d): beta = sqrt(d)·m
import math

import torch

from alibi_edu import geometric_slopes
from alibi_edu.exercises import check

answer = math.sqrt(64) * geometric_slopes(8, dtype=torch.float64)
check("06.4", answer)
