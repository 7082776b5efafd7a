"""Notebook 04 exercises: tuning β on a validation set, and the book's β as the paper's slope."""
from __future__ import annotations

import math
from typing import Any

import torch

from ..paired import Runs
from . import questions
from .compare import as_tensor, call_safely, call_text, direction, match_tensor, prediction_word
from .core import WRONG, Result, exercise, failed, passed, short

CASES = [(1.0, 16), (0.1, 16), (10.0, 64), (2.0, 4), (3.0, 9)]  # (β, d_head)


@exercise("04.1", "From the book's β to the paper's slope m",
          reread="the section “One β for every head”: write the book's score and the paper's side by side and "
                 "match the bias terms.")
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
        ("That puts the scale on the wrong side: the book's bias sits under 1/√d together with q·k, so the "
         "paper's slope is smaller than β.",
         torch.tensor([b * math.sqrt(d) for b, d in CASES])),
        ("That puts d_head itself under β: the slope absorbs the very scale that q·k shares with the book's bias.",
         torch.tensor([b / d for b, d in CASES])),
        ("No conversion: the book's bias sits inside the 1/√d scale, the paper's outside it.",
         torch.tensor([b for b, _ in CASES])),
        ("That uses √32, the model's width: the scale 1/√d uses each head's own dimension, d_head, the "
         "function's second argument.", torch.tensor([b / math.sqrt(32) for b, _ in CASES])),
        ("Your function ignores d_head: it gives the same m at every head size, right only for this notebook's "
         "d_head = 16. The conversion depends on the function's second argument.",
         torch.tensor([b / 4 for b, _ in CASES])),
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


SLOPE_WORDS = {"higher": ("steeper",), "lower": ("flatter",)}


def _beta(label: str) -> float:
    return float(label.split("=")[1])


def _is_beta_label(label: str) -> bool:
    try:
        _beta(label)
    except (IndexError, ValueError):
        return False
    return True


def _label(run: Any, beta: Any) -> str | None:
    """The run's label for a β given as a number or as a label like "β = 3"; None if it has none."""
    try:
        value = _beta(beta) if isinstance(beta, str) and "=" in beta else float(beta)
    except (TypeError, ValueError):
        return None
    return next((label for label in run.labels if math.isclose(_beta(label), value, rel_tol=1e-6)), None)


def _runs(run: Any) -> Runs | None:
    """The runs of a record (`what_if.record()`: plain data the grader can carry) or a live sweep; else None."""
    if isinstance(run, Runs):
        return run
    try:
        runs = Runs.from_record(run)
    except ValueError:
        return None
    return runs if all(map(_is_beta_label, runs.labels)) else None


@exercise("04.4", "Predict, then run: the echo task with k = 4",
          reread="section 4: with slope m a key Δ steps back gets weight ∝ e^(−mΔ); ask which keys are useful "
                 "when only the last 4 symbols can be copied.")
def check_k4_prediction(answer: Any) -> Result:
    """answer: {"prediction": "higher" | "lower", "run": the k = 4 run's record, "k16": the β chosen at k = 16}."""
    if isinstance(answer, str):
        return failed("Put your word in `prediction` and run the cell: it trains the k = 4 sweep and hands "
                      "in your prediction with the run.")
    run = _runs(answer.get("run")) if isinstance(answer, dict) else None
    if run is None or "prediction" not in answer:
        return failed(f"Expected what the exercise's cell builds (your prediction and its run), got {short(answer)}.")
    said = prediction_word(answer["prediction"], SLOPE_WORDS)
    if said is None:
        return failed(f"Predict with one word, \"higher\" or \"lower\" (the best β at k = 4 against k = 16's); "
                      f"got {short(answer['prediction'])}.")
    before = _label(run, answer.get("k16"))
    if before is None:
        return failed("The run has no setting at k = 16's chosen β to compare with: run the exercise's cell as given.")
    best = run.best
    vs = run.compare(best, before)
    measured = ("same" if best == before or not vs.distinguishable
                else "higher" if _beta(best) > _beta(before) else "lower")
    if measured == "same":
        return passed(f"Your run cannot tell its best setting from k = 16's β = {_beta(before):g}, so it neither "
                      "confirms nor refutes a prediction: with more seeds or steps it might.")
    reading = ("with k = 4 nothing beyond 4 steps back helps, so a steep penalty loses nothing useful"
               if measured == "higher" else
               "a flatter penalty leaves the heads free to learn which of the recent symbols to read")
    why = f" One reading: {reading}. The run shows which β wins, not why."
    if said == measured:
        return passed(f"Consistent with your run: its best β is {measured} than k = 16's β = {_beta(before):g}, "
                      f"in every seed, unlikely to be noise by the rule of section 3.1.{why}")
    if said == "same":
        return failed("Your run tells the two apart, seed by seed: compare them with `what_if.compare(...)`, then "
                      "ask which keys are useful at k = 4.")
    if measured == "higher":
        return failed("Your run measured the opposite, in every seed. At k = 4 only the last 4 symbols can be "
                      "copied: which of them can each β's penalty still reach (section 4's e^(−mΔ))?")
    return failed("Your run measured the opposite, in every seed: compare the settings with `what_if.compare(...)`.")


@exercise("04.5", "Choose β on validation, name the ties, report test once",
          reread="section 3.1 (comparing seed by seed: every seed agrees in sign and the mean difference exceeds "
                 "twice its standard error) and 3.3 (choose on validation, look at test once).")
def check_choice(answer: Any) -> Result:
    """answer: {"beta": the chosen β, "tied": [β values not distinguishable from it], "test": its test loss,
    "run": the record of the run chosen from, with the test losses looked at (`what_if.record(test=looked)`)}."""
    if not isinstance(answer, dict) or not {"beta", "tied", "test"} <= set(answer):
        return failed(f'Answer with a dict {{"beta": ..., "tied": [...], "test": ...}}; got {short(answer)}.')
    run = _runs(answer.get("run"))
    looked = answer["run"].get("test") if run is not None and isinstance(answer["run"], dict) else None
    if run is None or not isinstance(looked, dict) or not set(looked) <= set(run.labels) or not all(
            isinstance(loss, (int, float)) and math.isfinite(loss) for loss in looked.values()):
        return failed("There is no run to check against yet: answer 04.4 and run its cell first (it trains the "
                      "sweep you choose from).")
    chosen, right = _label(run, answer["beta"]), run.best
    if chosen is None:
        given = f"{answer['beta']:g}" if isinstance(answer["beta"], (int, float)) else short(answer["beta"])
        return failed(f"β = {given} is not one of the run's settings: choose among "
                      f"{[_beta(label) for label in run.labels]}.")
    if chosen != right:
        lowest_seed = run.labels[int(run.val.min(dim=1).values.argmin())]
        if chosen == lowest_seed:
            return failed("That setting has the lowest single seed, but one seed can be lucky: choose on the mean "
                          "over the seeds.")
        if len(looked) > 1 and chosen == min(looked, key=looked.get):
            return failed("Chosen on test? The test split stays untouched until the choice is made on validation; "
                          "choose on the validation means.")
        return failed("Another setting has a lower validation mean: the choice is the lowest mean over the seeds.")
    tied = answer["tied"]
    if isinstance(tied, (int, float, str)) or not hasattr(tied, "__iter__"):
        return failed(f"Give `tied` as a list of β values (an empty list if there are none); got {short(tied)}.")
    tied = list(tied)   # a set or tuple counts as well as a list
    named = [_label(run, b) for b in tied]
    if None in named:
        return failed(f"{short(tied[named.index(None)])} in `tied` is not one of the run's settings.")
    truth = set(run.tied_with_best()) - {right}
    extra = sorted(set(named) - truth - {right}, key=_beta)
    if extra:
        return failed(f"{extra[0]} is not tied with your choice: compare them seed by seed (`what_if.compare`); "
                      "a difference that every seed agrees on and that exceeds twice its standard error is "
                      "unlikely to be noise.")
    if truth - set(named):
        return failed("`tied` leaves out a setting the run cannot tell from your choice: compare each other "
                      "setting with your choice seed by seed.")
    if right not in looked:
        return failed("Read your choice's test loss with `test_loss(\"β = …\")`, once, and report it as `test`.")
    if len(looked) > 1:
        return failed(f"The test loss of {len(looked)} settings was read. Looking once means reading only your "
                      "choice's, after choosing on validation: rerun 04.4's cell (the same seeds train the same "
                      "models) and read only your choice's.")
    test = as_tensor(answer["test"])
    if test is None or test.numel() != 1:
        return failed(f"`test` is one number, the test loss of your choice; got {short(answer['test'])}.")
    test, want = test.reshape(()).item(), looked[right]
    if math.isclose(test, want, abs_tol=6e-4):
        ties = f"not distinguishable from β = {', '.join(f'{_beta(b):g}' for b in sorted(truth, key=_beta))}" \
            if truth else "distinguishable from every other setting"
        return passed(f"Right: β = {_beta(right):g} has the lowest validation mean ({run.mean(right):.3f}), {ties} "
                      f"with {len(run.seeds)} seeds, and its test loss, looked at once, is {want:.3f}.")
    if any(math.isclose(test, round(want, digits), abs_tol=1e-9) for digits in (1, 2)):
        return failed("Rounded too far: give your choice's test loss to 3 decimals or more.")
    if math.isclose(test, run.mean(right), abs_tol=6e-4):
        return failed("That is the validation loss, on which you chose: report the loss on the test split, which "
                      "the choice never saw.")
    return failed("That is not the test loss of your choice: evaluate each of its seeds' models on the test split "
                  "and report their mean.")


questions.register("04")
