"""Per-head ALiBi slopes: the paper's geometric sequence m_k = 2^(-8k/n)."""
from __future__ import annotations

import torch

from ._validate import fits_in_memory, positive_int


def geometric_slopes(num_heads: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The paper's slopes for `num_heads` heads, shape (num_heads,).

    n a power of two: m_k = 2^(-8k/n), k = 1..n (8 heads: 1/2, 1/4, ..., 1/256).
    Otherwise, with c the largest power of two <= n (below n, as n is not one): the c-head slopes, then the
    2c-head slopes at odd k (k = 1, 3, 5, ...) until there are n. 12 heads: 2^-1 ... 2^-8,
    then 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5 (by design not monotone in head index).
    """
    n = positive_int("num_heads", num_heads)
    c = 1 << (n.bit_length() - 1)  # exact for any n, unlike 2 ** int(math.log2(n))
    fits_in_memory("slopes", (2 * c if c < n else n,), torch.float64)  # the largest tensor built below
    slopes = _power_of_two_slopes(c)
    if c < n:
        slopes = torch.cat([slopes, _power_of_two_slopes(2 * c)[0::2][: n - c]])
    return slopes.to(dtype)


def _power_of_two_slopes(n: int) -> torch.Tensor:
    k = torch.arange(1, n + 1, dtype=torch.float64)
    return 2.0 ** (-8.0 * k / n)
