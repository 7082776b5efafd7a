"""Notebook 04 exercises: tuning β on a validation set, and the book's β as the paper's slope."""
from __future__ import annotations

import math
from typing import Any

import torch

from . import questions
from .compare import as_tensor, call_safely, call_text, direction, match_tensor
from .core import short
from .core import WRONG, Result, exercise, failed

CASES = [(1.0, 16), (0.1, 16), (10.0, 64), (2.0, 4), (3.0, 9)]  # (β, d_head)


@exercise("04.1", "From the book's β to the paper's slope m",
          reread="the section “One β for every head — and how the model reads it”: "
                 "(q·k + β(j − i))/√d = q·k/√d − m·(i − j); match the bias terms.")
def check_to_slope(answer: Any) -> Result:
    """answer: a function to_slope(beta, d_head) -> m, computing with math, numpy or torch."""
    got = []
    for beta, d in CASES:
        value, error = call_safely(answer, beta, d)
        if error is not None:
            return error
        number = as_tensor(value)
        if number is None or number.numel() != 1:
            return failed(f"to_slope({call_text((beta, d))}) should return one number (a float, numpy number or "
                          f"0-d tensor); it returned {short(value)}.")
        got.append(number.reshape(()).item())
    got = torch.tensor(got, dtype=torch.float64)
    mistakes = [
        ("That is β·√d: the book divides the bias by √d together with q·k, so the paper's slope is smaller.",
         torch.tensor([b * math.sqrt(d) for b, d in CASES])),
        ("Divide by √d_head, not by d_head: the book's 1/√d scale is what the slope absorbs.",
         torch.tensor([b / d for b, d in CASES])),
        ("No conversion: the book's bias sits inside the 1/√d scale, the paper's outside it.",
         torch.tensor([b for b, _ in CASES])),
    ]
    right = torch.tensor([b / math.sqrt(d) for b, d in CASES], dtype=torch.float64)
    result = match_tensor(got, right, "Right: (q·k + β(j − i))/√d = q·k/√d − (β/√d)(i − j), so m = β/√d_head.",
                          mistakes=mistakes)
    close = [math.isclose(got[n], right[n], rel_tol=1e-4, abs_tol=1e-6) for n in range(len(CASES))]
    result = result.but(checks=(sum(close), len(CASES)))
    if result.passed or result.kind != WRONG:
        return result
    first = close.index(False)
    call = f"to_slope({call_text(CASES[first])})"
    return result.but(message=f"{call} returned {got[first].item():.4g}: "
                      f"{direction(got[first].item(), right[first].item())}", where=call)


questions.register("04")
