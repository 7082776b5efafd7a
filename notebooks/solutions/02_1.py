# 02.1 — additive causal mask: 0 where key j <= query i, -inf where j > i
import torch

from alibi_edu.exercises import check


def my_causal_mask(L):
    future = torch.ones(L, L, dtype=torch.bool).triu(diagonal=1)   # j > i
    return torch.zeros(L, L).masked_fill(future, float("-inf"))


answer = my_causal_mask
check("02.1", answer)
