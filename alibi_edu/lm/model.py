"""A tiny decoder-only, character-level transformer with a switch for the positional method.

  alibi       no position embedding; a bias -m_h·(i - j) in every attention layer (alibi_edu.alibi_attention)
  sinusoidal  fixed sin/cos position vectors added to the token embeddings
  rope        rotary embeddings: queries and keys rotated by an angle proportional to position
  learned     a trained table of max_len position vectors (it has no row for a position past max_len)
  none        no positional information at all (only the causal mask)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .. import _validate as check
from ..attention import alibi_attention, attention_weights
from ..bias import alibi_bias, causal_mask
from ..slopes import geometric_slopes

METHODS = ("alibi", "sinusoidal", "rope", "learned", "none")
SINUSOIDAL_SCALE = 0.1


@dataclass(frozen=True)
class ModelConfig:
    """Sizes and positional method. For alibi: beta (the book's β, one value shared by every head,
    slope m = β/√d_head) or, when beta is None, the geometric slopes times slope_scale."""
    vocab_size: int
    method: str = "alibi"
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    max_len: int = 64
    beta: float | None = None
    slope_scale: float = 1.0
    bias_fn: Callable[[int, int], torch.Tensor] | None = None  # alibi only: your own bias_fn(n_heads, L), see own_bias

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {list(METHODS)}, got {self.method!r}")
        for name in ("vocab_size", "d_model", "n_layers", "n_heads", "max_len"):
            check.positive_int(name, getattr(self, name))
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError(f"d_model={self.d_model} must split into n_heads={self.n_heads} heads of even size")
        if self.beta is not None and check.finite_float("beta", self.beta) < 0:
            raise ValueError(f"beta must be >= 0 (a penalty on distance), got {self.beta}")
        if check.finite_float("slope_scale", self.slope_scale) < 0:
            raise ValueError(f"slope_scale must be >= 0, got {self.slope_scale}")
        if self.bias_fn is not None and (not callable(self.bias_fn) or self.method != "alibi"):
            raise ValueError(f"bias_fn must be a function bias_fn(n_heads, L) and needs method='alibi', got "
                             f"{type(self.bias_fn).__name__} with method={self.method!r}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


def alibi_slopes(config: ModelConfig) -> torch.Tensor:
    """Per-head slopes (n_heads,): β/√d_head for every head if config.beta is set, else geometric × slope_scale."""
    if config.beta is not None:
        return torch.full((config.n_heads,), config.beta / math.sqrt(config.d_head), dtype=torch.float64)
    return geometric_slopes(config.n_heads, torch.float64) * config.slope_scale


def own_bias(config: ModelConfig, L: int) -> torch.Tensor:
    """config.bias_fn(n_heads, L), checked: a float (n_heads, L, L) tensor, the bias plus causal mask that replaces
    the library's, added after the 1/√d scaling (paper's placement). -inf allowed, NaN and +inf not."""
    H = config.n_heads
    got = config.bias_fn(H, L)
    got = torch.as_tensor(got) if not isinstance(got, torch.Tensor) else got
    if tuple(got.shape) != (H, L, L) or not got.is_floating_point():
        raise ValueError(f"bias_fn({H}, {L}) must return a float tensor of shape ({H}, {L}, {L}), got "
                         f"{got.dtype} of shape {tuple(got.shape)}")
    if torch.isnan(got).any() or (got == math.inf).any():
        raise ValueError(f"bias_fn({H}, {L}) returned NaN or +inf; only masked entries may be -inf")
    return got.detach().to(torch.float32)


class CausalSelfAttention(nn.Module):
    """The weights of one attention layer; the math is in `transformer`."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)


def rotate(x: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotary embedding of x (..., L, d): feature pairs (2t, 2t+1) at position p turn by p·base^(-2t/d)."""
    L, d = x.shape[-2:]
    freqs = base ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.arange(L, dtype=torch.float32)[:, None] * freqs  # (L, d/2)
    cos, sin = angles.cos(), angles.sin()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2)


def sinusoidal_positions(L: int, d: int) -> torch.Tensor:
    """The original transformer's position vectors, (L, d): sin and cos at geometric frequencies."""
    freqs = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.arange(L, dtype=torch.float32)[:, None] * freqs
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2)


class Block(nn.Module):
    """The weights of one transformer block; the math is in `transformer`."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(config.d_model), nn.LayerNorm(config.d_model)
        self.attn = CausalSelfAttention(config)
        self.mlp = nn.Sequential(nn.Linear(config.d_model, 4 * config.d_model), nn.GELU(),
                                 nn.Linear(4 * config.d_model, config.d_model))


class TinyLM(nn.Module):
    """Characters (B, L) -> next-character logits (B, L, vocab_size)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.ln_f = nn.LayerNorm(config.d_model)
        self.head = nn.Linear(config.d_model, config.vocab_size)
        self.apply(_init_weights)
        if config.method == "learned":  # last, from its own stream: the weights every method has stay the same
            self.position_embedding = nn.Embedding(config.max_len, config.d_model, _weight=_own_normal(
                (config.max_len, config.d_model)))

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """idx (B, L) int64 -> (logits (B, L, V), mean cross-entropy or None)."""
        logits = transformer(self._as_stack(), [self.config], _checked(idx)[None])[0]
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())

    @torch.no_grad()
    def attention_maps(self, idx: torch.Tensor) -> torch.Tensor:
        """Attention weights of every layer and head for idx (B, L): (n_layers, B, H, L, L)."""
        return transformer(self._as_stack(), [self.config], _checked(idx)[None], maps=True)[:, 0]

    def _as_stack(self) -> dict[str, torch.Tensor]:
        """The parameters as a stack of one model, {name: (1, ...)}: views, so gradients reach the parameters."""
        return {name: p[None] for name, p in self.named_parameters()}

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def transformer(w: dict[str, torch.Tensor], configs: list[ModelConfig], idx: torch.Tensor, *, maps: bool = False):
    """The model's math for M models of one shape (TinyLM: M = 1; StackedLM: its models).

    w: {TinyLM parameter name: that parameter of every model, (M, ...)}; configs: the M models' configs (they differ
    at most in the ALiBi slopes or bias_fn); idx (M, B, L) -> logits (M, B, L, V), or with maps=True the attention
    weights of every layer, (n_layers, M, B, H, L, L), computed with the course's attention_weights.
    """
    c, (M, B, L) = configs[0], idx.shape
    x = w["token_embedding.weight"][torch.arange(M)[:, None, None], idx]  # (M, B, L, d)
    if c.method == "learned":
        if L > c.max_len:
            raise ValueError(f"sequence length L={L} is past the learned position table (max_len={c.max_len} rows, "
                             f"positions 0..{c.max_len - 1}): learned absolute positions cannot run on longer "
                             f"sequences than they were trained for")
        x = x + w["position_embedding.weight"][:, None, :L]
    elif c.method == "sinusoidal":
        x = x + SINUSOIDAL_SCALE * sinusoidal_positions(L, c.d_model)
    # one model with the library's ALiBi: the course's alibi_attention (cached bias blocks, so long L fits in memory)
    library_alibi = c.method == "alibi" and M == 1 and c.bias_fn is None and not maps
    bias = stack_bias(configs, L) if c.method == "alibi" and not library_alibi else None
    weights = []
    for n in range(c.n_layers):
        p = f"blocks.{n}."
        h = _layer_norm(x, w, p + "ln1")
        q, k, v = _linear(h, w, p + "attn.qkv").view(M, B, L, 3, c.n_heads, -1).permute(3, 0, 1, 4, 2, 5)
        if c.method == "rope":
            q, k = rotate(q), rotate(k)  # each (M, B, H, L, d_head)
        if maps:
            weights.append(attention_weights(q, k, bias=bias, mask=None if bias is not None else causal_mask(L),
                                             bias_in_scale=False))
        if library_alibi:
            y = alibi_attention(q[0], k[0], v[0], slopes=alibi_slopes(c))[None]
        elif bias is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        x = x + _linear(y.transpose(2, 3).flatten(3), w, p + "attn.out")
        x = x + _linear(F.gelu(_linear(_layer_norm(x, w, p + "ln2"), w, p + "mlp.0")), w, p + "mlp.2")
    if maps:
        return torch.stack(weights)
    return _linear(_layer_norm(x, w, "ln_f"), w, "head")


def stack_bias(configs: list[ModelConfig], L: int) -> torch.Tensor:
    """Each model's ALiBi bias + causal mask (its bias_fn's if it has one), (M, 1, H, L, L), from the course's
    alibi_bias and causal_mask, built in float64."""
    mask = causal_mask(L, dtype=torch.float64)
    bias = torch.stack([own_bias(c, L).double() if c.bias_fn is not None else
                        alibi_bias(c.n_heads, L, slopes=alibi_slopes(c), dtype=torch.float64) + mask for c in configs])
    return bias[:, None].float()


def _linear(x: torch.Tensor, w: dict[str, torch.Tensor], name: str) -> torch.Tensor:
    """x (M, ..., in) times each model's own nn.Linear weight (M, out, in) plus bias (M, out)."""
    M, shape = x.shape[0], x.shape[1:-1]
    y = torch.baddbmm(w[name + ".bias"][:, None], x.reshape(M, -1, x.shape[-1]), w[name + ".weight"].transpose(1, 2))
    return y.view(M, *shape, -1)


def _layer_norm(x: torch.Tensor, w: dict[str, torch.Tensor], name: str) -> torch.Tensor:
    """x (M, B, L, d) through each model's own LayerNorm."""
    y = F.layer_norm(x, x.shape[-1:])
    return y * w[name + ".weight"][:, None, None] + w[name + ".bias"][:, None, None]


def _checked(idx: torch.Tensor) -> torch.Tensor:
    if not isinstance(idx, torch.Tensor) or idx.ndim != 2 or idx.dtype != torch.long:
        raise TypeError(f"idx must be an int64 tensor of shape (B, L), got {getattr(idx, 'dtype', type(idx))} "
                        f"{tuple(getattr(idx, 'shape', ()))}")
    return idx


def _own_normal(shape: tuple[int, ...]) -> torch.Tensor:
    """N(0, 0.02²) entries from a copy of the global random stream, which it leaves where it was."""
    generator = torch.Generator().set_state(torch.get_rng_state())
    return torch.randn(shape, generator=generator) * 0.02


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
