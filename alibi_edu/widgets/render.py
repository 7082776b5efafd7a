"""The fast picture path: matplotlib draws a static frame once per explorer layout, numpy paints the rest.

Why not just redraw matplotlib? On this 2-core machine re-creating a 4-panel figure costs ~120-350 ms and
even a cached frame per sequence length meant a new matplotlib render (~150-450 ms) whenever L or H moved.
So the frame holds nothing that depends on the data or on L:
  frame  — titles, axis labels, spines, the grey hatch of masked cells, and empty colorbar boxes, drawn by
           matplotlib once per layout (e.g. causal or not) at a fixed pixel size and cached as an RGB array;
           tick labels are reserved as invisible (white) text so the layout leaves room for the painted ones;
  paint  — per change, each array is colour-mapped through the colormap's 256-entry lookup table, scaled to
           its axes' pixel box by nearest-neighbour indexing and pasted into a copy of the frame (masked cells
           keep the hatch underneath); colorbar gradients, tick marks and every number on an axis (key
           positions, head numbers, scale ends) are painted too, tick labels with Pillow in matplotlib's font.
The result is encoded as a PNG (unfiltered rows, zlib level 1: 2x faster than Pillow's adaptive filters, and
these pictures are mostly flat colour) into an ipywidgets.Image. The background is opaque white, so the
black text stays readable in JupyterLab's dark theme. No pyplot: nothing is displayed behind the notebook's back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..style import FIGURE_FACE, MASK_LABEL, MASK_STYLE, Scale, int_ticks, tick_label
from .raster import DPI, colour, encode_png, glyphs  # noqa: F401 (tests and explorers use render.colour)

INK, TICK = (0, 0, 0), (60, 60, 60)
TITLE_SIZE = 12
Box = tuple[int, int, int, int]  # (top, left, bottom, right) in pixels, the axes' inside


@dataclass
class Frame:
    """A rendered static frame: pixels (H, W, 3) uint8, each named axes' inner pixel box, and the pixel box
    (top, left, bottom, right) of each named piece of reserved text (a title or legend painted per change)."""
    pixels: np.ndarray
    boxes: dict[str, Box]
    spots: dict[str, Box]


def build_frame(draw, size: tuple[float, float]) -> Frame:
    """Run draw(fig) -> {name: Axes or Artist}, render once with constrained layout, note where each one is."""
    fig = Figure(figsize=size, dpi=DPI, layout="constrained", facecolor=FIGURE_FACE)
    canvas = FigureCanvasAgg(fig)
    named = draw(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    height = pixels.shape[0]
    boxes, spots = {}, {}
    for name, artist in named.items():
        x0, y0, x1, y1 = artist.get_window_extent().extents
        box = (int(np.ceil(height - y1)), int(np.ceil(x0)), int(height - y0), int(x1))
        if isinstance(artist, Axes):
            boxes[name] = (box[0] + 1, box[1] + 1, box[2], box[3])
        else:
            spots[name] = box
    return Frame(pixels, boxes, spots)


def reserve_title(ax: Axes, room: str) -> Artist:
    """An invisible title as long as `room`: the layout leaves space for the title painted per change."""
    return ax.set_title(room, color=FIGURE_FACE)


def reserve_legend(ax: Axes) -> Artist:
    """An invisible 'masked' legend entry above ax: painted (swatch and words) only when something is masked."""
    return ax.legend(handles=[Patch(facecolor=FIGURE_FACE, label=MASK_LABEL)], loc="lower center",
                     bbox_to_anchor=(0.5, 1.08), fontsize="x-small", frameon=False, borderaxespad=0,
                     labelcolor=FIGURE_FACE, borderpad=0)


def reserve_ticks(ax: Axes, x: str | None = "000", y: str | None = "000") -> Axes:
    """Room for painted tick labels as wide as x / y (None: no labels on that axis); matplotlib draws none."""
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.set_xticks([0.5], labels=[x] if x else [""])
    ax.set_yticks([0.5], labels=[y] if y else [""])
    ax.tick_params(length=0, labelcolor=FIGURE_FACE)
    return ax


def heatmap_axes(ax: Axes, xlabel: str = "key position j", ylabel: str = "query position i") -> Axes:
    """Axes for a heatmap painted later: labels, grey hatch behind (seen where masked), room for ticks."""
    reserve_ticks(ax)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, **MASK_STYLE))
    return ax


def colorbar_axes(fig: Figure, ax: Axes, label: str, width: str = "−0.0") -> Axes:
    """An empty colorbar box beside ax, its label on top (gradient and numbers are painted; `width`: room for them)."""
    bar = fig.colorbar(ScalarMappable(Normalize(0, 1), "Greys"), ax=ax, fraction=0.08, pad=0.03)
    bar.ax.set_title(label, fontsize="small")
    bar.set_ticks([0.5], labels=[width])
    bar.ax.tick_params(length=0, labelcolor=FIGURE_FACE)
    return bar.ax


class Canvas:
    """One picture being painted: a copy of a frame plus the operations that fill it.

    canvas.cells: name -> (box, rows, cols) of every heatmap painted, so a click can be mapped to a cell.
    """

    def __init__(self, frame: Frame):
        self.frame, self.pixels, self.labels = frame, frame.pixels.copy(), []
        self.cells: dict[str, tuple[Box, int, int]] = {}

    def box(self, name: str | Box) -> Box:
        return self.frame.boxes[name] if isinstance(name, str) else name

    def heatmap(self, name: str, values: np.ndarray, scale: Scale, highlight_row: int | None = None,
                row_gaps: bool = False, highlight_cell: tuple[int, int] | None = None) -> None:
        """Paint values (R, C) into axes `name`; non-finite cells keep the frame's hatch.

        row_gaps: a white line between rows that are at least 5 px tall (rows that are separate things: heads).
        highlight_row: outline that row; highlight_cell: outline that (row, col), at least 8 px wide and tall.
        """
        top, left, bottom, right = box = self.box(name)
        rows = np.arange(bottom - top) * values.shape[0] // (bottom - top)
        cols = np.arange(right - left) * values.shape[1] // (right - left)
        finite = np.isfinite(values)
        rgb = colour(np.where(finite, values, scale.lo), scale)  # (R, C, 3): colour cells, then scale to pixels
        region = self.pixels[top:bottom, left:right]
        if finite.all():
            region[:] = rgb[rows][:, cols]
        else:
            keep = finite[rows][:, cols]
            region[keep] = rgb[rows][:, cols][keep]
        self.cells[name] = (box, values.shape[0], values.shape[1])
        if row_gaps and (bottom - top) >= 5 * values.shape[0]:
            region[np.flatnonzero(np.diff(rows)) + 1] = 255
        if highlight_row is not None:
            height, rows_in = region.shape[0], values.shape[0]  # a row may be thinner than a pixel: >= 2 px
            y0 = min(highlight_row * height // rows_in, height - 2)
            y1 = max(y0 + 2, -(-(highlight_row + 1) * height // rows_in))
            _outline(region, max(y0 - 1, 0), 0, min(y1 + 1, height), region.shape[1], rgb=(255, 255, 255), width=3)
            _outline(region, max(y0 - 1, 0), 0, min(y1 + 1, height), region.shape[1], rgb=INK, width=2)
        if highlight_cell is not None:
            (y0, y1), (x0, x1) = (_span(k, n, size) for k, n, size in
                                  zip(highlight_cell, values.shape, region.shape[:2]))
            _outline(region, y0, x0, y1, x1, rgb=(255, 255, 255), width=4)
            _outline(region, y0 + 1, x0 + 1, y1 - 1, x1 - 1, rgb=INK, width=2)

    def positions(self, name: str, rows: int | None, cols: int | None, first: int = 0) -> None:
        """Integer tick marks and labels for a heatmap-like axes of rows × cols cells (None: no ticks there).

        first: the number of the first cell (1 for heads, which count from 1).
        """
        top, left, bottom, right = self.box(name)
        if cols:
            for t in _cell_ticks(cols, first):
                x = left + int((t - first + 0.5) * (right - left) / cols)
                self.pixels[bottom + 1:bottom + 5, x] = TICK
                self.text(x, bottom + 6, str(t), "mt")
        if rows:
            for t in _cell_ticks(rows, first):
                y = top + int((t - first + 0.5) * (bottom - top) / rows)
                self.pixels[y, left - 5:left - 1] = TICK
                self.text(left - 7, y, str(t), "rm")

    def colorbar(self, name: str, scale: Scale) -> None:
        """The scale's gradient in the colorbar box `name`, its round ticks marked and labelled on the right."""
        top, left, bottom, right = self.box(name)
        levels = np.linspace(scale.hi, scale.lo, bottom - top)
        self.pixels[top:bottom, left:right] = colour(levels, scale)[:, None, :]
        self.value_ticks(name, scale, side="right")

    def value_ticks(self, name: str, scale: Scale, side: str = "left") -> None:
        """Tick marks and labels for the values of a vertical scale (a colorbar: right; a bar chart: left)."""
        top, left, bottom, right = self.box(name)
        for v in scale.ticks:
            y = bottom - 1 - int(round((v - scale.lo) / (scale.hi - scale.lo) * (bottom - top - 1)))
            if side == "right":
                self.pixels[y, right:right + 4] = TICK
                self.text(right + 6, y, tick_label(v), "lm")
            else:
                self.pixels[y, left - 5:left - 1] = TICK
                self.text(left - 7, y, tick_label(v), "rm")

    def bars(self, name: str, values: np.ndarray, scale: Scale, marker: int | None = None,
             rgb: tuple[int, int, int] | None = None) -> None:
        """Bars of values (C,) from 0 in axes `name` with y range [scale.lo, scale.hi]; non-finite bars hatched.

        Coloured by the scale's colormap, or all in `rgb`; `marker` dashes a line at that bar.
        """
        top, left, bottom, right = self.box(name)
        lo, hi = scale.lo, scale.hi
        region = self.pixels[top:bottom, left:right]
        height, width = region.shape[:2]
        cols = np.arange(width) * len(values) // width
        edge = np.r_[True, cols[1:] != cols[:-1]] if width > 2 * len(values) else np.zeros(width, bool)
        y = lambda v: np.clip(np.round((hi - v) / (hi - lo) * (height - 1)), 0, height - 1).astype(int)
        finite = np.isfinite(values)
        level = np.where(finite, values, lo)
        y0, y1 = y(np.zeros(())), y(level)[cols]
        rows = np.arange(height)[:, None]
        filled = (rows >= np.minimum(y0, y1)) & (rows <= np.maximum(y0, y1)) & ~edge[None, :]
        fill = (np.broadcast_to(np.array(rgb, np.uint8), (width, 3)) if rgb is not None else
                colour(np.where(finite, values, 0.0), scale)[cols])
        region[:] = np.where(filled[..., None], fill[None], np.uint8(255))
        if not finite.all():  # masked keys: hatched over the axes' full height, as in the heatmaps
            masked = ~finite[cols][None, :] & ~edge[None, :] & (rows >= 0)
            stripes = np.where(((rows + np.arange(width)[None, :]) % 6) < 2, 140, 216).astype(np.uint8)
            region[masked] = stripes[masked][:, None]
        if lo < 0 < hi or hi == 0:
            region[y0, :] = 90  # the zero line
        if marker is not None:
            x = min(int((marker + 0.5) * width / len(values)), width - 1)
            region[::4, x] = 0
            region[1::4, x] = 0
        self.value_ticks(name, scale, side="left")

    def dots(self, name: str, x: np.ndarray, y: np.ndarray, rgb: tuple[int, int, int], size: int = 5) -> None:
        """Square dots at pixel fractions x, y in [0, 1] of axes `name` (y = 0 at the bottom)."""
        top, left, bottom, right = self.box(name)
        region = self.pixels[top:bottom, left:right]
        height, width = region.shape[:2]
        for px, py in zip(np.round(x * (width - 1)).astype(int), np.round((1 - y) * (height - 1)).astype(int)):
            region[max(py - size // 2, 0):py + size // 2 + 1, max(px - size // 2, 0):px + size // 2 + 1] = rgb

    def text(self, x: float, y: float, words: str, anchor: str = "lm", size: int = 0) -> None:
        self.labels.append((x, y, anchor, words, size))

    def title(self, spot: str, words: str) -> None:
        """Words centred on a reserved title's spot, in the title's size."""
        top, left, bottom, right = self.frame.spots[spot]
        self.text((left + right) / 2, (top + bottom) / 2, words, "mm", TITLE_SIZE)

    def masked_legend(self, spot: str, hatch_from: str) -> None:
        """A hatch swatch (cut from the frame's hatch in axes `hatch_from`) and 'masked (−∞)' on a reserved legend."""
        top, left, bottom, right = self.frame.spots[spot]
        y0, x0 = self.frame.boxes[hatch_from][:2]
        middle, x = (top + bottom) // 2, (left + right) // 2 - 40
        self.pixels[middle - 5:middle + 5, x:x + 16] = self.frame.pixels[y0 + 2:y0 + 12, x0 + 2:x0 + 18]
        self.text(x + 20, middle, MASK_LABEL, "lm")

    def png(self) -> bytes:
        height, width = self.pixels.shape[:2]
        for x, y, anchor, words, size in self.labels:  # black text: darken by each label's cached coverage
            coverage, dx, dy = glyphs(words, anchor, size)
            top, left = int(round(y)) + dy, int(round(x)) + dx
            t, lft = max(top, 0), max(left, 0)
            b, r = min(top + coverage.shape[0], height), min(left + coverage.shape[1], width)
            if b > t and r > lft:
                cut = coverage[t - top:b - top, lft - left:r - left]
                region = self.pixels[t:b, lft:r]
                region[:] = (region * (255 - cut[..., None].astype(np.uint16)) // 255).astype(np.uint8)
        return encode_png(self.pixels)


def cell_at(cells: dict[str, tuple[Box, int, int]], x: float, y: float) -> tuple[str, int, int] | None:
    """The (panel, row, col) under picture pixel (x, y), or None if it is not inside a heatmap."""
    for name, ((top, left, bottom, right), rows, cols) in cells.items():
        if top <= y < bottom and left <= x < right:
            return name, int((y - top) * rows // (bottom - top)), int((x - left) * cols // (right - left))
    return None


def _cell_ticks(size: int, first: int) -> list[int]:
    """Round cell numbers to label: 0, 10, 20 … ; counting from 1 (heads): 1, then 2, 4, 6 … or 20, 40 …"""
    if first == 0:
        return int_ticks(size)
    if size <= 16:
        return list(range(1, size + 1))
    ticks = int_ticks(size + 1)
    step = ticks[1] if len(ticks) > 1 else 1
    return [1] + [t for t in ticks if t > 1 and t - 1 >= step / 2]


def _span(k: int, n: int, size: int, least: int = 8) -> tuple[int, int]:
    """Pixel span [a, b) of cell k of n along `size` pixels, widened about its centre to at least `least` pixels."""
    a, b = k * size // n, -(-(k + 1) * size // n)
    if b - a < least:
        a = min(max((a + b) // 2 - least // 2, 0), max(size - least, 0))
        b = min(a + least, size)
    return a, b


def _outline(region: np.ndarray, top: int, left: int, bottom: int, right: int, rgb=INK, width: int = 2) -> None:
    """A rectangle outline, `width` px thick, inside region[top:bottom, left:right]."""
    across, down = slice(left, right), slice(top, bottom)
    for rows, cols in ((slice(top, top + width), across), (slice(bottom - width, bottom), across),
                       (down, slice(left, left + width)), (down, slice(right - width, right))):
        region[rows, cols] = rgb
