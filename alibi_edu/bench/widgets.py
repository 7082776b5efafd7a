"""Widget latency: time from a control change to the new PNG being set on the explorer's picture.

Every control of every explorer is timed on its own: starting from the explorer's default (L = 64 where it has a
length), the control is set to a cycle of values, one real change at a time, after one warm-up pass. Lengths
and head counts come from a seeded random walk over their whole range, so most of them are new to the explorer
(as when a student drags the slider), not a cached handful.
The baseline re-creates a matplotlib figure of the same four bias-explorer panels with alibi_edu.plots on every
change and saves it to PNG at the same dpi, as a naive explorer would.
"""
from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ..plots import bias_heatmap, bias_row_bars, weights_heatmap
from ..widgets import bias_explorer, demo_explorer, mask_explorer, slopes_explorer
from ..widgets.render import DPI

REPEATS = 24
BASELINE_REPEATS = 12
LENGTH = 64
_walk = np.random.default_rng(0)
LENGTHS = [int(n) for n in _walk.permutation(np.arange(2, 257))[:REPEATS + 4]]
HEADS = [int(n) for n in _walk.permutation(np.arange(1, 65))[:REPEATS + 4]]
CHANGES = {  # explorer -> control -> the values it cycles through
    "bias_explorer": {"beta": [0.2, 2.0, 0.05, 7.0], "sign": [-1, 0, 1], "query": [40, 7, 63, 20],
                      "key": [3, 50, 12, 63], "length": LENGTHS, "causal": [False, True], "inside": [False, True]},
    "mask_explorer": {"length": LENGTHS, "query": [40, 7, 63, 20], "key": [3, 50, 12, 63],
                      "mask_with": ["finite", "inf"],
                      "magnitude": [10.0, 50.0, 1000.0], "dtype": ["bfloat16", "float16", "float32"]},
    "slopes_explorer": {"heads": HEADS, "length": LENGTHS, "slopes": ["shared", "geometric"],
                        "shared_slope": [0.5, 0.01, 0.1, 2.0], "head": [5, 1, 8, 3], "key": [3, 50, 12, 63]},
    "demo_explorer": {"beta": [0.2, 2.0, 0.05, 7.0]},
}
MAKERS = {"bias_explorer": lambda: bias_explorer(length=LENGTH), "mask_explorer": lambda: mask_explorer(length=LENGTH),
          "slopes_explorer": lambda: slopes_explorer(heads=8, length=LENGTH), "demo_explorer": demo_explorer}


def time_control(name: str, control: str, repeats: int = REPEATS) -> list[float]:
    """Milliseconds per change of one control, `repeats` real changes after one warm-up change."""
    explorer = MAKERS[name]()
    if name == "slopes_explorer" and control == "shared_slope":
        explorer.controls["slopes"].value = "shared"  # the slider matters only then
    widget, cycle = explorer.controls[control], CHANGES[name][control]
    times, n, warm = [], 0, False
    while len(times) < repeats:
        value = cycle[n % len(cycle)]
        n += 1
        if widget.value == value:
            continue
        start = time.perf_counter()
        widget.value = value
        if warm:  # the first real change is the warm-up, even when a skipped value came before it
            times.append((time.perf_counter() - start) * 1e3)
        warm = True
    return times


def baseline_redraw(arrays: dict[str, np.ndarray], query: int) -> bytes:
    """A fresh 4-panel matplotlib figure of the bias explorer's arrays, saved to PNG."""
    fig = plt.figure(figsize=(11.5, 7.0), dpi=DPI, layout="constrained")
    grid = fig.add_gridspec(2, 3, height_ratios=(1, 1.5))
    bias_row_bars(arrays["bias_row"], query, ax=fig.add_subplot(grid[0, :]))
    bias_heatmap(arrays["bias"], ax=fig.add_subplot(grid[1, 0]), title="bias", highlight_row=query)
    bias_heatmap(arrays["scores"], ax=fig.add_subplot(grid[1, 1]), title="scores", highlight_row=query)
    weights_heatmap(arrays["weights"], ax=fig.add_subplot(grid[1, 2]), title="weights", highlight_row=query,
                    masked=np.isneginf(arrays["bias"]))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def time_baseline(repeats: int = BASELINE_REPEATS) -> list[float]:
    """Milliseconds per change for the baseline: β changes, same math, figure re-created each time."""
    explorer = bias_explorer(length=LENGTH)
    cycle = CHANGES["bias_explorer"]["beta"]
    times = []
    for n in range(repeats + 1):
        values = {**explorer.values, "beta": cycle[n % len(cycle)]}
        start = time.perf_counter()
        baseline_redraw(explorer.compute(values), values["query"])
        if n:  # the first one is a warm-up
            times.append((time.perf_counter() - start) * 1e3)
    return times


def table(names: tuple[str, ...] = tuple(MAKERS), repeats: int = REPEATS) -> list[tuple[str, str, list[float]]]:
    """(explorer, control, times in ms) for every control of every named explorer."""
    return [(name, control, time_control(name, control, repeats)) for name in names for control in CHANGES[name]]


def main(repeats: int = REPEATS, baseline_repeats: int = BASELINE_REPEATS) -> None:
    rows = table(repeats=repeats)
    print(f"{'explorer':<18}{'control':<14}{'n':>4}{'median ms':>11}{'p95 ms':>9}")
    for name, control, times in rows:
        print(f"{name:<18}{control:<14}{len(times):>4}{np.median(times):>11.1f}{np.percentile(times, 95):>9.1f}")
    baseline = time_baseline(baseline_repeats)
    print(f"{'baseline: re-create the figure (bias explorer, β)':<46}{np.median(baseline):>9.1f}"
          f"{np.percentile(baseline, 95):>9.1f}")
    update = max(np.median(times) for _, _, times in rows)
    print(f"update_ms={update:.1f} baseline_ms={np.median(baseline):.1f} speedup={np.median(baseline) / update:.1f}")


if __name__ == "__main__":
    main()
