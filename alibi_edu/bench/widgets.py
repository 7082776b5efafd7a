"""Widget latency: time from a control change to the new PNG being set on the explorer's picture.

Each explorer is driven through a fixed cycle of control changes at L = 64 and L = 256 (after one
warm-up cycle, so frames for these layouts are cached; a new layout costs one matplotlib render).
The baseline re-creates a matplotlib figure of the same four bias-explorer panels with
alibi_edu.plots on every change and saves it to PNG at the same dpi, as a naive explorer would.
"""
from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..plots import bias_heatmap, bias_row_bars, weights_heatmap  # noqa: E402
from ..widgets import bias_explorer, mask_explorer, slopes_explorer  # noqa: E402
from ..widgets.render import DPI  # noqa: E402

REPEATS = 40
BASELINE_REPEATS = 12
CHANGES = {  # explorer -> the cycle of (control, value) changes it is driven through
    "bias_explorer": [("beta", 0.2), ("query", 40), ("beta", 2.0), ("sign", -1), ("query", 7), ("inside", False),
                      ("beta", 0.05), ("sign", 1), ("inside", True), ("query", 20)],
    "mask_explorer": [("query", 40), ("mask_with", "finite"), ("magnitude", 10.0), ("dtype", "bfloat16"),
                      ("magnitude", 50.0), ("mask_with", "inf"), ("dtype", "float32"), ("query", 7)],
    "slopes_explorer": [("slopes", "shared"), ("shared_beta", 0.5), ("shared_beta", 0.01), ("slopes", "geometric")],
}
MAKERS = {"bias_explorer": lambda L: bias_explorer(length=L), "mask_explorer": lambda L: mask_explorer(length=L),
          "slopes_explorer": lambda L: slopes_explorer(heads=8, length=L)}


def time_explorer(name: str, length: int, repeats: int = REPEATS) -> list[float]:
    """Milliseconds per control change, `repeats` changes after one warm-up cycle."""
    explorer = MAKERS[name](length)
    cycle = CHANGES[name]
    for control, value in cycle:
        explorer.controls[control].value = value
    times = []
    for n in range(repeats):
        control, value = cycle[n % len(cycle)]
        widget = explorer.controls[control]
        if widget.value == value:  # make every step a real change
            control, value = cycle[(n + 1) % len(cycle)]
            widget = explorer.controls[control]
        start = time.perf_counter()
        widget.value = value
        times.append((time.perf_counter() - start) * 1e3)
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


def time_baseline(length: int, repeats: int = BASELINE_REPEATS) -> list[float]:
    """Milliseconds per change for the baseline: same changes, same math, figure re-created each time."""
    explorer = bias_explorer(length=length)
    cycle = CHANGES["bias_explorer"]
    times = []
    for n in range(repeats + 1):
        control, value = cycle[n % len(cycle)]
        values = {**explorer.values, control: value}
        start = time.perf_counter()
        baseline_redraw(explorer.compute(values), values["query"])
        if n:  # the first one is a warm-up
            times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> None:
    rows = []
    for length in (64, 256):
        for name in MAKERS:
            rows.append((name, length, time_explorer(name, length)))
        rows.append(("baseline (re-create figure)", length, time_baseline(length)))
    print(f"{'explorer':<30}{'L':>5}{'n':>5}{'median ms':>11}{'p95 ms':>9}")
    for name, length, times in rows:
        print(f"{name:<30}{length:>5}{len(times):>5}{np.median(times):>11.1f}{np.percentile(times, 95):>9.1f}")
    update = np.median(rows[0][2])
    baseline = np.median(next(t for n, L, t in rows if n.startswith("baseline") and L == 64))
    print(f"update_ms={update:.1f} baseline_ms={baseline:.1f} speedup={baseline / update:.1f}")


if __name__ == "__main__":
    main()
