"""Notebook 03 exercises: geometric slopes per head.

Expected answers come from alibi_edu.geometric_slopes; the wrong formulas below exist only
to recognise typical mistakes and name them. 03.5 (any head count) and 03.6 were removed: their ids are never reused.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..attention import alibi_attention
from ..bias import relative_positions
from ..slopes import geometric_slopes
from . import questions
from .compare import ATOL, RTOL, as_tensor, call_safely, match_function, match_tensor
from .core import MISTAKE, Result, exercise, failed, malformed, passed, short

F1_HEADS, F1_HEAD = 8, 4              # 03.1: the 4th of 8 heads (k counts from 1)
POWER_OF_TWO_CASES = [(8,), (1,), (2,), (4,), (16,)]  # 8 first: at n = 2 the misread formula equals the reversed slopes


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


EXPONENT_HINT = "That is an exponent, −8k/n: the slope is 2 raised to it."
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
                                  ("Slopes are below 1: you gave 1/m instead of m.", 1 / right),
                                  (EXPONENT_HINT, torch.log2(right)),
                                  (EXPONENT_HINT + " Mind its sign.", -torch.log2(right))],
                        atol=ROUNDED_ATOL, rtol=0.0)   # 3 decimals pass; the nearest wrong slope is 0.03 away


@exercise("03.4", "geometric_slopes for a power-of-two head count",
          reread="the worked example for 8 heads in “The formula”: k runs 1..n, head 1 steepest.")
def check_power_of_two_slopes(answer: Any) -> Result:
    def mistakes(n: int) -> list[tuple[str, torch.Tensor]]:
        right = _slopes(n)
        return [(MISREAD_HINT, misread_formula(n)),
                ("Reversed: head 1 is the steepest; the slopes shrink from there.", right.flip(0)),
                ("That is the misread 1/2^(8/k) in reverse order (section 5): the paper's formula has the head "
                 "count n in it.", misread_formula(n).flip(0)),
                ("k starts at 1, not 0: your first slope is 1.", right * 2.0 ** (8.0 / n)),
                ("Those are exponents: the slopes are 2 raised to them.", torch.log2(right))]
    return match_function(answer, POWER_OF_TWO_CASES, _slopes,
                          "2^(−8k/n) for k = 1..n, matching alibi_edu.geometric_slopes for n = "
                          f"{_counts(POWER_OF_TWO_CASES)}.",
                          mistakes=mistakes)


ROUNDED_ATOL = 6e-4    # 03.1: values rounded to 3 or more decimals pass


# --- 03.8 your ALiBi attention layer ------------------------------------------------------------

# (B, H, L_q, L_k, d) of the random q, k, v the layer is run on. The first has H = L_k, so slopes broadcast along the
# keys instead of the heads still run (and get named); then fewer queries than keys (a KV cache), one query, one head.
LAYER_CASES = [(2, 4, 4, 4, 8), (1, 3, 2, 7, 4), (2, 8, 1, 5, 16), (1, 1, 5, 5, 4), (2, 6, 3, 9, 8)]
OWN_SLOPES_CASE = 4                      # this case passes slopes that are not the geometric set of its head count
LOSS_ATOL = 1e-4     # in the model (notebook 03): your layer and the library's, same seed, give losses this close
LIBRARY_PIECES = {"alibi_attention"}   # the whole layer; its pieces (linear_bias, causal_mask ...) are welcome


def layer_inputs(case: tuple[int, ...], number: int) -> tuple[torch.Tensor, ...]:
    """Random q (B, H, L_q, d), k and v (B, H, L_k, d) from a fixed seed, and the slopes (H,) the layer is given."""
    batch, heads, q_len, k_len, d = case
    gen = torch.Generator().manual_seed(30 + number)
    q = torch.randn(batch, heads, q_len, d, dtype=torch.float64, generator=gen)
    k, v = (torch.randn(batch, heads, k_len, d, dtype=torch.float64, generator=gen) for _ in range(2))
    slopes = _slopes(heads) if number != OWN_SLOPES_CASE else torch.linspace(0.9, 0.1, heads, dtype=torch.float64)
    return q, k, v, slopes


def _layer(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, slopes: torch.Tensor, *, scale: bool = True,
           bias_in_scale: bool = False, sign: float = 1.0, bias_at: str = "end", mask_at: str | None = "end",
           slopes_on_keys: bool = False) -> torch.Tensor:
    """ALiBi attention, or one typical mistake in building it: no 1/√d, the bias inside it, the sign flipped,
    the bias or the mask aligned at the first query instead of the last (bias_at/mask_at "start"), no mask,
    the slopes broadcast along the keys."""
    q_len, k_len, d = q.shape[-2], k.shape[-2], q.shape[-1]
    distance = {"end": relative_positions(q_len, k_len).to(torch.float64),                     # j - i
                "start": (torch.arange(k_len)[None, :] - torch.arange(q_len)[:, None]).to(torch.float64)}
    m = slopes.to(torch.float64)
    bias = sign * (m[None, :] if slopes_on_keys else m[:, None, None]) * distance[bias_at]
    mask = torch.zeros(q_len, k_len, dtype=torch.float64) if mask_at is None else \
        torch.zeros(q_len, k_len, dtype=torch.float64).masked_fill(distance[mask_at] > 0, -math.inf)
    scores = q @ k.transpose(-2, -1)
    scores = (scores + bias) / math.sqrt(d) if bias_in_scale else scores / (math.sqrt(d) if scale else 1.0) + bias
    return torch.softmax(scores + mask, dim=-1) @ v


LAYER_MISTAKES = [
    (dict(scale=False), "Step 3: the 1/√d is missing: the paper's scores are q·k/√d, and the bias comes after "
                        "that."),
    (dict(bias_in_scale=True), "Step 3: your bias sits inside the 1/√d with q·k (the book's placement); with the "
                               "slope m the paper's bias is added after the scaling."),
    (dict(sign=-1.0), "Flipped sign in step 1: your bias is +m·(i − j), so each step back earns a bonus. ALiBi's "
                      "−m·(i − j), with m > 0, is ≤ 0 for past keys."),
    (dict(mask_at=None), "Step 2: the causal mask is missing: future keys (j > i) get weight."),
    (dict(mask_at="start"), "Step 2: {fewer} Your mask treats query row r as position r, aligned at the first key "
                            "instead of the last, so it hides keys that row may see."),
]                        # a bias aligned at the first key is only a constant per row away: softmax ignores it
FEWER = ("With fewer queries than keys (L_q = {q_len}, L_k = {k_len}), the queries are the last L_q positions: row r "
         "sits at position L_k − L_q + r.")


def _diagnose_layer(fn: Any, case: tuple[int, ...], number: int) -> Result | None:
    """What is wrong with fn as ALiBi attention on one random case; None when it matches alibi_attention."""
    q, k, v, slopes = layer_inputs(case, number)
    want = alibi_attention(q, k, v, slopes=slopes)
    got, error = call_safely(fn, q.clone(), k.clone(), v.clone(), slopes.clone())
    where = f"my_alibi_attention(q {tuple(q.shape)}, k and v {tuple(k.shape)}, slopes {tuple(slopes.shape)})"
    if error is not None:
        return error
    got = as_tensor(got)
    if got is None or got.shape != want.shape:
        shape = "(B, H, L_q, d)"
        return malformed(f"For {where}: step 5 should return the weights applied to v, shape {shape} = "
                         f"{tuple(want.shape)}; got {short(got)}.", where=where)
    if torch.allclose(got, want, atol=ATOL, rtol=RTOL):
        return None
    if torch.isnan(got).any():
        return failed(f"For {where}: NaN in your output (steps 2 to 4). Look for the mask added or multiplied after "
                      "softmax (−∞ meets +∞ or 0 there), or a row where every key is masked.", MISTAKE, mistake="nan",
                      where=where)
    ones, _ = call_safely(fn, q.clone(), k.clone(), torch.ones_like(v), slopes.clone())
    ones = as_tensor(ones)
    if ones is not None and ones.shape == want.shape and not torch.allclose(ones, torch.ones_like(ones), atol=1e-6):
        return failed(f"For {where}: with every value vector all ones your output is not all ones, so your weights "
                      "do not sum to 1 over the keys: something is added or applied after softmax (step 4). The "
                      "bias and the mask go into the scores, before softmax.", MISTAKE, mistake="after softmax",
                      where=where)
    fewer = FEWER.format(q_len=q.shape[-2], k_len=k.shape[-2])
    for options, hint in LAYER_MISTAKES:
        if "{fewer}" in hint and q.shape[-2] == k.shape[-2]:
            continue                                        # aligned at the start or the end: the same when square
        if torch.allclose(got, _layer(q, k, v, slopes, **options), atol=ATOL, rtol=RTOL):
            return failed(f"For {where}: {hint.format(fewer=fewer)}", MISTAKE, mistake=str(options), where=where)
    if number == OWN_SLOPES_CASE and torch.allclose(got, alibi_attention(q, k, v, slopes=_slopes(case[1])),
                                                    atol=ATOL, rtol=RTOL):
        return failed(f"For {where}: step 1 uses slopes of its own, not the ones it is given: the model passes "
                      "each layer its slopes (argument `slopes`, one per head).", MISTAKE, mistake="own slopes",
                      where=where)
    if case[1] == case[3] and torch.allclose(got, _layer(q, k, v, slopes, slopes_on_keys=True), atol=ATOL, rtol=RTOL):
        return failed(f"For {where}: step 1: your slopes vary along the keys (the last axis), not the heads: head h "
                      "needs slopes[h] on its whole (L_q, L_k) bias (index it as slopes[:, None, None]).", MISTAKE,
                      mistake="slopes on keys", where=where)
    heads = [h for h in range(case[1]) if not torch.allclose(got[:, h], want[:, h], atol=ATOL, rtol=RTOL)]
    other = [h for h in range(case[1]) for g in heads[:1] if h != g and torch.allclose(
        got[:, g], alibi_attention(q, k, v, slopes=slopes[[h] * case[1]])[:, g], atol=ATOL, rtol=RTOL)]
    if other:
        return failed(f"For {where}: head {heads[0] + 1} (counting from 1) attends with another head's slope: in "
                      "step 1, check how your slopes line up with the head axis (dim 1 of q).", MISTAKE,
                      mistake="heads", where=where)
    return failed(f"For {where}: head {heads[0] + 1} (counting from 1) differs from ALiBi attention. Check each step: "
                  "the bias −m·(i − j) (1), the mask and the last L_q rows (2), q·k/√d plus the bias (3), softmax over "
                  "the keys (4), the values (5).", where=where)


@exercise("03.8", "Your ALiBi attention layer",
          reread="section 2 (head k adds −m_k·(i − j) after 1/√d), notebook 02's Mask(i, j), and the queries as "
                 "the last L_q of L_k positions.")
def check_own_attention(answer: Any) -> Result:
    """answer: my_alibi_attention(q, k, v, slopes), q (B, H, L_q, d), k and v (B, H, L_k, d), slopes (H,)."""
    if isinstance(answer, dict):
        return malformed("Hand in your attention layer itself: answer = my_alibi_attention.")
    if not callable(answer):
        return call_safely(answer)[1]
    right, first = 0, None
    for number, case in enumerate(LAYER_CASES):
        problem = _diagnose_layer(answer, case, number)
        right += problem is None
        first = problem if first is None else first
    if first is not None:
        return first.but(checks=(right, len(LAYER_CASES)))
    if answer is alibi_attention or _library_pieces(answer):
        return failed("Your layer gives ALiBi's output, but through the library's alibi_attention: build it in the "
                      "five steps (your pieces or linear_bias and causal_mask), so that the model runs your code.",
                      checks=(0, len(LAYER_CASES)))
    return passed(f"Your layer is ALiBi attention: it matches alibi_edu.alibi_attention on {len(LAYER_CASES)} random "
                  "shapes, fewer queries than keys among them. Now put it into the model (next cell).",
                  checks=(right, len(LAYER_CASES)))


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


questions.register("03")
