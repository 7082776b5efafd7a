"""The course's picture style, shared by the static figures (plots/) and the explorers (widgets/)."""

BIAS_CMAP = "RdBu_r"      # diverging, colorblind-safe; centred at 0 by a symmetric scale
WEIGHTS_CMAP = "viridis"  # sequential, colorblind-safe
MASK_STYLE = dict(facecolor="0.85", edgecolor="0.55", hatch="///", linewidth=0)  # masked (−∞) cells
MASK_LABEL = "masked (−∞)"
