"""Interactive explorers: each function returns one ipywidgets container; show it with one line.

    from alibi_edu.widgets import bias_explorer
    bias_explorer()

bias_explorer()   — β (log scale, with a sign), query i, length L ≤ 256, causal mask, bias inside/outside √d:
                    bias row (bars), bias β·(j − i), scores and weights, row i outlined in each (notebook 01).
mask_explorer()   — causal mask, scores before/after masking, weights; −∞ or a finite stand-in in
                    float32/float16/bfloat16 (notebook 02).
slopes_explorer() — H = 1…64 heads, L: per-head bias grid, slopes on a log axis, each head's reach;
                    geometric slopes or one shared β (notebook 03).
demo_explorer()   — one β slider and one bias row (notebook 00).

Driving an explorer from Python (what the tests do):
    ex = bias_explorer(); ex.controls["beta"].value = 2.0
    ex.displayed["weights"]   # numpy arrays of exactly what the picture shows
    ex.values                 # current value of every control

Hooks for browser tests (CSS classes): the container "alibi-explorer"; each control
"alibi-control-<name>" with <name> a key of ex.controls (beta, sign, query, length, causal, inside,
mask_with, magnitude, dtype, heads, slopes, shared_beta); the picture (an ipywidgets.Image, PNG)
"alibi-picture"; the readout "alibi-readout", an HTML line stating the current values,
e.g. "β = +0.5 · i = 10 · L = 32 · mask on · bias inside √d".
"""
from .bias import bias_explorer
from .demo import demo_explorer
from .mask import mask_explorer
from .slopes import slopes_explorer

__all__ = ["bias_explorer", "mask_explorer", "slopes_explorer", "demo_explorer"]
