"""Relative positions, the linear bias, ALiBi's per-head bias and the causal mask.

Convention (the KV-cache one): with q_len queries and k_len >= q_len keys, query row r
sits at absolute position i = k_len - q_len + r, key column c at position j = c.
"""
from __future__ import annotations

import torch

from ._validate import finite_float, finite_vector, fits_in_memory, positive_int
from .slopes import geometric_slopes


def relative_positions(q_len: int, k_len: int | None = None) -> torch.Tensor:
    """j - i for every (query, key) pair, shape (q_len, k_len), int64.

    Negative for past keys, 0 on the diagonal, positive for future keys.
    """
    q_len, k_len = _lengths(q_len, k_len)
    fits_in_memory("relative positions", (q_len, k_len), torch.int64)
    i = torch.arange(k_len - q_len, k_len).unsqueeze(1)
    j = torch.arange(k_len).unsqueeze(0)
    return j - i


def linear_bias(q_len: int, k_len: int | None = None, beta: float | torch.Tensor = 1.0,
                dtype: torch.dtype | None = None) -> torch.Tensor:
    """The book's bias PE(i, j) = beta * (j - i) = -beta * (i - j).

    beta a number -> shape (q_len, k_len); beta a 1-D tensor of H per-head values -> (H, q_len, k_len).
    dtype: float32 for a number, beta's own floating dtype for a tensor (float64 for a list), unless given.
    With beta > 0 a past key (j < i) is penalised in proportion to its distance.
    """
    q_len, k_len = _lengths(q_len, k_len)
    if isinstance(beta, (torch.Tensor, list, tuple)) and not (isinstance(beta, torch.Tensor) and beta.ndim == 0):
        beta = finite_vector("beta", beta)
        dtype = dtype or beta.dtype
        fits_in_memory("linear bias", (len(beta), q_len, k_len), dtype)
        return beta.to(dtype)[:, None, None] * relative_positions(q_len, k_len).to(dtype)
    beta = finite_float("beta", beta)
    dtype = dtype or torch.float32
    fits_in_memory("linear bias", (q_len, k_len), dtype)
    return beta * relative_positions(q_len, k_len).to(dtype)


def alibi_bias(num_heads: int, seq_len: int, *, slopes: torch.Tensor | None = None,
               symmetric: bool = False, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """ALiBi's bias in the paper's form, shape (H, L, L).

    Causal use: -m_h * (i - j) (pair it with causal_mask). symmetric=True: -m_h * |i - j|,
    the bidirectional (encoder) variant. slopes default to geometric_slopes(num_heads).
    """
    num_heads, seq_len = positive_int("num_heads", num_heads), positive_int("seq_len", seq_len)
    slopes = head_slopes(num_heads, slopes)
    fits_in_memory("ALiBi bias", (num_heads, seq_len, seq_len), dtype)
    distance = relative_positions(seq_len).to(dtype)
    if symmetric:
        distance = -distance.abs()
    return slopes.to(dtype)[:, None, None] * distance


def causal_mask(q_len: int, k_len: int | None = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Additive causal mask, shape (q_len, k_len): 0 where key j <= query i, -inf where j > i."""
    q_len, k_len = _lengths(q_len, k_len)
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating dtype (the mask holds -inf), got {dtype}")
    fits_in_memory("causal mask", (q_len, k_len), dtype)
    future = relative_positions(q_len, k_len) > 0
    return torch.zeros(q_len, k_len, dtype=dtype).masked_fill(future, float("-inf"))


def head_slopes(num_heads: int, slopes: torch.Tensor | None) -> torch.Tensor:
    """Slopes given by the caller (checked: one finite value per head) or the paper's geometric set."""
    if slopes is None:
        return geometric_slopes(num_heads, dtype=torch.float64)
    slopes = finite_vector("slopes", slopes)
    if len(slopes) != num_heads:
        raise ValueError(f"slopes has {len(slopes)} values but there are {num_heads} heads (num_heads={num_heads})")
    return slopes


def _lengths(q_len: int, k_len: int | None) -> tuple[int, int]:
    q_len = positive_int("q_len", q_len)
    k_len = q_len if k_len is None else positive_int("k_len", k_len)
    if k_len < q_len:
        raise ValueError(
            f"k_len ({k_len}) must be >= q_len ({q_len}): the queries are the last q_len of the k_len positions"
        )
    return q_len, k_len
