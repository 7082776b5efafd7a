"""Notebook 05 exercises: train short, test long."""
from __future__ import annotations

import math
from typing import Any

from . import questions
from .compare import as_tensor, call_safely, direction
from .core import Result, exercise, failed, passed, short

CURVE_METHODS = ("alibi", "sinusoidal", "rope", "none")
RISES = {"sinusoidal", "rope", "none"}  # section 3 asserts each rises 64 → 1024 in every seed (paired rule)
SLOPES = (0.25, 0.0625, 0.015625, 0.5, 1.0, 0.003, 1 / 3)

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
        return failed(f"{len(RISES - names)} method(s) missing: for each method, ask whether past L_train anything "
                      "the model computes from position (a vector, an angle, or just how many keys a query averages "
                      "over) takes values it never saw in training.")
    return passed("Right, and section 3 measures it: past L_train sinusoidal vectors and rotary angles are inputs "
                  "the model never saw, and a model with no positions meets key counts it never saw (a causal "
                  "model can infer position from how many tokens it sees). All three rise in every seed there; "
                  "check your prediction against its paired verdicts.")


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


questions.register("05")
