"""Bias, mask and weights heatmaps; per-head grids; slopes on a log axis.

Every function returns a matplotlib Figure (a new one when ax is None, else ax.figure).
Conventions: rows are query positions i, columns key positions j; a bias that is all ≤ 0 (causal
ALiBi) uses a sequential map over [min, 0], one of both signs a diverging map centred at 0
(style.bias_scale); weights a sequential one on [0, 1]; colorbar ticks at round values; masked
cells (-inf, or `masked`) are left out of the image, so a grey hatch behind it shows through,
with a legend entry.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..style import MASK_LABEL, MASK_STYLE, WEIGHTS_CMAP, bias_scale

__all__ = ["bias_heatmap", "weights_heatmap", "bias_row_bars", "head_grid", "head_rows", "slopes_plot"]



def bias_heatmap(bias, *, ax: Axes | None = None, title: str = "", highlight_row: int | None = None) -> Figure:
    """Heatmap of a bias (L_q, L_k); -inf cells drawn as masked; colour scale from style.bias_scale."""
    bias = _array("bias", bias, ndim=2)
    ax = _axes(ax)
    scale = bias_scale(bias)
    image = _heatmap(ax, np.ma.masked_invalid(bias), scale.cmap, Normalize(scale.lo, scale.hi), title, highlight_row)
    ax.figure.colorbar(image, ax=ax, label="bias", ticks=scale.ticks)
    return ax.figure


def weights_heatmap(weights, *, ax: Axes | None = None, title: str = "", highlight_row: int | None = None,
                    masked=None) -> Figure:
    """Heatmap of attention weights (L_q, L_k) on [0, 1]; `masked` (bool, same shape) cells drawn as masked."""
    weights = _array("weights", weights, ndim=2)
    mask = np.zeros(weights.shape, bool) if masked is None else _array("masked", masked, ndim=2).astype(bool)
    if mask.shape != weights.shape:
        raise ValueError(f"masked has shape {mask.shape} but weights has shape {weights.shape}")
    ax = _axes(ax)
    image = _heatmap(ax, np.ma.array(weights, mask=mask), WEIGHTS_CMAP, Normalize(0.0, 1.0), title, highlight_row)
    ax.figure.colorbar(image, ax=ax, label="attention weight")
    return ax.figure


def bias_row_bars(row, query: int, *, ax: Axes | None = None, title: str = "") -> Figure:
    """Bars of one bias row (L_k,) over key positions j; the query's own position i marked; -inf keys hatched."""
    row = _array("row", row, ndim=1)
    query = _index("query", query, len(row))
    ax = _axes(ax)
    j = np.arange(len(row))
    finite = np.isfinite(row)
    scale = bias_scale(row)
    colours = plt.get_cmap(scale.cmap)(Normalize(scale.lo, scale.hi)(np.where(finite, row, 0.0)))
    ax.bar(j[finite], row[finite], color=colours[finite], edgecolor="0.3", linewidth=0.3)
    handles = [ax.axvline(query, color="black", linestyle="--", linewidth=1, label=f"query i = {query}")]
    if not finite.all():
        low = min(0.0, row[finite].min()) if finite.any() else -1.0
        ax.bar(j[~finite], low, **MASK_STYLE)
        handles.append(Patch(**MASK_STYLE, label=MASK_LABEL))
    ax.axhline(0, color="0.4", linewidth=0.8)
    ax.set(xlabel="key position j", ylabel="bias", title=title, xlim=(-0.5, len(row) - 0.5))
    ax.legend(handles=handles, loc="best", fontsize="small")
    return ax.figure


def head_grid(biases, *, slopes=None, title: str = "", max_cols: int = 4) -> Figure:
    """Per-head bias heatmaps (H, L_q, L_k) in a grid, one shared colour scale and colorbar; titled by slope."""
    biases = _array("biases", biases, ndim=3)
    heads = biases.shape[0]
    if slopes is not None:
        slopes = _array("slopes", slopes, ndim=1)
        if len(slopes) != heads:
            raise ValueError(f"slopes has {len(slopes)} values but biases has {heads} heads (shape {biases.shape})")
    if isinstance(max_cols, bool) or not isinstance(max_cols, int) or max_cols < 1:
        raise ValueError(f"max_cols must be a positive integer, got {max_cols!r}")
    cols = min(heads, max_cols)
    rows = math.ceil(heads / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols + 1, 2.4 * rows + 0.6), squeeze=False,
                             layout="constrained")
    scale = bias_scale(biases)
    norm = Normalize(scale.lo, scale.hi)
    for h, ax in enumerate(axes.flat):
        if h >= heads:
            ax.set_axis_off()
            continue
        head_title = f"head {h + 1}" + ("" if slopes is None else f": m = {slopes[h]:.3g}")
        image = _heatmap(ax, np.ma.masked_invalid(biases[h]), scale.cmap, norm, head_title, None, legend=False)
        ax.set_xlabel("key position j" if h // cols == rows - 1 or h + cols >= heads else "")
        ax.set_ylabel("query position i" if h % cols == 0 else "")
    fig.colorbar(image, ax=axes, label="bias", shrink=min(1.0, 0.4 + 0.2 * rows), ticks=scale.ticks)
    if not np.isfinite(biases).all():
        fig.legend(handles=[Patch(**MASK_STYLE, label=MASK_LABEL)], loc="outside lower center", fontsize="small")
    fig.suptitle(title)
    return fig


def head_rows(bias_rows, weights, *, query: int, title: str = "", floor: float = -4.0) -> Figure:
    """Per head h = 1..H: one query's bias row (H, L_k) beside the weights it gives with equal content (H, L_k).

    The weights are coloured by log₁₀ down to `floor` (smaller weights share the darkest colour), so a steep
    head's short reach and a shallow head's long one can be told apart.
    """
    bias_rows, weights = _array("bias_rows", bias_rows, ndim=2), _array("weights", weights, ndim=2)
    if weights.shape != bias_rows.shape:
        raise ValueError(f"weights has shape {weights.shape} but bias_rows has shape {bias_rows.shape}")
    heads, keys = bias_rows.shape
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 1.2 + 0.32 * heads), layout="constrained")
    extent = (-0.5, keys - 0.5, heads + 0.5, 0.5)
    scale = bias_scale(bias_rows)
    image = left.imshow(np.ma.masked_invalid(bias_rows), cmap=scale.cmap, norm=Normalize(scale.lo, scale.hi),
                        aspect="auto", interpolation="nearest", extent=extent)
    fig.colorbar(image, ax=left, label="bias", ticks=scale.ticks)
    with np.errstate(divide="ignore"):
        logs = np.log10(np.maximum(weights, 10.0 ** floor))
    image = right.imshow(logs, cmap=WEIGHTS_CMAP, norm=Normalize(floor, 0.0), aspect="auto", interpolation="nearest",
                         extent=extent)
    fig.colorbar(image, ax=right, label="log₁₀ weight")
    for ax, panel in ((left, f"bias −m_h·(i − j) of query i = {query}"),
                      (right, "its weights with equal content (log₁₀)")):
        ax.set(xlabel="key position j", ylabel="head h", title=panel)
        ax.set_yticks(range(1, heads + 1) if heads <= 16 else [1, *range(8, heads + 1, 8)])
    fig.suptitle(title)
    return fig


def slopes_plot(slope_sets: Mapping[str, object], *, ax: Axes | None = None) -> Figure:
    """Each named slope set (name -> (H,) positive values) against head index 1..H on a log y axis."""
    if not isinstance(slope_sets, Mapping) or not slope_sets:
        raise ValueError(f"slope_sets must be a non-empty dict name -> 1-D slopes, got {slope_sets!r}")
    ax = _axes(ax)
    for name, slopes in slope_sets.items():
        slopes = _array(f"slope_sets[{name!r}]", slopes, ndim=1)
        if not (np.isfinite(slopes).all() and (slopes > 0).all()):
            raise ValueError(f"slope_sets[{name!r}] must be finite and > 0 for a log axis, got {slopes.tolist()}")
        ax.plot(np.arange(1, len(slopes) + 1), slopes, marker="o", markersize=3, label=str(name))
    ax.set_yscale("log")
    ax.set(xlabel="head index h", ylabel="slope m_h (log scale)")
    ax.legend(fontsize="small")
    return ax.figure


# ----------------------------------------------------------------------------- helpers

def _heatmap(ax: Axes, data: np.ma.MaskedArray, cmap: str, norm: Normalize, title: str,
             highlight_row: int | None, legend: bool = True):
    """Draw data as an image over a grey hatch (seen through masked cells); label axes; outline a row."""
    rows, cols = data.shape
    ax.add_patch(Rectangle((-0.5, -0.5), cols, rows, zorder=0, **MASK_STYLE))
    image = ax.imshow(data, cmap=plt.get_cmap(cmap).with_extremes(bad=(0, 0, 0, 0)), norm=norm,
                      interpolation="nearest", aspect="auto", zorder=1)
    ax.set(xlabel="key position j", ylabel="query position i", title=title)
    if highlight_row is not None:
        i = _index("highlight_row", highlight_row, rows)
        ax.add_patch(Rectangle((-0.5, i - 0.5), cols, 1, fill=False, edgecolor="black", linewidth=2, zorder=2,
                               label=f"query i = {i}"))
    handles = ([Patch(**MASK_STYLE, label=MASK_LABEL)] if np.ma.getmaskarray(data).any() else [])
    handles += [p for p in ax.patches if p.get_label() and p.get_label().startswith("query")]
    if legend and handles:
        ax.legend(handles=handles, loc="upper right", fontsize="x-small", framealpha=0.85)
    return image


def _array(name: str, value, ndim: int) -> np.ndarray:
    """A torch tensor or array-like as a float64 numpy array of exactly `ndim` dims."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().double().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if array.ndim != ndim or array.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {array.shape}")
    return array


def _index(name: str, value, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size - 1}], got {value!r}")
    return int(value)


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    return ax
