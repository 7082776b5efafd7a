"""Static figures, each function returns a Picture (alt.py): a matplotlib Figure with alt text computed from its data.

heatmaps: bias / mask / weights pictures and per-head grids (notebooks 01–03, explorers).
experiments: β sweep and loss-vs-length curves (notebooks 04–05).
"""
from .alt import Picture  # noqa: F401
from .experiments import *  # noqa: F401,F403 (the face: each module's __all__)
from .heatmaps import *  # noqa: F401,F403 (the face: each module's __all__)
