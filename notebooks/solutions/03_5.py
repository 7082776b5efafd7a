# 03.5 — any head count: the c-head slopes (c = largest power of two <= n), then the 2c-head slopes at odd k
import math

import torch

from alibi_edu.exercises import check


def my_slopes(n):                                      # 03.4: a power-of-two head count
    k = torch.arange(1, n + 1, dtype=torch.float64)
    return 2.0 ** (-8.0 * k / n)


def my_slopes_any(n):
    c = 2 ** int(math.log2(n))
    extra = my_slopes(2 * c)[0::2][: n - c]            # k = 1, 3, 5, ... of the 2c-head set
    return torch.cat([my_slopes(c), extra])


answer = my_slopes_any
check("03.5", answer)
