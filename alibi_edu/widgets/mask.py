"""mask_explorer: the causal mask, scores before and after it, and the weights it leaves.

The low-precision pitfall, stated honestly. −∞ gives weights of exactly 0 in every dtype. A finite
stand-in M gives a future key the weight ≈ e^(M + s_future − s_max) / Z, which is exactly 0 only if it
underflows in the output dtype. With this explorer's seeded q, k (scores within about ±5):
  M = −50 in bfloat16 (or float32): future weights up to ≈ 2e−21 — tiny, but not 0;
  M = −50 in float16: they underflow to 0 (float16's smallest number is 6e−8), but M = −10 leaves up to ~5e−4.
  M = −1e4 gives exact zeros in all three; −1e9 cannot be stored in float16 at all (it becomes −∞).
The weights panel uses a log₁₀ colour scale so a weight of 1e−21 is visible; exact zeros are hatched.
"""
from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import torch

from ..attention import attention_scores, attention_weights
from ..bias import causal_mask
from ..style import WEIGHTS_CMAP, Scale, bias_scale, nice_ticks, number
from . import render
from .base import MAX_LENGTH, Explorer, int_slider, log_slider, numpy, seeded_qk, span

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
LOG_FLOOR = -45.0  # log10 of the smallest float32 subnormal, about 1.4e-45


class MaskExplorer(Explorer):
    """Displayed: mask, scores (before masking), masked_scores, weights — all (L, L), in the chosen dtype."""
    CELL_CONTROLS = ("query", "key")

    def __init__(self, query: int = 10, length: int = 16):
        length = min(max(int(length), 1), MAX_LENGTH)
        query = min(max(int(query), 0), length - 1)
        controls = {
            "length": int_slider(length, 1, MAX_LENGTH, "length L"),
            "query": int_slider(query, 0, length - 1, "query i"),
            "key": int_slider(min(query + 2, length - 1), 0, length - 1, "key j"),
            "mask_with": widgets.ToggleButtons(options=[("−∞", "inf"), ("finite −M", "finite")], value="inf",
                                               description="mask with", style={"button_width": "80px"}),
            "magnitude": log_slider("magnitude", 50.0, 0, 4, "M"),
            "dtype": widgets.Dropdown(options=list(DTYPES), value="float32", description="dtype"),
        }
        super().__init__(controls, "The causal mask: −∞ versus a large finite number")

    def constrain(self) -> None:
        self.controls["query"].max = self.controls["key"].max = self.controls["length"].value - 1

    def mask(self, v: dict) -> torch.Tensor:
        """The additive mask in the chosen dtype: causal_mask, with −∞ replaced by −M if asked."""
        mask = causal_mask(v["length"], dtype=torch.float64)
        if v["mask_with"] == "finite":
            mask = mask.masked_fill(torch.isinf(mask), -v["magnitude"])
        return mask.to(DTYPES[v["dtype"]])

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        q, k = (t.to(DTYPES[v["dtype"]]) for t in seeded_qk(v["length"]))
        mask = self.mask(v)
        return {"mask": numpy(mask), "scores": numpy(attention_scores(q, k)),
                "masked_scores": numpy(attention_scores(q, k, mask=mask)),
                "weights": numpy(attention_weights(q, k, mask=mask))}

    def paint(self, v: dict) -> render.Canvas:
        d, i, length = self.displayed, v["query"], v["length"]
        canvas = render.Canvas(_frame())
        scales = {"mask": bias_scale(d["mask"]), "scores": bias_scale(d["scores"]),
                  "masked_scores": bias_scale(d["masked_scores"]),
                  "weights": Scale(WEIGHTS_CMAP, LOG_FLOOR, 0.0, nice_ticks(LOG_FLOOR, 0.0))}
        with np.errstate(divide="ignore"):
            log_weights = np.where(d["weights"] > 0, np.log10(d["weights"]), np.nan)  # exact zeros hatched
        for name, values in (("mask", d["mask"]), ("scores", d["scores"]), ("masked_scores", d["masked_scores"]),
                             ("weights", log_weights)):
            canvas.heatmap(name, values, scales[name], highlight_row=i, highlight_cell=(i, v["key"]))
            canvas.positions(name, length, length)
            canvas.colorbar(f"{name}_bar", scales[name])
            if name != "scores" and not np.isfinite(values).all():
                canvas.masked_legend(f"{name}_legend", name)
        return canvas

    def describe(self, v: dict) -> str:
        future = np.triu(np.ones_like(self.displayed["weights"], dtype=bool), k=1)
        leak = float(self.displayed["weights"][future].max()) if future.any() else 0.0
        stand_in = "−∞ (M not used)" if v["mask_with"] == "inf" else f"−M with M = {v['magnitude']:.3g}"
        return (f"mask = {stand_in} · {v['dtype']} · i = {v['query']} · L = {v['length']} · "
                f"largest weight on a future key: {leak:.3g}" + (" (exactly 0)" if leak == 0 else " (not 0!)"))


    def picture_text(self, v: dict) -> str:
        d, i = self.displayed, v["query"]
        stand_in = "−∞" if v["mask_with"] == "inf" else f"−{v['magnitude']:.3g}"
        zeros = int((d["weights"][i] == 0).sum())
        return (f"Four heatmaps of {v['length']} queries by {v['length']} keys in {v['dtype']}: the mask, 0 on and "
                f"below the diagonal and {stand_in} above it; the scores before masking {span(d['scores'])}; after "
                f"masking {span(d['masked_scores'])}; the weights (log₁₀), where row i = {i} gives exactly 0 to "
                f"{zeros} key{'s' if zeros != 1 else ''}. Row i and cell (i = {i}, j = {v['key']}) are outlined.")

    def read_cell(self, v: dict, row: int, col: int) -> str:
        d = self.displayed
        return (f"i = {row}, j = {col}: mask = {number(d['mask'][row, col])} · "
                f"score = {number(d['scores'][row, col])} · after masking = {number(d['masked_scores'][row, col])} · "
                f"weight = {number(d['weights'][row, col])}")


@lru_cache(maxsize=1)
def _frame() -> render.Frame:
    """One frame for every L: ticks, scales and legends are painted per change."""
    def draw(fig):
        grid = fig.add_gridspec(2, 2)
        panels = (("mask", "mask (0, or the stand-in for −∞)", "mask value"),
                  ("scores", "scores before masking", "score"),
                  ("masked_scores", "scores after masking", "score"),
                  ("weights", "weights (log₁₀; hatched: exactly 0)", "log₁₀ weight"))
        named = {}
        for (name, title, label), cell in zip(panels, (grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1])):
            ax = named[name] = render.heatmap_axes(fig.add_subplot(cell))
            ax.set_title(title)
            named[f"{name}_legend"] = render.reserve_legend(ax)
            named[f"{name}_bar"] = render.colorbar_axes(fig, ax, label, width="−10000")
        return named
    return render.build_frame(draw, (10.0, 8.6))


def mask_explorer(query: int = 10, length: int = 16) -> MaskExplorer:
    """The causal-mask explorer of notebook 02; display it with the returned widget alone."""
    return MaskExplorer(query, length)
