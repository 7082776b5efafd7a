"""Your bias in the model: train one small TinyLM with your bias function and one with the library's ALiBi.

Both are trained side by side in one stack, from the same seed: the same initial weights and the same batches. If
your function is ALiBi (up to a constant per row, which softmax ignores), the two loss curves agree to float
tolerance; if not, they part.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import torch

from ..threads import one_thread
from .batched import train_stacked
from .data import load_corpus
from .model import ModelConfig, own_bias
from .training import TrainConfig

TRIAL_MODEL = dict(d_model=32, n_layers=1, n_heads=4)
TRIAL_TRAIN = TrainConfig(steps=60, batch_size=16, seq_len=32, lr=1e-2, seed=0)


def bias_trial(bias_fn: Callable[[int, int], torch.Tensor], *, seed: int = 0) -> dict[str, Any]:
    """Train TinyLM(bias_fn) and TinyLM(library ALiBi), same seed; {"bias_fn", "own", "library", "n_heads", "seq_len",
    "seconds"} with "own" and "library" the training loss at every step (steps,).

    bias_fn(n_heads, L) returns the (n_heads, L, L) bias plus causal mask, in the paper's placement (after 1/√d).
    """
    if not callable(bias_fn):
        raise TypeError(f"bias_fn must be a function bias_fn(n_heads, L), got {type(bias_fn).__name__}")
    corpus, train = load_corpus(), dataclasses.replace(TRIAL_TRAIN, seed=seed)
    own = ModelConfig(corpus.vocab_size, "alibi", max_len=train.seq_len, bias_fn=bias_fn, **TRIAL_MODEL)
    library = ModelConfig(corpus.vocab_size, "alibi", max_len=train.seq_len, **TRIAL_MODEL)
    own_bias(own, train.seq_len)                  # a bad return value fails here, with its reason, before training
    start = time.perf_counter()
    with one_thread():
        _, losses = train_stacked(corpus.train, [own, library], [seed, seed], train)
    return {"bias_fn": bias_fn, "own": losses[:, 0].double(), "library": losses[:, 1].double(),
            "n_heads": own.n_heads, "seq_len": train.seq_len, "seconds": time.perf_counter() - start}
