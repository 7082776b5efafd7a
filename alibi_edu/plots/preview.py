"""Notebook 01's opening figure: loss against evaluation length for models trained at a short L_train.

A method with a loss only at L_train (a learned position table) gets one point and a cross where it cannot read on.
Every seed is a faint line; the mean over seeds is drawn with its own colour (Okabe–Ito), marker and line style."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..style import number, series_style
from .alt import Picture
from .heatmaps import _style_name

__all__ = ["length_preview"]


def length_preview(runs: Mapping[str, Mapping[int, Sequence[float]]], *, train_len: int,
                   title: str = "") -> Picture:
    """runs {method: {L: one loss per seed}} -> Picture; L_train marked by a dotted line, log₂ length axis."""
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(f"runs must be a non-empty dict method -> {{L: losses per seed}}, got {runs!r}")
    if not isinstance(train_len, int) or train_len < 1:
        raise ValueError(f"train_len must be a positive integer, got {train_len!r}")
    fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    longest = max(L for curve in runs.values() for L in curve)
    parts = []
    for k, (name, curve) in enumerate(runs.items()):
        lengths = sorted(curve)
        per_seed = np.array([np.asarray(curve[L], dtype=float).ravel() for L in lengths])   # (lengths, seeds)
        if per_seed.size == 0 or not np.isfinite(per_seed).all():
            raise ValueError(f"runs[{name!r}] must hold finite losses at every length, got {per_seed.tolist()}")
        style, mean = series_style(k), per_seed.mean(1)
        ax.plot(lengths, per_seed, color=style["color"], alpha=0.25, linewidth=0.8)
        ax.plot(lengths, mean, markersize=6, label=name, **style)
        text = f"{name} ({_style_name(k)}): " + ", ".join(f"{number(v, '.3f')} at L = {L}"
                                                            for L, v in zip(lengths, mean))
        if lengths[-1] < longest:     # cannot read on: a cross just past its last length
            ax.plot([lengths[-1] * 1.25], [mean[-1]], marker="x", markersize=9, color=style["color"],
                    linestyle="none")
            ax.annotate(f"no row for position {lengths[-1]}", (lengths[-1] * 1.25, mean[-1]), xytext=(8, -3),
                        textcoords="offset points", fontsize="small", color=style["color"])
            text += f", then a cross: it has no row for position {lengths[-1]}, so no loss at longer L"
        parts.append(text)
    ax.axvline(train_len, color="0.4", linestyle=":", linewidth=1, label=f"L_train = {train_len}")
    ax.set_xscale("log", base=2)
    ticks = sorted({L for curve in runs.values() for L in curve})
    ax.set_xticks(ticks, labels=[str(L) for L in ticks])
    ax.minorticks_off()
    ax.set(xlabel="evaluation length L (characters, log scale)", ylabel="validation loss (nats/char)",
           title=title or f"trained at L_train = {train_len}, read at longer L")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    n_seeds = len(np.asarray(next(iter(next(iter(runs.values())).values()))).ravel())
    return Picture(fig, f"Line chart of validation loss against evaluation length L (log scale) for models trained "
                        f"at L_train = {train_len}, mean of {n_seeds} seeds (each seed a faint line). "
                        + "; ".join(parts) + ".")

