"""Losses that give a trained model's loss its scale, scored on the same characters as lm.evaluate.

  uniform    ln V: a guess with no information
  unigram    how often each character occurs (counted on train, add-one smoothed)
  bigram     each character given the one before it (pairs counted inside train's stretches, add-one smoothed)
  rule       for a synthetic task only: its own generating rule, seeing all it needs (a floor no model passes)
             and seeing only the window (a loss a model can reach); the best possible lies between
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn

from .data import Corpus, as_rows
from .training import Table, eval_plan, evaluate

FLOOR = "task's rule, all k seen (floor)"
WINDOW_RULE = "task's rule, window only"


class CountLM(nn.Module):
    """A model whose logits are log-probabilities counted on training text: order 0 (unigram) or 1 (bigram).
    idx (B, L) -> (logits (B, L, V), None), so lm.evaluate scores it like any TinyLM."""

    def __init__(self, train: torch.Tensor, vocab_size: int, order: int):
        super().__init__()
        if order not in (0, 1):
            raise ValueError(f"order must be 0 (unigram) or 1 (bigram), got {order!r}")
        rows, V = as_rows(train), vocab_size
        if order == 0:
            counts = torch.bincount(rows.flatten(), minlength=V).double()[None]  # (1, V)
        else:
            pairs = rows[:, :-1] * V + rows[:, 1:]  # consecutive pairs inside a stretch only
            counts = torch.bincount(pairs.flatten(), minlength=V * V).double().view(V, V)
        self.order = order
        self.register_buffer("logp", (counts + 1).log() - (counts + 1).sum(-1, keepdim=True).log())

    def forward(self, idx: torch.Tensor, targets=None):
        table = self.logp[0].expand(*idx.shape, -1) if self.order == 0 else self.logp[idx]
        return table.float(), None


def echo_best_loss(data: torch.Tensor, k: int, p_fresh: float, vocab_size: int, seq_len: int,
                   window_only: bool = False, **window_options) -> float:
    """The echo task's generating rule as a predictor, scored on the characters lm.evaluate scores: target x_p gets
    P = (1 − p_fresh)·(how many of the k symbols before it equal x_p)/k + p_fresh/V.

    window_only=False: the rule sees all k symbols before every target, so no model can do better (a floor).
    window_only=True: the rule sees only the symbols inside the evaluation window, as a model does; a copy from
    before the window is an unknown symbol, counted as 1/V. A model can reach this, so the best possible loss on
    these windows lies between the two."""
    rows, ends, step = eval_plan(data, seq_len, **window_options)
    data = as_rows(data)
    back = torch.arange(step)
    positions = ends[:, None] - back  # (windows, step) scored positions
    if positions.min() < k:
        raise ValueError(f"the first scored position {positions.min().item()} has fewer than k={k} symbols before it")
    target = data[rows[:, None], positions]
    d = torch.arange(1, k + 1)[:, None, None]                                 # (k, 1, 1) steps back
    seen = d <= seq_len - back if window_only else torch.ones(k, 1, 1, dtype=torch.bool)  # inside the window
    before = data[rows[:, None], positions - d]                               # (k, windows, step)
    match = torch.where(seen, (before == target).double(), 1.0 / vocab_size)
    p = (1 - p_fresh) * match.mean(0) + p_fresh / vocab_size
    return -p.log().mean().item()


def baseline_losses(corpus: Corpus, seq_len: int, split: str = "val", **window_options) -> dict[str, float]:
    """{name: loss in nats} of the baselines on the characters lm.evaluate(model, corpus.<split>, seq_len,
    **window_options) scores."""
    data = corpus.split(split)
    losses = {"uniform guess (ln V)": math.log(corpus.vocab_size)}
    for order, name in ((0, "unigram (counted on train)"), (1, "bigram (counted on train)")):
        losses[name] = evaluate(CountLM(corpus.train, corpus.vocab_size, order), data, seq_len, **window_options)
    if corpus.rule is not None:
        rule = corpus.rule["k"], corpus.rule["p_fresh"], corpus.vocab_size, seq_len
        losses[FLOOR] = echo_best_loss(data, *rule, **window_options)
        losses[WINDOW_RULE] = echo_best_loss(data, *rule, window_only=True, **window_options)
    return losses


def baselines(corpus: Corpus, seq_len: int, split: str = "val", **window_options) -> Table:
    """baseline_losses as a table with perplexities."""
    return Table({"baseline": name, "loss (nats/char)": loss, "perplexity": math.exp(loss)}
                 for name, loss in baseline_losses(corpus, seq_len, split, **window_options).items())
