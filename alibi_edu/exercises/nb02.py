"""Notebook 02 exercises: the causal mask, finite masks, the symmetric bias, BLOOM's shortcut (concept C).

Expected answers come from the core (causal_mask, attention_weights, alibi_bias, linear_bias).
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..attention import attention_weights
from ..bias import alibi_bias, causal_mask, linear_bias
from .core import Result, call_safely, exercise, failed, match_function, match_tensor, multiple_choice, passed

MASK_SIZES = [(1,), (2,), (5,)]
ATTENTION_SHAPES = [(1, 4), (5, 8), (7, 16)]      # (L, d) of the random q and k the fixed function is run on
SYMMETRIC_LEN, SYMMETRIC_SLOPE = 5, 0.5


@exercise("02.1", "Build the causal mask")
def check_causal_mask(answer: Any) -> Result:
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
                return failed("A large finite number is not −∞: in float16 it may overflow, and a fully masked row "
                              "then silently spreads its weight over future keys. Use float('-inf').")

    def mistakes(size: int) -> list[tuple[str, torch.Tensor]]:
        right = causal_mask(size, dtype=torch.float64)
        diagonal_too = torch.zeros(size, size, dtype=torch.float64).masked_fill(
            torch.ones(size, size, dtype=torch.bool).triu(), -math.inf)
        return [("Transposed: row i is the query and column j the key; mask the keys after the query (j > i), "
                 "above the diagonal.", right.T),
                ("You masked the diagonal too: a token may attend to itself (j = i is allowed).", diagonal_too),
                ("That is a multiplicative 1/0 mask. Mask(i, j) is added before softmax: 0 where allowed, −∞ "
                 "where j > i.", torch.ones(size, size, dtype=torch.float64).tril())]
    return match_function(answer, MASK_SIZES, lambda size: causal_mask(size, dtype=torch.float64),
                          "0 on and below the diagonal, −∞ above: exactly alibi_edu.causal_mask.", mistakes=mistakes)


multiple_choice(
    "02.2", "How does Mask(i, j) hide the future? (Q-C1)",
    "Mask(i, j) = 0 for j ≤ i and −∞ for j > i is added to the scores. How does that stop query i from "
    "attending to future keys?",
    choices={"A": "It zeroes the value vectors of future tokens.",
             "B": "Before softmax, −∞ turns into e^(−∞) = 0 weight; the other weights are renormalised and still "
                  "sum to 1.",
             "C": "It multiplies the weights by 0 after softmax, so each row sums to less than 1.",
             "D": "It subtracts a large number after softmax."},
    correct="B",
    why="softmax(x)_j = e^(x_j)/Σ e^(x_k): a −∞ score contributes e^(−∞) = 0 to the top and the bottom, so "
        "future keys get exactly 0 and the allowed keys share all the weight.",
    hints={"A": "The values are untouched; the mask acts on the scores, before softmax.",
           "C": "Zeroing after softmax would leave rows that no longer sum to 1; the mask is added before.",
           "D": "After softmax the weights are already in [0, 1]; the mask is added to the scores before."})


@exercise("02.3", "Find the bug: attention that forgets the mask")
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

    return match_function(answer, cases, expected,
                          "Fixed: future keys get exactly 0 and every row sums to 1, on every random q, k tried.",
                          mistakes=mistakes)


multiple_choice(
    "02.4", "A row with every key masked",
    "A padding query has all its keys masked. What do its attention weights come out as with a −∞ mask, "
    "and with a large finite mask such as −1e9 (in float32)?",
    choices={"A": "All zeros in both cases.",
             "B": "−∞: NaN (0/0); −1e9: a uniform row, spread over keys that were meant to be hidden.",
             "C": "−∞: a uniform row; −1e9: NaN.",
             "D": "Both give one-hot weights on the first key."},
    correct="B",
    why="With −∞ everywhere softmax computes 0/0 = NaN — loud. With −1e9 everywhere the constant cancels "
        "and the row is uniform — silent: the hidden keys get weight.",
    hints={"A": "Softmax rows always sum to 1 (or are NaN): they cannot be all zeros. Try torch.softmax on "
                "torch.full((3,), float('-inf')).",
           "C": "Swapped: subtracting the max gives −∞ − (−∞) = NaN for the −∞ mask; the finite one cancels.",
           "D": "All entries are equal, so nothing singles out the first key."})

multiple_choice(
    "02.5", "Why BLOOM may add m·j",
    "BLOOM adds m·j (the key position only) instead of −m·(i − j). Why are the weights still ALiBi's?",
    choices={"A": "They are ALiBi's in any attention, causal or bidirectional.",
             "B": "m·j and m·(j − i) differ by m·i, a constant across row i that softmax ignores; and under the "
                  "causal mask, m·(j − i) = −m·(i − j) is exactly ALiBi's penalty on past keys.",
             "C": "Because the slopes are small, the difference is negligible.",
             "D": "Because m·j is always positive, it acts as a bonus that the mask removes."},
    correct="B",
    why="Shift invariance per row makes m·j ≡ m·(j − i). That is ALiBi only when the future is masked; "
        "bidirectional attention needs −m·|i − j|, and there m·j hands future keys rising bonuses.",
    hints={"A": "Without the mask, m·(j − i) grows for future keys: they get bonuses. Bidirectional ALiBi is "
                "−m·|i − j|.",
           "C": "The weights are identical to rounding, not approximately equal: it is a per-row constant.",
           "D": "Positive values do not matter: a constant per row cancels in softmax."})


@exercise("02.6", "The bidirectional bias −m·|i − j|")
def check_symmetric_bias(answer: Any) -> Result:
    slope = torch.tensor([SYMMETRIC_SLOPE], dtype=torch.float64)
    right = alibi_bias(1, SYMMETRIC_LEN, slopes=slope, symmetric=True, dtype=torch.float64)[0]
    causal_form = linear_bias(SYMMETRIC_LEN, beta=SYMMETRIC_SLOPE, dtype=torch.float64)
    key_only = SYMMETRIC_SLOPE * torch.arange(SYMMETRIC_LEN, dtype=torch.float64).expand(SYMMETRIC_LEN, -1)
    return match_tensor(answer, right, "Symmetric: a key k steps away costs m·k whether it is before or after "
                        "the query — what an encoder needs.",
                        mistakes=[("That is the causal form −m·(i − j): for future keys (j > i) it turns into a "
                                   "bonus. Take the absolute distance.", causal_form),
                                  ("That is BLOOM's m·j: fine under a causal mask, but here future keys would get "
                                   "rising bonuses.", key_only),
                                  ("Wrong sign: the bias penalises distance, −m·|i − j| ≤ 0.", -right)])
