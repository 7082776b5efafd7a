"""Notebook 03 exercises: geometric slopes per head.

Expected answers come from alibi_edu.geometric_slopes; the wrong formulas below exist only
to recognise typical mistakes and name them.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..bias import alibi_bias, causal_mask
from ..slopes import geometric_slopes
from . import questions
from .compare import as_tensor, call_safely, match_function, match_tensor
from .core import Result, exercise, failed, passed, short

F1_HEADS, F1_HEAD = 8, 4              # 03.1: the 4th of 8 heads (k counts from 1)
POWER_OF_TWO_CASES = [(8,), (1,), (2,), (4,), (16,)]  # 8 first: at n = 2 the misread formula equals the reversed slopes
ANY_COUNT_CASES = [(8,), (12,), (6,), (3,), (20,), (1,)]
MISREAD_HEADS = 8


def power_of_two_formula(n: int) -> torch.Tensor:
    """2^(-8k/n) for k = 1..n applied to any n — the paper's rule only when n is a power of two."""
    k = torch.arange(1, n + 1, dtype=torch.float64)
    return 2.0 ** (-8.0 * k / n)


def misread_formula(n: int) -> torch.Tensor:
    """The misread 1/2^(8/k), k = 1..n: it grows with k (1/256, 1/16, ..., 2^(-8/n))."""
    k = torch.arange(1, n + 1, dtype=torch.float64)
    return 2.0 ** (-8.0 / k)


def _slopes(n: int) -> torch.Tensor:
    return geometric_slopes(n, dtype=torch.float64)


def _counts(cases: list[tuple[int]]) -> str:
    return ", ".join(str(n) for n, in sorted(cases))


def _fraction(x: torch.Tensor) -> str:
    return f"1/{1 / float(x):g}"


MISREAD_HINT = ("That is 1/2^(8/k), a common misreading (section 5): the paper's is 2^(−8k/n), with the head count n "
                "in it.")


@exercise("03.1", "The 4th slope of 8 heads",
          reread="the section “The formula”: m_k = 2^(−8k/n), heads counted from k = 1.")
def check_fourth_slope(answer: Any) -> Result:
    slopes = _slopes(F1_HEADS)
    right = slopes[F1_HEAD - 1]
    return match_tensor(answer, right, f"m_{F1_HEAD} = 2^(−8·{F1_HEAD}/{F1_HEADS}) = {right.item():g} "
                        f"(= {_fraction(right)}).",
                        mistakes=[(MISREAD_HINT, misread_formula(F1_HEADS)[F1_HEAD - 1]),
                                  ("Off by one head: k counts from 1, so the 4th head has k = 4.",
                                   slopes[F1_HEAD - 2]),
                                  ("Off by one head: k counts from 1, so the 4th head has k = 4.", slopes[F1_HEAD]),
                                  ("Slopes are below 1: you gave 1/m instead of m.", 1 / right)],
                        atol=ROUNDED_ATOL, rtol=0.0)   # 3 decimals pass; the nearest wrong slope is 0.03 away


@exercise("03.4", "geometric_slopes for a power-of-two head count",
          reread="the worked example for 8 heads in “The formula”: k runs 1..n, head 1 steepest.")
def check_power_of_two_slopes(answer: Any) -> Result:
    def mistakes(n: int) -> list[tuple[str, torch.Tensor]]:
        right = _slopes(n)
        return [(MISREAD_HINT, misread_formula(n)),
                ("Reversed: head k = 1 has the steepest slope 2^(−8/n); they shrink from there.", right.flip(0)),
                ("k starts at 1, not 0: the first slope is 2^(−8/n), not 1.", right * 2.0 ** (8.0 / n)),
                ("Those are exponents: the slopes are 2 to that power.", torch.log2(right))]
    return match_function(answer, POWER_OF_TWO_CASES, _slopes,
                          "2^(−8k/n) for k = 1..n, matching alibi_edu.geometric_slopes for n = "
                          f"{_counts(POWER_OF_TWO_CASES)}.",
                          mistakes=mistakes)


@exercise("03.5", "Extend geometric_slopes to any head count",
          reread="the section on head counts that are not powers of two: c = the largest power of two ≤ n.")
def check_any_count_slopes(answer: Any) -> Result:
    def mistakes(n: int) -> list[tuple[str, torch.Tensor]]:
        c = 2 ** int(math.log2(n))
        right = _slopes(n)
        return [(f"That is 2^(−8k/n) applied to n = {n} directly: the paper takes the {c}-head slopes, then the "
                 f"{2 * c}-head slopes at odd k until there are {n}.", power_of_two_formula(n)),
                ("Sorted: the paper's order is not monotone — the first c heads keep the c-head slopes, the "
                 "interpolated ones come after.", right.sort(descending=True).values),
                (f"Even k of the {2 * c}-head set only repeats the {c}-head slopes: take odd k (1, 3, 5, …).",
                 torch.cat([_slopes(c), power_of_two_formula(2 * c)[1::2][: n - c]])),
                (f"The first {n} of the {2 * c}-head slopes skip the steep ones: start from the {c}-head set.",
                 power_of_two_formula(2 * c)[:n])]
    return match_function(answer, ANY_COUNT_CASES, _slopes,
                          "The c-head slopes, then the 2c-head slopes at odd k — the paper's rule, for n = "
                          f"{_counts(ANY_COUNT_CASES)}.",
                          mistakes=mistakes)


ROUNDED_ATOL = 6e-4    # values rounded to 3 or more decimals pass; every wrong set above differs by far more


@exercise("03.6", "Compute the misread formula 1/2^(8/k)",
          reread="the section on the misread formula: 1/2^(8/k) for k = 1, 2, …, 8.")
def check_misread_values(answer: Any) -> Result:
    return match_tensor(answer, misread_formula(MISREAD_HEADS),
                        f"1/2^(8/k) rises from {_fraction(misread_formula(MISREAD_HEADS)[0])} at k = 1 to "
                        f"{_fraction(misread_formula(MISREAD_HEADS)[-1])} at k = {MISREAD_HEADS}: it grows with k, "
                        "the opposite of the paper's slopes.",
                        mistakes=[("Those are the paper's slopes 2^(−8k/n); compute the misread 1/2^(8/k) instead.",
                                   _slopes(MISREAD_HEADS)),
                                  ("That is 2^(8/k): the formula divides 1 by it.", 1 / misread_formula(MISREAD_HEADS)),
                                  ("Reversed: start at k = 1.", misread_formula(MISREAD_HEADS).flip(0))],
                        atol=ROUNDED_ATOL, rtol=0.0)


# --- 03.8 your bias trains a model --------------------------------------------------------------

TRIAL_KEYS = {"bias_fn", "own", "library", "n_heads", "seq_len"}
LOSS_ATOL = 1e-4                   # float32 training of the same model from the same seed: equal to this
EXTRA_CASES = [(12, 6), (1, 3)]    # beyond the trial's own size: a head count that is not a power of two, one head


def _weights(bias: torch.Tensor) -> torch.Tensor:
    """softmax of a bias alone, row by row: what it does to attention (a constant per row drops out)."""
    return torch.softmax(bias.to(torch.float64), dim=-1)


def _alibi(n_heads: int, length: int, slopes: torch.Tensor | None = None, sign: float = 1.0) -> torch.Tensor:
    bias = alibi_bias(n_heads, length, slopes=slopes, dtype=torch.float64)
    return sign * bias + causal_mask(length, dtype=torch.float64)


LIBRARY_PIECES = {"alibi_bias", "geometric_slopes", "linear_bias", "causal_mask", "alibi_slopes", "bias_trial"}


def _library_pieces(fn: Any, seen: set | None = None) -> set[str]:
    """The course library's ALiBi pieces fn uses by name, directly or through the student's own functions it calls
    (a student's function that shadows a library name is the student's own)."""
    seen = set() if seen is None else seen
    code = getattr(fn, "__code__", None)
    if code is None or id(fn) in seen:
        return set()
    seen.add(id(fn))
    scope = dict(getattr(fn, "__globals__", {}))
    scope.update({name: cell.cell_contents for name, cell in zip(code.co_freevars, fn.__closure__ or ())
                  if _filled(cell)})                                          # the variables it closes over
    found = set()
    codes = [code] + [c for c in code.co_consts if hasattr(c, "co_names")]      # lambdas and inner functions too
    for name in {n for c in codes for n in (*c.co_names, *c.co_freevars)}:
        target = scope.get(name)
        own = callable(target) and not str(getattr(target, "__module__", "")).startswith("alibi_edu")
        if name in LIBRARY_PIECES and not own:
            found.add(name)
        elif own and hasattr(target, "__code__"):
            found |= _library_pieces(target, seen)
    return found


def _filled(cell: Any) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:                     # a closure variable not assigned yet
        return False
    return True


def _diagnose(fn: Any, n_heads: int, length: int) -> str | None:
    """What is wrong with fn(n_heads, length) as ALiBi's bias plus mask; None when it gives ALiBi's weights."""
    got, error = call_safely(fn, n_heads, length)
    if error is not None:
        return error.message
    got = as_tensor(got)
    shape = (n_heads, length, length)
    if got is None or tuple(got.shape) != shape:
        return f"my_alibi_bias({n_heads}, {length}) should return a tensor of shape {shape}; it returned {short(got)}."
    future = torch.ones(length, length, dtype=torch.bool).triu(1)
    if (_weights(got)[:, future] > 0).any():
        if (got[:, future] < -20).all():
            return ("Your mask is not negative enough: beside the query's own key, future keys keep a little weight "
                    "(e to your number is small, not 0). Use float('-inf'), as in notebook 02.")
        return ("The causal mask is missing: future keys (j > i) get weight, so the model can read the very "
                "character it has to predict. Add the mask of notebook 02.")
    if torch.allclose(_weights(got), _weights(_alibi(n_heads, length)), atol=1e-6, equal_nan=True):
        return None
    if torch.allclose(_weights(got), _weights(_alibi(n_heads, length, sign=-1.0)), atol=1e-6):
        return ("Flipped sign: your bias is +m·(i − j), so each step back earns a bonus and the farthest past key "
                "wins. "
                "ALiBi's −m·(i − j), with m > 0, is ≤ 0 for past keys.")
    k = torch.arange(n_heads, dtype=torch.float64)
    for heads_from_zero in (geometric_slopes(n_heads, torch.float64) * 2.0 ** (8.0 / n_heads),
                            2.0 ** (-8.0 * k / n_heads)):
        if torch.allclose(_weights(got), _weights(_alibi(n_heads, length, slopes=heads_from_zero)), atol=1e-6):
            return ("Heads counted from 0: head 1's slope came out as 2^0 = 1. Heads count from k = 1, so the "
                    "steepest slope is 2^(−8/n).")
    if torch.allclose(_weights(got), _weights(_alibi(n_heads, length, slopes=power_of_two_formula(n_heads))),
                      atol=1e-6):
        return (f"At {n_heads} heads these are 2^(−8k/n) applied directly: use the rule for any head count "
                "(your my_slopes_any from 03.5).")
    per_head = [h + 1 for h in range(n_heads)
                if not torch.allclose(_weights(got[h]), _weights(_alibi(n_heads, length)[h]), atol=1e-6)]
    return (f"At {n_heads} heads and L = {length}, head {per_head[0]} (counting from 1) attends differently from "
            "ALiBi's: check its slope m and its bias −m·(i − j).")


@exercise("03.8", "Your bias trains a model",
          reread="section 1 (head k adds −m_k·(i − j)), notebook 01's β·(j − i) and notebook 02's Mask(i, j).")
def check_own_bias_trial(answer: Any) -> Result:
    """answer: the dict lm.trial.bias_trial(my_alibi_bias) returns (the function and both loss curves)."""
    if callable(answer):
        return failed("That is the function itself: hand in its training run, answer = bias_trial(my_alibi_bias), "
                      "which trains your model and the library's.")
    if not isinstance(answer, dict) or not TRIAL_KEYS <= set(answer):
        return failed(f"Expected what bias_trial(my_alibi_bias) returns, got {short(answer)}.")
    own, library = as_tensor(answer["own"]), as_tensor(answer["library"])
    if own is None or library is None or own.shape != library.shape or own.ndim != 1 or not own.numel():
        return failed("The trial's loss curves are not two curves of equal length: run bias_trial again.")
    n_heads, length = int(answer["n_heads"]), int(answer["seq_len"])
    gap = (own - library).abs()
    parted = not (bool(torch.isfinite(gap).all()) and gap.max().item() <= LOSS_ATOL)
    curves = (f"On your run the two loss curves part (largest gap {gap.max().item():.3g}; after {own.numel()} steps "
              f"yours is {own[-1].item():.3f}, the library's {library[-1].item():.3f}; a lower loss after so few "
              "steps would not make it ALiBi: the check is that the two agree)." if parted else "")
    for case in [(n_heads, length), *EXTRA_CASES]:
        problem = _diagnose(answer["bias_fn"], *case)
        if problem:
            return failed(f"{problem} {curves if case == (n_heads, length) else ''}".strip())
    borrowed = sorted(_library_pieces(answer["bias_fn"]))
    if borrowed:
        return failed(f"Your function gives ALiBi's weights, but through the library's {', '.join(borrowed)}: build "
                      "it from your own pieces (my_slopes_any, my_linear_bias, my_causal_mask), so that the model "
                      "trains with your code.")
    if not parted:
        finite, _ = call_safely(answer["bias_fn"], n_heads, length)
        note = (" Your finite stand-in for −∞ works here because every row keeps its own key; float('-inf') stays "
                "the safer choice (notebook 02)." if bool(torch.isfinite(as_tensor(finite)).all()) else "")
        return passed(f"Your bias trained the model: the same loss as the library's ALiBi at every one of the "
                      f"{own.numel()} steps (largest gap {gap.max().item():.1e}), from the same seed.{note}")
    return failed("Your function gives ALiBi's weights, yet the two curves differ: run bias_trial(my_alibi_bias) "
                  "again with this function and hand in what it returns.")


questions.register("03")
