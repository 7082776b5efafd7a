"""Notebook 06 exercises: bugs the field shipped (06.1–06.4) and the closing quiz (06.5–06.11, concepts A–G).

Expected answers come from alibi_edu's core and forms; the buggy variants below exist only to
recognise them in an answer and name the mistake.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..bias import alibi_bias, causal_mask
from ..forms import alibi_score_mod, bloom_bias, on_index_grid
from ..slopes import geometric_slopes
from .core import Result, as_tensor, call_safely, exercise, failed, match_tensor, multiple_choice, passed
from .nb03 import power_of_two_formula

HEADS, LENGTH = 8, 12          # 06.1: the score_mod is run for 8 heads on a 12 x 12 grid
MAX_HEADS = 16                 # 06.2: head counts 1..16
ENC_HEADS, ENC_LENGTH = 4, 6   # 06.3: the encoder's bias
D_MODEL_HEAD = 64              # 06.4: head size d


# --- 06.1 the flipped sign --------------------------------------------------------------------

def _grid_weights(score_mod, scores: torch.Tensor) -> torch.Tensor:
    """softmax(score_mod on the index grid + causal mask), shape (1, H, L, L)."""
    out = torch.broadcast_to(on_index_grid(score_mod, scores), scores.shape).to(torch.float64)
    return torch.softmax(out + causal_mask(LENGTH, dtype=torch.float64), dim=-1)


@exercise("06.1", "Fix the FlexAttention score_mod's sign")
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
    ]
    return match_tensor(got, _grid_weights(alibi_score_mod(m), scores),
                        "score + m[h]·(kv_idx − q_idx): past keys (kv_idx < q_idx) lose m per step back — ALiBi.",
                        mistakes=mistakes)


# --- 06.2 the power-of-two-only slope formula -------------------------------------------------

def _safe_head_counts() -> list[int]:
    return [n for n in range(1, MAX_HEADS + 1)
            if torch.allclose(power_of_two_formula(n), geometric_slopes(n, torch.float64), rtol=1e-12)]


@exercise("06.2", "For which head counts is 2^(−8k/n) right?")
def check_safe_head_counts(answer: Any) -> Result:
    counts = as_tensor(answer)
    if counts is None or counts.ndim != 1 or not bool((counts == counts.round()).all()):
        return failed("Expected a list of head counts, e.g. [3, 5].")
    got, right = sorted(set(int(n) for n in counts.tolist())), _safe_head_counts()
    if got == right:
        return passed(f"Only for powers of two ({right}): otherwise the paper takes the c-head slopes and appends "
                      "odd-k slopes of 2c heads, which 2^(−8k/n) does not.")
    if got == [n for n in right if n != 1]:
        return failed("Almost: n = 1 = 2^0 is a power of two too (one head gets 2^−8 either way).")
    if 12 in got:
        return failed("Not at 12: the paper's 12 slopes are the 8-head ones (2^−1 … 2^−8) then 2^−0.5, 2^−1.5, "
                      "2^−2.5, 2^−3.5; compare with power_of_two_formula(12).")
    return failed("Compare power_of_two_formula(n) with geometric_slopes(n) for each n from 1 to 16.")


# --- 06.3 the m·j shortcut without a causal mask ----------------------------------------------

def _row_weights(bias: torch.Tensor) -> torch.Tensor:
    """softmax of the bias alone: what it does to attention (row constants drop out)."""
    return torch.softmax(bias.to(torch.float64), dim=-1)


@exercise("06.3", "An encoder's bias (no causal mask)")
def check_encoder_bias(answer: Any) -> Result:
    got = as_tensor(answer)
    shape = (ENC_HEADS, ENC_LENGTH, ENC_LENGTH)
    if got is None or tuple(got.shape) != shape:
        return failed(f"Expected a tensor of shape {shape} (heads, query i, key j).")
    m = geometric_slopes(ENC_HEADS, torch.float64)
    mistakes = [
        ("That is the m·j shortcut (m·(j − i) is the same after softmax): without the causal mask nothing removes "
         "the future keys, and they are rewarded for distance. Use −m·|i − j|.",
         _row_weights(bloom_bias(m, torch.ones(1, ENC_LENGTH))[0].expand(shape))),
        ("Sign: the bias must fall with distance, −m·|i − j|.",
         _row_weights(-alibi_bias(ENC_HEADS, ENC_LENGTH, symmetric=True, dtype=torch.float64))),
    ]
    return match_tensor(_row_weights(got), _row_weights(alibi_bias(ENC_HEADS, ENC_LENGTH, symmetric=True,
                                                                   dtype=torch.float64)),
                        "−m·|i − j|: keys on both sides lose m per step of distance (the symmetric variant).",
                        mistakes=mistakes)


# --- 06.4 the bias scaled by 1/sqrt(d) --------------------------------------------------------

@exercise("06.4", "β for the book's form from a paper-scale checkpoint")
def check_book_beta(answer: Any) -> Result:
    m = geometric_slopes(HEADS, torch.float64)
    root_d = math.sqrt(D_MODEL_HEAD)
    return match_tensor(answer, root_d * m,
                        f"β = √d·m = {root_d:g}·m: inside the 1/√d the bias is divided by √d, so it must be √d "
                        "times larger to give the same weights.",
                        mistakes=[("That is the bug: inside the 1/√d these slopes are divided by √d, "
                                   f"{root_d:g}× too gentle.", m),
                                  ("The other way round: the bias is divided by √d, so β must be multiplied by it.",
                                   m / root_d),
                                  ("√d, not d.", D_MODEL_HEAD * m)])


# --- closing quiz: one question per concept ---------------------------------------------------

_I, _NEAR, _FAR = 20, 17, 11
multiple_choice(
    "06.5", "A. The bias term",
    f"The book's bias β·(j − i) with β > 0. Query i = {_I}, keys j = {_NEAR} and j = {_FAR} with equal q·k. "
    "Before the 1/√d scaling, how do their scores differ?",
    choices={"A": f"The key at {_NEAR} scores {_NEAR - _FAR}β higher.",
             "B": f"The key at {_FAR} scores {_NEAR - _FAR}β higher.",
             "C": "They are equal: the bias only depends on the query.",
             "D": f"The key at {_NEAR} scores {_I - _NEAR}β higher."},
    correct="A",
    why=f"β·({_NEAR} − {_I}) − β·({_FAR} − {_I}) = {_NEAR - _FAR}β: the nearer key wins, a recency bias.",
    hints={"B": f"β·(j − i) is more negative for j = {_FAR}: farther back means a larger penalty.",
           "C": "The bias depends on j − i, so on the key too.",
           "D": "Compare the two keys with each other, not the near key with the query."})

_D, _M = 64, 0.25
multiple_choice(
    "06.6", "B. The complete formula",
    f"A checkpoint adds m·(j − i) after the 1/√d (the paper's form), d = {_D}, m = {_M}. Which β gives the same "
    "weights in the book's (q·k + β·(j − i))/√d?",
    choices={"A": f"{_M:g}", "B": f"{math.sqrt(_D) * _M:g}", "C": f"{_M / math.sqrt(_D):g}", "D": f"{_D * _M:g}"},
    correct="B",
    why=f"β = √d·m = {math.sqrt(_D):g}·{_M:g} = {math.sqrt(_D) * _M:g}: the 1/√d then brings it back to m.",
    hints={"A": "Inside the parentheses β is divided by √d too.",
           "C": "The other way round: β must undo the division by √d.",
           "D": "The scale is √d, not d."})

multiple_choice(
    "06.7", "C. The causal mask",
    "Why does adding −∞ for j > i stop query i from attending to the future while keeping a proper distribution?",
    choices={"A": "e^(−∞) = 0, so future keys get weight exactly 0 and softmax renormalises over the keys j ≤ i.",
             "B": "The −∞ makes the row NaN, and NaN weights are ignored.",
             "C": "Future keys get a small weight that the training learns to ignore.",
             "D": "The mask multiplies the weights by 0 after softmax, so each row sums to less than 1."},
    correct="A",
    why="exp(−∞) = 0 exactly; the remaining weights are divided by their own sum, so each row still sums to 1.",
    hints={"B": "A row is NaN only when every key is masked; the diagonal j = i is always visible.",
           "C": "The weight is exactly 0, not small: nothing to learn.",
           "D": "The mask is added before softmax; zeroing after it would leave rows summing to less than 1."})

multiple_choice(
    "06.8", "D. Arbitrarily long sequences",
    "Which property lets an ALiBi model process sequences longer than those it was trained on?",
    choices={"A": "A learned table of positions with room for longer inputs.",
             "B": "A fixed penalty per step of distance: no table of positions and no maximum length.",
             "C": "Slopes re-tuned for each evaluation length.",
             "D": "Truncating long inputs to the training length."},
    correct="B",
    why="The bias is a rule on j − i, defined for any distance, so nothing runs out at a new length.",
    hints={"A": "ALiBi has no position table at all; a learned table has no rows past its size.",
           "C": "The slopes are fixed; nothing is re-tuned.",
           "D": "That would not process the longer sequence."})

multiple_choice(
    "06.9", "E. Tuning β on validation",
    "A summariser fine-tuned with β = 0.01, 0.1, 1.0, 10.0 scores ROUGE 0.35, 0.42, 0.38, 0.29 on validation. "
    "The most reasonable conclusion?",
    choices={"A": "Larger β is always better; try 100.",
             "B": "β does not matter; the differences are noise.",
             "C": "Performance peaks at an intermediate β ≈ 0.1: search more finely around it on validation, then "
                  "confirm on held-out data.",
             "D": "Pick β = 0.1 from the test set scores."},
    correct="C",
    why="Too small: the positional signal is weak; too large: attention collapses onto the nearest tokens. "
        "The middle wins; refine there and confirm on held-out data.",
    hints={"A": "ROUGE falls from β = 1 to β = 10.",
           "B": "0.29 to 0.42 is a large spread for one hyperparameter.",
           "D": "Choosing on test data leaks it: choose on validation, report on test."})

_SLOPES8 = geometric_slopes(8, torch.float64)
_FIRST, _LAST = (f"1/{1 / float(_SLOPES8[k]):g}" for k in (0, -1))
multiple_choice(
    "06.10", "F. Geometric slopes",
    f"8 heads get the paper's slopes m_k = 2^(−8k/8): head 1 has m = {_FIRST}, head 8 has m = {_LAST}. "
    "Which head attends most locally (its attention falls off fastest with distance)?",
    choices={"A": f"Head 1 (m = {_FIRST}).", "B": f"Head 8 (m = {_LAST}).",
             "C": "All heads alike: the slopes only rescale the scores.",
             "D": "It depends on the content, not on the slope."},
    correct="A",
    why=f"The penalty is m·(i − j): with m = {_FIRST} each step back costs the most, so head 1 looks locally and "
        f"head 8 (m = {_LAST}) almost globally — a spread of ranges with no tuning.",
    hints={"B": "A small slope means a gentle penalty: that head sees far.",
           "C": "The bias differs per key (it grows with i − j), so the slope changes which keys win.",
           "D": "With equal content scores the slope alone decides how fast attention falls off."})

multiple_choice(
    "06.11", "G. Where next",
    "A team pre-trained a replaced-token-detection model (a small generator corrupts text, a larger discriminator "
    "learns which tokens were replaced) and wants a sentiment classifier for customer reviews. Standard next step?",
    choices={"A": "Fine-tune the generator on the reviews and read sentiment from its predictions.",
             "B": "Keep both and feed the generator's replacement rates to a classifier.",
             "C": "Discard the generator; fine-tune the discriminator with a classification head on labelled reviews.",
             "D": "Train a new classifier from scratch: pre-training does not transfer to classification."},
    correct="C",
    why="The discriminator is the encoder worth keeping; the generator only served pre-training.",
    hints={"A": "The generator is small and only there to make corruptions.",
           "B": "Replacement rates say nothing about sentiment; the discriminator's representations do.",
           "D": "Pre-trained encoders are fine-tuned for classification all the time."})
