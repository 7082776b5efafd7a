"""Notebook 05 exercises: train short, test long."""
from __future__ import annotations

import math
from typing import Any

from ..paired import paired
from . import questions
from .compare import as_tensor, call_safely, direction, prediction_word
from .core import Result, exercise, failed, passed, short

CURVE_METHODS = ("alibi", "sinusoidal", "rope", "none")
RISES = {"sinusoidal", "rope", "none"}  # section 3 asserts each rises 64 → 1024 in every seed (paired rule)
SLOPES = (0.25, 0.0625, 0.015625, 0.5, 1.0, 0.003, 1 / 3)
SHORT, LONG = 16, 256  # 05.6: trained at L_train = SHORT, evaluated at SHORT and LONG
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
    names = {str(a).strip().lower() for a in answer}
    if "learned" in names:
        return failed("The learned table cannot draw a curve past L_train at all: it raises an error. "
                      f"Choose among {list(CURVE_METHODS)}.")
    unknown = names - set(CURVE_METHODS)
    if unknown:
        return failed(f"Unknown names {sorted(unknown)}: choose among {list(CURVE_METHODS)}.")
    if "alibi" in names:
        return failed("ALiBi's penalty per step of distance is the same at every position, and it grows with "
                      "distance: its steep heads give keys farther back than anything seen in training almost no "
                      "weight (its flattest heads do give them a large share; the notebook measures it). Would that "
                      "make its loss rise?")
    if not RISES <= names:
        return failed("Not all of them: for each method you left out, ask whether past L_train anything "
                      "the model computes from position (a vector, an angle, or just how many keys a query averages "
                      "over) takes values it never saw in training.")
    return passed("Right, and section 3 measures it: past L_train sinusoidal vectors and rotary angles are inputs "
                  "the model never saw, and a model with no positions meets key counts it never saw (a likely "
                  "reason it rises: a causal model can infer position from how many tokens it sees). All three "
                  "rise in every seed there; check your prediction against its paired verdicts.")


@exercise("05.2", "How far back does a head look?",
          reread="the section “How far back can a head see?”: solve e^(−mΔ) ≥ 0.01 for Δ with the natural log.")
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
                          "tokens, so round ln(100)/m down.")
        if got == math.ceil(exact):
            return failed("Round down, not up: one more token back and the weight is already below 1%.")
        if math.isclose(got, math.log10(100) / m, rel_tol=1e-6) or got in (math.floor(2 / m), math.ceil(2 / m)):
            return failed("Softmax uses e, so use the natural log: e^(−mΔ) ≥ 0.01 ⇔ Δ ≤ ln(100)/m.")
        if math.isclose(got, math.log(100) * m, rel_tol=1e-6) or got == math.floor(math.log(100) * m):
            return failed("Divide by m, don't multiply: a smaller slope reaches further back.")
        if got <= 0:
            return failed("The answer is a distance back, so it is positive: e^(−mΔ) ≥ 0.01 ⇔ Δ ≤ ln(100)/m.")
        return failed(f"reach({m:g}) returned {got:g}: {direction(got, math.floor(exact))} "
                      "Start from e^(−mΔ) ≥ 0.01.")
    return passed("Right: Δ ≤ ln(100)/m ≈ 4.6/m — with equal content scores, the bias alone sets the reach.")



def _far_weight(m: float, length: int = LONG, near: int = SHORT) -> float:
    """The bias alone (equal content scores): the weight the last query of `length` gives keys ≥ `near` back."""
    weights = [math.exp(-m * d) for d in range(length)]
    return sum(weights[near:]) / sum(weights)


@exercise("05.6", "Predict, then run: ALiBi trained at L_train = 16",
          reread="section 5 (how far back each head reaches, ≈ 4.6/m) and ask: how many keys did a query ever see "
                 "in training at L_train = 16, and how many does a flat head spread its weight over at 256?")
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


questions.register("05")
