"""What the KV cache saves: the time to generate characters with and without it, on this machine.

A TinyLM of the course's size (d_model=64, 2 layers, 4 heads, a 96-character vocabulary; untrained: the time does not
depend on the weights) generates N_NEW characters after a 16-character prompt with lm.generate, once with the cache
(each step reads one character against the cached keys and values) and once without (each step reads the whole
sequence again), on one thread (tiny kernels on two threads mostly wait for each other when the machine is shared).
Each is timed REPEATS times (default once: the uncached run is the slow one), interleaved, median taken.
The last line printed is: cached_ms=<median> uncached_ms=<median> speedup=<uncached/cached> for alibi at N_NEW.
"""
from __future__ import annotations

import statistics
import time

import torch

from .. import lm
from ..threads import one_thread

N_NEW = 1024
METHODS = ("alibi", "rope", "sinusoidal")
REPEATS = 1
SIZES = dict(vocab_size=96, d_model=64, n_layers=2, n_heads=4)


def model(method: str) -> lm.TinyLM:
    torch.manual_seed(0)
    return lm.TinyLM(lm.ModelConfig(method=method, **SIZES)).eval()


def generation_ms(method: str, n_new: int, repeats: int) -> dict[str, float]:
    """{'cached': median ms, 'uncached': median ms} to generate n_new characters with `method`."""
    net, prompt = model(method), torch.randint(SIZES["vocab_size"], (1, 16), generator=torch.Generator().manual_seed(0))
    times: dict[str, list[float]] = {"cached": [], "uncached": []}
    for _ in range(repeats):
        for name in times:
            start = time.perf_counter()
            lm.generate(net, prompt, n_new, seed=0, cache=name == "cached")
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: statistics.median(t) for name, t in times.items()}


def main(n_new: int | None = None, repeats: int | None = None) -> None:
    n_new, repeats = n_new or N_NEW, repeats or REPEATS
    print(f"generation of {n_new} characters after a 16-character prompt: TinyLM {SIZES}, torch {torch.__version__}, "
          f"1 thread, median of {repeats}")
    print(f"{'method':>10} {'cached ms':>10} {'uncached ms':>12} {'speed-up':>9}")
    with one_thread():
        rows = {method: generation_ms(method, n_new, repeats) for method in METHODS}
    for method, ms in rows.items():
        print(f"{method:>10} {ms['cached']:>10.1f} {ms['uncached']:>12.1f} {ms['uncached'] / ms['cached']:>8.1f}x")
    ms = rows["alibi"]
    print(f"cached_ms={ms['cached']:.1f} uncached_ms={ms['uncached']:.1f} speedup={ms['uncached'] / ms['cached']:.2f}")
