"""Notebook 01 exercises: the bias term and the complete formula.

The notebook's questions use the numbers below; every expected answer is computed from
them with alibi_edu's core (linear_bias, attention_weights), never typed in.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from ..attention import attention_weights
from ..bias import linear_bias
from . import questions
from .compare import as_tensor, direction, match_function, match_tensor, number_in_text
from .core import Result, exercise, failed, malformed, passed, short

A2_BETA, A2_QUERY, A2_KEYS = 0.5, 10, (5, 2)      # 01.1: the book's form, beta > 0
A3_BETA, A3_QUERY, A3_KEYS = -0.5, 10, (12, 20)   # 01.3: beta < 0, keys after the query
A5_D, A5_SLOPE, A5_QUERY, A5_NEAR, A5_FAR = 64, 0.25, 20, 19, 11  # 01.7, in the paper's placement
B8_D, B8_SLOPE = 36, 0.1                          # 01.8: not the d = 16, m = 0.5 of section 4's check
LINEAR_BIAS_CASES = [(1, 1.0), (4, 0.5), (6, -1.25), (5, 2.0)]
REL_TOL = 1e-3                                    # 01.7 and 01.8: the same relative tolerance


def bias_at(beta: float, query: int, keys: tuple[int, ...]) -> torch.Tensor:
    """The book's bias beta*(j - i) for one query i and a few keys j, shape (len(keys),)."""
    size = max(query, *keys) + 1
    return linear_bias(size, beta=beta, dtype=torch.float64)[query, list(keys)]


def _pair_mistakes(beta: float, query: int, keys: tuple[int, ...]) -> list[tuple[str, torch.Tensor]]:
    right = bias_at(beta, query, keys)
    return [
        ("Wrong sign: the book's bias is β·(j − i), key position minus query position (you computed β·(i − j)).",
         -right),
        ("Check which number belongs to which key: which key is farther from the query?", right.flip(0)),
        ("β is missing: those are the position differences j − i alone.", bias_at(1.0, query, keys)),
        ("Those are distances i − j: the bias is β·(j − i), with the sign and β.", bias_at(-1.0, query, keys)),
    ]


def in_key_order(answer: Any, keys: tuple[int, ...]) -> Any:
    """A dict {j: bias} (as the notebook prints it) as the list [bias for keys[0], ...]; anything else as it is.
    A dict with other keys gives a malformed Result naming the keys asked for."""
    if not isinstance(answer, dict):
        return answer
    try:
        by_key = {int(j): bias for j, bias in answer.items()}
    except (TypeError, ValueError):
        by_key = {}
    if set(by_key) != set(keys) or len(by_key) != len(answer):
        asked = " and ".join(f"j = {j}" for j in keys)
        return malformed(f"A dict answer needs one entry per key, {asked}, as {{j: bias}}; yours has the keys "
                         f"{sorted(answer, key=str)}."[:300])
    return [by_key[j] for j in keys]


@exercise("01.1", "Bias by hand: two keys, one query",
          reread="the formula in “The bias term”: β·(j − i), key position minus query position.")
def check_bias_by_hand(answer: Any) -> Result:
    answer = in_key_order(answer, A2_KEYS)
    if isinstance(answer, Result):
        return answer
    right = bias_at(A2_BETA, A2_QUERY, A2_KEYS)
    gap = float(right[0] - right[1])
    return match_tensor(answer, right, f"The key at j = {A2_KEYS[1]} is farther, so its score is lower by "
                        f"{gap:g} = β·{A2_KEYS[0] - A2_KEYS[1]} before softmax.",
                        mistakes=_pair_mistakes(A2_BETA, A2_QUERY, A2_KEYS))


@exercise("01.2", "Implement linear_bias(L, beta)",
          reread="the worked example in “The bias term”: entry (i, j) is β·(j − i), row i the query, column j the "
                 "key.")
def check_linear_bias(answer: Any) -> Result:
    def expected(size: int, beta: float) -> torch.Tensor:
        return linear_bias(size, beta=beta, dtype=torch.float64)

    def mistakes(size: int, beta: float) -> list[tuple[str, torch.Tensor]]:
        right = expected(size, beta)
        return [
            ("Wrong sign, or rows and columns swapped: row i is the query, column j the key, "
             "and the entry is β·(j − i) (≤ 0 for past keys when β > 0).", -right),
            ("That is the symmetric −β·|j − i|: the book's form is β·(j − i), positive for future keys when β > 0.",
             -right.abs()),
            ("β is missing: that is the matrix of j − i alone.", linear_bias(size, beta=1.0, dtype=torch.float64)),
        ]
    return match_function(answer, LINEAR_BIAS_CASES, expected,
                          "Your bias matches alibi_edu.linear_bias on every size and β tried.", mistakes=mistakes)


@exercise("01.3", "A negative β and keys after the query",
          reread="the formula in “The bias term”: β·(j − i), key position minus query position, β with its sign.")
def check_negative_beta(answer: Any) -> Result:
    answer = in_key_order(answer, A3_KEYS)
    if isinstance(answer, Result):
        return answer
    right = bias_at(A3_BETA, A3_QUERY, A3_KEYS)
    ratio = float(right[1] / right[0])
    return match_tensor(answer, right, f"β·(j − i) is {right[0].item():g} and {right[1].item():g}: the key at "
                        f"j = {A3_KEYS[1]} is penalised {ratio:g} times as much.",
                        mistakes=_pair_mistakes(A3_BETA, A3_QUERY, A3_KEYS))


@exercise("01.7", "When does content beat position?",
          reread="the section “What the linear penalty does”, then write both scores in the paper's placement "
                 "q·k/√d − m·(i − j).")
def check_content_beats_position(answer: Any) -> Result:
    paper_bias = linear_bias(A5_QUERY + 1, beta=A5_SLOPE, dtype=torch.float64)[A5_QUERY]
    penalty_gap = paper_bias[A5_NEAR] - paper_bias[A5_FAR]       # how much lower the far key's bias is
    needed = math.sqrt(A5_D) * penalty_gap                         # the bias is outside 1/sqrt(d): scale it up
    far_distance = linear_bias(A5_QUERY + 1, beta=-A5_SLOPE, dtype=torch.float64)[A5_QUERY, A5_FAR]
    solve = "write each key's score q·k/√d − m·(i − j), set the two equal and solve for the q·k difference."
    return match_tensor(answer, needed, f"q·k must be larger by √d·m·Δ = {needed.item():g}: the bias gap "
                        f"{penalty_gap.item():g} is outside the 1/√d scaling.", rtol=REL_TOL,
                        mistakes=[("That is the bias gap m·Δ alone, but what must beat it is q·k/√d, not q·k: the "
                                   "1/√d that divides q·k is missing from your comparison.", penalty_gap),
                                  ("In the paper's placement the 1/√d divides q·k only, never the bias, and both "
                                   "distances count: " + solve, penalty_gap / math.sqrt(A5_D)),
                                  ("That uses d where the paper's score has the 1/√d of q·k: " + solve,
                                   A5_D * penalty_gap),
                                  ("The near key is penalised too: only the difference of the two distances "
                                   "matters.", math.sqrt(A5_D) * far_distance)])


@exercise("01.8", "From the paper's slope to the book's β",
          reread="the section “Where the bias sits”: the book's (q·k + β(j − i))/√d against the paper's q·k/√d − "
                 "m·(i − j).")
def check_book_beta(answer: Any) -> Result:
    got = as_tensor(number_in_text(answer))
    if got is None or got.numel() != 1 or not torch.isfinite(got).all():
        return failed(f"Expected one finite number (the book's β), got {short(answer)}.")
    beta, m, d = got.item(), B8_SLOPE, B8_D
    q, k = torch.randn(2, 6, d, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    paper = attention_weights(q, k, bias=linear_bias(6, beta=m, dtype=torch.float64), bias_in_scale=False)
    book = attention_weights(q, k, bias=linear_bias(6, beta=beta, dtype=torch.float64), bias_in_scale=True)
    if torch.allclose(book, paper, atol=1e-9) or math.isclose(beta, math.sqrt(d) * m, rel_tol=REL_TOL):
        return passed(f"β = √d·m = {math.sqrt(d) * m:g} gives the book's (q·k + β(j − i))/√d exactly the paper's "
                      "weights.")
    if beta < 0:
        return failed(f"A negative β makes the book's bias reward distance, so it cannot match the paper's penalty "
                      f"with slope m = {m:g} > 0.")
    if beta == 0:
        return failed(f"β = 0 leaves the book's scores without a bias, and the paper's slope m = {m:g} gives one.")
    match_terms = "write both scores and match the bias terms."
    for hint, wrong in [("That divides m by √d, and the book's 1/√d then divides the bias once more, so this β is "
                         "too small: " + match_terms, m / math.sqrt(d)),
                        ("That uses d, while both forms have the 1/√d: " + match_terms, m * d),
                        ("Same number, different placement: inside the 1/√d the bias shrinks, so β must be larger.",
                         m)]:
        if math.isclose(beta, wrong, rel_tol=1e-6):
            return failed(hint)
    return failed(f"With this β the book's weights differ from the paper's: {direction(beta, math.sqrt(d) * m)} "
                  "Write both scores and match the bias terms.")


questions.register("01")
