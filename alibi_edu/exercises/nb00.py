"""Notebook 00: a first exercise, to try answering and checking."""
from __future__ import annotations

from typing import Any

import torch

from ..bias import linear_bias
from .compare import match_tensor
from .core import Result, exercise

BETA, QUERY, KEY = 0.5, 7, 3


@exercise("00.1", "Your first check: one bias value",
          reread="the demo slider's formula PE(i, j) = β·(j − i): put in β, i and j.")
def check_first_bias(answer: Any) -> Result:
    right = linear_bias(QUERY + 1, beta=BETA, dtype=torch.float64)[QUERY, KEY]
    result = match_tensor(answer, right,
                        f"β·(j − i) = {BETA:g}·({KEY} − {QUERY}) = {right.item():g}: a key in the past gets a "
                        "negative bias, more negative the farther back it is.",
                        mistakes=[("Sign: j − i is negative for a key before the query, so the bias is negative.",
                                   -right),
                                  ("That is j − i alone: β is missing.", right / BETA),
                                  ("That is i − j: the order of i and j is reversed, and β is missing.",
                                   -right / BETA)])
    if result.message.endswith("the sign is wrong."):      # the size is off too: -right has its own reply
        return result.but(message="Not quite: the sign is wrong, and the size is off too. Put β, i and j into the "
                                  "formula again.")
    return result
