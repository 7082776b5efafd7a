"""python -m alibi_edu.gallery FOLDER — the course's key pictures, drawn from alibi_edu code into FOLDER.

  bias_heatmap.png         the book's bias β·(j − i) under the causal mask, and one query's row of it
  causal_mask_weights.png  the causal mask and the attention weights it leaves
  slopes_grid.png          ALiBi's per-head biases with the paper's geometric slopes
  head_reach.png           per head, the last query's bias row and the weights it gives with equal content
  beta_sweep.png           validation loss of tiny LMs trained with one shared β, against β
  loss_vs_length.png       loss at evaluation lengths past the training length, ALiBi against sinusoidal

The two experiment figures train notebooks 04-05's small models, 3 seeds per setting (about half a minute on a
laptop CPU); the others take a second. Each figure's alt text, computed from its data, goes to FOLDER/alt.json
(file name -> text) for whoever shows the PNGs (README, the course site).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from . import alibi_bias, attention_weights, causal_mask, geometric_slopes, linear_bias, lm
from .plots import experiments, heatmaps

LENGTH, QUERY, BETA, HEAD_DIM, HEADS = 16, 10, 0.5, 16, 8
SWEEP_BETAS = [0.01, 0.1, 1.0, 10.0, 100.0]  # notebook 04's coarse grid; β = 0 as a reference line
TRAIN_STEPS, TRAIN_LENGTH, EVAL_LENGTHS, SEEDS = 200, 64, [64, 128, 256, 512, 1024], [0, 1, 2]
BETA_MODEL = dict(d_model=32, n_heads=2, n_layers=2)    # notebook 04's text model
LENGTH_MODEL = dict(d_model=32, n_heads=4, n_layers=2)  # notebook 05's
DPI = 120


def bias_figure():
    """Left: one query's row of β·(j − i) + causal mask as bars; right: the whole bias, that row outlined."""
    bias = linear_bias(LENGTH, beta=BETA, dtype=torch.float64) + causal_mask(LENGTH, dtype=torch.float64)
    return heatmaps.bias_row_and_map(bias, QUERY, row_title=f"row of query i = {QUERY}",
                                     map_title=f"bias β·(j − i), β = {BETA}, causal")


def mask_and_weights_figure():
    """Left: the causal mask (0 or −∞); right: softmax weights of seeded q, k with ALiBi bias and that mask."""
    mask = causal_mask(LENGTH, dtype=torch.float64)
    q, k = torch.randn(2, LENGTH, HEAD_DIM, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    weights = attention_weights(q, k, bias=linear_bias(LENGTH, beta=BETA, dtype=torch.float64), mask=mask)
    return heatmaps.heatmap_row({"causal mask: 0 on keys j ≤ i, −∞ on future keys": mask},
                                weights={f"attention weights (β = {BETA}): each row sums to 1": weights},
                                masked=torch.isinf(mask), height=4)


def slopes_figure():
    """ALiBi's bias −m_h·(i − j) + causal mask for each of 8 heads, titled by its slope."""
    slopes = geometric_slopes(HEADS, dtype=torch.float64)
    biases = alibi_bias(HEADS, LENGTH, dtype=torch.float64) + causal_mask(LENGTH, dtype=torch.float64)
    return heatmaps.head_grid(biases, slopes=slopes,
                              title=f"{HEADS} heads, slopes m_h = 2^(−8h/{HEADS}): steep heads look near, "
                                    "shallow heads far")


def reach_figure():
    """8 heads, L = 64: the last query's bias row per head and its softmax when every q·k is equal."""
    length = 64
    bias = alibi_bias(HEADS, length, dtype=torch.float64) + causal_mask(length, dtype=torch.float64)
    same = torch.zeros(HEADS, length, HEAD_DIM, dtype=torch.float64)
    weights = attention_weights(same, same, bias=bias, bias_in_scale=False)
    return heatmaps.head_rows(bias[:, -1], weights[:, -1], query=length - 1,
                              title=f"{HEADS} heads, geometric slopes: head 1 looks a few keys back, head {HEADS} "
                                    "spreads over all of them")


def experiment_figures() -> dict[str, object]:
    """Train the models behind the β-sweep and loss-vs-length figures: notebooks 04-05's settings, 3 seeds each."""
    corpus, config = lm.load_corpus(), lm.TrainConfig(steps=TRAIN_STEPS, batch_size=16, seq_len=TRAIN_LENGTH)
    settings = {f"β = {b:g}": {"beta": b} for b in (0.0, *SWEEP_BETAS)}
    betas = lm.seed_sweep(corpus, settings, seeds=SEEDS, config=config, progress=False, **BETA_MODEL)
    labels = [f"β = {b:g}" for b in SWEEP_BETAS]
    sweep = experiments.beta_sweeps(
        {"text (Python docs), one shared β": (SWEEP_BETAS, betas.val[[betas.labels.index(label) for label in labels]])},
        best={"text (Python docs), one shared β": float(betas.best_of(labels).split("= ")[1])},
        references={"text (Python docs), one shared β": {"β = 0 (no distance penalty)": (betas.mean("β = 0"),
                                                                                         betas.spread("β = 0"))}})
    methods = lm.seed_sweep(corpus, {m: {"method": m} for m in ("alibi", "sinusoidal")}, seeds=SEEDS, config=config,
                            progress=False, **LENGTH_MODEL)
    means, spreads = lm.length_curves(methods, ["alibi", "sinusoidal"], corpus.val, EVAL_LENGTHS, n_tokens=8192)
    length = experiments.loss_vs_length(means, spreads=spreads, train_len=TRAIN_LENGTH,
                                        title=f"trained at L = {TRAIN_LENGTH}, evaluated at L ({len(SEEDS)} seeds)")
    return {"beta_sweep": sweep, "loss_vs_length": length}


STATIC = {"bias_heatmap": bias_figure, "causal_mask_weights": mask_and_weights_figure, "slopes_grid": slopes_figure,
          "head_reach": reach_figure}


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python -m alibi_edu.gallery FOLDER")
    plt.switch_backend("Agg")
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    alt = {}
    for name, draw in STATIC.items():
        alt[f"{name}.png"] = save(draw(), folder / f"{name}.png")
    start = time.perf_counter()
    for name, picture in experiment_figures().items():
        alt[f"{name}.png"] = save(picture, folder / f"{name}.png")
    print(f"trained the experiment figures' models in {time.perf_counter() - start:.0f} s")
    path = folder / "alt.json"
    old = json.loads(path.read_text()) if path.exists() else {}  # keeps the explorers' entries (test_browser.py)
    path.write_text(json.dumps({**old, **alt}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {path}")


def save(picture, path: Path) -> str:
    """Write a plots.Picture as PNG; returns its alt text."""
    picture.savefig(path, dpi=DPI, facecolor="white")  # opaque: readable on a dark page too
    plt.close(picture.figure)
    print(f"wrote {path}")
    return picture.alt


if __name__ == "__main__":
    main(sys.argv[1:])
