"""figure_picker: dropdowns and sliders over the arguments of a function that draws a matplotlib Figure.

Widgets live here and figures in plots/; a notebook joins the two in one line, e.g.

    figure_picker(lambda setting, layer: attention_maps(maps[setting][layer - 1]),
                  setting=list(maps), layer=(1, n_layers))
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import ipywidgets as w
import matplotlib.pyplot as plt

from .base import StaticPicture


class FigurePicker(StaticPicture, w.VBox):
    """One control per argument of draw(**values) -> Figure, and the figure of the current values below them.

    Displayed, it also carries a PNG of that figure, so a notebook read without a kernel shows it.
    """

    def __init__(self, draw: Callable[..., plt.Figure], **choices: Sequence | tuple[int, int]):
        if not callable(draw):
            raise TypeError(f"draw must be a function returning a matplotlib Figure, got {type(draw).__name__}")
        if not choices:
            raise ValueError("figure_picker needs at least one choice, e.g. layer=(1, 2) or setting=['a', 'b']")
        self.draw = draw
        self.controls = {name: _control(name, options) for name, options in choices.items()}
        self.picture = w.Image(format="png", layout=w.Layout(max_width="100%"))
        for control in self.controls.values():
            control.observe(self.refresh, "value")
        super().__init__([w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")), self.picture])
        self.add_class("alibi-picker")
        self._enhance("Choose a figure: " + ", ".join(self.controls))
        self.refresh()

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, _=None) -> None:
        fig = self.draw(**self.values)
        # a plots.Picture (duck-typed: widgets do not import plots) brings its alt text; a bare Figure a generic one
        self._describe_picture(getattr(fig, "alt", None) or
                               "Figure for " + ", ".join(f"{k} = {v}" for k, v in self.values.items()))
        if not isinstance(fig, plt.Figure):
            fig = getattr(fig, "figure", fig)
        if not isinstance(fig, plt.Figure):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(fig).__name__}")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight", facecolor="white")
        plt.close(fig)
        self.picture.value = buffer.getvalue()

    def plain_text(self) -> str:
        return f"FigurePicker: {self.values}"


def figure_picker(draw: Callable[..., plt.Figure], **choices: Sequence | tuple[int, int]) -> FigurePicker:
    """Controls over draw's keyword arguments: a (lo, hi) pair of ints gives a slider, a list gives a dropdown."""
    return FigurePicker(draw, **choices)


def _control(name: str, options: Sequence | tuple[int, int]) -> w.ValueWidget:
    if isinstance(options, tuple) and len(options) == 2 and all(isinstance(v, int) for v in options):
        lo, hi = options
        if lo > hi:
            raise ValueError(f"{name}=({lo}, {hi}): the low end is above the high end")
        return w.IntSlider(value=lo, min=lo, max=hi, description=name)
    options = list(options)
    if not options:
        raise ValueError(f"{name} has no options to choose from")
    return w.Dropdown(options=options, value=options[0], description=name)
