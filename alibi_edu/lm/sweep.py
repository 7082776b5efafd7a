"""Sweeps as a careful practitioner runs them: every setting trained with several seeds, mean and spread reported.

The models of a sweep train side by side as stacked models (alibi_edu.lm.batched), several per stack.
"""
from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm

from ..paired import Runs
from .batched import stack_shape, train_stacked
from .data import Corpus, require_length
from .model import ModelConfig, TinyLM
from .training import Table, TrainConfig, evaluate, length_curve, same_text

STACK = 12  # models per stack: about the fastest size measured for d = 32 on two CPU threads
LOSS_COLUMNS = {"val mean": ".3f", "± spread": ".3f"}   # losses to 3 decimals, as the seeds column


@dataclass
class Sweep(Runs):
    """Validation losses val[s, r] of setting s (in `labels` order) and seed seeds[r] (the statistics of
    alibi_edu.paired.Runs), and what produced them."""
    losses: torch.Tensor = field(repr=False)  # training loss (steps, settings, seeds)
    models: dict[str, list[TinyLM]] = field(repr=False)
    seconds: float = 0.0

    def table(self) -> Table:
        rows, best = Table(formats=LOSS_COLUMNS), self.best
        for label in self.labels:
            vs = self.compare(label, best)
            rows.append({"setting": label, "val mean": self.mean(label), "± spread": self.spread(label),
                         "seeds": " ".join(f"{v:.3f}" for v in self.runs(label).tolist()),
                         "paired Δ vs best": "" if label == best else f"{vs.mean:+.3f} ± {vs.se:.3f}",
                         "seeds higher": "" if label == best else f"{vs.higher} of {vs.n}",
                         "": "best" if label == best else ("tied" if not vs.distinguishable else "")})
        return rows

    def merged(self, other: Sweep) -> Sweep:
        """This sweep and another on the same task and seeds (e.g. a refinement), as one."""
        if other.seeds != self.seeds:
            raise ValueError(f"merging needs the same seeds, got {self.seeds} and {other.seeds}")
        return Sweep(self.labels + other.labels, self.seeds, torch.cat([self.val, other.val]),
                     torch.cat([self.losses, other.losses], dim=1), {**self.models, **other.models},
                     self.seconds + other.seconds)


def seed_sweep(corpus: Corpus, settings: dict[str, dict], *, seeds=(0, 1, 2), config: TrainConfig | None = None,
               n_tokens: int = 8192, progress: bool = True, **model_options) -> Sweep:
    """Train every setting ({label: model options}) once per seed; validation loss of each on n_tokens characters."""
    if not settings:
        raise ValueError("settings must name at least one model to train, got an empty dict")
    seeds = [int(s) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct integers, at least one, got {seeds}")
    config = config or TrainConfig()
    require_length(corpus.train, config.seq_len, "the training split")
    jobs = [(label, seed, model_config(corpus, config, {**model_options, **options}))
            for label, options in settings.items() for seed in seeds]
    start, val, losses, models = time.perf_counter(), [], [], []
    with tqdm(total=len(jobs) * config.steps, disable=not progress, unit="model-step") as bar:
        for chunk in _stacks(jobs):
            stack, chunk_losses = train_stacked(corpus.train, [j[2] for j in chunk], [j[1] for j in chunk], config,
                                                progress=bar)
            val.append(evaluate(stack, corpus.val, config.seq_len, n_tokens=n_tokens))
            losses.append(chunk_losses)
            models += stack.unstack()
    order = {(label, seed): i for i, (label, seed, _) in enumerate(_flatten(_stacks(jobs)))}
    index = torch.tensor([order[(label, seed)] for label in settings for seed in seeds])
    val, losses = torch.cat(val)[index], torch.cat(losses, dim=1)[:, index]
    shape = (len(settings), len(seeds))
    by_label = {label: [models[i] for i in index[r * len(seeds):(r + 1) * len(seeds)].tolist()]
                for r, label in enumerate(settings)}
    return Sweep(list(settings), seeds, val.view(shape), losses.view(-1, *shape), by_label,
                 time.perf_counter() - start)


def refine(best: float, factor: float = 10.0) -> list[float]:
    """Two new grid points around a coarse grid's best value: halfway (on a log scale) to its neighbours
    best/factor and best·factor, rounded to one significant digit (1 -> 0.3 and 3)."""
    if not (math.isfinite(best) and best > 0 and factor > 1):
        raise ValueError(f"best must be > 0 and factor > 1, got best={best}, factor={factor}")
    return [float(f"{best * factor ** s:.1g}") for s in (-0.5, 0.5)]


def length_runs(sweep: Sweep, labels: list[str], data: torch.Tensor, lengths: list[int], *,
                n_tokens: int = 8192, stride: int | None = None) -> dict[str, dict[int, torch.Tensor]]:
    """Loss at each evaluation length for every seed's model of each setting, all on the same scored characters:
    {label: {L: (seeds,) losses in seed order}}. A learned position table is evaluated only at lengths it has rows
    for."""
    same_text(data, {L: dict(n_tokens=n_tokens, stride=None if stride is None else min(stride, L)) for L in lengths})
    runs = {}
    for label in labels:
        models = sweep.models[label]
        ok = [L for L in lengths if models[0].config.method != "learned" or L <= models[0].config.max_len]
        per_seed = [length_curve(model, data, ok, n_tokens=n_tokens, stride=stride) for model in models]
        runs[label] = {L: torch.tensor([curve[L] for curve in per_seed]) for L in ok}
    return runs


def length_curves(sweep: Sweep, labels: list[str], data: torch.Tensor, lengths: list[int], *,
                  n_tokens: int = 8192) -> tuple[dict, dict]:
    """length_runs as ({label: {L: mean over seeds}}, {label: {L: spread over seeds}})."""
    runs = length_runs(sweep, labels, data, lengths, n_tokens=n_tokens)
    means = {label: {L: v.mean().item() for L, v in curve.items()} for label, curve in runs.items()}
    spreads = {label: {L: (v.std().item() if len(v) > 1 else 0.0) for L, v in curve.items()}
               for label, curve in runs.items()}
    return means, spreads


def model_config(corpus: Corpus, config: TrainConfig, options: dict) -> ModelConfig:
    return ModelConfig(corpus.vocab_size, **{"max_len": config.seq_len, **options})


def estimate_seconds(n_models: int, config: TrainConfig, corpus: Corpus, **model_options) -> float:
    """Seconds to train n_models such models, extrapolated from timing a few steps of one stack here and now
    (the difference between a 2-step and a 6-step run, so set-up time cancels)."""
    size = min(STACK, n_models)
    configs = [model_config(corpus, config, model_options)] * size
    seconds = []
    for steps in (2, 2, 6):  # the first run warms up
        probe = TrainConfig(steps=steps, batch_size=config.batch_size, seq_len=config.seq_len, lr=config.lr)
        start = time.perf_counter()
        train_stacked(corpus.train, configs, list(range(size)), probe)
        seconds.append(time.perf_counter() - start)
    extra = seconds[2] - seconds[1]  # 4 more steps; on a busy machine it can come out <= 0: then the whole 6-step run
    per_model_step = (extra / 4 if extra > 0 else seconds[2] / 6) / size
    return per_model_step * n_models * config.steps * 1.1  # + evaluation


def _stacks(jobs: list) -> list[list]:
    """Jobs grouped by model shape (method, sizes), cut into stacks of at most STACK models."""
    groups: dict[tuple, list] = {}
    for job in jobs:
        groups.setdefault(stack_shape(job[2]), []).append(job)
    return [group[i:i + STACK] for group in groups.values() for i in range(0, len(group), STACK)]


def _flatten(chunks: list[list]) -> list:
    return [job for chunk in chunks for job in chunk]


def confirm(claims: Mapping[str, bool], *, strict: bool = True) -> None:
    """The sentences a notebook says about its run, {sentence: does this run bear it out?}.

    strict (the default run, the one the text was written from): AssertionError naming every sentence the run does
    not bear out. Otherwise (a longer run) print them: the text may not describe this run.
    """
    missed = [claim for claim, holds in claims.items() if not holds]
    if missed and strict:
        raise AssertionError("this run does not bear out: " + "; ".join(missed))
    if missed:
        print("This run differs from the text:", "; ".join(missed))
