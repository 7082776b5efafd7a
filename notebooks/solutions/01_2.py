# 01.2 — the book's bias matrix: entry (i, j) = beta * (j - i); rows are queries, columns keys
import torch

from alibi_edu.exercises import check


def my_linear_bias(L, beta):
    i = torch.arange(L).unsqueeze(1)   # (L, 1) query positions
    j = torch.arange(L).unsqueeze(0)   # (1, L) key positions
    return beta * (j - i).float()      # (L, L)


answer = my_linear_bias
check("01.2", answer)
