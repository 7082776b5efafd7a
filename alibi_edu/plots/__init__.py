"""Static figures, each function returns a matplotlib Figure.

heatmaps: bias / mask / weights pictures and per-head grids (notebooks 01–03, explorers).
experiments: β sweep and loss-vs-length curves (notebooks 04–05).
"""
from .experiments import *  # noqa: F401,F403 (the face: each module's __all__)
from .heatmaps import *  # noqa: F401,F403 (the face: each module's __all__)
