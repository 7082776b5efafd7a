"""Interactive explorers: each function returns one ipywidgets container; show it with one line.

    from alibi_edu.widgets import bias_explorer
    bias_explorer()

bias_explorer()   — β or m (log scale, with a sign), query i, key j, length L ≤ 256, causal mask, bias inside 1/√d (the
                    book's β) or after it (the paper's m): bias row (bars), bias, scores and weights, row i outlined
                    in each (notebook 01).
mask_explorer()   — causal mask, scores before/after masking, weights; −∞ or a finite stand-in −M in
                    float32/float16/bfloat16 (notebook 02).
slopes_explorer() — H = 1…64 heads, L: per head (numbered from 1) the bias row of the last query i = L − 1 and the
                    weights it gives with equal content, slopes m_k on a log axis, each head's reach; geometric
                    slopes or one shared slope m (notebook 03).
demo_explorer()   — one β slider and one bias row (notebook 00).
figure_picker(draw, **choices) — a dropdown or slider per argument of draw(**values) -> Figure (notebook 04).
named(widget)     — any ipywidgets control shown with the screen-reader add-on (a11y.py), e.g. a plain slider.

Every control repaints at once, L and H included: one static frame per explorer, the data, ticks and scales
painted by numpy (see render.py). Colour scales fit the panel: a bias that is all ≤ 0 (causal) is sequential over
[min, 0], a bias of both signs diverging about 0, weights sequential; masked cells are hatched.

Driving an explorer from Python (what the tests do):
    ex = bias_explorer(); ex.controls["beta"].value = 2.0
    ex.displayed["weights"]   # numpy arrays of exactly what the picture shows
    ex.values                 # current value of every control
    ex.on_click({"dataX": x, "dataY": y})   # a click at picture pixel (x, y), as ipyevents sends it
    ex.cell(ex.values)        # (row, col) of the heatmap cell the readout reads

Reading a cell: the controls query i and key j (slopes: head k and key j) select one heatmap cell, outlined in
every panel; the readout's second line states every panel's value there. They work by keyboard in every front
end. Where ipyevents runs, a click on a cell selects it too (it sets those controls); where ipyevents or its
front end is missing (the classic Notebook), clicks do nothing and nothing errors.

Accessible: each explorer's picture has a text alternative computed from what it shows (explorer.alt, stored with
its PNG); with anywidget, an invisible add-on displayed beside it (a11y.py) names every control by its visible label,
gives sliders the value they show as aria-valuetext, the live picture its alt text, and makes the readout a polite
live region. Without anywidget's front end only that add-on's output fails to load; the explorer works as before.

Without a kernel: displayed, an explorer carries a PNG of its picture beside the widget view (_repr_mimebundle_),
so GitHub, nbviewer, VS Code without widgets and HTML exports show the picture of its state when displayed.

Hooks for browser tests (CSS classes): the container "alibi-explorer"; each control
"alibi-control-<name>" with <name> a key of ex.controls (beta, sign, query, key, length, causal, inside,
mask_with, magnitude, dtype, heads, slopes, shared_slope, head); the picture (an ipywidgets.Image, PNG)
"alibi-picture"; the readout "alibi-readout", an HTML line stating the current values,
e.g. "β = +0.5 · i = 10 · L = 32 · mask on · bias inside 1/√d (book)", then the selected cell's line
"cell i = 10, j = 7: bias = −1.5 · score = … · weight = …".
"""
from .a11y import named
from .bias import bias_explorer
from .demo import demo_explorer
from .mask import mask_explorer
from .picker import figure_picker
from .slopes import slopes_explorer

__all__ = ["bias_explorer", "mask_explorer", "slopes_explorer", "demo_explorer", "figure_picker", "named"]
