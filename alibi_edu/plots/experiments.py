"""Figures of the experiments (notebooks 04–05): loss against β, loss against evaluation length,
attention maps of trained models, and a picker to browse those maps by setting."""
from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .heatmaps import weights_heatmap

__all__ = ["loss_vs_beta", "loss_vs_length", "training_curves", "attention_maps", "attention_picker",
           "weight_by_distance", "weight_by_distance_plot"]

COLORS = plt.get_cmap("tab10").colors  # distinguishable; each curve also gets its own marker
MARKERS = "osD^vP*X"


def loss_vs_beta(betas, losses, *, references: Mapping[str, float] | None = None, best: float | None = None) -> Figure:
    """Validation loss (left) and perplexity (right) against β > 0 on a log axis.

    references: {label: loss} drawn as horizontal lines (e.g. β = 0, the geometric slopes).
    """
    betas, losses = np.asarray(betas, float), np.asarray(losses, float)
    if betas.shape != losses.shape or betas.ndim != 1 or (betas <= 0).any():
        raise ValueError(f"betas (> 0) and losses must be 1-D of the same length, got {betas.shape}, {losses.shape}")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    for ax, transform, name in ((axes[0], lambda v: v, "validation loss (nats/char)"),
                                (axes[1], np.exp, "validation perplexity")):
        ax.plot(betas, transform(losses), marker="o", color=COLORS[0], label="one shared β")
        for k, (label, value) in enumerate((references or {}).items()):
            ax.axhline(transform(value), color=COLORS[k + 1], linestyle=("--", ":", "-.")[k % 3], label=label)
        if best is not None:
            ax.plot([best], [transform(losses[list(betas).index(best)])], marker="*", markersize=16,
                    color=COLORS[3], linestyle="none", label=f"best on validation: β = {best:g}")
        ax.set(xscale="log", xlabel="β (book's form; slope m = β/√d_head)", ylabel=name)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    return fig


def loss_vs_length(curves: Mapping[str, Mapping[int, float]], *, train_len: int, ax: Axes | None = None,
                   title: str = "") -> Figure:
    """Loss against evaluation length (log₂ axis), one curve per method; L_train marked."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    for k, (label, curve) in enumerate(curves.items()):
        lengths = sorted(curve)
        ax.plot(lengths, [curve[L] for L in lengths], marker=MARKERS[k % len(MARKERS)], color=COLORS[k % 10],
                label=label)
    ax.axvline(train_len, color="0.4", linestyle=":", label=f"L_train = {train_len}")
    ax.set_xscale("log", base=2)
    ax.set(xlabel="evaluation length L (characters)", ylabel="validation loss (nats/char)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax.figure


def training_curves(losses: Mapping[str, list[float]], *, smooth: int = 20) -> Figure:
    """Training loss against step for each run (moving average over `smooth` steps)."""
    fig, ax = plt.subplots(figsize=(7, 3.5), constrained_layout=True)
    for k, (label, values) in enumerate(losses.items()):
        values = np.asarray(values, float)
        width = max(1, min(smooth, len(values)))
        ax.plot(np.convolve(values, np.ones(width) / width, mode="valid"), color=COLORS[k % 10], label=label)
    ax.set(xlabel="training step", ylabel="training loss (nats/char)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return fig


def attention_maps(weights, *, title: str = "", tokens: str | None = None) -> Figure:
    """One heatmap per head of a trained model's attention weights (H, L, L); future keys hatched as masked."""
    weights = _as_numpy(weights)
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2]:
        raise ValueError(f"weights must have shape (H, L, L), got {weights.shape}")
    H, L, _ = weights.shape
    fig, axes = plt.subplots(1, H, figsize=(3.3 * H, 3.4), constrained_layout=True, squeeze=False)
    future = np.triu(np.ones((L, L), bool), k=1)
    for h, ax in enumerate(axes[0]):
        weights_heatmap(weights[h], ax=ax, title=f"head {h}", masked=future)
        if h:
            ax.set_ylabel("")
    if title:
        fig.suptitle(title)
    if tokens is not None:
        fig.text(0.5, -0.02, "snippet: " + repr(tokens[:L]), ha="center", fontsize=8, family="monospace")
    return fig


def attention_picker(maps: Mapping[str, object], *, tokens: str | None = None):
    """A dropdown over settings and a layer slider; shows attention_maps(maps[setting][layer]).

    maps: {setting label: weights (n_layers, H, L, L)}.
    """
    import ipywidgets as w

    if not maps:
        raise ValueError("maps must hold at least one setting")
    n_layers = _as_numpy(next(iter(maps.values()))).shape[0]
    setting = w.Dropdown(options=list(maps), description="setting")
    layer = w.IntSlider(0, 0, n_layers - 1, description="layer")
    out = w.Output()

    def draw(_=None):
        with out:
            out.clear_output(wait=True)
            fig = attention_maps(_as_numpy(maps[setting.value])[layer.value], tokens=tokens,
                                 title=f"{setting.value}, layer {layer.value}")
            plt.show(fig)

    setting.observe(draw, "value")
    layer.observe(draw, "value")
    draw()
    return w.VBox([w.HBox([setting, layer]), out])


def weight_by_distance(weights, max_distance: int) -> np.ndarray:
    """Median over queries of w(i, i−Δ) / w(i, i) for Δ = 0..max_distance: shape (H, max_distance + 1)."""
    weights = _as_numpy(weights)
    H, L, _ = weights.shape
    if not 0 <= max_distance < L:
        raise ValueError(f"max_distance must be in 0..{L - 1}, got {max_distance}")
    i = np.arange(max_distance, L)
    own = weights[:, i, i]
    return np.stack([np.median(weights[:, i, i - d] / own, axis=1) for d in range(max_distance + 1)], axis=1)


def weight_by_distance_plot(ratios, slopes, *, threshold: float = 0.01) -> Figure:
    """Measured ratios (H, D) against distance on a log axis, with the bias-only prediction e^(−mΔ) dashed."""
    ratios, slopes = _as_numpy(ratios), _as_numpy(slopes)
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    distance = np.arange(ratios.shape[1])
    for h, m in enumerate(slopes):
        ax.plot(distance, ratios[h], color=COLORS[h % 10], label=f"head {h} (m = {m:.4g}), measured")
        ax.plot(distance, np.exp(-m * distance), color=COLORS[h % 10], linestyle="--", linewidth=1)
        ax.axvline(math.log(1 / threshold) / m, color=COLORS[h % 10], linestyle=":", linewidth=1)
    ax.axhline(threshold, color="0.3", linewidth=1, label=f"{threshold:.0%} of the nearest key")
    ax.set(yscale="log", xlabel="distance Δ = i − j (tokens back)", ylabel="weight relative to nearest key",
           ylim=(1e-4, 3), xlim=(0, distance[-1]))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, title="dashed: e^(−mΔ); dotted: ln(1/threshold)/m", title_fontsize=7)
    return fig


def _as_numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
