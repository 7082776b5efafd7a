"""Bias, mask and weights heatmaps; per-head grids; slopes on a log axis.

Every function returns a Picture (alt.py): the Figure (a new one when ax is None, else ax.figure, left open for
the caller to show) with alt text
computed from the data it shows (values, where the extremes sit, what is masked), so two inputs give two texts.
heatmap_row, bias_row_and_map, weight_bars and line_chart compose the panels a notebook shows side by side.
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
from matplotlib.patches import Patch, Rectangle

from ..style import HATCHES, MASK_LABEL, MASK_STYLE, OKABE_ITO, WEIGHTS_CMAP, bias_scale, number, series_style
from .alt import Picture

__all__ = ["bias_heatmap", "weights_heatmap", "bias_row_bars", "head_grid", "head_rows", "slopes_plot",
           "heatmap_row", "bias_row_and_map", "weight_bars", "line_chart"]


def bias_heatmap(bias, *, ax: Axes | None = None, title: str = "", highlight_row: int | None = None) -> Picture:
    """Heatmap of a bias (L_q, L_k); -inf cells drawn as masked; colour scale from style.bias_scale."""
    ax, own = _axes(ax), ax is None
    return Picture(ax.figure, "Heatmap of " + _draw_bias(ax, bias, title, highlight_row), close=own)


def _draw_bias(ax: Axes, bias, title: str, highlight_row: int | None, what: str = "bias") -> str:
    bias = _array(what, bias, ndim=2)
    scale = bias_scale(bias)
    image = _heatmap(ax, np.ma.masked_invalid(bias), scale.cmap, Normalize(scale.lo, scale.hi), title, highlight_row)
    ax.figure.colorbar(image, ax=ax, label=what, ticks=scale.ticks)
    return _matrix_alt(title or what, bias, highlight_row)


def weights_heatmap(weights, *, ax: Axes | None = None, title: str = "", highlight_row: int | None = None,
                    masked=None) -> Picture:
    """Heatmap of attention weights (L_q, L_k) on [0, 1]; `masked` (bool, same shape) cells drawn as masked."""
    ax, own = _axes(ax), ax is None
    return Picture(ax.figure, "Heatmap of " + _draw_weights(ax, weights, title, highlight_row, masked), close=own)


def _draw_weights(ax: Axes, weights, title: str, highlight_row: int | None, masked) -> str:
    weights = _array("weights", weights, ndim=2)
    mask = np.zeros(weights.shape, bool) if masked is None else _array("masked", masked, ndim=2).astype(bool)
    if mask.shape != weights.shape:
        raise ValueError(f"masked has shape {mask.shape} but weights has shape {weights.shape}")
    image = _heatmap(ax, np.ma.array(weights, mask=mask), WEIGHTS_CMAP, Normalize(0.0, 1.0), title, highlight_row)
    ax.figure.colorbar(image, ax=ax, label="attention weight")
    return _matrix_alt(title or "attention weights", np.where(mask, -np.inf, weights), highlight_row, weights=True)


def bias_row_bars(row, query: int, *, ax: Axes | None = None, title: str = "") -> Picture:
    """Bars of one bias row (L_k,) over key positions j; the query's own position i marked; -inf keys hatched."""
    ax, own = _axes(ax), ax is None
    return Picture(ax.figure, _draw_row_bars(ax, row, query, title), close=own)


def _draw_row_bars(ax: Axes, row, query: int, title: str) -> str:
    row = _array("row", row, ndim=1)
    query = _index("query", query, len(row))
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
    return f"Bar chart{_titled(title)} of the bias of query i = {query} over key positions j = 0 to {len(row) - 1}: " \
           + _row_alt(row, "j") + "."


def head_grid(biases, *, slopes=None, title: str = "", max_cols: int = 4) -> Picture:
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
    per_head = [f"head {h + 1}" + ("" if slopes is None else f" (m = {slopes[h]:.3g})") + ": " + _range_alt(biases[h])
                for h in range(heads)]
    return Picture(fig, f"Grid of {heads} bias heatmaps{_titled(title)}, one per head, "
                        f"{biases.shape[1]} queries i by {biases.shape[2]} keys j each. " + _some(per_head) + ". "
                        + _mask_alt(biases[0]))


def head_rows(bias_rows, weights, *, query: int, title: str = "", floor: float = -4.0) -> Picture:
    """Per head k = 1..H: one query's bias row (H, L_k) beside the weights it gives with equal content (H, L_k).

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
    for ax, panel in ((left, f"bias −m_k·(i − j) of query i = {query}"),
                      (right, "its weights with equal content (log₁₀)")):
        ax.set(xlabel="key position j", ylabel="head k", title=panel)
        ax.set_yticks(range(1, heads + 1) if heads <= 16 else [1, *range(8, heads + 1, 8)])
    fig.suptitle(title)
    per_head = [f"head {h + 1}: bias {_range_alt(bias_rows[h])}, weight ≥ 1% of the largest on "
                f"{int((weights[h] >= 0.01 * weights[h].max()).sum())} of {keys} keys" for h in range(heads)]
    return Picture(fig, f"Two heatmaps{_titled(title)}, one row per head k = 1 to {heads} over key positions j = 0 to "
                        f"{keys - 1}: left, the bias of query i = {query}; right, the weights it gives with equal "
                        f"content (log₁₀ colour scale). " + _some(per_head) + ".")


def slopes_plot(slope_sets: Mapping[str, object], *, ax: Axes | None = None, title: str = "") -> Picture:
    """Each named slope set (name -> (H,) positive values) against head index 1..H on a log y axis; each set its
    own colour, marker and line style."""
    if not isinstance(slope_sets, Mapping) or not slope_sets:
        raise ValueError(f"slope_sets must be a non-empty dict name -> 1-D slopes, got {slope_sets!r}")
    ax, own = _axes(ax), ax is None
    parts = []
    for k, (name, slopes) in enumerate(slope_sets.items()):
        slopes = _array(f"slope_sets[{name!r}]", slopes, ndim=1)
        if not (np.isfinite(slopes).all() and (slopes > 0).all()):
            raise ValueError(f"slope_sets[{name!r}] must be finite and > 0 for a log axis, got {slopes.tolist()}")
        style = series_style(k)
        ax.plot(np.arange(1, len(slopes) + 1), slopes, markersize=4 + (k % 2), label=str(name), **style)
        parts.append(f"{name} ({_style_name(k)}): {len(slopes)} heads, " + _sequence_alt(slopes, "head"))
    ax.set_yscale("log")
    ax.set(xlabel="head index k", ylabel="slope m_k (log scale)", title=title)
    ax.legend(fontsize="small")
    return Picture(ax.figure, f"Line chart{_titled(title)} of slope m_k (log scale) against head index k, "
                              f"{len(parts)} slope set{'s' if len(parts) > 1 else ''}. " + "; ".join(parts) + ".",
                   close=own)


def heatmap_row(biases: Mapping[str, object], *, weights: Mapping[str, object] | None = None, masked=None,
                highlight_row: int | None = None, title: str = "", height: float = 3.6) -> Picture:
    """Heatmaps side by side: biases or scores {title: (L_q, L_k)} (−∞ masked), then attention weights
    {title: (L_q, L_k)} with `masked` (bool) cells masked; each panel its own colour scale."""
    panels = [("bias", t, b) for t, b in (biases or {}).items()]
    panels += [("weights", t, w) for t, w in (weights or {}).items()]
    if not panels:
        raise ValueError("heatmap_row needs at least one panel in biases or weights")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels) + 0.4, height), layout="constrained",
                             squeeze=False)
    parts = [(_draw_bias(ax, data, t, highlight_row) if kind == "bias" else
              _draw_weights(ax, data, t, highlight_row, masked)) for ax, (kind, t, data) in zip(axes[0], panels)]
    fig.suptitle(title)
    return Picture(fig, f"{len(panels)} heatmap{'s' if len(panels) > 1 else ''} side by side{_titled(title)}. "
                        + " ".join(f"{n + 1}: {p}" for n, p in enumerate(parts)))


def bias_row_and_map(bias, query: int, *, row_title: str = "", map_title: str = "") -> Picture:
    """One bias (L, L): query i's row as bars (left) beside the whole matrix with that row outlined (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    row_alt = _draw_row_bars(left, _array("bias", bias, ndim=2)[query], query, row_title)
    map_alt = _draw_bias(right, bias, map_title, query)
    return Picture(fig, f"Two panels. Left: {row_alt} Right: heatmap of {map_alt}")


def weight_bars(rows: Mapping[str, object], *, query: int | None = None, title: str = "",
                ylabel: str = "attention weight α(i, j)") -> Picture:
    """Grouped bars over key positions j, one group member per named row {label: (L_k,)}; each its own colour
    and hatch (not colour alone)."""
    if not isinstance(rows, Mapping) or not rows:
        raise ValueError(f"rows must be a non-empty dict label -> 1-D values, got {rows!r}")
    fig, ax = plt.subplots(figsize=(6, 3.6), layout="constrained")
    width = 0.8 / len(rows)
    parts = []
    for k, (label, row) in enumerate(rows.items()):
        row = _array(f"rows[{label!r}]", row, ndim=1)
        j = np.arange(len(row)) + (k - (len(rows) - 1) / 2) * width
        ax.bar(j, row, width=width, color=OKABE_ITO[k % len(OKABE_ITO)], hatch=HATCHES[k % len(HATCHES)],
               edgecolor="white", linewidth=0.3, label=str(label))
        parts.append(f"{label} ({'plain' if k % len(HATCHES) == 0 else 'hatched'} bars): " + _row_alt(row, "j"))
    head = "" if query is None else f" of query i = {query}"
    ax.set(xlabel="key position j", ylabel=ylabel, title=title or f"weights{head}")
    ax.legend(fontsize="small")
    return Picture(fig, f"Grouped bar chart{_titled(title)} of {ylabel}{head} over key positions j. "
                        + "; ".join(parts) + ".")


def line_chart(curves: Mapping[str, tuple], *, xlabel: str, ylabel: str, title: str = "", xscale: str = "linear",
               yscale: str = "linear", vline: tuple[float, str] | None = None, ax: Axes | None = None) -> Picture:
    """Lines {label: (x, y)}, each its own colour, marker and line style; vline = (x, label) a dotted reference."""
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(f"curves must be a non-empty dict label -> (x, y), got {curves!r}")
    ax, own = _axes(ax), ax is None
    parts = []
    for k, (label, (x, y)) in enumerate(curves.items()):
        x, y = _array(f"curves[{label!r}] x", x, ndim=1), _array(f"curves[{label!r}] y", y, ndim=1)
        if x.shape != y.shape:
            raise ValueError(f"curves[{label!r}]: x has {len(x)} values but y has {len(y)}")
        ax.plot(x, y, markersize=4, label=str(label), **series_style(k))
        parts.append(f"{label} ({_style_name(k)}): " + _curve_alt(x, y))
    if vline is not None:
        ax.axvline(vline[0], color="0.4", linestyle=":", linewidth=1, label=vline[1])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, xscale=xscale, yscale=yscale)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    mark = "" if vline is None else f" A dotted line marks {vline[1]} at {number(vline[0], '.4g')}."
    return Picture(ax.figure, f"Line chart{_titled(title)} of {ylabel} against {xlabel}. " + "; ".join(parts) + "."
                              + mark, close=own)


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


# ----------------------------------------------------------------------------- alt text from the data

def _n(value: float) -> str:
    return number(value, ".3g")


def _titled(title: str) -> str:
    return f" '{title}'" if title else ""


def _some(parts: list[str], keep: int = 8) -> str:
    """Every part, or the first and last few of a long list."""
    if len(parts) <= keep:
        return "; ".join(parts)
    return "; ".join(parts[:keep // 2]) + f"; … {len(parts) - keep} more …; " + "; ".join(parts[-(keep // 2):])


def _style_name(k: int) -> str:
    lines = ("solid", "dashed", "dash-dot", "dotted", "dash-dot", "dash-dot-dot", "dotted", "long-dashed")
    markers = ("circles", "squares", "triangles", "diamonds", "down triangles", "pluses", "crosses", "stars")
    return f"{lines[k % len(lines)]} line, {markers[k % len(markers)]}"


def _range_alt(a: np.ndarray) -> str:
    finite = a[np.isfinite(a)]
    if not finite.size:
        return "every value masked"
    return f"from {_n(finite.max())} to {_n(finite.min())}"


def _mask_alt(a: np.ndarray) -> str:
    """Which cells are −∞ (masked)."""
    masked = np.isneginf(a)
    if not masked.any():
        return "No cell is masked."
    rows, cols = a.shape
    if rows == cols and np.array_equal(masked, np.triu(np.ones_like(masked), k=1)):
        return "Future keys (j > i) are masked."
    return f"{int(masked.sum())} of {a.size} cells are masked."


def _matrix_alt(name: str, a: np.ndarray, highlight_row: int | None, weights: bool = False) -> str:
    """'{name}, 12 queries i by 12 keys j: 0 on the diagonal, lowest −5.5 at i = 11, j = 0, …'."""
    rows, cols = a.shape
    parts = [f"{name}, {rows} queries i by {cols} keys j"]
    finite = np.isfinite(a)
    details, diagonal = [], None
    if rows == cols and rows > 1 and finite.diagonal().all() and np.ptp(a.diagonal()) < 1e-12:
        diagonal = a[0, 0]
        details.append(f"{_n(diagonal)} on the diagonal")
    if finite.any():
        values = np.where(finite, a, np.nan)
        for word, index in (("highest", np.nanargmax(values)), ("lowest", np.nanargmin(values))):
            i, j = np.unravel_index(index, a.shape)
            if a[i, j] != diagonal:
                details.append(f"{word} {_n(a[i, j])} at i = {i}, j = {j}")
    if weights and finite.any():
        sums = np.where(finite, a, 0).sum(1)
        if np.allclose(sums, 1, atol=1e-3):
            details.append("each row sums to 1")
    text = parts[0] + ": " + ", ".join(details) + ". " + _mask_alt(a)
    if highlight_row is not None:
        text += f" Row i = {highlight_row} is outlined: " + _row_alt(a[highlight_row], "j") + "."
    return text


def _row_alt(row: np.ndarray, axis: str) -> str:
    finite = np.isfinite(row)
    if not finite.any():
        return "every key masked"
    values = np.where(finite, row, np.nan)
    hi, lo = int(np.nanargmax(values)), int(np.nanargmin(values))
    text = f"highest {_n(row[hi])} at {axis} = {hi}, lowest {_n(row[lo])} at {axis} = {lo}"
    if not finite.all():
        count = int((~finite).sum())
        text += f"; {count} key{'s' if count > 1 else ''} masked ({axis} = "
        text += ", ".join(map(str, np.flatnonzero(~finite)[:3])) + (", …)" if count > 3 else ")")
    return text


def _sequence_alt(values: np.ndarray, axis: str) -> str:
    """A series over 1-based index: its ends, and whether it falls, rises or neither."""
    steps = np.diff(values)
    trend = ("falling at every step" if (steps < 0).all() else "rising at every step" if (steps > 0).all()
             else "not monotone")
    return (f"{_n(values[0])} at {axis} 1 to {_n(values[-1])} at {axis} {len(values)}"
            + ("" if len(values) < 2 else f", {trend}"))


def _curve_alt(x: np.ndarray, y: np.ndarray) -> str:
    """y at the first and last x, and the lowest and highest points."""
    ok = np.isfinite(y)
    if not ok.any():
        return "no finite values"
    x, y = x[ok], y[ok]
    hi, lo = int(np.argmax(y)), int(np.argmin(y))
    return (f"{_n(y[0])} at {_n(x[0])} to {_n(y[-1])} at {_n(x[-1])}; highest {_n(y[hi])} at {_n(x[hi])}, "
            f"lowest {_n(y[lo])} at {_n(x[lo])}")


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
