"""Notebook 02 exercises: the causal mask, finite masks, the symmetric bias, BLOOM's shortcut.

Expected answers come from the core (causal_mask, attention_weights, alibi_bias, linear_bias).
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..attention import attention_weights
from ..bias import alibi_bias, causal_mask, linear_bias
from . import questions
from .compare import as_tensor, call_safely, call_text, match_function, match_tensor
from .core import MISTAKE, WRONG, Result, exercise, failed, passed

MASK_SIZES = [(1,), (2,), (5,)]
ATTENTION_SHAPES = [(1, 4), (5, 8), (7, 16)]      # (L, d) of the random q and k the fixed function is run on
SYMMETRIC_LEN, SYMMETRIC_SLOPE = 4, 0.75         # 02.6: not the 5 x 5, m = 0.5 of the worked example
FINITE_NOTE = ("A large finite stand-in for −∞ (such as −1e9) passes too: every row here keeps a visible key, and "
               "future keys got weight exactly 0 in every check. Where the two differ: section 3 "
               "(on a fully masked row).")


@exercise("02.1", "Build the causal mask",
          reread="the section “Mask(i, j)”: 0 where j ≤ i, −∞ where j > i, added before softmax.")
def check_causal_mask(answer: Any) -> Result:
    finite = []                                      # sizes where the mask is a huge finite number, else right
    for size in MASK_SIZES:                          # look at the raw output first: a bool mask is a concept slip
        got, error = call_safely(answer, *size)
        if error is not None:
            return error
        if isinstance(got, torch.Tensor) and got.dtype == torch.bool:
            return failed("That is a boolean mask (True/False). Mask(i, j) is additive: 0 where j ≤ i and "
                          "float('-inf') where j > i, added to the scores before softmax.")
        if isinstance(got, torch.Tensor) and got.shape == (size[0], size[0]) and got.is_floating_point():
            future = causal_mask(size[0], dtype=torch.float64) == -math.inf
            if future.any() and torch.isfinite(got[future]).all() and (got[future] < -100).all():
                if not _vanishes(float(got[future].max())):
                    return failed("Not negative enough to vanish: beside a visible key scored 0, e to your number is "
                                  "tiny but not 0 in float64, so future keys keep some weight. Use float('-inf').")
                if (got[~future] == 0).all():
                    finite.append(size)
    if finite and len(finite) == sum(n > 1 for n, in MASK_SIZES):
        return passed(f"0 on and below the diagonal, a huge negative number above. {FINITE_NOTE}")

    def mistakes(size: int) -> list[tuple[str, torch.Tensor]]:
        right = causal_mask(size, dtype=torch.float64)
        diagonal_too = torch.zeros(size, size, dtype=torch.float64).masked_fill(
            torch.ones(size, size, dtype=torch.bool).triu(), -math.inf)
        return [("Transposed: row i is the query and column j the key; mask the keys after the query (j > i), "
                 "above the diagonal.", right.T),
                ("You masked the diagonal too: a token may attend to itself (j = i is allowed).", diagonal_too),
                ("That is a multiplicative 1/0 mask. Mask(i, j) is added before softmax: 0 where allowed, −∞ "
                 "where j > i.", torch.ones(size, size, dtype=torch.float64).tril())]
    result = match_function(answer, MASK_SIZES, lambda size: causal_mask(size, dtype=torch.float64),
                            "0 on and below the diagonal, −∞ above: exactly alibi_edu.causal_mask.", mistakes=mistakes)
    return _with_property(result, answer, MASK_SIZES, _mask_property)


def _vanishes(value: float) -> bool:
    """Does a key scored `value` get weight exactly 0 beside a key scored 0, in float32 and in float64?"""
    return all(torch.softmax(torch.tensor([0.0, value], dtype=dtype), 0)[1].item() == 0
               for dtype in (torch.float32, torch.float64))


def _with_property(result: Result, fn: Any, cases: list[tuple], describe: Any) -> Result:
    """Replace a generic 'Not quite' (kind WRONG) by the property the answer breaks, when one is found."""
    if result.passed or result.kind != WRONG:
        return result
    for case in cases:
        got = as_tensor(call_safely(fn, *case)[0])
        problem = describe(got, *case) if got is not None else None
        if problem:
            name = f"{getattr(fn, '__name__', 'your function')}({call_text(case)})"
            return result.but(message=f"For {name}: {problem}", where=name)
    return result


def _mask_property(got: torch.Tensor, size: int, *_: Any) -> str | None:
    if got.shape != (size, size):
        return None
    for i, j in torch.cartesian_prod(torch.arange(size), torch.arange(size)).tolist():
        if j > i and got[i, j] == math.inf:
            return f"a future key (i={i}, j={j}) has +∞: it would take all the weight (or make the row NaN); use −∞."
        if j > i and got[i, j] != -math.inf:
            return f"a future key (i={i}, j={j}) has a finite score, so it would get weight."
        if j <= i and got[i, j] != 0:
            return f"an allowed key (i={i}, j={j}, not after the query) is changed: the mask must leave it as it is."
    return None


def _weights_property(got: torch.Tensor, q: torch.Tensor, k: torch.Tensor) -> str | None:
    size = q.shape[-2]
    if got.shape != (size, size):
        return None
    sums = got.sum(-1)
    for i in range(size):
        future = [j for j in range(i + 1, size) if abs(float(got[i, j])) > 1e-6]
        if future:
            return f"the future key (i={i}, j={future[0]}) gets weight; it must get exactly 0."
        if abs(float(sums[i]) - 1) > 1e-4:
            return f"row {i} does not sum to 1 (it sums to {float(sums[i]):.3g})."
    return None


@exercise("02.3", "Find the bug: attention that forgets the mask",
          reread="the section “Mask(i, j)”: add the mask to the scaled scores q·k/√d, then softmax.")
def check_fixed_attention(answer: Any) -> Result:
    gen = torch.Generator().manual_seed(2)
    cases = [tuple(torch.randn(2, length, d, dtype=torch.float64, generator=gen)) for length, d in ATTENTION_SHAPES]

    def expected(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        return attention_weights(q, k, mask=causal_mask(q.shape[-2], dtype=torch.float64))

    def mistakes(q: torch.Tensor, k: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        size, d = q.shape[-2], q.shape[-1]
        unmasked = attention_weights(q, k)
        strict_past = torch.zeros(size, size, dtype=torch.float64).masked_fill(
            ~torch.ones(size, size, dtype=torch.bool).tril(-1), -math.inf)
        return [("Still no mask: future keys (j > i) get weight. Add causal_mask(L) to the scores before softmax.",
                 unmasked),
                ("Masked after softmax: the rows no longer sum to 1. Add −∞ to the scores before softmax instead.",
                 unmasked * torch.ones(size, size, dtype=torch.float64).tril()),
                ("The 1/√d scaling went missing while fixing the mask.",
                 attention_weights(q * math.sqrt(d), k, mask=causal_mask(size, dtype=torch.float64))),
                ("You masked the diagonal too (j ≥ i): row 0 has nothing left and becomes NaN.",
                 attention_weights(q, k, mask=strict_past))]

    result = match_function(answer, cases, expected,
                            "Fixed: future keys get exactly 0 and every row sums to 1, on every random q, k tried. "
                            + FINITE_NOTE,
                            mistakes=mistakes)
    if result.passed and not all(_future_vanishes(answer, q, k) for q, k in cases):
        return failed("Not negative enough to vanish: your mask's number, through softmax, leaves future keys a "
                      "tiny weight instead of exactly 0. Use float('-inf').", MISTAKE,
                      mistake="finite mask too small")
    return _with_property(result, answer, cases, _weights_property)


def _future_vanishes(fn: Any, q: torch.Tensor, k: torch.Tensor) -> bool:
    """Do future keys (j > i) get weight exactly 0, as 02.1 asks of a finite mask too?"""
    got = as_tensor(call_safely(fn, q.clone(), k.clone())[0])
    future = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).triu(1)
    return got is None or got.shape != future.shape or bool((got[future] == 0).all())


@exercise("02.6", "The bidirectional bias −m·|i − j|",
          reread="the section “Bidirectional attention: −m·|i − j|”.")
def check_symmetric_bias(answer: Any) -> Result:
    slope = torch.tensor([SYMMETRIC_SLOPE], dtype=torch.float64)
    right = alibi_bias(1, SYMMETRIC_LEN, slopes=slope, symmetric=True, dtype=torch.float64)[0]
    causal_form = linear_bias(SYMMETRIC_LEN, beta=SYMMETRIC_SLOPE, dtype=torch.float64)
    key_only = SYMMETRIC_SLOPE * torch.arange(SYMMETRIC_LEN, dtype=torch.float64).expand(SYMMETRIC_LEN, -1)
    return match_tensor(answer, right, "Symmetric: a key t steps away costs m·t whether it is before or after "
                        "the query — what an encoder needs.",
                        mistakes=[("That is the causal form −m·(i − j): for future keys (j > i) it turns into a "
                                   "bonus. Take the absolute distance.", causal_form),
                                  ("That is BLOOM's m·j: fine under a causal mask, but here future keys would get "
                                   "rising bonuses.", key_only),
                                  ("Wrong sign: the bias penalises distance, −m·|i − j| ≤ 0.", -right)])


questions.register("02")
