"""The problem ALiBi solves, in seconds: notebook 01's opening. A preview; notebook 05 measures it properly.

Tiny models that differ only in how they know positions (a learned table, sinusoidal vectors, ALiBi) are trained on
the same seeds at a short L_train, then read at several times that length:

    run = preview()            # about 9 s of one CPU core
    run.error                  # what the learned table says at position L_train (it has rows 0 .. L_train - 1)
    run.rise("sinusoidal")     # loss at the longest length minus loss at L_train, seed by seed (alibi_edu.paired)
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from ..paired import Paired, paired
from ..threads import one_thread
from .data import Corpus, load_corpus
from .model import ModelConfig, TinyLM
from .sweep import length_runs, seed_sweep
from .training import TrainConfig, quick_mode

METHODS = ("learned", "sinusoidal", "alibi")
MODEL = dict(d_model=32, n_heads=4, n_layers=2)


@dataclass
class Preview:
    """Losses runs[method][L] (seeds,) of each method at each evaluation length; what the learned table raised."""
    train_len: int
    lengths: list[int]
    seeds: list[int]
    runs: dict[str, dict[int, torch.Tensor]]
    error: str
    seconds: float
    quick: bool = False        # ALIBI_EDU_QUICK=1: a few steps that check the page works; the numbers mean nothing

    def rise(self, method: str, length: int | None = None) -> Paired:
        """Loss at `length` (default the longest) minus loss at L_train, seed by seed."""
        length = self.lengths[-1] if length is None else length
        if method not in self.runs or length not in self.runs[method]:
            raise ValueError(f"no {method!r} loss at L={length}: methods {list(self.runs)}, lengths {self.lengths} "
                             f"(the learned table has only L_train={self.train_len})")
        return paired(self.runs[method][length], self.runs[method][self.train_len],
                      names=(f"{method} at {length}", f"at L_train = {self.train_len}"))

    def rise_against(self, method: str, other: str, length: int | None = None) -> Paired:
        """method's rise minus other's rise, seed by seed: negative when method rises less."""
        a, b = self.rise(method, length), self.rise(other, length)
        return paired(a.diffs, b.diffs, names=(f"{method}'s rise", f"{other}'s"))

    def means(self) -> dict[str, dict[int, float]]:
        """{method: {L: mean loss over seeds}}, for tables and figures."""
        return {name: {L: v.mean().item() for L, v in curve.items()} for name, curve in self.runs.items()}

    def table(self) -> str:
        """The mean loss of each method at each length, one row per method; '—' where it cannot run."""
        head = f"{'':>11}" + "".join(f"{'L = ' + str(L):>10}" for L in self.lengths)
        rows = [f"{name:>11}" + "".join(f"{curve[L].mean():>10.3f}" if L in curve else f"{'—':>10}"
                                         for L in self.lengths) for name, curve in self.runs.items()]
        return "\n".join([head, *rows])


def preview(corpus: Corpus | None = None, *, train_len: int = 32, times: tuple[int, ...] = (4, 16),
            seeds: tuple[int, ...] = (0, 1, 2), steps: int = 80, n_tokens: int = 2048) -> Preview:
    """Train each of METHODS once per seed at L_train = train_len; evaluate at train_len and at train_len × times
    on the same n_tokens validation characters; try the learned model on train_len + 1 characters.
    In quick mode (ALIBI_EDU_QUICK=1, as the grader runs notebook 01) 4 steps, 2 seeds, 512 characters."""
    start, quick = time.perf_counter(), quick_mode()
    if quick:
        steps, seeds, n_tokens = 4, seeds[:2], 512
    corpus = corpus or load_corpus()
    lengths = [train_len, *(train_len * t for t in times)]
    config = TrainConfig(steps=steps, batch_size=16, seq_len=train_len)
    with one_thread():
        sweep = seed_sweep(corpus, {name: dict(method=name) for name in METHODS}, seeds=seeds, config=config,
                           n_tokens=n_tokens, progress=False, **MODEL)
        runs = length_runs(sweep, list(METHODS), corpus.val, lengths, n_tokens=n_tokens)
        error = learned_error(sweep.models["learned"][0], corpus, train_len + 1)
    return Preview(train_len, lengths, list(seeds), runs, error, time.perf_counter() - start, quick)


def learned_error(model: TinyLM, corpus: Corpus, length: int) -> str:
    """What a learned-position model says when asked to read `length` characters ('' if it can)."""
    try:
        model(corpus.val[:1, :length])
    except ValueError as err:
        return str(err)
    return ""


def learned_model(corpus: Corpus, train_len: int) -> TinyLM:
    """An untrained learned-position model with a table of train_len rows (its error needs no training)."""
    return TinyLM(ModelConfig(corpus.vocab_size, "learned", max_len=train_len, **MODEL))
