"""slopes_explorer: H heads and length L -> per head, the bias row of the last query and the weights it gives.

Paper form throughout: head k's slope m_k, bias −m_k·(i − j) added after 1/√d. The query is the last one,
i = L − 1, which sees every key. "Equal content" means every key has the same q·k, so the weights are the
softmax of the bias row alone: a steep head puts its weight on the nearest keys, a shallow head spreads it.
The weights are coloured by log₁₀ (so 1/L and 1/10 L are told apart); weights below 10^-4 share the darkest colour.
The last query's causal mask is 0 everywhere (it sees every key), so no key is masked here.
A head's reach: the largest distance i − j whose weight is still ≥ 1% of the nearest key's, i.e. e^(bias) ≥ 0.01.
"""
from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import torch

from ..attention import attention_weights
from ..bias import linear_bias
from ..slopes import geometric_slopes
from ..style import WEIGHTS_CMAP, Scale, bias_scale, nice_ticks, number
from . import render
from .base import HEAD_DIM, MAX_LENGTH, Explorer, int_slider, log_slider, numpy, span

MAX_HEADS = 64
REACH_TITLE = "reach (L = {}): largest i − j with weight ≥ 1% of the nearest key's"
REACH_RATIO = 0.01
LOG_FLOOR = -4.0  # the weights panel's log₁₀ colour scale starts here
SLOPE_RANGE = (2e-4, 20.0)  # the log axis of the slopes panel: covers 2^-8 (and smaller, at H = 64) and the slider
GEOMETRIC_RGB, SHARED_RGB, FADED_RGB = (0, 114, 178), (213, 94, 0), (200, 200, 200)  # Okabe-Ito blue, vermillion


class SlopesExplorer(Explorer):
    """Displayed: slopes (H,), bias_rows (H, L) — bias of query i = L − 1 per head —, weights (H, L) —
    softmax of that row (equal content) —, reach (H,) in positions."""
    CELL_CONTROLS, ROW_FROM = ("head", "key"), 1  # rows are heads, counted from 1

    def __init__(self, heads: int = 8, length: int = 128):
        heads, length = min(max(int(heads), 1), MAX_HEADS), min(max(int(length), 1), MAX_LENGTH)
        controls = {
            "heads": int_slider(heads, 1, MAX_HEADS, "heads H"),
            "length": int_slider(length, 1, MAX_LENGTH, "length L"),
            "slopes": widgets.ToggleButtons(options=[("geometric m_k", "geometric"), ("one shared m", "shared")],
                                            value="geometric", description="slopes", style={"button_width": "130px"}),
            "shared_slope": log_slider("shared_slope", 2 ** -4, -3, 1, "shared m"),
            "head": int_slider(1, 1, heads, "head k"),
            "key": int_slider(max(length - 4, 0), 0, length - 1, "key j"),
        }
        super().__init__(controls, "ALiBi's per-head slopes m_k: how far back each head looks")

    def constrain(self) -> None:
        self.controls["head"].max = self.controls["heads"].value
        self.controls["key"].max = self.controls["length"].value - 1

    def slopes(self, v: dict) -> torch.Tensor:
        if v["slopes"] == "geometric":
            return geometric_slopes(v["heads"], dtype=torch.float64)
        return torch.full((v["heads"],), v["shared_slope"], dtype=torch.float64)

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        heads, length, slopes = v["heads"], v["length"], self.slopes(v)
        # the last query's row of alibi_bias(H, L): one query at position L − 1 against L keys, (H, 1, L)
        rows = linear_bias(1, length, beta=slopes)
        same = torch.zeros(heads, length, HEAD_DIM, dtype=torch.float64)  # equal content: every q·k = 0
        weights = attention_weights(same[:, -1:], same, bias=rows, bias_in_scale=False)
        reach = (rows[:, 0] >= math.log(REACH_RATIO)).sum(dim=-1) - 1  # keys within reach, minus the nearest
        return {"slopes": numpy(slopes), "bias_rows": numpy(rows[:, 0]), "weights": numpy(weights[:, 0]),
                "reach": reach.numpy()}

    def paint(self, v: dict) -> render.Canvas:
        d, heads, length = self.displayed, v["heads"], v["length"]
        canvas = render.Canvas(_frame())
        log_weights = np.log10(np.maximum(d["weights"], 10.0 ** LOG_FLOOR))  # below 10^-4: the darkest colour
        panels = (("rows", d["bias_rows"], bias_scale(d["bias_rows"]), f"bias −m_k·(i − j) of query i = {length - 1}"),
                  ("weights", log_weights, Scale(WEIGHTS_CMAP, LOG_FLOOR, 0.0, nice_ticks(LOG_FLOOR, 0.0, 4)),
                   "its weights with equal content (log₁₀)"))
        for name, values, scale, title in panels:
            canvas.heatmap(name, values, scale, row_gaps=True, highlight_cell=self.cell(v))
            canvas.positions(name, None, length)
            canvas.positions(name, heads, None, first=1)
            canvas.colorbar(f"{name}_bar", scale)
            canvas.title(f"{name}_title", title)
        x = (np.arange(heads) + 0.5) / heads
        lo, hi = np.log10(SLOPE_RANGE)
        y = lambda s: (np.log10(s) - lo) / (hi - lo)
        other = {"geometric": "shared", "shared": "geometric"}[v["slopes"]]
        canvas.dots("slopes", x, y(self.slopes({**v, "slopes": other}).numpy()), FADED_RGB, size=5)
        active = GEOMETRIC_RGB if v["slopes"] == "geometric" else SHARED_RGB
        canvas.dots("slopes", x, y(d["slopes"]), active, size=7)
        canvas.positions("slopes", None, heads, first=1)
        top = float(max(length - 1, 1))
        canvas.bars("reach", d["reach"].astype(float), Scale("Greys", 0.0, top, nice_ticks(0.0, top, 4)), rgb=active)
        canvas.positions("reach", None, heads, first=1)
        canvas.title("reach_title", REACH_TITLE.format(length))
        return canvas

    def describe(self, v: dict) -> str:
        what = ("geometric slopes m_k (pale: shared m = {:.3g})" if v["slopes"] == "geometric" else
                "one shared m = {:.3g} (pale: geometric)").format(v["shared_slope"])
        reach = self.displayed["reach"]
        return (f"H = {v['heads']} · L = {v['length']} · {what} · query i = {v['length'] - 1} · "
                f"reach from {reach.min()} to {reach.max()} positions")

    def picture_text(self, v: dict) -> str:
        d, heads, length = self.displayed, v["heads"], v["length"]
        slopes, reach = d["slopes"], d["reach"]
        kind = "geometric slopes" if v["slopes"] == "geometric" else "one shared slope"
        return (f"Four panels for H = {heads} heads, L = {length}, {kind} from {number(slopes[0], '.3g')} (head 1) "
                f"to {number(slopes[-1], '.3g')} (head {heads}). Heatmaps, one row per head: the bias of the last "
                f"query i = {length - 1}, {span(d['bias_rows'])}; the weights it gives with equal content, log₁₀. "
                f"Dots: each head's slope on a log axis. Bars: each head's reach, from {reach.min()} to {reach.max()} "
                f"positions (head 1: {reach[0]}, head {heads}: {reach[-1]}). Cell (head {v['head']}, "
                f"j = {v['key']}) is outlined.")

    def read_cell(self, v: dict, row: int, col: int) -> str:
        d, i = self.displayed, v["length"] - 1
        return (f"head {row + 1} (m = {number(d['slopes'][row])}), key j = {col}, distance i − j = {i - col}: "
                f"bias = {number(d['bias_rows'][row, col])} · weight = {number(d['weights'][row, col])}")


@lru_cache(maxsize=1)
def _frame() -> render.Frame:
    """One frame for every H and L: ticks, head numbers, titles and scales are painted per change."""
    def draw(fig):
        grid = fig.add_gridspec(2, 2, height_ratios=(1.6, 1))
        named = {}
        for col, (name, label) in enumerate((("rows", "bias"), ("weights", "log₁₀ weight"))):
            ax = named[name] = render.heatmap_axes(fig.add_subplot(grid[0, col]), ylabel="head k")
            named[f"{name}_title"] = render.reserve_title(ax, "its weights with equal content (log₁₀)")
            named[f"{name}_bar"] = render.colorbar_axes(fig, ax, label)
        slopes = fig.add_subplot(grid[1, 0])
        slopes.set(yscale="log", ylim=SLOPE_RANGE, xlim=(0, 1), xlabel="head k", ylabel="slope m_k (log scale)",
                   title="slopes m_k: large dark dots the set chosen\n(geometric falls with k; one shared m is flat)")
        slopes.set_xticks([0.5], labels=["00"])
        slopes.tick_params(axis="x", length=0, labelcolor="white")
        reach = render.reserve_ticks(fig.add_subplot(grid[1, 1]), x="00", y="000")
        reach.set(xlabel="head k", ylabel="reach (positions)")
        named.update(slopes=slopes, reach=reach,
                     reach_title=render.reserve_title(reach, REACH_TITLE.format(256)))
        return named
    return render.build_frame(draw, (11.0, 7.6))


def slopes_explorer(heads: int = 8, length: int = 128) -> SlopesExplorer:
    """The per-head slopes explorer of notebook 03; display it with the returned widget alone.

    The default L = 128 lets the 8 heads' reaches differ (at L = 32 six of them already see every key)."""
    return SlopesExplorer(heads, length)
