"""The fast picture path: matplotlib draws the static frame once, numpy paints the data.

Why not just redraw matplotlib? On this 2-core machine re-creating a 4-panel figure costs
~120 ms and redrawing a persistent one to PNG ~60-75 ms per change: most of it is text,
ticks and colorbars that do not change when β or i moves. So a picture is split in two:
  frame  — axes, labels, tick marks, colorbars and the grey hatch of masked cells, drawn by
           matplotlib once per layout (e.g. per sequence length) and cached as an RGB array;
  paint  — per change, each array is colour-mapped through the colormap's 256-entry lookup
           table, scaled to its axes' pixel box by nearest-neighbour indexing and pasted into
           a copy of the frame (masked cells keep the hatch underneath); the few numbers that
           move (colorbar ends, bar-axis limits) are written with Pillow in matplotlib's font.
The result is encoded as a PNG (unfiltered rows, zlib level 1: 2x faster than Pillow's
adaptive filters, and these pictures are mostly flat colour) into an ipywidgets.Image.
No pyplot is involved, so nothing is displayed behind the notebook's back.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from PIL import Image, ImageDraw, ImageFont

from ..style import BIAS_CMAP, MASK_LABEL, MASK_STYLE, WEIGHTS_CMAP  # noqa: F401 (explorers read render.WEIGHTS_CMAP)

DPI = 72
SCALE_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # fractions of a symmetric scale whose labels are painted per change


_LAYOUTS: dict[tuple, list] = {}  # layout key -> the axes positions constrained layout found


@dataclass
class Frame:
    """A rendered static frame: pixels (H, W, 3) uint8, each named axes' inner pixel box, label anchors."""
    pixels: np.ndarray
    boxes: dict[str, tuple[int, int, int, int]]                       # name -> (top, left, bottom, right)
    anchors: dict[str, list[tuple[float, float, str]]] = field(default_factory=dict)  # name -> [(x, y, align)]


def build_frame(draw, size: tuple[float, float], layout_key: tuple | None = None) -> Frame:
    """Run draw(fig) -> {name: Axes} (names ending in ':scale' get painted tick labels), render once.

    Frames with the same layout_key share axes positions: matplotlib's constrained-layout solve, half the
    cost of a frame, runs for the first of them only (so a new sequence length shows in half the time).
    Put in the key whatever changes the space labels need, e.g. the number of digits of the largest tick.
    """
    positions = _LAYOUTS.get(layout_key) if layout_key is not None else None
    fig = Figure(figsize=size, dpi=DPI, layout=None if positions else "constrained")
    canvas = FigureCanvasAgg(fig)
    named = draw(fig)
    if positions:
        for ax, position in zip(fig.axes, positions, strict=True):
            ax.set_position(position)
    canvas.draw()
    if layout_key is not None and positions is None:
        _LAYOUTS[layout_key] = [ax.get_position() for ax in fig.axes]
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    height = pixels.shape[0]
    boxes, anchors = {}, {}
    for name, ax in named.items():
        x0, y0, x1, y1 = ax.get_window_extent().extents
        boxes[name] = (int(np.ceil(height - y1)) + 1, int(np.ceil(x0)) + 1, int(height - y0), int(x1))
        if name.endswith(":scale"):
            anchors[name] = _scale_anchors(ax, height)
    return Frame(pixels, boxes, anchors)


def heatmap_axes(ax: Axes, rows: int, cols: int, title: str, masked_legend: bool = False) -> Axes:
    """Axes for an (rows, cols) heatmap: cell-centred limits, labels, grey hatch behind (seen where masked)."""
    ax.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5), title=title,
           xlabel="key position j", ylabel="query position i")
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, **MASK_STYLE))
    ax.xaxis.get_major_locator().set_params(integer=True, nbins=5)
    ax.yaxis.get_major_locator().set_params(integer=True, nbins=5)
    if masked_legend:
        ax.legend(handles=[Patch(**MASK_STYLE, label=MASK_LABEL)], loc="lower center", bbox_to_anchor=(0.5, 1.08),
                  fontsize="x-small", frameon=False, borderaxespad=0)
    return ax


def colorbar_axes(fig: Figure, ax: Axes, cmap: str, label: str, fixed: tuple[float, float] | None = None) -> Axes:
    """A colorbar beside ax. fixed=(lo, hi): static labels; None: a symmetric scale labelled per change."""
    lo, hi = fixed or (-1.0, 1.0)
    bar = fig.colorbar(ScalarMappable(Normalize(lo, hi), cmap), ax=ax, label=label, fraction=0.08, pad=0.03)
    if fixed is None:
        bar.set_ticks(SCALE_TICKS, labels=["      "] * len(SCALE_TICKS))  # room for painted numbers
    return bar.ax


def symmetric_limit(*arrays: np.ndarray) -> float:
    """Largest finite |value| across arrays, 1.0 if there is none or it is 0 (so the scale is never empty)."""
    finite = [np.abs(a[np.isfinite(a)]) for a in arrays]
    v = max((float(f.max()) for f in finite if f.size), default=0.0)
    return v if v > 0 else 1.0


class Canvas:
    """One picture being painted: a copy of a frame plus the operations that fill it."""

    def __init__(self, frame: Frame):
        self.frame, self.pixels, self.labels = frame, frame.pixels.copy(), []

    def heatmap(self, name: str | tuple[int, int, int, int], values: np.ndarray, cmap: str, lo: float, hi: float,
                highlight_row: int | None = None) -> None:
        """Paint values (R, C) into axes `name` (or a pixel box); non-finite cells keep the frame's hatch."""
        top, left, bottom, right = self.frame.boxes[name] if isinstance(name, str) else name
        rows = np.arange(bottom - top) * values.shape[0] // (bottom - top)
        cols = np.arange(right - left) * values.shape[1] // (right - left)
        cells = values[rows[:, None], cols[None, :]]
        region = self.pixels[top:bottom, left:right]
        finite = np.isfinite(cells)
        region[finite] = colour(cells[finite], cmap, lo, hi)
        if highlight_row is not None:
            height, rows_in = region.shape[0], values.shape[0]  # a row may be thinner than a pixel: >= 2 px
            y0 = min(highlight_row * height // rows_in, height - 2)
            _outline(region, y0, 0, max(y0 + 2, -(-(highlight_row + 1) * height // rows_in)), region.shape[1])

    def bars(self, name: str, values: np.ndarray, lo: float, hi: float, marker: int | None = None,
             rgb: tuple[int, int, int] | None = None) -> None:
        """Bars of values (C,) from 0 in axes `name` with y range [lo, hi]; non-finite bars hatched grey.

        Coloured by the bias colormap (symmetric about 0), or all in `rgb`; `marker` dashes a line at that bar.
        """
        top, left, bottom, right = self.frame.boxes[name]
        region = self.pixels[top:bottom, left:right]
        height, width = region.shape[:2]
        cols = np.arange(width) * len(values) // width
        edge = np.r_[True, cols[1:] != cols[:-1]]  # one white pixel between neighbouring bars
        y = lambda v: np.clip(np.round((hi - v) / (hi - lo) * (height - 1)), 0, height - 1).astype(int)
        finite = np.isfinite(values)
        level = np.where(finite, values, lo)
        y0, y1 = y(np.zeros(())), y(level)[cols]
        rows = np.arange(height)[:, None]
        filled = (rows >= np.minimum(y0, y1)) & (rows <= np.maximum(y0, y1)) & ~edge[None, :]
        fill = (np.broadcast_to(np.array(rgb, np.uint8), (width, 3)) if rgb is not None else
                colour(np.where(finite, values, 0.0), BIAS_CMAP, min(lo, -hi), max(hi, -lo))[cols])
        region[:] = np.where(filled[..., None], fill[None], np.uint8(255))
        if not finite.all():  # hatched bars for masked keys
            masked = ~finite[cols][None, :] & filled
            stripes = np.where(((rows + np.arange(width)[None, :]) % 6) < 2, 140, 216).astype(np.uint8)
            region[masked] = stripes[masked][:, None]
        if lo < 0 < hi:
            region[y0, :] = 90  # the zero line
        if marker is not None:
            x = min(int((marker + 0.5) * width / len(values)), width - 1)
            region[::4, x] = 0
            region[1::4, x] = 0

    def scale_labels(self, name: str, limit: float) -> None:
        """Write the numbers of a symmetric scale [-limit, limit] at the anchors of axes `name`."""
        for (x, y, align), fraction in zip(self.frame.anchors[name], SCALE_TICKS):
            self.labels.append((x, y, align, f"{fraction * limit:.3g}"))

    def dots(self, name: str, x: np.ndarray, y: np.ndarray, rgb: tuple[int, int, int], size: int = 5) -> None:
        """Square dots at pixel fractions x, y in [0, 1] of axes `name` (y = 0 at the bottom)."""
        top, left, bottom, right = self.frame.boxes[name]
        region = self.pixels[top:bottom, left:right]
        height, width = region.shape[:2]
        for px, py in zip(np.round(x * (width - 1)).astype(int), np.round((1 - y) * (height - 1)).astype(int)):
            region[max(py - size // 2, 0):py + size // 2 + 1, max(px - size // 2, 0):px + size // 2 + 1] = rgb

    def text(self, x: float, y: float, words: str, align: str = "l") -> None:
        self.labels.append((x, y, align, words))

    def png(self) -> bytes:
        if self.labels:
            image = Image.fromarray(self.pixels)
            pen = ImageDraw.Draw(image)
            for x, y, align, words in self.labels:
                pen.text((x, y), words, fill=(0, 0, 0), font=_font(), anchor=align + "m")
            self.pixels = np.asarray(image)
        return encode_png(self.pixels)


def colour(values: np.ndarray, cmap: str, lo: float, hi: float) -> np.ndarray:
    """Finite values (...) -> RGB uint8 (..., 3) through the colormap's lookup table on [lo, hi]."""
    span = hi - lo if hi > lo else 1.0
    index = np.clip((values - lo) * (255.0 / span) + 0.5, 0, 255).astype(np.intp)
    return _lut(cmap)[index]


def encode_png(pixels: np.ndarray) -> bytes:
    """RGB (H, W, 3) uint8 -> PNG bytes: every row filter 0 (none), one IDAT at zlib level 1."""
    height, width, _ = pixels.shape
    raw = np.zeros((height, width * 3 + 1), np.uint8)
    raw[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) +
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + _chunk(b"IEND", b""))


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _outline(region: np.ndarray, top: int, left: int, bottom: int, right: int, width: int = 2) -> None:
    """A black rectangle outline, `width` px thick, inside region[top:bottom, left:right]."""
    for rows, cols in ((slice(top, top + width), slice(left, right)), (slice(bottom - width, bottom), slice(left, right)),
                       (slice(top, bottom), slice(left, left + width)), (slice(top, bottom), slice(right - width, right))):
        region[rows, cols] = 0


def _scale_anchors(ax: Axes, height: int) -> list[tuple[float, float, str]]:
    """Pixel anchors for the SCALE_TICKS labels of a vertical colorbar (right of it) or a y axis (left of it)."""
    x0, _, x1, _ = ax.get_window_extent().extents
    is_colorbar = ax.get_label() == "<colorbar>"
    out = []
    for tick in SCALE_TICKS:
        _, y = ax.transData.transform((0, tick))
        out.append((x1 + 6, height - y, "l") if is_colorbar else (x0 - 5, height - y, "r"))
    return out


@lru_cache(maxsize=8)
def _lut(cmap: str) -> np.ndarray:
    return (matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).round().astype(np.uint8)


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    path = matplotlib.font_manager.findfont("DejaVu Sans")
    return ImageFont.truetype(path, size=round(matplotlib.rcParams["font.size"] * DPI / 72 * 0.9))
