"""Notebook 04 — tuning β on a validation set (outline E)."""
from __future__ import annotations

import math
import numbers

import torch

from .core import call_safely, exercise, failed, match_tensor, multiple_choice, passed

CASES = [(1.0, 16), (0.1, 16), (10.0, 64), (2.0, 4)]  # (β, d_head)


@exercise("04.1", "From the book's β to the paper's slope m")
def _beta_to_slope(answer) -> object:
    """answer: a function to_slope(beta, d_head) -> m."""
    got = []
    for beta, d in CASES:
        value, error = call_safely(answer, beta, d)
        if error is not None:
            return error
        got.append(value)
    expected = torch.tensor([b / math.sqrt(d) for b, d in CASES])
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in got):
        return failed(f"to_slope should return one number (a float) for one β and one d_head, got {got[0]!r}.")
    got = torch.tensor([float(v) for v in got])
    mistakes = [
        ("That is β·√d: the book divides the bias by √d together with q·k, so the paper's slope is smaller.",
         torch.tensor([b * math.sqrt(d) for b, d in CASES])),
        ("Divide by √d_head, not by d_head: the book's 1/√d scale is what the slope absorbs.",
         torch.tensor([b / d for b, d in CASES])),
        ("No conversion: the book's bias sits inside the 1/√d scale, the paper's outside it.",
         torch.tensor([b for b, _ in CASES])),
    ]
    return match_tensor(got, expected, "Right: (q·k + β(j−i))/√d = q·k/√d − (β/√d)(i−j), so m = β/√d_head.",
                        mistakes=mistakes, rtol=1e-6)


multiple_choice(
    "04.2", "E1 — reading the course's ROUGE table",
    "A summariser fine-tuned with β = 0.01, 0.1, 1.0, 10.0 scored ROUGE 0.35, 0.42, 0.38, 0.29 on validation. "
    "What is the most reasonable conclusion?",
    {"A": "Larger β is always better: the model should look only at the nearest tokens.",
     "B": "Performance peaks at an intermediate β (about 0.1): too small and the position signal is too weak, too "
          "large and attention collapses onto the nearest tokens; refine the search around 0.1 on validation, then "
          "confirm once on held-out test data.",
     "C": "β does not matter: the differences are noise, so any value will do.",
     "D": "Pick β = 0.1 and report 0.42 as the final test score."},
    correct="B",
    why="A middle value wins, as in our sweep: refine near the best, choose on validation, report once on test.",
    hints={"A": "β = 10 scored lowest: too strong a penalty throws context away.",
           "C": "0.29 vs 0.42 is a large gap, and our own sweep shows the same U shape.",
           "D": "0.42 was used to choose β, so it is optimistic: confirm on data not used for the choice."},
)

multiple_choice(
    "04.3", "E2 — two broken models",
    "Model P uses a tiny β (0.0001); model Q a huge β (1000). Both do badly. Which diagnosis fits?",
    {"A": "P attends almost uniformly to every earlier token, as if it had no position information; Q puts "
          "nearly all weight on the current token, as if it had no context.",
     "B": "P only looks at the current token; Q spreads attention evenly.",
     "C": "Both fail for the same reason: any β other than 1 breaks softmax.",
     "D": "P fails because β must be negative; Q fails because of overflow only."},
    correct="A",
    why="Right: a weak penalty leaves order nearly invisible; a strong one shuts out everything but the nearest keys.",
    hints={"B": "Swap them: a bigger β penalises distance more, so it is Q that keeps only the nearest key.",
           "C": "Softmax works for any finite β; what changes is how fast weight falls with distance.",
           "D": "In the book's form β(j−i), a negative β would reward distant past keys."},
)
