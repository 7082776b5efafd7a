"""A figure together with its text alternative, for every place a notebook is read.

    Picture(fig, alt)  ->  shown as  image/png   (metadata {"image/png": {"alt": alt}}: MyST-NB, nbconvert templates)
                                     text/html   (<img alt="…" src="data:image/png;base64,…">: JupyterLab, nbconvert,
                                                  GitHub, Notebook 7 and VS Code pick it first)
                                     text/plain  (the alt text itself: terminals, screen-reader users of plain output)

The pyplot figure is closed at once (unless close=False: a function drawing into axes its caller passed leaves the
caller's figure open), so the inline backend does not draw it a second time; the PNG is rendered
when the picture is shown (or .png is read), so a caller may still add to .figure before that.
"""
from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["Picture"]


class Picture:
    """A matplotlib Figure and its alt text; `.figure`, `.alt`, `.png` (bytes); other attributes reach the figure."""

    def __init__(self, fig: Figure, alt: str, *, close: bool = True):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(f"alt must be a non-empty description of the picture, got {alt!r}")
        self.figure, self.alt = fig, " ".join(alt.split())
        if close:  # close=False: a caller drawing into its own axes still shows its figure itself
            plt.close(fig)

    @property
    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight", facecolor=self.figure.get_facecolor())
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        data = {
            "image/png": png,
            "text/html": f'<img alt="{alt}" style="max-width: 100%; height: auto" src="data:image/png;base64,{png}">',
            "text/plain": self.alt,
        }
        return data, {"image/png": {"alt": self.alt}}

    def savefig(self, *args, **kwargs):
        return self.figure.savefig(*args, **kwargs)

    def __getattr__(self, name):  # axes, suptitle, … : a Picture still reads like the figure it wraps
        if name == "figure":  # not yet set (during unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.figure, name)

    def __repr__(self) -> str:
        return f"Picture(alt={self.alt!r})"
