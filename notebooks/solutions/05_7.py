# 05.7 — the newest query sits at position n - 1: key j is n - 1 - j steps back, whatever n is; no position table
import torch

from alibi_edu.exercises import check


def newest_row(n, m):
    return -m * (n - 1 - torch.arange(n, dtype=torch.float64))


answer = newest_row
check("05.7", answer)
