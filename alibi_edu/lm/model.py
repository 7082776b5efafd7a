"""A tiny decoder-only, character-level transformer with a switch for the positional method.

  alibi       no position embedding; a bias -m_h·(i - j) in every attention layer (alibi_edu.alibi_attention)
  sinusoidal  fixed sin/cos position vectors added to the token embeddings
  rope        rotary embeddings: queries and keys rotated by an angle proportional to position
  learned     a trained table of max_len position vectors (it has no row for a position past max_len)
  none        no positional information at all (only the causal mask)
"""
from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .. import _validate as check
from ..attention import alibi_attention, attention_weights
from ..bias import causal_mask, relative_positions
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
    attention_fn: Callable | None = None  # alibi only: your own attention_fn(q, k, v, slopes), see attend

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
        if self.attention_fn is not None and (not callable(self.attention_fn) or self.method != "alibi"):
            raise ValueError(f"attention_fn must be a function attention_fn(q, k, v, slopes) and needs "
                             f"method='alibi', got {type(self.attention_fn).__name__} with method={self.method!r}")
        if self.attention_fn is not None and self.bias_fn is not None:
            raise ValueError("give bias_fn or attention_fn, not both: attention_fn builds its own bias from slopes")

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


def rotate(x: torch.Tensor, base: float = 10000.0, *, start: int = 0) -> torch.Tensor:
    """Rotary embedding of x (..., L, d) at positions start..start+L-1: feature pairs (2t, 2t+1) at position p
    turn by p·base^(-2t/d)."""
    L, d = x.shape[-2:]
    freqs = base ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.arange(start, start + L, dtype=torch.float32)[:, None] * freqs  # (L, d/2)
    cos, sin = angles.cos(), angles.sin()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2)


def sinusoidal_positions(L: int, d: int, start: int = 0) -> torch.Tensor:
    """The original transformer's position vectors for positions start..start+L-1, (L, d): sin and cos at
    geometric frequencies."""
    freqs = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.arange(start, start + L, dtype=torch.float32)[:, None] * freqs
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

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None, *, cache: KVCache | None = None):
        """idx (B, L) int64 -> (logits (B, L, V), mean cross-entropy or None). With a cache, idx continues the
        characters already in it (positions len(cache)..), and their keys and values are added to it."""
        logits = transformer(self._as_stack(), [self.config], _checked(idx)[None], cache=cache)[0]
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


class KVCache:
    """The keys and values of every layer for the characters read so far, each (M, B, H, L, d_head): a next
    character attends to them without recomputing them."""

    def __init__(self):
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []

    def __len__(self) -> int:
        """How many positions are cached."""
        return self.keys[0].shape[-2] if self.keys else 0

    def extend(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Append this step's k, v (M, B, H, L_new, d) to the layer's; returns all of its keys and values."""
        if layer == len(self.keys):
            self.keys.append(k)
            self.values.append(v)
        else:
            self.keys[layer] = torch.cat([self.keys[layer], k], dim=-2)
            self.values[layer] = torch.cat([self.values[layer], v], dim=-2)
        return self.keys[layer], self.values[layer]


def transformer(w: dict[str, torch.Tensor], configs: list[ModelConfig], idx: torch.Tensor, *, maps: bool = False,
                cache: KVCache | None = None):
    """The model's math for M models of one shape (TinyLM: M = 1; StackedLM: its models), with or without a cache.

    w: {TinyLM parameter name: that parameter of every model, (M, ...)}; configs: the M models' configs (they differ
    at most in the ALiBi slopes, bias_fn or attention_fn); idx (M, B, L) -> logits (M, B, L, V), or with maps=True
    the attention weights of every layer, (n_layers, M, B, H, L, L_k), computed with the course's attention_weights.
    cache: idx continues the characters in it, from position start = len(cache); their keys and values join it.
    """
    c, (M, B, L) = configs[0], idx.shape
    start = 0 if cache is None else len(cache)
    x = w["token_embedding.weight"][torch.arange(M)[:, None, None], idx]  # (M, B, L, d)
    if c.method == "learned":
        if start + L > c.max_len:
            raise ValueError(f"position {c.max_len} (character {c.max_len + 1} of a sequence of {start + L}) is "
                             f"past the learned position table: it has max_len={c.max_len} rows, positions "
                             f"0..{c.max_len - 1}, and learned absolute positions cannot read a sequence longer "
                             f"than the one they were trained on")
        x = x + w["position_embedding.weight"][:, None, start:start + L]
    elif c.method == "sinusoidal":
        x = x + SINUSOIDAL_SCALE * sinusoidal_positions(L, c.d_model, start)
    weights = []
    for n in range(c.n_layers):
        p = f"blocks.{n}."
        h = _layer_norm(x, w, p + "ln1")
        q, k, v = _linear(h, w, p + "attn.qkv").view(M, B, L, 3, c.n_heads, -1).permute(3, 0, 1, 4, 2, 5)
        if c.method == "rope":
            q, k = rotate(q, start=start), rotate(k, start=start)  # each (M, B, H, L, d_head)
        if cache is not None:
            k, v = cache.extend(n, k, v)  # (M, B, H, start + L, d_head)
        if maps:
            bias = stack_bias(configs, L, k.shape[-2]) if c.method == "alibi" else None
            weights.append(attention_weights(q, k, bias=bias, bias_in_scale=False,
                                             mask=causal_mask(L, k.shape[-2]) if bias is None else None))
        y = attend(q, k, v, configs)
        x = x + _linear(y.transpose(2, 3).flatten(3), w, p + "attn.out")
        x = x + _linear(F.gelu(_linear(_layer_norm(x, w, p + "ln2"), w, p + "mlp.0")), w, p + "mlp.2")
    if maps:
        return torch.stack(weights)
    return _linear(_layer_norm(x, w, "ln_f"), w, "head")


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, configs: list[ModelConfig]) -> torch.Tensor:
    """Causal attention of M models, q (M, B, H, L_q, d) against k, v (M, B, H, L_k, d) -> (M, B, H, L_q, d).
    L_q <= L_k: the queries are the last L_q positions (row r at L_k - L_q + r), as with a KV cache."""
    c, L_q, L_k = configs[0], q.shape[-2], k.shape[-2]
    if c.method != "alibi":  # SDPA's is_causal aligns its mask top-left, so L_q < L_k needs the mask spelled out
        mask = None if L_q == L_k else causal_mask(L_q, L_k, dtype=q.dtype)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None)
    if any(cf.attention_fn is not None for cf in configs):  # the student's layer, model by model
        return torch.stack([student_attention(cf, q[i], k[i], v[i]) if cf.attention_fn is not None else
                            attend(q[i:i + 1], k[i:i + 1], v[i:i + 1], [cf])[0] for i, cf in enumerate(configs)])
    if len(configs) == 1 and c.bias_fn is None:  # the library's: query blocks against only their past keys
        return alibi_attention(q[0], k[0], v[0], slopes=alibi_slopes(c))[None]
    bias = stack_bias(configs, L_q, L_k)  # (M, 1, H, L_q, L_k): -m·(i - j), -inf where j > i
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)  # softmax(q·kᵀ/√d + bias)·v


def stack_bias(configs: list[ModelConfig], L_q: int, L_k: int | None = None) -> torch.Tensor:
    """Each model's ALiBi bias + causal mask (its bias_fn's if it has one), (M, 1, H, L_q, L_k), for queries at
    the last L_q of L_k positions: built in float64 from the course's relative_positions and causal_mask."""
    L_k = L_q if L_k is None else L_k
    j_minus_i = relative_positions(L_q, L_k).double()  # query row r at i = L_k - L_q + r, key j
    mask = causal_mask(L_q, L_k, dtype=torch.float64)  # -inf where j > i
    bias = torch.stack([own_bias(c, L_k)[:, L_k - L_q:].double() if c.bias_fn is not None else
                        alibi_slopes(c)[:, None, None] * j_minus_i + mask for c in configs])  # m·(j - i) = -m·(i - j)
    return bias[:, None].float()


def student_attention(config: ModelConfig, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """config.attention_fn(q, k, v, slopes) for q (B, H, L_q, d), k, v (B, H, L_k, d), slopes (H,) float32,
    checked: a finite (B, H, L_q, d) tensor."""
    got = config.attention_fn(q, k, v, alibi_slopes(config).to(q.dtype))
    if not isinstance(got, torch.Tensor) or got.shape != q.shape:
        raise ValueError(f"attention_fn(q, k, v, slopes) with q {tuple(q.shape)}, k {tuple(k.shape)} must return "
                         f"a tensor of shape {tuple(q.shape)} (B, H, L_q, d), got "
                         f"{tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}")
    if not torch.isfinite(got).all():
        raise ValueError(f"attention_fn(q, k, v, slopes) with q {tuple(q.shape)}, k {tuple(k.shape)} returned NaN "
                         f"or inf: is a row masked everywhere, or the mask added after the softmax?")
    return got


def attention_source() -> str:
    """The model's lines where ALiBi enters (slopes -> bias and mask, with the KV-cache offset -> scores ->
    softmax -> values): alibi_slopes, stack_bias and attend, read from this module's source, docstrings left out."""
    return "\n".join(_without_docstring(f) for f in (alibi_slopes, stack_bias, attend))


def _without_docstring(function) -> str:
    lines = inspect.getsource(function).splitlines()
    body = ast.parse(textwrap.dedent("\n".join(lines))).body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        first, last = body[0].lineno - 1, body[0].end_lineno  # the docstring's lines, 0-based, end exclusive
        lines = lines[:first] + lines[last:]
    return "\n".join(lines) + "\n"


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
