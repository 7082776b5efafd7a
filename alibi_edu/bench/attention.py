"""What ALiBi costs: time and bias memory of causal attention with and without it, on this machine.

Variants, all causal, batch B, H heads, head size d, fp32:
  plain            SDPA with is_causal=True — no ALiBi, the fused kernel skips the masked half
  alibi_attention  alibi_edu's fast path: query blocks against only their past keys, bias blocks cached
  sdpa_mask        SDPA with a dense (1, H, L, L) ALiBi + causal mask, built once and cached
  unfused_cached   q·kᵀ/√d + bias + mask, softmax, ·v with the (H, L, L) bias built once
  unfused_rebuilt  the same with the bias materialized on every call
Timings interleave the variants round by round (shuffled) and take medians (the machine may be shared).
With several threads, a 1-thread ratio line is printed too: many small kernel calls suffer most from contention.
The last line printed is: alibi_ms=<median> plain_ms=<median> ratio=<alibi/plain> at L=1024, H=8, d=64, B=1.
Set ALIBI_BENCH_FLEX=1 to add compiled FlexAttention (its compile takes about a minute on a small CPU).
"""
from __future__ import annotations

import math
import os
import random
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from .. import alibi_attention, alibi_bias, causal_mask, geometric_slopes
from ..attention import causal_bias_blocks, query_block
from ..forms import alibi_score_mod, causal_mask_mod
from ..threads import one_thread

LENGTHS = (256, 512, 1024, 2048)
HEADS, HEAD_DIM, RATIO_LENGTH = 8, 64, 1024
FULL_BIAS_LENGTHS = (8192, 32768)


def qkv(num_heads: int, seq_len: int, head_dim: int, batch: int = 1, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Random q, k, v, each (B, H, L, d) fp32."""
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(batch, num_heads, seq_len, head_dim, generator=g) for _ in range(3))


def variants(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
             dense: torch.Tensor | None = None) -> dict[str, Callable[[], torch.Tensor]]:
    """name -> a no-argument call computing causal attention of q, k, v that way (caches built here, not timed).

    dense: the cached (1, H, L, L) ALiBi + causal mask, built here unless given.
    """
    H, L = q.shape[1], q.shape[2]
    dense = _dense_alibi(H, L) if dense is None else dense

    def unfused(bias: torch.Tensor) -> torch.Tensor:
        return torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]) + bias, dim=-1) @ v

    return {
        "plain": lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True),
        "alibi_attention": lambda: alibi_attention(q, k, v),
        "sdpa_mask": lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=dense),
        "unfused_cached": lambda: unfused(dense),
        "unfused_rebuilt": lambda: unfused(_dense_alibi(H, L)),
    }


def bias_bytes(num_heads: int, seq_len: int, dense: torch.Tensor | None = None) -> dict[str, int]:
    """Bytes of ALiBi bias each variant holds between calls (rebuilt: allocates per call), from the tensors."""
    slopes = tuple(geometric_slopes(num_heads, torch.float64).tolist())
    blocks = causal_bias_blocks(slopes, seq_len, seq_len, torch.float32, torch.device("cpu"),
                                 query_block(seq_len))
    dense = _dense_alibi(num_heads, seq_len) if dense is None else dense
    dense_bytes = dense.numel() * dense.element_size()
    return {"plain": 0, "alibi_attention": sum(b.numel() * b.element_size() for b in blocks),
            "sdpa_mask": dense_bytes, "unfused_cached": dense_bytes, "unfused_rebuilt": dense_bytes}


def full_bias_bytes(num_heads: int, seq_len: int) -> int:
    """What a full (H, L, L) fp32 bias would take — computed, never allocated."""
    return num_heads * seq_len * seq_len * torch.finfo(torch.float32).bits // 8


def median_ms(calls: dict[str, Callable[[], object]], repeats: int, warmup: int = 1) -> dict[str, float]:
    """Median wall time in ms of each call, the calls interleaved round by round in a shuffled order
    (a call runs slower right after a big one that evicted its data: no variant should always follow the same one)."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    order, rng = list(calls), random.Random(0)
    for _ in range(repeats):
        rng.shuffle(order)
        for name in order:
            call = calls[name]
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: statistics.median(t) for name, t in times.items()}


def cost_table(lengths: tuple[int, ...] = LENGTHS, num_heads: int = HEADS, head_dim: int = HEAD_DIM,
               repeats: int = 5, names: tuple[str, ...] | None = None) -> list[dict]:
    """One row per L: {"L": L, "<variant>_ms": median, "<variant>_bytes": bias bytes}."""
    rows = []
    for seq_len in lengths:
        dense = _dense_alibi(num_heads, seq_len)
        calls = variants(*qkv(num_heads, seq_len, head_dim), dense=dense)
        calls = {n: c for n, c in calls.items() if names is None or n in names}
        times, memory = median_ms(calls, repeats), bias_bytes(num_heads, seq_len, dense)
        rows.append({"L": seq_len, **{f"{n}_ms": t for n, t in times.items()},
                     **{f"{n}_bytes": memory[n] for n in calls}})
    return rows


def ratio_line(seq_len: int = RATIO_LENGTH, num_heads: int = HEADS, head_dim: int = HEAD_DIM,
               repeats: int = 31) -> str:
    """alibi_edu.alibi_attention against SDPA is_causal, interleaved: 'alibi_ms=… plain_ms=… ratio=…'."""
    q, k, v = qkv(num_heads, seq_len, head_dim)
    times = median_ms({"alibi": lambda: alibi_attention(q, k, v),
                       "plain": lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True)}, repeats, warmup=3)
    return f"alibi_ms={times['alibi']:.2f} plain_ms={times['plain']:.2f} ratio={times['alibi'] / times['plain']:.3f}"


def format_table(rows: list[dict]) -> str:
    names = [key[:-3] for key in rows[0] if key.endswith("_ms")]
    lines = [f"{'L':>6} " + " ".join(f"{n:>16}" for n in names) + "   (median ms; ×plain)"]
    for row in rows:
        cells = [f"{row[f'{n}_ms']:8.1f} ×{row[f'{n}_ms'] / row['plain_ms']:5.2f}" for n in names]
        lines.append(f"{row['L']:>6} " + " ".join(f"{c:>16}" for c in cells))
    lines.append(f"{'L':>6} " + " ".join(f"{n:>16}" for n in names) + "   (bias memory, MiB)")
    for row in rows:
        lines.append(f"{row['L']:>6} " + " ".join(f"{row[f'{n}_bytes'] / 2**20:16.1f}" for n in names))
    return "\n".join(lines)


def flex_ms(seq_len: int = RATIO_LENGTH, num_heads: int = HEADS, head_dim: int = HEAD_DIM,
            repeats: int = 11) -> tuple[float, float]:
    """(compile seconds, median ms) of torch.compile'd FlexAttention with the ALiBi score_mod."""
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    q, k, v = qkv(num_heads, seq_len, head_dim)
    block_mask = create_block_mask(causal_mask_mod(), None, None, seq_len, seq_len, device="cpu")
    score_mod, compiled = alibi_score_mod(geometric_slopes(num_heads)), torch.compile(flex_attention)
    start = time.perf_counter()
    compiled(q, k, v, score_mod=score_mod, block_mask=block_mask)
    compile_s = time.perf_counter() - start
    return compile_s, median_ms({"flex": lambda: compiled(q, k, v, score_mod=score_mod, block_mask=block_mask)},
                                repeats)["flex"]


def main() -> None:
    print(f"attention cost: causal, B=1, H={HEADS}, d={HEAD_DIM}, fp32, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print(format_table(cost_table(LENGTHS, HEADS, HEAD_DIM)))
    for seq_len in FULL_BIAS_LENGTHS:
        print(f"a full (H={HEADS}, L, L) fp32 bias at L={seq_len}: {full_bias_bytes(HEADS, seq_len) / 2**30:.2f} GiB")
    if os.environ.get("ALIBI_BENCH_FLEX") == "1":
        compile_s, ms = flex_ms()
        print(f"compiled FlexAttention at L={RATIO_LENGTH}: {ms:.1f} ms (compile {compile_s:.0f} s)")
    if torch.get_num_threads() > 1:  # many small kernel calls suffer most when other programs compete for the cores
        with one_thread():
            print(f"with 1 thread: {ratio_line(RATIO_LENGTH, HEADS, HEAD_DIM)}")
    print(ratio_line(RATIO_LENGTH, HEADS, HEAD_DIM))


def _dense_alibi(num_heads: int, seq_len: int) -> torch.Tensor:
    """ALiBi bias + causal mask as one (1, H, L, L) fp32 tensor (4-D: CPU SDPA's fused kernel wants that)."""
    return (alibi_bias(num_heads, seq_len) + causal_mask(seq_len))[None]
