"""bias_explorer: β (or m), query i, length L, causal mask, bias placement -> bias row, bias, scores, weights.

The slider's number is the book's β when the bias goes inside 1/√d, and the paper's slope m when it is added
after 1/√d (then β = √d·m); titles and readout name the symbol in use.
"""
from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import torch

from ..attention import attention_scores, attention_weights
from ..bias import causal_mask, linear_bias
from ..style import bias_scale, number, weights_scale
from . import render
from .base import HEAD_DIM, MAX_LENGTH, Explorer, int_slider, log_slider, numpy, seeded_qk, span

PANELS = ("bias", "scores", "weights")


class BiasExplorer(Explorer):
    """Displayed: bias_row (L,), bias (L, L) with -inf where masked, scores (L, L), weights (L, L)."""
    CELL_CONTROLS = ("query", "key")

    def __init__(self, beta: float = 0.5, query: int = 10, length: int = 32):
        length = min(max(int(length), 1), MAX_LENGTH)
        query = min(max(int(query), 0), length - 1)
        controls = {
            "beta": log_slider("beta", beta, -3, 1, "|β| or |m|"),
            "sign": widgets.ToggleButtons(options=[("> 0", 1), ("= 0", 0), ("< 0", -1)], value=1,
                                          description="sign", style={"button_width": "50px"}),
            "query": int_slider(query, 0, length - 1, "query i"),
            "key": int_slider(max(query - 3, 0), 0, length - 1, "key j"),
            "length": int_slider(length, 1, MAX_LENGTH, "length L"),
            "causal": widgets.Checkbox(value=True, description="causal mask"),
            "inside": widgets.ToggleButtons(options=[("β inside 1/√d (book)", True), ("m after 1/√d (paper)", False)],
                                            value=True, description="bias", style={"button_width": "160px"}),
        }
        controls["beta"].style.description_width = "initial"
        super().__init__(controls, "Bias, scores and attention weights")

    def constrain(self) -> None:
        self.controls["query"].max = self.controls["key"].max = self.controls["length"].value - 1

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        length, beta = v["length"], v["sign"] * v["beta"]
        bias = linear_bias(length, beta=beta, dtype=torch.float64)
        mask = causal_mask(length, dtype=torch.float64) if v["causal"] else None
        q, k = seeded_qk(length)
        options = dict(bias=bias, mask=mask, bias_in_scale=v["inside"])
        shown_bias = bias if mask is None else bias + mask
        return {"bias_row": numpy(shown_bias[v["query"]]), "bias": numpy(shown_bias),
                "scores": numpy(attention_scores(q, k, **options)),
                "weights": numpy(attention_weights(q, k, **options))}

    def paint(self, v: dict) -> render.Canvas:
        d, i, length, sym = self.displayed, v["query"], v["length"], _symbol(v)
        canvas = render.Canvas(_frame())
        canvas.bars("row", d["bias_row"], bias_scale(d["bias_row"]), marker=i)
        canvas.positions("row", None, length)
        canvas.title("row_title", f"bias row of query i = {i}: {sym}·(j − i) (dashed line: j = i)")
        weights = np.where(np.isneginf(d["bias"]), np.nan, d["weights"])  # masked keys drawn as masked
        scales = {"bias": bias_scale(d["bias"]), "scores": bias_scale(d["scores"]), "weights": weights_scale(weights)}
        titles = {"bias": f"bias {sym}·(j − i)",
                  "scores": "scores (q·k + bias)/√d" if v["inside"] else "scores q·k/√d + bias",
                  "weights": "attention weights"}
        for name, values in (("bias", d["bias"]), ("scores", d["scores"]), ("weights", weights)):
            canvas.heatmap(name, values, scales[name], highlight_row=i, highlight_cell=(i, v["key"]))
            canvas.positions(name, length, length)
            canvas.colorbar(f"{name}_bar", scales[name])
            canvas.title(f"{name}_title", titles[name])
            if v["causal"]:
                canvas.masked_legend(f"{name}_legend", name)
        return canvas

    def describe(self, v: dict) -> str:
        value, sym = v["sign"] * v["beta"], _symbol(v)
        where = ("bias inside 1/√d (book)" if v["inside"] else
                 f"bias after 1/√d (paper; the same as β = √d·m = {number(math.sqrt(HEAD_DIM) * value, '+.3g')})")
        return (f"{sym} = {number(value, '+.3g')} · i = {v['query']} · L = {v['length']} · "
                f"mask {'on' if v['causal'] else 'off'} · {where}")

    def picture_text(self, v: dict) -> str:
        d, i, j, sym = self.displayed, v["query"], v["key"], _symbol(v)
        row = d["bias_row"]
        weights = np.where(np.isneginf(d["bias"][i]), -np.inf, d["weights"][i])
        top = int(np.argmax(weights))
        return (f"Four panels for {sym} = {number(v['sign'] * v['beta'], '+.3g')}, L = {v['length']}, query i = {i}, "
                f"mask {'on' if v['causal'] else 'off'}. Bars: the bias row of query i, {span(row)}. Heatmaps of "
                f"{v['length']} queries by {v['length']} keys: the bias {span(d['bias'])}; the scores "
                f"{span(d['scores'])}; the attention weights, row i's largest {number(weights[top], '.3g')} on key "
                f"j = {top}. Row i and cell (i = {i}, j = {j}) are outlined"
                + ("; future keys masked." if v["causal"] else "."))

    def read_cell(self, v: dict, row: int, col: int) -> str:
        d = self.displayed
        bias = d["bias"][row, col]
        if np.isneginf(bias):
            return f"i = {row}, j = {col}: masked (bias −∞, score −∞, weight 0)"
        return (f"i = {row}, j = {col}: bias = {number(bias)} · score = {number(d['scores'][row, col])} · "
                f"weight = {number(d['weights'][row, col])}")


def _symbol(v: dict) -> str:
    return "β" if v["inside"] else "m"


@lru_cache(maxsize=1)
def _frame() -> render.Frame:
    """One frame for every L, mask and placement: titles, ticks and legends are painted per change."""
    def draw(fig):
        grid = fig.add_gridspec(2, 3, height_ratios=(1, 1.5))
        row = render.reserve_ticks(fig.add_subplot(grid[0, :]), y="−0.00")
        row.set(xlabel="key position j", ylabel="bias of query i's row")
        named = {"row": row, "row_title": render.reserve_title(row, "bias row of query i = 000: β·(j − i) "
                                                                    "(dashed line: j = i)")}
        for col, name in enumerate(PANELS):
            ax = render.heatmap_axes(fig.add_subplot(grid[1, col]))
            named[name] = ax
            named[f"{name}_title"] = render.reserve_title(ax, "scores (q·k + bias)/√d")
            named[f"{name}_legend"] = render.reserve_legend(ax)
            named[f"{name}_bar"] = render.colorbar_axes(fig, ax, {"bias": "bias", "scores": "score",
                                                                  "weights": "weight"}[name])
        return named
    return render.build_frame(draw, (11.5, 7.4))


def bias_explorer(beta: float = 0.5, query: int = 10, length: int = 32) -> BiasExplorer:
    """The bias / scores / weights explorer of notebook 01; display it with the returned widget alone."""
    return BiasExplorer(beta, query, length)
