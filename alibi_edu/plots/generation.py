"""Generation past L_train (notebook 05): the measured loss at each position of long windows, and samples side by side.

A sample is one draw; the loss by position on held-out text is the measurement. The picture returns a Picture whose
alt text is computed from the numbers drawn; series differ by colour (Okabe–Ito), marker and line style.
"""
from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from ..style import number, series_style
from .alt import Picture

__all__ = ["loss_by_position_plot", "side_by_side"]


def loss_by_position_plot(losses: Mapping[str, object], *, train_len: int, width: int = 32,
                          title: str = "") -> Picture:
    """Mean loss against position, one curve per model kind, positions averaged in bins of `width`.

    losses: {label: (seeds, L) or (L,) losses by position}; the seeds are averaged. train_len: a dotted line where
    the training windows ended. The alt text gives each curve's mean loss before and after train_len.
    """
    if not isinstance(losses, Mapping) or not losses:
        raise ValueError(f"losses must be a non-empty dict label -> losses by position, got {losses!r}")
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive int (positions per bin), got {width!r}")
    if isinstance(train_len, bool) or not isinstance(train_len, int) or train_len < 1:
        raise ValueError(f"train_len must be a positive int, got {train_len!r}")
    fig, ax = plt.subplots(figsize=(7, 3.8), constrained_layout=True)
    parts = []
    for k, (label, values) in enumerate(losses.items()):
        curve = np.asarray(values, dtype=float)
        curve = curve.reshape(-1, curve.shape[-1]).mean(0) if curve.ndim > 1 else curve
        if curve.ndim != 1 or len(curve) < width or not np.isfinite(curve).all():
            raise ValueError(f"losses[{label!r}] must hold finite losses for at least width={width} positions, "
                             f"got shape {np.shape(values)}")
        bins = len(curve) // width
        binned = curve[:bins * width].reshape(bins, width).mean(1)
        centres = np.arange(bins) * width + (width - 1) / 2
        ax.plot(centres, binned, markersize=5, label=str(label), **series_style(k))
        before, after = curve[:train_len].mean(), curve[train_len:].mean() if len(curve) > train_len else np.nan
        parts.append(f"{label}: mean {number(before, '.3f')} before position {train_len}"
                     + (f", {number(after, '.3f')} after it" if np.isfinite(after) else ""))
    ax.axvline(train_len - 0.5, color="0.4", linestyle=":", label=f"end of the training windows ({train_len})")
    ax.set(xlabel=f"position in the window (mean of every {width} positions)", ylabel="loss (nats/char)",
           title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    named = f" '{title}'" if title else ""
    return Picture(fig, f"Line chart{named} of the loss at each position of long windows of held-out text, averaged "
                        f"over bins of {width} positions, with a dotted line where the training windows ended. "
                        + "; ".join(parts) + ".")


def side_by_side(texts: Mapping[str, str], *, width: int = 38) -> str:
    """Texts in columns of `width` characters under their labels, wrapped (newlines shown as ⏎), for print()."""
    if not isinstance(texts, Mapping) or not texts:
        raise ValueError(f"texts must be a non-empty dict label -> text, got {texts!r}")
    columns = [[str(label)[:width], "─" * width]
               + textwrap.wrap(str(text).replace("\n", "⏎"), width, drop_whitespace=False, replace_whitespace=False)
               for label, text in texts.items()]
    rows = max(map(len, columns))
    return "\n".join(" │ ".join(f"{(col[r] if r < len(col) else ''):<{width}}" for col in columns).rstrip()
                     for r in range(rows))
