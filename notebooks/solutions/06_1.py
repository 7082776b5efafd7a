# 06.1 — the bias is m_h·(kv_idx − q_idx): negative for past keys
import torch

from alibi_edu import geometric_slopes
from alibi_edu.exercises import check

slopes8 = geometric_slopes(8, dtype=torch.float64)


def score_mod(score, b, h, q_idx, kv_idx):
    return score + slopes8[h] * (kv_idx - q_idx)


answer = score_mod
check("06.1", answer)
