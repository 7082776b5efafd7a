"""Notebook 06 exercises: bugs the field shipped (06.1–06.3); the closing quiz is in questions/nb06.toml.

06.4 was removed (it repeated 01.8 and 04.1); its id is never reused.

Expected answers come from alibi_edu's core and forms; the buggy variants below exist only to
recognise them in an answer and name the mistake.
"""
from __future__ import annotations

from typing import Any

import torch

from ..bias import alibi_bias, causal_mask
from ..forms import alibi_score_mod, bloom_bias, on_index_grid
from ..slopes import geometric_slopes
from . import questions
from .compare import as_tensor, call_safely, describe_difference, match_tensor
from .core import WRONG, Result, exercise, failed, passed, short
from .nb03 import power_of_two_formula

HEADS, LENGTH = 8, 12          # 06.1: the score_mod is run for 8 heads on a 12 x 12 grid
MAX_HEADS = 16                 # 06.2: head counts 1..16
ENC_HEADS, ENC_LENGTH = 4, 6   # 06.3: the encoder's bias


# --- 06.1 the flipped sign --------------------------------------------------------------------

def _grid_weights(score_mod, scores: torch.Tensor) -> torch.Tensor:
    """softmax(score_mod on the index grid + causal mask), shape (1, H, L, L)."""
    out = torch.broadcast_to(on_index_grid(score_mod, scores), scores.shape).to(torch.float64)
    return torch.softmax(out + causal_mask(LENGTH, dtype=torch.float64), dim=-1)


@exercise("06.1", "Fix the FlexAttention score_mod's sign",
          reread="“The flipped sign”: which sign must the bias have for a past key (kv_idx < q_idx)?")
def check_score_mod(answer: Any) -> Result:
    if not callable(answer):
        return failed(f"Expected a function score_mod(score, b, h, q_idx, kv_idx), got {type(answer).__name__}.")
    m = geometric_slopes(HEADS, torch.float64)
    scores = torch.randn(1, HEADS, LENGTH, LENGTH, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    got, error = call_safely(_grid_weights, answer, scores)
    if error is not None:
        return failed("Calling your score_mod on index grids (b, h, q_idx, kv_idx as broadcastable tensors) failed: "
                      f"{error.message}")
    mistakes = [
        ("Still flipped: m·(q_idx − kv_idx) is positive for past keys, so the farthest key gets the largest bonus.",
         _grid_weights(lambda s, b, h, qi, ki: s + m[h] * (qi - ki), scores)),
        ("The content score is lost: return score + the bias, not the bias alone.",
         _grid_weights(alibi_score_mod(m), torch.zeros_like(scores))),
        ("Every head got the same slope: index the slopes with h (m[h]).",
         _grid_weights(lambda s, b, h, qi, ki: s + m[0] * (ki - qi), scores)),
        ("Your score_mod adds no bias at all: the weights are those of the content scores alone. If it computes the "
         "slopes from h, h is an integer tensor (as are q_idx and kv_idx), and a power like 2 ** -(h + 1) of "
         "integers is 0 in torch: make the base a float.",
         _grid_weights(lambda s, b, h, qi, ki: s, scores)),
    ]
    result = match_tensor(got, _grid_weights(alibi_score_mod(m), scores),
                          "score + m[h]·(kv_idx − q_idx): past keys (kv_idx < q_idx) lose m per step back — ALiBi.",
                          mistakes=mistakes)
    if result.passed or result.kind != WRONG:
        return result
    return result.but(message="With your score_mod the attention weights (index (batch, head, query, key)) differ: "
                              f"{result.message.removeprefix('Not quite: ')}")


# --- 06.2 one slope formula for every head count ----------------------------------------------

def _safe_head_counts() -> list[int]:
    return [n for n in range(1, MAX_HEADS + 1)
            if torch.allclose(power_of_two_formula(n), geometric_slopes(n, torch.float64), rtol=1e-12)]


@exercise("06.2", "For which head counts is 2^(−8k/n) right?",
          reread="notebook 03's rule for any head count; compare 2^(−8k/n), k = 1..n, with geometric_slopes(n) "
                 "for each n the question asks about, as the cell above does for twelve heads.")
def check_safe_head_counts(answer: Any) -> Result:
    """answer: the head counts as a list, tuple, set, array or tensor of whole numbers."""
    values = sorted(answer) if isinstance(answer, (set, frozenset)) and all(
        isinstance(a, (int, float)) for a in answer) else answer
    counts = as_tensor(values)
    if counts is None or counts.ndim != 1 or not bool(torch.isfinite(counts).all()) or \
            not bool((counts == counts.round()).all()):
        return failed(f"Answer with the head counts as a list or set of whole numbers; got {short(answer)}.")
    got, right = set(int(n) for n in counts.tolist()), set(_safe_head_counts())
    if got == right:
        return passed(f"Only for powers of two ({sorted(right)}): otherwise the paper takes the c-head slopes and "
                      "appends odd-k slopes of 2c heads, which 2^(−8k/n) does not.")
    outside = sorted(n for n in got if not 1 <= n <= MAX_HEADS)
    if outside:
        return failed(f"{outside} is outside the head counts the question asks about.")
    wrong, missing = sorted(got - right), len(right - got)
    if 12 in wrong:
        return failed("Not at 12: the paper's 12 slopes are the 8-head ones (2^−1 … 2^−8) then 2^−0.5, 2^−1.5, "
                      "2^−2.5, 2^−3.5, which 2^(−8k/12) is not.")
    if wrong:
        return failed(f"At n = {wrong[0]} the formula does not give the paper's slopes: compare 2^(−8k/n) there "
                      f"with geometric_slopes({wrong[0]}).")
    if missing == 1:      # named neutrally: both ends of the range, so the reply points at no particular n
        return failed("One head count is missing: compare 2^(−8k/n) with geometric_slopes(n) for every n, from "
                      "the smallest head count the question allows to the largest.")
    return failed("Some head counts are missing: compare 2^(−8k/n) with geometric_slopes(n) for every n the "
                  "question asks about.")


# --- 06.3 the m·j shortcut without a causal mask ----------------------------------------------

def _row_weights(bias: torch.Tensor) -> torch.Tensor:
    """softmax of the bias alone: what it does to attention (row constants drop out)."""
    return torch.softmax(bias.to(torch.float64), dim=-1)


@exercise("06.3", "An encoder's bias (no causal mask)",
          reread="“The m·j shortcut without a causal mask”, and notebook 02's section on bidirectional attention.")
def check_encoder_bias(answer: Any) -> Result:
    got = as_tensor(answer)
    shape = (ENC_HEADS, ENC_LENGTH, ENC_LENGTH)
    if got is None or tuple(got.shape) != shape:
        return failed(f"Expected a tensor of shape {shape} (heads, query i, key j), got {short(answer)}"
                      f"{'' if got is None else f' of shape {tuple(got.shape)}'}.")
    m = geometric_slopes(ENC_HEADS, torch.float64)
    mistakes = [
        ("That is the m·j shortcut (m·(j − i) is the same after softmax): without the causal mask nothing removes "
         "the future keys, and they are rewarded for distance. An encoder's bias must penalise distance on both "
         "sides of the query.",
         _row_weights(bloom_bias(m, torch.ones(1, ENC_LENGTH))[0].expand(shape))),
        ("Sign: your bias rewards distance. It must fall as a key moves away from the query, on either side.",
         _row_weights(-alibi_bias(ENC_HEADS, ENC_LENGTH, symmetric=True, dtype=torch.float64))),
    ] + [("Slopes: those are the paper's slopes for another head count. Use the ones for the question's heads.",
          _row_weights(alibi_bias(n, ENC_LENGTH, symmetric=True, dtype=torch.float64)[:ENC_HEADS]))
         for n in range(ENC_HEADS + 1, MAX_HEADS + 1)]          # e.g. the first 4 of geometric_slopes(8)
    right = alibi_bias(ENC_HEADS, ENC_LENGTH, symmetric=True, dtype=torch.float64)
    result = match_tensor(_row_weights(got), _row_weights(right),
                          "−m·|i − j|: keys on both sides lose m per step of distance (the symmetric variant).",
                          mistakes=mistakes)
    if result.passed or result.kind != WRONG:
        return result
    if not torch.isfinite(got).all():
        return failed("An encoder masks nothing: every entry should be a finite bias.")
    own = torch.diagonal(got, dim1=-2, dim2=-1)[..., None]          # each query's bias on its own key
    return failed("Measured from each query's own key (j = i), your bias is off: "
                  f"{describe_difference(got - own, right)}")


questions.register("06")
