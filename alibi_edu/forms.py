"""ALiBi as production code writes it: five forms of one formula, each from its documented convention.

Under a causal mask every form gives the same attention weights as alibi_bias + causal_mask:
softmax ignores a constant added to a whole row, so m·j, m·(j - i) and m·(j - (L-1)) are one model.
Shapes: H heads, L_q queries, L_k >= L_q keys; query row r sits at position L_k - L_q + r (KV cache).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ._validate import positive_int
from .bias import causal_mask, head_slopes


def reference_mask(slopes: torch.Tensor, q_len: int, k_len: int | None = None) -> torch.Tensor:
    """The reference code's form: m·j added into the causal mask buffer, shape (H, L_q, L_k).

    Every row gets the same m·j (key position only); future keys stay -inf.
    """
    k_len = k_len or q_len
    j = torch.arange(k_len, dtype=torch.float64)
    return _slopes(slopes)[:, None, None] * j + causal_mask(q_len, k_len, torch.float64)


def bloom_bias(slopes: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """BLOOM's tensor: m·j with j counted over non-padding tokens, shape (B, H, 1, L_k).

    attention_mask (B, L_k) holds 1 for real tokens and 0 for padding; padding gets j = 0
    (it is masked out anyway). Added to q·k/sqrt(d) unscaled; the causal mask comes separately.
    """
    keep = attention_mask.to(torch.float64)
    j = (keep.cumsum(dim=-1) - 1) * keep
    return _slopes(slopes)[None, :, None, None] * j[:, None, None, :]


def mpt_slopes(num_heads: int, alibi_bias_max: float = 8.0) -> torch.Tensor:
    """MPT's slopes 1/2^(alibi_bias_max·k/n'), n' = the next power of two >= n, shape (n,).

    For n < n' the odd-indexed slopes come first, then the even ones (a strided
    interleave): for alibi_bias_max = 8 this is exactly the paper's rule.
    """
    n = positive_int("num_heads", num_heads)
    padded = 2 ** math.ceil(math.log2(n))
    k = torch.arange(1, padded + 1, dtype=torch.float64)
    slopes = 1.0 / 2.0 ** (k * alibi_bias_max / padded)
    if padded != n:
        slopes = torch.cat([slopes[1::2], slopes[0::2]])[:n]
    return slopes


def mpt_bias(slopes: torch.Tensor, k_len: int) -> torch.Tensor:
    """MPT's causal bias m·(j - (L_k - 1)), shape (H, 1, L_k): zero at the newest key, negative before it."""
    j = torch.arange(1 - positive_int("k_len", k_len), 1, dtype=torch.float64)
    return _slopes(slopes)[:, None, None] * j


def flash_bias(slopes: torch.Tensor, q_len: int, k_len: int | None = None) -> torch.Tensor:
    """FlashAttention's alibi_slopes convention -m·|r + L_k - L_q - j|, shape (H, L_q, L_k).

    r is the query's row; the |.| makes it symmetric when the kernel runs without a causal mask.
    """
    k_len = k_len or q_len
    r = torch.arange(q_len)[:, None]
    j = torch.arange(k_len)[None, :]
    return -_slopes(slopes)[:, None, None] * (r + k_len - q_len - j).abs()


def alibi_score_mod(slopes: torch.Tensor, offset: int = 0) -> Callable:
    """A FlexAttention score_mod(score, b, h, q_idx, kv_idx) -> score + m_h·(kv_idx - (q_idx + offset)).

    FlexAttention counts q_idx from 0 in every call: with a KV cache pass offset = L_k - L_q. (causal_mask_mod
    needs it; here it only shifts each row by a constant, but makes the values the paper's exactly.)
    """
    m = _slopes(slopes)

    def score_mod(score, b, h, q_idx, kv_idx):
        return score + (m[h] * (kv_idx - (q_idx + offset))).to(score.dtype)
    return score_mod


def causal_mask_mod(offset: int = 0) -> Callable:
    """A FlexAttention mask_mod(b, h, q_idx, kv_idx) -> True where the key may be seen."""
    def mask_mod(b, h, q_idx, kv_idx):
        return q_idx + offset >= kv_idx
    return mask_mod


def on_index_grid(score_mod: Callable, scores: torch.Tensor, mask_mod: Callable | None = None) -> torch.Tensor:
    """Apply a score_mod (and mask_mod) to dense scores (B, H, L_q, L_k) by broadcasting index grids.

    What FlexAttention computes, written out: masked entries become -inf.
    """
    B, H, L_q, L_k = scores.shape
    b = torch.arange(B)[:, None, None, None]
    h = torch.arange(H)[None, :, None, None]
    q_idx = torch.arange(L_q)[None, None, :, None]
    kv_idx = torch.arange(L_k)[None, None, None, :]
    out = score_mod(scores, b, h, q_idx, kv_idx)
    if mask_mod is not None:
        out = out.masked_fill(~mask_mod(b, h, q_idx, kv_idx), float("-inf"))
    return out


def _slopes(slopes: torch.Tensor) -> torch.Tensor:
    slopes = torch.as_tensor(slopes)
    return head_slopes(len(slopes), slopes).to(torch.float64)
