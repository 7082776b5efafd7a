# 03.4 — n a power of two: m_k = 2^(-8k/n), k = 1..n
import torch

from alibi_edu.exercises import check


def my_slopes(n):
    k = torch.arange(1, n + 1, dtype=torch.float64)
    return 2.0 ** (-8.0 * k / n)


answer = my_slopes
check("03.4", answer)
