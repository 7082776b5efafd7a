"""Interactive explorers: each function returns one ipywidgets container; show it with one line.

    from alibi_edu.widgets import bias_explorer
    bias_explorer()

bias_explorer()   — β or m (log scale, with a sign), query i, length L ≤ 256, causal mask, bias inside 1/√d (the
                    book's β) or after it (the paper's m): bias row (bars), bias, scores and weights, row i outlined
                    in each (notebook 01).
mask_explorer()   — causal mask, scores before/after masking, weights; −∞ or a finite stand-in −M in
                    float32/float16/bfloat16 (notebook 02).
slopes_explorer() — H = 1…64 heads, L: per head (numbered from 1) the bias row of the last query i = L − 1 and the
                    weights it gives with equal content, slopes m_h on a log axis, each head's reach; geometric
                    slopes or one shared slope m (notebook 03).
demo_explorer()   — one β slider and one bias row (notebook 00).

Every control repaints at once, L and H included: one static frame per explorer, the data, ticks and scales
painted by numpy (see render.py). Colour scales fit the panel: a bias that is all ≤ 0 (causal) is sequential over
[min, 0], a bias of both signs diverging about 0, weights sequential; masked cells are hatched.

Driving an explorer from Python (what the tests do):
    ex = bias_explorer(); ex.controls["beta"].value = 2.0
    ex.displayed["weights"]   # numpy arrays of exactly what the picture shows
    ex.values                 # current value of every control
    ex.on_click({"dataX": x, "dataY": y})   # a click at picture pixel (x, y), as ipyevents sends it
    ex.picked                 # (panel, row, col) of the clicked heatmap cell; the readout states its values

Click to read: clicking a heatmap cell (ipyevents) puts its query i, key j (or head h, key j) and every panel's
value there in the readout, and moves the highlighted query row to it; the sliders stay for keyboard users.

Hooks for browser tests (CSS classes): the container "alibi-explorer"; each control
"alibi-control-<name>" with <name> a key of ex.controls (beta, sign, query, length, causal, inside,
mask_with, magnitude, dtype, heads, slopes, shared_slope); the picture (an ipywidgets.Image, PNG)
"alibi-picture"; the readout "alibi-readout", an HTML line stating the current values,
e.g. "β = +0.5 · i = 10 · L = 32 · mask on · bias inside 1/√d (book)", and after a click a second line
"clicked: i = 10, j = 3: bias = −3.5 · score = … · weight = …".
"""
from .bias import bias_explorer
from .demo import demo_explorer
from .mask import mask_explorer
from .slopes import slopes_explorer

__all__ = ["bias_explorer", "mask_explorer", "slopes_explorer", "demo_explorer"]
