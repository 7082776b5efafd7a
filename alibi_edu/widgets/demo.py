"""demo_explorer: one β slider and the bias row it gives one query — the start-here taste of the course."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from ..bias import causal_mask, linear_bias
from ..style import bias_scale, number
from . import render
from .base import Explorer, log_slider, numpy

LENGTH, QUERY = 16, 12


class DemoExplorer(Explorer):
    """Displayed: bias_row (L,) — β·(j − i) for query i = 12 of L = 16, −∞ on future keys."""

    def __init__(self, beta: float = 0.5):
        super().__init__({"beta": log_slider("beta", beta, -2, 1, "β")}, "Move β: the penalty per step back")

    def compute(self, v: dict) -> dict[str, np.ndarray]:
        row = (linear_bias(LENGTH, beta=v["beta"], dtype=torch.float64) + causal_mask(LENGTH, dtype=torch.float64))
        return {"bias_row": numpy(row[QUERY])}

    def paint(self, v: dict) -> render.Canvas:
        canvas = render.Canvas(_frame())
        canvas.bars("row", self.displayed["bias_row"], bias_scale(self.displayed["bias_row"]), marker=QUERY)
        canvas.positions("row", None, LENGTH)
        return canvas

    def picture_text(self, v: dict) -> str:
        row = self.displayed["bias_row"]
        return (f"Bar chart of the bias β·(j − i) of query i = {QUERY} over key positions j = 0 to {LENGTH - 1}, "
                f"β = {v['beta']:.3g}: 0 at j = {QUERY}, falling by {v['beta']:.3g} per step back to "
                f"{number(row[0], '.3g')} at j = 0; keys j > {QUERY} masked.")

    def describe(self, v: dict) -> str:
        return f"β = {v['beta']:.3g} · i = {QUERY} · L = {LENGTH} · the key one step back gets −{v['beta']:.3g}"


@lru_cache(maxsize=1)
def _frame() -> render.Frame:
    def draw(fig):
        ax = render.reserve_ticks(fig.add_subplot(), y="−0.00")
        ax.set(xlabel="key position j", ylabel="bias β·(j − i)",
               title=f"bias row of query i = {QUERY} (dashed); future keys masked (hatched)")
        return {"row": ax}
    return render.build_frame(draw, (7.5, 3.2))


def demo_explorer(beta: float = 0.5) -> DemoExplorer:
    """A one-slider demo for the start-here notebook; display it with the returned widget alone."""
    return DemoExplorer(beta)
