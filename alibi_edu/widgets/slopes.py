"""slopes_explorer: H heads and length L -> per-head bias grid, slopes on a log axis, each head's reach.

A head's reach: how far back a key's weight stays above 1% of the nearest key's, from the bias alone
(paper scaling, content ignored): the largest distance i − j with e^(bias) ≥ 0.01, read off the last row.
"""
from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import torch

from ..bias import alibi_bias, causal_mask
from ..slopes import geometric_slopes
from . import render
from .base import MAX_LENGTH, Explorer, int_slider, log_slider, numpy

MAX_HEADS = 64
REACH_RATIO = 0.01
SLOPE_RANGE = (5e-4, 20.0)  # the log axis of the slopes panel: covers 2^-8 and every shared β of the slider
GEOMETRIC_RGB, SHARED_RGB, FADED_RGB = (0, 114, 178), (213, 94, 0), (200, 200, 200)


class SlopesExplorer(Explorer):
    """Displayed: slopes (H,), biases (H, L, L) with -inf where masked, reach (H,) in positions."""

    def __init__(self, heads: int = 8, length: int = 32):
        controls = {
            "heads": int_slider(min(max(int(heads), 1), MAX_HEADS), 1, MAX_HEADS, "heads H", continuous=False),
            "length": int_slider(min(max(int(length), 1), MAX_LENGTH), 1, MAX_LENGTH, "length L", continuous=False),
            "slopes": widgets.ToggleButtons(options=[("geometric m_h", "geometric"), ("one shared β", "shared")],
                                            value="geometric", description="slopes", style={"button_width": "110px"}),
            "shared_beta": log_slider("shared_beta", 2 ** -4, -3, 1, "shared β"),
        }
        super().__init__(controls, "ALiBi's per-head slopes")

    def slopes(self, v: dict) -> torch.Tensor:
        if v["slopes"] == "geometric":
            return geometric_slopes(v["heads"], dtype=torch.float64)
        return torch.full((v["heads"],), v["shared_beta"], dtype=torch.float64)

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        slopes = self.slopes(v)
        biases = alibi_bias(v["heads"], v["length"], slopes=slopes, dtype=torch.float64) + causal_mask(
            v["length"], dtype=torch.float64)
        reach = (biases[:, -1, :] >= math.log(REACH_RATIO)).sum(dim=-1) - 1  # keys within reach, minus the nearest
        return {"slopes": numpy(slopes), "biases": numpy(biases), "reach": reach.numpy()}

    def paint(self, v: dict) -> bytes:
        d, heads = self.displayed, v["heads"]
        canvas = render.Canvas(_frame(heads, v["length"]))
        limit = render.symmetric_limit(d["biases"])
        for box, bias in zip(_tiles(canvas.frame.boxes["grid"], heads), d["biases"]):
            canvas.heatmap(box, bias, render.BIAS_CMAP, -limit, limit)
        canvas.scale_labels("grid_bar:scale", limit)
        x = (np.arange(heads) + 0.5) / heads
        lo, hi = np.log10(SLOPE_RANGE)
        y = lambda s: (np.log10(s) - lo) / (hi - lo)
        other = {"geometric": "shared", "shared": "geometric"}[v["slopes"]]
        canvas.dots("slopes", x, y(self.slopes({**v, "slopes": other}).numpy()), FADED_RGB, size=5)
        active = GEOMETRIC_RGB if v["slopes"] == "geometric" else SHARED_RGB
        canvas.dots("slopes", x, y(d["slopes"]), active, size=7)
        canvas.bars("reach", d["reach"].astype(float), 0.0, float(max(v["length"] - 1, 1)), rgb=active)
        return canvas.png()

    def describe(self, v: dict) -> str:
        what = "geometric slopes" if v["slopes"] == "geometric" else f"one shared β = {v['shared_beta']:.3g}"
        reach = self.displayed["reach"]
        return (f"H = {v['heads']} · L = {v['length']} · {what} · "
                f"reach from {reach.min()} to {reach.max()} positions")


def _tiles(box: tuple[int, int, int, int], heads: int, gap: int = 3) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of a near-square grid of `heads` tiles inside box, row by row."""
    top, left, bottom, right = box
    cols = math.ceil(math.sqrt(heads))
    rows = math.ceil(heads / cols)
    size = min((right - left + gap) // cols, (bottom - top + gap) // rows) - gap
    return [(top + r * (size + gap), left + c * (size + gap), top + r * (size + gap) + size,
             left + c * (size + gap) + size) for r in range(rows) for c in range(cols)][:heads]


@lru_cache(maxsize=32)
def _frame(heads: int, length: int) -> render.Frame:
    def draw(fig):
        grid = fig.add_gridspec(2, 2, width_ratios=(1.25, 1))
        tiles = fig.add_subplot(grid[:, 0])
        tiles.set(xticks=[], yticks=[], xlabel="each tile: key position j →", ylabel="← query position i",
                  title=f"bias −m_h·(i − j) per head (head 1 top left), L = {length}")
        tiles.add_patch(render.Rectangle((0, 0), 1, 1, transform=tiles.transAxes, **render.MASK_STYLE))
        tiles.legend(handles=[render.Patch(**render.MASK_STYLE, label=render.MASK_LABEL)], loc="lower center",
                     bbox_to_anchor=(0.5, 1.06), fontsize="x-small", frameon=False, borderaxespad=0)
        for side in tiles.spines.values():
            side.set_visible(False)
        slopes = fig.add_subplot(grid[0, 1])
        slopes.set(yscale="log", ylim=SLOPE_RANGE, xlim=(0.5, heads + 0.5), xlabel="head index h",
                   ylabel="slope (log scale)", title="slopes: geometric (blue), shared β (orange)\npale dots: the set not chosen")
        slopes.xaxis.get_major_locator().set_params(integer=True)
        reach = fig.add_subplot(grid[1, 1])
        reach.set(xlim=(0.5, heads + 0.5), ylim=(0, max(length - 1, 1)), xlabel="head index h",
                  ylabel="reach (positions)", title="reach: weight ≥ 1% of the nearest key's")
        reach.xaxis.get_major_locator().set_params(integer=True)
        return {"grid": tiles, "grid_bar:scale": render.colorbar_axes(fig, tiles, render.BIAS_CMAP, "bias"),
                "slopes": slopes, "reach": reach}
    frame = render.build_frame(draw, (11.0, 7.0), layout_key=("slopes", len(str(length - 1)), len(str(heads))))
    top, left, bottom, right = frame.boxes["grid"]
    hatch = frame.pixels[top:bottom, left:right].copy()
    frame.pixels[top:bottom, left:right] = 255  # the hatch (seen through masked cells) only inside the tiles
    for t, l, b, r in _tiles(frame.boxes["grid"], heads):
        frame.pixels[t:b, l:r] = hatch[t - top:b - top, l - left:r - left]
    return frame


def slopes_explorer(heads: int = 8, length: int = 32) -> SlopesExplorer:
    """The per-head slopes explorer of notebook 03; display it with the returned widget alone."""
    return SlopesExplorer(heads, length)
