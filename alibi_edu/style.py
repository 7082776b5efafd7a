"""The course's picture style, shared by the static figures (plots/) and the explorers (widgets/).

Colour scales fit what a panel shows, with round ends and ticks:
  a bias that is all ≤ 0 (causal ALiBi)  -> sequential NEGATIVE_CMAP over [min, 0] (0 = no penalty = lightest);
  a bias that is all ≥ 0 (β < 0)          -> sequential POSITIVE_CMAP over [0, max];
  a bias of both signs (no mask, scores)  -> diverging BIAS_CMAP over [−v, v], 0 at the centre;
  weights                                 -> sequential WEIGHTS_CMAP over [0, max].
The two sequential maps are the halves of the diverging one's hues (blue below 0, red above), all colour-blind safe.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

BIAS_CMAP = "RdBu_r"       # diverging, colour-blind safe; centred at 0 by a symmetric scale
NEGATIVE_CMAP = "Blues_r"  # sequential: dark = large penalty, white = 0
POSITIVE_CMAP = "Reds"     # sequential: white = 0, dark = large
WEIGHTS_CMAP = "viridis"   # sequential, colour-blind safe
MASK_STYLE = dict(facecolor="0.85", edgecolor="0.55", hatch="///", linewidth=0)  # masked (−∞) cells
MASK_LABEL = "masked (−∞)"
FIGURE_FACE = "white"      # opaque: black text stays readable in JupyterLab's dark theme

# Lines and bars: Okabe & Ito's colour-blind-safe palette (replaces tab10, whose orange and green merge under
# protanopia), and never colour alone: series k also gets MARKERS[k] and LINESTYLES[k] (series_style).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442")
# blue, vermillion, bluish green, reddish purple, black (each ≥ 3:1 on white, WCAG 1.4.11 for graphics), then
# orange, sky blue, yellow (below 3:1 as thin lines: a sixth series and beyond leans on its marker and line style).
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
HATCHES = ("", "///", "...", "xx", "\\\\", "++", "oo", "--")
TEXT_GREY = "0.35"         # the lightest grey for text on white: #595959 is 7:1 (≥ 4.5:1, WCAG 1.4.3)


def series_style(k: int) -> dict:
    """Colour, marker and line style of the k-th series (0-based): no two series differ by colour alone."""
    return dict(color=OKABE_ITO[k % len(OKABE_ITO)], marker=MARKERS[k % len(MARKERS)],
                linestyle=LINESTYLES[k % len(LINESTYLES)])


def contrast_ratio(foreground, background="white") -> float:
    """WCAG 2.1 contrast ratio of two matplotlib colours (1 … 21)."""
    from matplotlib.colors import to_rgb

    def luminance(c):
        rgb = np.array(to_rgb(c))
        rgb = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(rgb @ (0.2126, 0.7152, 0.0722))
    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


class Scale(NamedTuple):
    """A colour (or axis) scale: the colormap, its ends and round tick values between them."""
    cmap: str
    lo: float
    hi: float
    ticks: tuple[float, ...]


def bias_scale(*arrays: np.ndarray) -> Scale:
    """The scale for biases or scores: sequential if every finite value has one sign, else diverging.

    The ends are the data's own (min and 0, 0 and max, or ±the largest |value|); the ticks are the round values
    between them.
    """
    finite = np.concatenate([np.asarray(a, np.float64)[np.isfinite(a)].ravel() for a in arrays])
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if low >= 0 and high > 0:
        return Scale(POSITIVE_CMAP, 0.0, high, nice_ticks(0.0, high))
    if high <= 0:
        low = low if low < 0 else -1.0  # all zero: a scale that is not empty
        return Scale(NEGATIVE_CMAP, low, 0.0, nice_ticks(low, 0.0))
    v = max(-low, high)
    return Scale(BIAS_CMAP, -v, v, nice_ticks(-v, v, count=6))


def weights_scale(weights: np.ndarray) -> Scale:
    """[0, max weight], sequential."""
    finite = np.asarray(weights, np.float64)[np.isfinite(weights)]
    high = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return Scale(WEIGHTS_CMAP, 0.0, high, nice_ticks(0.0, high))


def nice_ticks(lo: float, hi: float, count: int = 5) -> tuple[float, ...]:
    """Round values (steps of 1, 2, 2.5 or 5 × 10^k, about `count` of them) between lo and hi, 0 included if inside."""
    span = hi - lo
    if not span > 0:
        return (0.0, 1.0)
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return tuple(round(n * step, 12) + 0.0 for n in range(first, last + 1))


def int_ticks(size: int, count: int = 5) -> list[int]:
    """Round integer positions in [0, size − 1] to label an axis of `size` cells (0 first)."""
    if size <= 1:
        return [0]
    step = max(1, int(nice_ticks(0.0, size - 1, count)[1]))
    return list(range(0, size, step))


def tick_label(value: float) -> str:
    """A tick value as short text: 0.25, −4, 1e−05; a true minus sign."""
    return f"{value:g}".replace("-", "−")


def number(value: float, spec: str = ".4g") -> str:
    """A readout number: `spec` digits, a true minus sign, no −0; '+' in spec keeps a plus sign."""
    return format(float(value) + 0.0, spec).replace("-", "−")
