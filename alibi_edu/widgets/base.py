"""Explorer: one container of controls, a readout and a picture, kept in step with the controls."""
from __future__ import annotations

import base64
import html
import math
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
import torch

from ..threads import one_thread
from . import a11y
from .render import Canvas, cell_at

try:  # click-to-read; without it (or without its front end, as in the classic Notebook) the cell controls read
    from ipyevents import Event
except ImportError:
    Event = None

QK_SEED, HEAD_DIM, MAX_LENGTH = 0, 16, 256


def seeded_qk(length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The explorers' fixed queries and keys: the first `length` rows of torch.randn(2, 256, 16), seed 0."""
    q, k = torch.randn(2, MAX_LENGTH, HEAD_DIM, generator=torch.Generator().manual_seed(QK_SEED), dtype=torch.float64)
    return q[:length], k[:length]


class StaticPicture:
    """Display data of a widget with a `picture` (an ipywidgets.Image) and its description `alt`: the widget view,
    and beside it a PNG of the picture with that alt text (metadata, and an <img alt> in text/html), which
    renderers without widgets show (GitHub, nbviewer, VS Code without widgets, the course site).
    With anywidget, an invisible add-on (a11y.py) follows as an output of its own and names the live controls."""
    alt = ""
    addon = None

    def plain_text(self) -> str:
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs) -> dict:
        view = {"version_major": 2, "version_minor": 0, "model_id": self.model_id}  # ipywidgets 7 and 8 alike
        png = base64.b64encode(self.picture.value).decode("ascii")
        return {"text/plain": self.plain_text(), "application/vnd.jupyter.widget-view+json": view,
                "image/png": png,
                "text/html": f'<img alt="{html.escape(self.alt, quote=True)}" style="max-width: 100%; height: auto" '
                             f'src="data:image/png;base64,{png}">'}

    def _ipython_display_(self, **kwargs) -> None:
        """ipywidgets 7 displays a widget through this hook, not _repr_mimebundle_: the same bundle either way."""
        from IPython.display import display
        display(self._repr_mimebundle_(), metadata={"image/png": {"alt": self.alt}}, raw=True)
        a11y.display_beside(self.addon)

    def _enhance(self, name: str) -> None:
        """Attach the screen-reader add-on (None without anywidget) to this container."""
        self.addon = a11y.enhancer(name)
        if self.addon is not None:
            self.add_class(self.addon.target)
        self.picture.add_class("alibi-picture")

    def _describe_picture(self, alt: str) -> None:
        self.alt = alt
        if self.addon is not None:
            self.addon.alt = alt


class Explorer(StaticPicture, widgets.VBox):
    """Subclasses define compute(values) -> {name: array}, paint(values) -> Canvas, describe(values) -> str,
    and, with heatmaps, cell(values) -> (row, col) of the cell the readout reads (picked by controls such as
    query i and key j), select(row, col) setting those controls, and read_cell(values, row, col) -> str.

    explorer.controls  — name -> widget; set `.value` to drive it from Python.
    explorer.displayed — name -> numpy array: exactly what the picture shows now.
    explorer.values    — name -> current value of every control.
    A click on the picture (ipyevents) goes to explorer.on_click(event): it selects the cell under it, as the
    controls do from the keyboard; tests call it with a synthetic event.
    Displayed, it carries an image/png of its picture beside the widget view: readable where no widget runs.
    """

    def __init__(self, controls: dict[str, widgets.Widget], title: str):
        self.controls = controls
        self.displayed: dict[str, np.ndarray] = {}
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.readout = widgets.HTML()
        self.picture.add_class("alibi-picture")
        self.readout.add_class("alibi-readout")
        for name, control in controls.items():
            control.add_class(f"alibi-control-{name}")
            control.observe(self._on_change, names="value")
        self._holding = False
        self.cells: dict = {}
        self.clicks = None
        if Event is not None:
            self.clicks = Event(source=self.picture, watched_events=["click"])
            self.clicks.on_dom_event(self.on_click)
        for control in controls.values():  # reflow: a slider shrinks to fit a narrow page, never below a usable width
            if isinstance(control, (widgets.IntSlider, widgets.SelectionSlider)):
                control.layout.width, control.layout.min_width = "min(100%, 300px)", "min(100%, 220px)"
        rows = [widgets.HBox(list(controls.values())[k:k + 3], layout=widgets.Layout(flex_flow="row wrap"))
                for k in range(0, len(controls), 3)]
        super().__init__([widgets.HTML(f"<b>{title}</b>"), *rows, self.readout, self.picture])
        self.add_class("alibi-explorer")
        self._enhance(title)
        self.refresh()

    @property
    def values(self) -> dict[str, object]:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute every displayed array from the controls and repaint: no panel can be stale."""
        with self.hold():
            self.constrain()
        values = self.values
        with one_thread():
            self.displayed = {name: np.asarray(a) for name, a in self.compute(values).items()}
        canvas = self.paint(values)
        self.cells = canvas.cells
        self.picture.value = canvas.png()
        text = self.describe(values)
        cell = self.cell(values)
        if cell is not None:
            text += "<br>cell " + self.read_cell(values, *cell)
        self.readout.value = text
        self._describe_picture(self.picture_text(values))

    def plain_text(self) -> str:
        return f"{type(self).__name__}: {self.readout.value.replace('<br>', ' · ')}"

    def on_click(self, event: dict) -> None:
        """A click on the picture: read the heatmap cell under it (ipyevents' dataX/dataY are image pixels)."""
        x, y = event.get("dataX"), event.get("dataY")
        if x is None or y is None:  # no natural-size coordinates: scale the position in the element
            width, height = self.frame_size()
            x = event["relativeX"] * width / event["boundingRectWidth"]
            y = event["relativeY"] * height / event["boundingRectHeight"]
        hit = cell_at(self.cells, x, y)
        if hit is not None:
            _, row, col = hit
            with self.hold():
                self.select(row, col)
            self.refresh()

    CELL_CONTROLS: tuple[str, str] | None = None  # the controls naming a heatmap cell's row and column
    ROW_FROM = 0                                    # the row control's first value (heads count from 1)

    def cell(self, values: dict) -> tuple[int, int] | None:
        """(row, col) of the heatmap cell the readout reads, as the controls select it; None: no heatmap."""
        if self.CELL_CONTROLS is None:
            return None
        row, col = self.CELL_CONTROLS
        return values[row] - self.ROW_FROM, values[col]

    def select(self, row: int, col: int) -> None:
        """Set the controls that select a cell (a click does this)."""
        if self.CELL_CONTROLS is not None:
            row_control, col_control = self.CELL_CONTROLS
            self.controls[row_control].value, self.controls[col_control].value = row + self.ROW_FROM, col

    def frame_size(self) -> tuple[int, int]:
        """(width, height) in pixels of the current picture."""
        png = self.picture.value
        return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")

    def read_cell(self, values: dict, row: int, col: int) -> str:
        raise NotImplementedError

    def constrain(self) -> None:
        """Keep dependent controls in range (e.g. query i < L); changes made here do not trigger refreshes."""

    @contextmanager
    def hold(self):
        held, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = held

    def _on_change(self, change) -> None:
        if not self._holding:
            self.refresh()

    def compute(self, values: dict) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def paint(self, values: dict) -> Canvas:
        raise NotImplementedError

    def describe(self, values: dict) -> str:
        raise NotImplementedError

    def picture_text(self, values: dict) -> str:
        """The picture's text alternative: what it shows now, from the displayed data."""
        raise NotImplementedError


def span(values: np.ndarray) -> str:
    """'from 0 to −5.5' over the finite values of an array (alt text); '−∞' cells are left out."""
    finite = np.asarray(values)[np.isfinite(values)]
    if not finite.size:
        return "every value masked"
    return f"from {_short(finite.max())} to {_short(finite.min())}"


def _short(value: float) -> str:
    return format(float(value) + 0.0, ".3g").replace("-", "−")


def log_slider(name: str, value: float, low: int, high: int, description: str) -> widgets.SelectionSlider:
    """A slider over round numbers spaced evenly in log scale, 10^low ... 10^high.

    Round numbers on purpose: a FloatLogSlider snaps to its exponent grid, so a default of 0.5 would show as 0.501.
    """
    grid = log_grid(low, high)
    nearest = min(grid, key=lambda g: abs(math.log10(g) - math.log10(value)))
    return widgets.SelectionSlider(options=[(f"{g:g}", g) for g in grid], value=nearest, description=description,
                                   continuous_update=True)


def log_grid(low: int, high: int) -> list[float]:
    """1, 1.5, 2, 3, 5, 7 times each power of ten from 10^low, up to 10^high."""
    return [float(f"{m}e{e}") for e in range(low, high) for m in (1, 1.5, 2, 3, 5, 7)] + [float(f"1e{high}")]


def int_slider(value: int, low: int, high: int, description: str, continuous: bool = True) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, description=description,
                             continuous_update=continuous)


def numpy(t: torch.Tensor) -> np.ndarray:
    """A tensor (any float dtype) as a float64 numpy array, values unchanged."""
    return t.detach().to(torch.float64).numpy()
