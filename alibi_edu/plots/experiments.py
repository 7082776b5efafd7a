"""Figures of the experiments (notebooks 04–05): loss against β, loss against evaluation length,
attention maps of trained models (a notebook browses them with alibi_edu.widgets.picker.figure_picker).

Each returns a Picture (alt.py) whose alt text is computed from the numbers drawn. Series differ by colour
(Okabe–Ito), marker and line style, never by colour alone."""
from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..style import LINESTYLES, MARKERS, OKABE_ITO, number
from .alt import Picture
from .heatmaps import _draw_weights, _some, _style_name

__all__ = ["beta_sweeps", "loss_vs_length", "training_curves", "attention_maps",
           "weight_by_distance", "weight_by_distance_plot"]

COLORS = OKABE_ITO  # colour-blind safe; each curve also gets its own marker and line style


def _n(value: float) -> str:
    return number(value, ".4g")


def _t(title: str) -> str:
    return f" '{title}'" if title else ""


def loss_vs_length(curves: Mapping[str, Mapping[int, float]], *, train_len: int, ax: Axes | None = None,
                   title: str = "", spreads: Mapping[str, Mapping[int, float]] | None = None,
                   baselines: Mapping[str, float] | None = None) -> Picture:
    """Loss against evaluation length (log₂ axis), one curve per method; L_train marked.

    spreads: {label: {L: spread over seeds}} drawn as a band of ± spread around the curve.
    baselines: {label: loss} as grey horizontal lines (named in the legend if above the plotted range).
    """
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    parts = []
    for k, (label, curve) in enumerate(curves.items()):
        lengths = sorted(curve)
        mean = np.array([curve[L] for L in lengths])
        ax.plot(lengths, mean, marker=MARKERS[k % len(MARKERS)], color=COLORS[k % len(COLORS)],
                linestyle=LINESTYLES[k % len(LINESTYLES)], label=label)
        if spreads and label in spreads:
            spread = np.array([spreads[label][L] for L in lengths])
            ax.fill_between(lengths, mean - spread, mean + spread, color=COLORS[k % len(COLORS)], alpha=0.2,
                            linewidth=0)
        points = ", ".join(f"{_n(m)} at {L}" for L, m in zip(lengths, mean))
        parts.append(f"{label} ({_style_name(k)}): {points}")
    ax.axvline(train_len, color="0.4", linestyle=":", label=f"L_train = {train_len}")
    base = _baseline_lines(ax, baselines)
    ax.set_xscale("log", base=2)
    ax.set(xlabel="evaluation length L (characters)", ylabel="validation loss (nats/char)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return Picture(ax.figure, f"Line chart{_t(title)} of validation loss (nats/char) against evaluation length L "
                              f"(log₂ axis), L_train = {train_len} marked by a dotted line. " + "; ".join(parts)
                              + "." + base + (" Bands: ± spread over seeds." if spreads else ""), close=own)


def training_curves(losses: Mapping[str, list[float]], *, smooth: int = 20, start: float | None = None,
                    ax: Axes | None = None, title: str = "") -> Picture:
    """Training loss against step for each run: the raw per-step loss faint (its noise), a moving average over
    `smooth` steps on top. A 2-D entry (steps, seeds) draws every seed's raw loss and the seeds' smoothed mean.
    start: a reference level drawn as a dashed line (e.g. ln V, the loss of a uniform guess)."""
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(7, 3.5), constrained_layout=True)
    fig = ax.figure
    parts = []
    for k, (label, values) in enumerate(losses.items()):
        values = np.asarray(values, float).reshape(len(values), -1)  # (steps, seeds)
        width = max(1, min(smooth, len(values)))
        colour, style = COLORS[k % len(COLORS)], LINESTYLES[k % len(LINESTYLES)]
        for seed in range(values.shape[1]):
            ax.plot(values[:, seed], color=colour, alpha=0.15, linewidth=0.7)
        smoothed = np.convolve(values.mean(1), np.ones(width) / width, mode="valid")
        steps = np.arange(width - 1, len(values))
        ax.plot(steps, smoothed, color=colour, linestyle=style, marker=MARKERS[k % len(MARKERS)],
                markevery=max(1, len(steps) // 8), markersize=5, label=label)
        seeds = f", mean of {values.shape[1]} seeds" if values.shape[1] > 1 else ""
        parts.append(f"{label} ({_style_name(k)}{seeds}): {_n(smoothed[0])} at step {steps[0]} to "
                     f"{_n(smoothed[-1])} at step {steps[-1]}")
    if start is not None:
        ax.axhline(start, color="0.3", linestyle="--", linewidth=1, label=f"ln V = {start:.2f} (uniform guess)")
    ax.set(xlabel="training step", ylabel="training loss (nats/char)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return Picture(fig, f"Line chart{_t(title)} of training loss (nats/char) against training step; raw per-step "
                        f"loss faint, a moving average over {smooth} steps on top. " + "; ".join(parts) + "."
                        + ("" if start is None else f" A dashed line marks ln V = {start:.2f}, a uniform guess."),
                   close=own)


def beta_sweeps(panels: Mapping[str, tuple], *, best: Mapping[str, float] | None = None,
                references: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
                tied: Mapping[str, list[float]] | None = None,
                baselines: Mapping[str, Mapping[str, float]] | None = None) -> Picture:
    """One panel per task: validation loss against β > 0 (log axis), mean over seeds ± spread as error bars,
    every seed as a faint dot.

    panels: {title: (betas (n,), losses (n, seeds))}; best: {title: chosen β} (a star);
    references: {title: {label: (mean, spread)}} as horizontal lines with a band;
    tied: {title: βs not distinguishable from the best, seed by seed}; baselines: {title: {label: loss}} grey lines.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.9), constrained_layout=True, squeeze=False)
    parts = []
    for ax, (title, (betas, losses)) in zip(axes[0], panels.items()):
        betas, losses = np.asarray(betas, float), np.asarray(losses, float).reshape(len(betas), -1)
        if (betas <= 0).any():
            raise ValueError(f"betas must be > 0 (log axis), got {betas.tolist()}")
        refs, order = [], np.argsort(betas)
        betas, losses = betas[order], losses[order]
        mean, spread = losses.mean(1), (losses.std(1, ddof=1) if losses.shape[1] > 1 else np.zeros(len(betas)))
        for seed in range(losses.shape[1]):
            ax.plot(betas, losses[:, seed], linestyle="none", marker=".", color=COLORS[0], alpha=0.35)
        ax.errorbar(betas, mean, yerr=spread, marker="o", color=COLORS[0], capsize=3,
                    label=f"mean of {losses.shape[1]} seeds ± spread")
        for k, (label, (value, width)) in enumerate(((references or {}).get(title) or {}).items()):
            ax.axhline(value, color=COLORS[k + 1], linestyle=("--", ":", "-.")[k % 3], label=label)
            ax.axhspan(value - width, value + width, color=COLORS[k + 1], alpha=0.12, linewidth=0)
            refs.append(f"{label} {_n(value)} ± {_n(width)}")
        for n, b in enumerate((tied or {}).get(title) or []):
            i = int(np.argmin(np.abs(betas - b)))
            ax.plot([betas[i]], [mean[i]], marker="o", markersize=11, markerfacecolor="none", color=COLORS[2],
                    linestyle="none", label=None if n else "not distinguishable from the best, seed by seed")
        if best and title in best:
            i = int(np.argmin(np.abs(betas - best[title])))
            ax.plot([betas[i]], [mean[i]], marker="*", markersize=16, color=COLORS[3], linestyle="none",
                    label=f"best validation mean: β = {betas[i]:g}")
        base = _baseline_lines(ax, (baselines or {}).get(title))
        ax.set(xscale="log", xlabel="β (book's form; slope m = β/√d_head)", ylabel="validation loss (nats/char)",
               title=title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        points = ", ".join(f"{_n(m)} at β = {b:g}" for b, m in zip(betas, mean))
        text = f"{title}: mean validation loss of {losses.shape[1]} seeds {points}"
        if best and title in best:
            starred = betas[int(np.argmin(np.abs(betas - best[title])))]
            text += f"; the best validation mean is starred at β = {starred:g}"
        if (tied or {}).get(title):
            text += "; ringed, not distinguishable from it seed by seed: β = "
            text += ", ".join(f"{b:g}" for b in tied[title])
        if refs:
            text += "; reference lines: " + ", ".join(refs)
        parts.append(text + "." + base)
    return Picture(fig, f"{len(panels)} panel{'s' if len(panels) > 1 else ''} of validation loss against β (log axis), "
                        "mean over seeds with ± spread as error bars, every seed a faint dot. " + " ".join(parts))


def attention_maps(weights, *, title: str = "", tokens: str | None = None) -> Picture:
    """One heatmap per head of a trained model's attention weights (H, L, L); future keys hatched as masked."""
    weights = _as_numpy(weights)
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2]:
        raise ValueError(f"weights must have shape (H, L, L), got {weights.shape}")
    H, L, _ = weights.shape
    fig, axes = plt.subplots(1, H, figsize=(3.3 * H, 3.4), constrained_layout=True, squeeze=False)
    future = np.triu(np.ones((L, L), bool), k=1)
    parts = []
    distance = np.arange(L)[:, None] - np.arange(L)[None, :]
    for h, ax in enumerate(axes[0]):
        _draw_weights(ax, weights[h], f"head {h + 1}", None, future)
        if h:
            ax.set_ylabel("")
        w = np.where(future, 0.0, weights[h])
        parts.append(f"head {h + 1}: mean weight on the query's own position {_n(np.mean(np.diag(w)))}, "
                     f"mean distance attended {_n(np.mean((w * distance).sum(1)))} positions")
    if title:
        fig.suptitle(title)
    if tokens is not None:
        fig.text(0.5, -0.02, "snippet: " + repr(tokens[:L]), ha="center", fontsize=8, family="monospace")
    snippet = "" if tokens is None else f" over the snippet {tokens[:L]!r}"
    return Picture(fig, f"{H} heatmaps{_t(title)} of a trained model's attention weights{snippet}, one per head, "
                        f"{L} queries i by {L} keys j, future keys masked. " + _some(parts) + ".")


def weight_by_distance(weights, max_distance: int) -> np.ndarray:
    """Median over queries of w(i, i−Δ) / w(i, i) for Δ = 0..max_distance: shape (H, max_distance + 1)."""
    weights = _as_numpy(weights)
    H, L, _ = weights.shape
    if not 0 <= max_distance < L:
        raise ValueError(f"max_distance must be in 0..{L - 1}, got {max_distance}")
    i = np.arange(max_distance, L)
    own = weights[:, i, i]
    return np.stack([np.median(weights[:, i, i - d] / own, axis=1) for d in range(max_distance + 1)], axis=1)


def weight_by_distance_plot(ratios, slopes, *, threshold: float = 0.01) -> Picture:
    """Measured ratios (H, D) against distance on a log axis, with the bias-only prediction e^(−mΔ) dashed.
    Each head its own colour and marker, and its number written at the end of its measured line."""
    ratios, slopes = _as_numpy(ratios), _as_numpy(slopes)
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    distance = np.arange(ratios.shape[1])
    parts = []
    for h, m in enumerate(slopes):
        colour, marker = COLORS[h % len(COLORS)], MARKERS[h % len(MARKERS)]
        ax.plot(distance, ratios[h], color=colour, marker=marker, markevery=max(1, len(distance) // 6), markersize=5,
                label=f"head {h + 1} (m = {m:.4g}), measured")
        ax.plot(distance, np.exp(-m * distance), color=colour, linestyle="--", linewidth=1)
        ax.axvline(math.log(1 / threshold) / m, color=colour, linestyle=":", linewidth=1)
        visible = np.flatnonzero(ratios[h] >= 1e-4)
        if visible.size:  # a direct label: the head's number at the last point inside the axes
            end = visible[-1]
            ax.annotate(f"{h + 1}", (distance[end], ratios[h][end]), xytext=(3, 0), textcoords="offset points",
                        fontsize=8, va="center")
        below = np.flatnonzero(ratios[h] < threshold)
        measured = f"first below {threshold:.0%} at Δ = {below[0]}" if below.size else \
            f"never below {threshold:.0%} up to Δ = {distance[-1]}"
        parts.append(f"head {h + 1} (m = {m:.4g}, {marker_name(h)}): {measured}, prediction "
                     f"Δ = {math.log(1 / threshold) / m:.3g}")
    ax.axhline(threshold, color="0.3", linewidth=1, label=f"{threshold:.0%} of the nearest key")
    ax.set(yscale="log", xlabel="distance Δ = i − j (tokens back)", ylabel="weight relative to nearest key",
           ylim=(1e-4, 3), xlim=(0, distance[-1]))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, title="dashed: e^(−mΔ); dotted: ln(1/threshold)/m", title_fontsize=7)
    return Picture(fig, "Line chart (log y axis) of each head's median attention weight relative to the nearest key "
                        f"against distance Δ = 0 to {distance[-1]}, each head's bias-only prediction e^(−mΔ) dashed, "
                        f"a line at {threshold:.0%}. " + _some(parts) + ".")


def marker_name(k: int) -> str:
    return _style_name(k).split(", ")[1]


def _baseline_lines(ax: Axes, baselines: Mapping[str, float] | None) -> str:
    """Grey horizontal lines at each baseline loss within reach of the data; those far above are only named.
    Returns their alt text."""
    if not baselines:
        return ""
    low, high = ax.get_ylim()
    top = high + 0.5 * (high - low)
    for k, (label, value) in enumerate(sorted(baselines.items(), key=lambda item: item[1])):
        style = ("-", "--", "-.", ":")[k % 4]
        if value <= top:
            ax.axhline(value, color="0.55", linestyle=style, linewidth=1, label=f"{label}: {value:.3f}")
        else:
            ax.plot([], [], color="0.55", linestyle=style, linewidth=1, label=f"{label}: {value:.3f} (above the plot)")
    return " Grey baselines: " + ", ".join(f"{label} {value:.3f}" for label, value in baselines.items()) + "."


def _as_numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
