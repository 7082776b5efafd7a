"""Notebook 05 exercises: train short, test long."""
from __future__ import annotations

import math
from typing import Any

import torch

from ..paired import paired
from . import questions
from .compare import as_tensor, call_safely, direction, prediction_word
from .core import MISTAKE, Result, exercise, failed, malformed, passed, short

CURVE_METHODS = ("alibi", "sinusoidal", "rope", "none")
RISES = {"sinusoidal", "rope"}   # meet position inputs never seen in training: the textbook prediction
MAY_RISE = {"none"}              # counts as right either way: a 200-step run can move it, or leave it flat
SLOPES = (0.25, 0.0625, 0.015625, 0.5, 1.0, 0.003, 1 / 3)
SHORT, LONG = 16, 256  # 05.6: trained at L_train = SHORT, evaluated at SHORT and LONG
ALIASES = {"nope": "none", "rotary": "rope", "sinusoid": "sinusoidal", "sine": "sinusoidal"}   # 05.1's other names
LENGTH_WORDS = {"higher": ("rises", "rise", "up"), "lower": ("falls", "fall", "down"), "same": ("flat",)}

@exercise("05.1", "Predict: which loss curves rise past L_train?",
          reread="the section “What a penalty on distance does past L_train”, and ask of each method: "
                 "does it feed the model something at a new length that it never saw in training?")
def check_rising_curves(answer: Any) -> Result:
    """answer: a set (or list, tuple) of method names whose loss rises past L_train."""
    if isinstance(answer, str):
        return failed(f"That is one string: put each name in a set, like {{\"name\", \"other name\"}}, choosing "
                      f"from {list(CURVE_METHODS)}.")
    if not isinstance(answer, (set, frozenset, list, tuple)):
        return failed(f"Answer with a set or list of method names from {list(CURVE_METHODS)}; got {short(answer)}.")
    names = {ALIASES.get(name, name) for name in (str(a).strip().lower() for a in answer)}
    if "learned" in names:
        return failed("The learned table cannot draw a curve past L_train at all: it raises an error. "
                      f"Choose among {list(CURVE_METHODS)}.")
    unknown = names - set(CURVE_METHODS)
    if unknown:
        return failed(f"Unknown names {sorted(unknown)}: choose among {list(CURVE_METHODS)}.")
    if "alibi" in names:
        return failed("ALiBi's penalty per step of distance is the same at every position. Past L_train a query "
                      "meets keys at distances never trained on: what does the penalty do to their weight, compared "
                      "with nearer keys of equal content?")
    if not RISES <= names:
        return failed("Not all of them: for each method you left out, ask whether past L_train the model is fed a "
                      "position vector or an angle that it never saw in training.")
    if MAY_RISE <= names:
        return passed("Right: past L_train sinusoidal vectors and rotary angles are inputs the model never saw, and "
                      "a model with no positions meets key counts it never saw. Section 3 measures all three seed by "
                      "seed: check your prediction against its paired verdicts.")
    return passed("Right, the textbook prediction: past L_train sinusoidal vectors and rotary angles are inputs the "
                  "model never saw. Section 3 also measures the model with no positions: see whether your run "
                  "moves it, seed by seed.")


@exercise("05.2", "How far back does a head look?",
          reread="the section “How far back can a head see?”: start from e^(−mΔ) ≥ 0.01 and get Δ alone on one "
                 "side.")
def check_reach(answer: Any) -> Result:
    """answer: a function reach(m) -> the largest whole distance Δ with e^(−mΔ) ≥ 0.01."""
    for m in SLOPES:
        value, error = call_safely(answer, m)
        if error is not None:
            return error
        number = as_tensor(value)
        if number is None or number.numel() != 1:
            return failed(f"reach({m:g}) should return one whole number of tokens; it returned {short(value)}.")
        got = number.reshape(()).item()
        exact = math.log(100) / m
        if got == math.floor(exact):
            continue
        if math.isclose(got, exact, rel_tol=1e-6):
            return failed(f"reach({m:g}) returned {got:.6g}, not a whole number: a distance is a whole number of "
                          "tokens, so round down.")
        if got == math.ceil(exact):
            return failed("Round down, not up: one more token back and the weight is already below 1%.")
        if math.isclose(got, math.log10(100) / m, rel_tol=1e-6) or got in (math.floor(2 / m), math.ceil(2 / m)):
            return failed("That undoes a power of 10, but softmax's weights are powers of e: which logarithm "
                          "undoes e^(−mΔ)?")
        if math.isclose(got, math.log(100) * m, rel_tol=1e-6) or got == math.floor(math.log(100) * m):
            return failed("That puts m on the wrong side of the fraction: a smaller slope reaches further back, so "
                          "the reach must grow as m shrinks.")
        if got <= 0:
            return failed("The answer is a distance back, so it is positive: check the sign when you take the "
                          "logarithm of both sides of e^(−mΔ) ≥ 0.01.")
        return failed(f"reach({m:g}) returned {got:g}: {direction(got, math.floor(exact))} "
                      "Start from e^(−mΔ) ≥ 0.01.")
    return passed("Right: Δ ≤ ln(100)/m ≈ 4.6/m — with equal content scores, the bias alone sets the reach.")



def _far_weight(m: float, length: int = LONG, near: int = SHORT) -> float:
    """The bias alone (equal content scores): the weight the last query of `length` gives keys ≥ `near` back."""
    weights = [math.exp(-m * d) for d in range(length)]
    return sum(weights[near:]) / sum(weights)


@exercise("05.6", "Predict, then run: ALiBi trained at L_train = 16",
          reread="section 5 (how far back each head reaches) and ask: how many keys did a query ever see in "
                 "training at L_train = 16, and over how many does a flat head spread its weight at 256?")
def check_short_training(answer: Any) -> Result:
    """answer: {"prediction": "higher" | "lower", "at 16": ALiBi's loss at L = 16, one per seed, "at 256": the same
    models' loss at L = 256}: is the loss at 256 higher or lower than at L_train = 16?"""
    if isinstance(answer, str):
        return failed("Put your word in `prediction` and run the cell: it trains the models and hands in your "
                      "prediction with what they measured.")
    keys = ("prediction", f"at {SHORT}", f"at {LONG}")
    if not (isinstance(answer, dict) and all(k in answer for k in keys)):
        return failed(f"Expected what the exercise's cell builds (your prediction and its run), got {short(answer)}.")
    short_run, long_run = as_tensor(answer[keys[1]]), as_tensor(answer[keys[2]])
    if (short_run is None or long_run is None or short_run.ndim != 1 or short_run.shape != long_run.shape
            or len(short_run) < 2 or not (short_run.isfinite().all() and long_run.isfinite().all())):
        return failed("The run handed in is not one loss per seed at each length: run the exercise's cell as given.")
    said = prediction_word(answer["prediction"], LENGTH_WORDS)
    if said is None:
        return failed(f"Predict with one word, \"higher\" or \"lower\" (the loss at {LONG} against the loss at "
                      f"{SHORT}); got {short(answer['prediction'])}.")
    vs = paired(long_run, short_run, names=(f"at {LONG}", f"at {SHORT}"))
    measured = {-1: "lower", 0: "same", 1: "higher"}[vs.direction]
    if said == "same" and measured == "same":
        return failed(f"The exercise asks for a direction: predict \"higher\" or \"lower\" (the loss at {LONG} "
                      f"against the loss at {SHORT}), then run the cell again.")
    if measured == "same":
        return passed(f"Your run cannot tell the two apart ({vs}), so it neither confirms nor refutes a "
                      "prediction: with more seeds or steps it might.")
    if said == measured and measured == "higher":
        flat = ", ".join(f"m = 1/{round(1 / m)}: {_far_weight(m):.0%}" for m in (1 / 64, 1 / 256))
        return passed(f"Consistent with your run: {vs}. In training a query never saw more than {SHORT} keys; at "
                      f"{LONG} the two flattest heads give most of their weight to keys farther back (the bias "
                      f"alone: {flat}). Trained at 64 (section 2) the curve did not rise. Two things changed, the "
                      "window and with it the characters trained on (4× fewer), so this run shows the rise, not "
                      "which of them causes it.")
    if said == measured:
        return passed(f"Consistent with your run: {vs}.")
    if said == "same":
        return failed("Your run tells the two apart, seed by seed: look at the comparison it printed, then ask "
                      f"what a query meets at {LONG} that it never met in training.")
    if measured == "higher":
        return failed(f"Your run measured the opposite, in every seed. Trained at {SHORT}, a query never saw more "
                      f"than {SHORT} keys: how far back do the flattest heads reach (section 5), and what do they "
                      f"average over at {LONG}?")
    return failed("Your run measured the opposite, in every seed: look at the comparison it printed.")


ROW_CASES = [(5, 0.25), (8, 1 / 3), (40, 0.0625), (3, 0.5), (1, 0.25), (100, 1 / 256)]  # 05.7: (n cached keys, m)
BOOK_SCALES = (math.sqrt(8), math.sqrt(16))   # √d_head of notebook 05's model and of notebook 04's


def cached_row(n: int, m: float) -> torch.Tensor:
    """The bias the newest query (position n − 1) adds to its scores over n cached keys j = 0 … n − 1: (n,)."""
    return -m * (n - 1 - torch.arange(n, dtype=torch.float64))


def _row_mistake(got: list[torch.Tensor]) -> str | None:
    """The name of a typical mistake that every case of the answer matches, else None."""
    right = [cached_row(n, m) for n, m in ROW_CASES]
    j = [torch.arange(n, dtype=torch.float64) for n, _ in ROW_CASES]

    def every(rows) -> bool:
        return all(torch.allclose(g, r, rtol=1e-5, atol=1e-7) for g, r in zip(got, rows))

    if every([torch.zeros_like(r) for r in right]):
        return "zero"
    if every([-r for r in right]):
        return "sign"
    if every([r - m for r, (_, m) in zip(right, ROW_CASES)]):
        return "off by one"
    if every([-m * jj for jj, (_, m) in zip(j, ROW_CASES)]):
        return "reversed"
    shifts = [g - r for g, r in zip(got, right)]
    if all(torch.allclose(d, d[0].expand_as(d), rtol=1e-5, atol=1e-7) for d in shifts):
        return "constant"
    big = max(range(len(right)), key=lambda k: right[k].abs().max())
    ratio = (got[big] @ right[big] / (right[big] @ right[big])).item()
    if math.isfinite(ratio) and ratio != 0 and every([ratio * r for r in right]):
        if any(math.isclose(ratio, s, rel_tol=1e-4) for s in BOOK_SCALES):
            return "beta"
        if any(math.isclose(ratio, 1 / s, rel_tol=1e-4) for s in BOOK_SCALES):
            return "scale on bias"
        return "scaled" if ratio > 0 else "sign and scale"
    return None


ROW_HINTS = {
    "zero": "All zero: that is no penalty at all. The newest query still pays −m per step of distance.",
    "sign": "The sign is flipped: a key further back must get a larger penalty, not a bonus.",
    "off by one": "Off by one step at every key: the newest query's own key is in the cache too. How far is it from "
                  "itself?",
    "reversed": "The penalty grows the wrong way: it must be largest for the oldest key, j = 0, the farthest from "
                "the newest query.",
    "constant": "That is a constant per row away from the bias: softmax would give the same weights, but the row asked "
                "for is the bias itself, −m·(the key's distance from the newest query) for each key.",
    "beta": "That looks like the book's β in place of the paper's m: the model adds −m·(i − j) after 1/√d, with the "
            "slope as given.",
    "scale on bias": "That applies 1/√d to the bias too: in the paper's form 1/√d is for q·k only. Use the slope as "
                    "given.",
    "scaled": "The right sign and pattern, but every entry has the wrong size: the slope enters once, as given.",
    "sign and scale": "The sign is flipped and every entry has the wrong size: a key further back gets a penalty "
                      "that grows with its distance, at the slope as given.",
}


@exercise("05.7", "The bias row of a cached query",
          reread="the section “Generate past L_train, with a KV cache”: which position is the newest query at, and "
                 "how far back is key j?")
def check_cached_row(answer: Any) -> Result:
    """answer: a function newest_row(n, m) -> the (n,) bias the newest query adds over keys j = 0 … n − 1."""
    rows = []
    for n, m in ROW_CASES:
        value, error = call_safely(answer, n, m)
        if error is not None:
            return error
        call = f"newest_row({n}, {m:.4g})"
        got = as_tensor(value)
        if got is None:
            return malformed(f"{call} should return one row of numbers (a list or tensor); it returned {short(value)}.")
        if got.ndim == 2 and n > 1 and got.shape == (n, n):
            return failed("That is the whole square bias, one row per query. With a KV cache only the newest query "
                          "is computed: return its one row over the n cached keys.", MISTAKE, mistake="square")
        got = got.reshape(-1) if got.ndim == 2 and got.shape[0] == 1 else got
        if got.ndim != 1 or got.numel() != n:
            return malformed(f"{call} returned shape {tuple(got.shape)}: one entry per cached key, j = 0 … n − 1, "
                             f"so n of them.", where=call)
        rows.append(got.double())
    right = [cached_row(n, m) for n, m in ROW_CASES]
    close = [torch.allclose(g, r, rtol=1e-5, atol=1e-7) for g, r in zip(rows, right)]
    if all(close):
        return passed("Right: the newest query sits at position n − 1, so key j is n − 1 − j steps back and its bias "
                      "is −m·(n − 1 − j). The row needs only n and the slope, no table of positions: the same line "
                      "works at any n, past L_train too.", checks=(len(close), len(close)))
    mistake = _row_mistake(rows)
    if mistake is not None:
        return failed(ROW_HINTS[mistake], MISTAKE, mistake=mistake, checks=(sum(close), len(close)))
    k = close.index(False)
    (n, m), got, want = ROW_CASES[k], rows[k], right[k]
    differ = ~torch.isclose(got, want, rtol=1e-5, atol=1e-7)
    j = int(differ.nonzero()[0])
    return failed(f"For newest_row({n}, {m:.4g}): {int(differ.sum())} of {n} entries differ; the first at key j = {j}: "
                  f"{direction(got[j].item(), want[j].item())}", where=f"newest_row({n}, {m:.4g}), key {j}",
                  checks=(sum(close), len(close)))


questions.register("05")
