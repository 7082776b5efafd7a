"""Progressive enhancement for screen readers: an invisible anywidget displayed beside an explorer that names its
controls, describes its picture and announces its readout (front end: a11y_front.py).

Why beside and not inside: where anywidget's front end is missing (a hub without it, some VS Code set-ups), only
this empty output fails to load; the explorer itself renders and works exactly as without it. Without the
anywidget package, enhancer() returns None and nothing extra is displayed.
"""
from __future__ import annotations

import uuid

from . import a11y_front

try:
    import anywidget
    import traitlets
except ImportError:  # the explorers work without it, unnamed for screen readers
    anywidget = None


def enhancer(name: str):
    """A new add-on for one explorer titled `name`, or None without anywidget. Give the explorer the CSS class
    `.target`, keep `.alt` current, and display it right after the explorer (display_beside)."""
    return None if anywidget is None else Enhancer(name=name, target=f"alibi-a11y-{uuid.uuid4().hex[:12]}")


def named(widget, name: str = ""):
    """Any ipywidgets control or box, shown with the add-on: its sliders, toggle buttons and dropdowns get their
    visible labels as accessible names and report the value they show. E.g. named(IntSlider(description="n"))."""
    import ipywidgets

    class Named(ipywidgets.VBox):
        def _ipython_display_(self, **kwargs):
            from IPython.display import display
            view = {"version_major": 2, "version_minor": 0, "model_id": self.model_id}
            display({"text/plain": repr(widget), "application/vnd.jupyter.widget-view+json": view}, raw=True)
            display_beside(self.addon)

    box = Named([widget])
    box.addon = enhancer(name or getattr(widget, "description", "") or "controls")
    if box.addon is not None:
        box.add_class(box.addon.target)
    return box


def display_beside(addon) -> None:
    """Display the add-on as an output of its own, with empty text for renderers without widgets (GitHub)."""
    if addon is None:
        return
    from IPython.display import display
    view = {"version_major": 2, "version_minor": 0, "model_id": addon.model_id}
    display({"text/plain": "", "application/vnd.jupyter.widget-view+json": view}, raw=True)


if anywidget is not None:
    class Enhancer(anywidget.AnyWidget):
        """Synced: name (the explorer's title), target (its CSS class), alt (the current picture's description)."""
        _esm = a11y_front.ESM
        _css = a11y_front.CSS
        name = traitlets.Unicode("").tag(sync=True)
        target = traitlets.Unicode("").tag(sync=True)
        alt = traitlets.Unicode("").tag(sync=True)
