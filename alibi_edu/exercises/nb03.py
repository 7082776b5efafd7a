"""Notebook 03 exercises: geometric slopes per head.

Expected answers come from alibi_edu.geometric_slopes; the wrong formulas below exist only
to recognise typical mistakes and name them.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..slopes import geometric_slopes
from . import questions
from .compare import match_function, match_tensor
from .core import Result, exercise

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


MISREAD_HINT = "That is the misread formula 1/2^(8/k): the paper's is 2^(−8k/n), with the head count n in it."


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
                                  ("Slopes are below 1: you gave 1/m instead of m.", 1 / right)])


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
                                  ("Reversed: start at k = 1.", misread_formula(MISREAD_HEADS).flip(0))])


questions.register("03")
