"""bias_explorer: β, query i, length L, causal mask, bias placement -> bias row, bias, scores, weights."""
from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import torch

from ..attention import attention_scores, attention_weights
from ..bias import causal_mask, linear_bias
from . import render
from .base import MAX_LENGTH, Explorer, int_slider, log_slider, numpy, seeded_qk


class BiasExplorer(Explorer):
    """Displayed: bias_row (L,), bias (L, L) with -inf where masked, scores (L, L), weights (L, L)."""

    def __init__(self, beta: float = 0.5, query: int = 10, length: int = 32):
        length = min(max(int(length), 1), MAX_LENGTH)
        controls = {
            "beta": log_slider("beta", beta, -3, 1, "|β|"),
            "sign": widgets.ToggleButtons(options=[("β > 0", 1), ("β = 0", 0), ("β < 0", -1)], value=1,
                                          description="sign", style={"button_width": "60px"}),
            "query": int_slider(min(max(int(query), 0), length - 1), 0, length - 1, "query i"),
            "length": int_slider(length, 1, MAX_LENGTH, "length L", continuous=False),
            "causal": widgets.Checkbox(value=True, description="causal mask"),
            "inside": widgets.ToggleButtons(options=[("inside √d (book)", True), ("outside √d (paper)", False)],
                                            value=True, description="bias", style={"button_width": "150px"}),
        }
        super().__init__(controls, "Bias β·(j − i), scores and attention weights")

    def constrain(self) -> None:
        self.controls["query"].max = self.controls["length"].value - 1

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        length, beta = v["length"], v["sign"] * v["beta"]
        bias = linear_bias(length, beta=beta, dtype=torch.float64)
        mask = causal_mask(length, dtype=torch.float64) if v["causal"] else None
        q, k = seeded_qk(length)
        options = dict(bias=bias, mask=mask, bias_in_scale=v["inside"])
        shown_bias = bias if mask is None else bias + mask
        return {"bias_row": numpy(shown_bias[v["query"]]), "bias": numpy(shown_bias),
                "scores": numpy(attention_scores(q, k, **options)), "weights": numpy(attention_weights(q, k, **options))}

    def paint(self, v: dict) -> bytes:
        d, i = self.displayed, v["query"]
        canvas = render.Canvas(_frame(v["length"], v["causal"]))
        bias_limit, scores_limit = render.symmetric_limit(d["bias"]), render.symmetric_limit(d["scores"])
        canvas.bars("row:scale", d["bias_row"], -bias_limit, bias_limit, marker=i)
        canvas.scale_labels("row:scale", bias_limit)
        canvas.heatmap("bias", d["bias"], render.BIAS_CMAP, -bias_limit, bias_limit, highlight_row=i)
        canvas.scale_labels("bias_bar:scale", bias_limit)
        canvas.heatmap("scores", d["scores"], render.BIAS_CMAP, -scores_limit, scores_limit, highlight_row=i)
        canvas.scale_labels("scores_bar:scale", scores_limit)
        weights = np.where(np.isneginf(d["bias"]), np.nan, d["weights"])  # masked keys drawn as masked
        canvas.heatmap("weights", weights, render.WEIGHTS_CMAP, 0.0, 1.0, highlight_row=i)
        return canvas.png()

    def describe(self, v: dict) -> str:
        beta = v["sign"] * v["beta"]
        return (f"β = {beta:+.3g} · i = {v['query']} · L = {v['length']} · "
                f"mask {'on' if v['causal'] else 'off'} · bias {'inside' if v['inside'] else 'outside'} √d")


@lru_cache(maxsize=16)
def _frame(length: int, causal: bool) -> render.Frame:
    def draw(fig):
        grid = fig.add_gridspec(2, 3, height_ratios=(1, 1.5))
        row = fig.add_subplot(grid[0, :])
        row.set(xlim=(-0.5, length - 0.5), ylim=(-1, 1), xlabel="key position j", ylabel="bias of query i's row",
                title="bias row of query i (dashed line: j = i)")
        row.set_yticks(render.SCALE_TICKS, labels=["      "] * 5)
        row.xaxis.get_major_locator().set_params(integer=True)
        axes = {"row:scale": row}
        for col, (name, title) in enumerate((("bias", "bias β·(j − i)"), ("scores", "scores"),
                                             ("weights", "attention weights"))):
            ax = render.heatmap_axes(fig.add_subplot(grid[1, col]), length, length, title, masked_legend=causal)
            axes[name] = ax
            if name == "weights":
                render.colorbar_axes(fig, ax, render.WEIGHTS_CMAP, "weight", fixed=(0.0, 1.0))
            else:
                axes[f"{name}_bar:scale"] = render.colorbar_axes(fig, ax, render.BIAS_CMAP, name)
        return axes
    return render.build_frame(draw, (11.5, 7.0), layout_key=("bias", causal, len(str(length - 1))))


def bias_explorer(beta: float = 0.5, query: int = 10, length: int = 32) -> BiasExplorer:
    """The bias / scores / weights explorer of notebook 01; display it with the returned widget alone."""
    return BiasExplorer(beta, query, length)
