"""Notebook 05 — train short, test long (outline D)."""
from __future__ import annotations

import math

from .core import call_safely, exercise, failed, multiple_choice, passed

CURVE_METHODS = {"alibi", "sinusoidal", "rope", "none"}
RISING = {"sinusoidal", "rope"}
SLOPES = (0.25, 0.0625, 0.015625, 0.5, 1.0, 0.003)


@exercise("05.1", "Which curves rise past L_train?")
def _rising_curves(answer) -> object:
    """answer: a set of method names whose loss rises past L_train."""
    if isinstance(answer, str) or not isinstance(answer, (set, list, tuple, frozenset)):
        return failed('Answer with a set of method names, e.g. {"none"}.')
    names = {str(a).strip().lower() for a in answer}
    if "learned" in names:
        return failed("The learned table cannot draw a curve past L_train at all: it raises an error. "
                      f"Choose among {sorted(CURVE_METHODS)}.")
    unknown = names - CURVE_METHODS
    if unknown:
        return failed(f"Unknown names {sorted(unknown)}: choose among {sorted(CURVE_METHODS)}.")
    if "alibi" in names:
        return failed("ALiBi's penalty per step of distance is the same at position 5 and 5000: nothing unseen.")
    if "none" in names:
        return failed("With no positional information there is nothing position-specific to break: "
                      "its curve stays nearly flat (though higher).")
    if names != RISING:
        missing = sorted(RISING - names)
        return failed(f"Missing {missing}: which methods feed the model positions, or angles, it never saw?")
    return passed("Right: sinusoidal and rotary positions past L_train are inputs the model never saw.")


@exercise("05.2", "How far back does a head look?")
def _reach(answer) -> object:
    """answer: a function reach(m) -> the largest whole distance Δ with e^(−mΔ) ≥ 0.01."""
    for m in SLOPES:
        value, error = call_safely(answer, m)
        if error is not None:
            return error
        exact = math.log(100) / m
        expected = math.floor(exact)
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__index__"):
            return failed(f"reach({m}) should return a whole number of tokens, got {value!r}.")
        value = float(value)
        if value == expected:
            continue
        if math.isclose(value, exact, rel_tol=1e-6):
            return failed("Almost: a distance is a whole number of tokens, so round ln(100)/m down.")
        if value == math.ceil(exact):
            return failed("Round down, not up: one more token back and the weight is already below 1%.")
        if math.isclose(value, math.log10(100) / m, rel_tol=1e-6) or value in (math.floor(2 / m), math.ceil(2 / m)):
            return failed("Softmax uses e, so use the natural log: e^(−mΔ) ≥ 0.01 ⇔ Δ ≤ ln(100)/m.")
        if math.isclose(value, math.log(100) * m, rel_tol=1e-6) or value == math.floor(math.log(100) * m):
            return failed("Divide by m, don't multiply: a smaller slope reaches further back.")
        if value <= 0:
            return failed("The answer is a distance back, so it is positive: e^(−mΔ) ≥ 0.01 ⇔ Δ ≤ ln(100)/m.")
        return failed(f"reach({m}) returned {value:g}; expected {expected}. Start from e^(−mΔ) ≥ 0.01.")
    return passed("Right: Δ ≤ ln(100)/m ≈ 4.6/m — with equal content scores, the bias alone sets the reach.")


multiple_choice(
    "05.3", "D1 — what lets ALiBi run longer?",
    "Which property lets an ALiBi model process sequences longer than any it was trained on?",
    {"A": "It learns a larger table of position embeddings.",
     "B": "A fixed, rule-based penalty on relative distance, the same amount per step at every position, with no "
          "table of positions and so no maximum length.",
     "C": "It removes the causal mask.",
     "D": "It uses more attention heads than other methods."},
    correct="B",
    why="Right: nothing in ALiBi depends on absolute position, so a new position is nothing new.",
    hints={"A": "A learned table is exactly what cannot run past its last row (we saw the error).",
           "C": "ALiBi keeps the causal mask; the bias is added next to it.",
           "D": "The head count is unrelated; the slopes just spread across heads."},
)

multiple_choice(
    "05.4", "D2 — choosing a strategy",
    "A team wants long-sequence extrapolation and as few positional parameters as possible. Which strategy?",
    {"A": "Learned absolute position embeddings, trained at the longest length they can afford.",
     "B": "Sinusoidal embeddings, since they have no parameters.",
     "C": "An ALiBi-style fixed linear bias on attention scores.",
     "D": "No positional information at all."},
    correct="C",
    why="Right: zero parameters and flat loss past L_train, as our curves showed.",
    hints={"A": "Parameters grow with the table, and the model still cannot go past it.",
           "B": "No parameters, yes — but its loss rose past L_train in our experiment.",
           "D": "Flat, but higher everywhere: order matters for language."},
)

multiple_choice(
    "05.5", "D3 — judge the statement",
    '"A fixed rule-based bias is best because it can be finely tuned to one fixed input length." True or false?',
    {"A": "True: a fixed rule is tuned for the training length.",
     "B": "False: its advantage is that the same rule holds at every length, so it generalises across lengths.",
     "C": "True, but only for lengths that are powers of two."},
    correct="B",
    why="Right: the rule knows no length at all; that is why it extrapolates.",
    hints={"A": "The rule −m(i−j) mentions no length; nothing in it is tuned to one.",
           "C": "Powers of two appear in the slopes for n heads, not in any sequence length."},
)
