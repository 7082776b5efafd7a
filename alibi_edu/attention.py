"""Attention scores and weights with an additive bias, and ALiBi attention itself.

Two placements of the bias, both taught in the course:
  book  (bias_in_scale=True):  (q·k + bias) / sqrt(d) + mask
  paper (bias_in_scale=False):  q·k / sqrt(d) + bias + mask
They give the same weights when bias_book = sqrt(d) * bias_paper.
"""
from __future__ import annotations

import math
from functools import lru_cache

import torch
import torch.nn.functional as F

from . import _validate as check
from .bias import causal_mask, head_slopes, relative_positions

MIN_QUERY_BLOCK = 64  # alibi_attention's causal path: queries per block, each block sees only its past keys


def attention_scores(q: torch.Tensor, k: torch.Tensor, *, bias: torch.Tensor | None = None,
                     mask: torch.Tensor | None = None, bias_in_scale: bool = True) -> torch.Tensor:
    """Pre-softmax scores, shape (..., L_q, L_k) from q (..., L_q, d) and k (..., L_k, d).

    bias and mask broadcast to (..., L_q, L_k) and are cast to q's dtype.
    bias_in_scale=True: the book's (q·k + bias)/sqrt(d) + mask; False: the paper's q·k/sqrt(d) + bias + mask.
    """
    q, k = check.tensor("q", q), check.tensor("k", k)
    out_shape = _scores_shape(q, k)
    check.fits_in_memory("attention scores", out_shape, q.dtype)
    bias = _additive("bias", bias, out_shape, q.dtype)
    mask = _additive("mask", mask, out_shape, q.dtype)
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = q @ k.transpose(-2, -1)
    if bias is not None and bias_in_scale:
        scores = (scores + bias) * scale
    else:
        scores = scores * scale if bias is None else scores * scale + bias
    return scores if mask is None else scores + mask


def attention_weights(q: torch.Tensor, k: torch.Tensor, **score_options) -> torch.Tensor:
    """Softmax over keys of attention_scores(q, k, **score_options), shape (..., L_q, L_k).

    Masked (-inf) entries come out exactly 0.0 and every row sums to 1 (a row masked
    everywhere has nothing to normalise and comes out NaN). Low-precision inputs are
    normalised in float32 and returned in their own dtype.
    """
    if q.dtype in (torch.float16, torch.bfloat16):  # the softmax below runs in float32
        check.fits_in_memory("attention weights (float32 softmax)", _scores_shape(q, k), torch.float32)
    scores = attention_scores(q, k, **score_options)
    if scores.dtype in (torch.float16, torch.bfloat16):
        return torch.softmax(scores, dim=-1, dtype=torch.float32).to(scores.dtype)
    return torch.softmax(scores, dim=-1)


def alibi_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *,
                    slopes: torch.Tensor | None = None, causal: bool = True) -> torch.Tensor:
    """ALiBi attention in the paper's scaling, shape (B, H, L_q, d_v).

    softmax(q·k/sqrt(d) - m_h·(i - j) + mask) v for q (B, H, L_q, d), k (B, H, L_k, d), v (B, H, L_k, d_v),
    slopes (H,) defaulting to geometric_slopes(H). causal=False uses the symmetric -m_h·|i - j|.
    The causal path runs blocks of queries against only the keys they may see, with the
    bias built once and cached: of the masked half of the score matrix, only the diagonal blocks are computed.
    """
    q, k, v = (check.tensor(name, t, min_dims=4) for name, t in (("q", q), ("k", k), ("v", v)))
    _check_qkv(q, k, v)
    slopes = head_slopes(q.shape[1], slopes)
    if not causal:
        check.fits_in_memory("ALiBi bias", (len(slopes), q.shape[-2], k.shape[-2]), torch.float64)
        bias = -slopes[:, None, None] * relative_positions(q.shape[-2], k.shape[-2]).abs()
        return F.scaled_dot_product_attention(q, k, v, attn_mask=bias[None].to(device=q.device, dtype=q.dtype))
    size = query_block(q.shape[-2])
    blocks = causal_bias_blocks(tuple(slopes.tolist()), q.shape[-2], k.shape[-2], q.dtype, q.device, size)
    offset = k.shape[-2] - q.shape[-2]
    outputs = []
    for start, block_bias in zip(range(0, q.shape[-2], size), blocks):
        end = offset + start + block_bias.shape[-2]
        outputs.append(F.scaled_dot_product_attention(
            q[..., start:start + block_bias.shape[-2], :], k[..., :end, :], v[..., :end, :], attn_mask=block_bias))
    return outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-2)


def query_block(q_len: int) -> int:
    """Queries per block: 64, or L_q/8 for long inputs (fewer kernel calls; at most 1/8 of the masked half
    is computed, in the diagonal blocks)."""
    return max(MIN_QUERY_BLOCK, q_len // 8)


@lru_cache(maxsize=8)
def causal_bias_blocks(slopes: tuple[float, ...], q_len: int, k_len: int,
                        dtype: torch.dtype, device: torch.device, block: int) -> tuple[torch.Tensor, ...]:
    """ALiBi bias + causal mask cut into query blocks, block b of shape (1, H, <=block, keys it may see).

    4-D on purpose: torch 2.13's CPU SDPA runs its fused (flash) kernel for a 4-D mask but falls back to the
    unfused math path, several times slower, for a 3-D one.
    """
    check.fits_in_memory("ALiBi bias", (len(slopes), q_len, k_len), torch.float64)  # built in float64, then cast
    m = torch.tensor(slopes, dtype=torch.float64)[:, None, None]
    full = m * relative_positions(q_len, k_len) + causal_mask(q_len, k_len, torch.float64)
    full = full.to(device=device, dtype=dtype)
    offset = k_len - q_len
    return tuple(full[None, :, s:s + block, :offset + min(s + block, q_len)].contiguous()
                 for s in range(0, q_len, block))


def _scores_shape(q: torch.Tensor, k: torch.Tensor) -> tuple[int, ...]:
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the feature size d (last dim): q has shape {tuple(q.shape)}, "
                         f"k has shape {tuple(k.shape)}")
    try:
        batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    except RuntimeError:
        raise ValueError(f"q and k batch dimensions do not broadcast: q has shape {tuple(q.shape)}, "
                         f"k has shape {tuple(k.shape)}") from None
    return (*batch, q.shape[-2], k.shape[-2])


def _additive(name: str, term: torch.Tensor | None, shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor | None:
    if term is None:
        return None
    if not isinstance(term, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor or None, got {type(term).__name__}")
    try:
        fits = torch.broadcast_shapes(term.shape, shape) == torch.Size(shape)
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"{name} of shape {tuple(term.shape)} does not broadcast to the scores' shape {shape}")
    return term.to(dtype)


def _check_qkv(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> None:
    shapes = f"q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}"
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(f"q, k, v must be 4-D (B, H, L, d): got {shapes}")
    if not (q.shape[:2] == k.shape[:2] == v.shape[:2]):
        raise ValueError(f"q, k, v must share batch and head dims (B, H): got {shapes}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the feature size d: got {shapes}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of keys L_k: got {shapes}")
    if k.shape[-2] < q.shape[-2]:
        raise ValueError(f"there must be at least as many keys as queries (L_k >= L_q): got {shapes}")
