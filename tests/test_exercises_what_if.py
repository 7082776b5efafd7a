"""The run-based exercises: 04.4 (predict, then run), 04.5 (choose β, name the ties, test once) and 05.6 (predict,
then run: a shorter L_train) are checked against the run handed in; consistent answers pass, the opposite fails
with the hint naming the mistake."""
import re
import time
from pathlib import Path

import pytest
import torch

from alibi_edu import lm
from alibi_edu.exercises import check

SOURCES = Path(__file__).resolve().parents[1] / "notebooks" / "src"
GRID = [0.3, 1.0, 3.0, 10.0]


def run(val):
    """A constructed sweep over GRID with these validation losses (settings × 3 seeds)."""
    val = torch.tensor(val)
    return lm.Sweep([f"β = {b:g}" for b in GRID], [0, 1, 2], val, torch.zeros(1, *val.shape), {})


HIGHER = run([[2.06, 2.06, 2.05], [1.89, 1.90, 1.88], [1.83, 1.84, 1.83], [1.87, 1.88, 1.87]])  # best 3 > 1
LOWER = run([[1.70, 1.71, 1.70], [1.89, 1.90, 1.88], [1.93, 1.94, 1.93], [1.97, 1.98, 1.97]])   # best 0.3 < 1
TIE = run([[2.06, 2.06, 2.05], [1.85, 1.83, 1.86], [1.84, 1.84, 1.84], [1.97, 1.98, 1.97]])     # 3 vs 1: mixed signs


@pytest.mark.parametrize("sweep, word", [(HIGHER, "higher"), (HIGHER, "Larger "), (HIGHER, "Higher."),
                                         (LOWER, "lower"), (LOWER, "flatter")])
def test_04_4_accepts_a_prediction_the_run_confirms_without_giving_04_5_away(sweep, word):
    result = check("04.4", {"prediction": word, "run": sweep.record(), "k16": 1.0})
    assert result.passed and "Consistent with your run" in result.message
    assert ("higher" if sweep is HIGHER else "lower") in result.message
    # 04.5 asks the student to choose from this run: its best setting's β and mean stay out of the reply
    assert f"{sweep.mean(sweep.best):.3f}" not in result.message
    assert sweep.best not in result.message and f"β = {sweep.best.split('= ')[1]} " not in result.message


def test_04_4_rejecting_a_prediction_never_argues_for_it():
    hint = check("04.4", {"prediction": "higher", "run": LOWER.record(), "k16": 1.0}).message
    assert "measured the opposite" in hint and "keeps the symbols further back" not in hint


def test_04_4_the_steep_penalty_story_only_when_the_run_found_a_steeper_best():
    up = check("04.4", {"prediction": "higher", "run": HIGHER.record(), "k16": 1.0}).message
    down = check("04.4", {"prediction": "lower", "run": LOWER.record(), "k16": 1.0}).message
    assert "steep penalty loses nothing" in up and "steep penalty loses nothing" not in down


@pytest.mark.parametrize("sweep, word, hint", [(HIGHER, "lower", "measured the opposite"),
                                               (LOWER, "higher", "measured the opposite"),
                                               (HIGHER, "same", "tells the two apart"),
                                               (HIGHER, "The same", "tells the two apart"),
                                               (LOWER, "unchanged", "tells the two apart"),
                                               (HIGHER, "up", "one word")])
def test_04_4_rejects_the_opposite_of_the_run(sweep, word, hint):
    result = check("04.4", {"prediction": word, "run": sweep.record(), "k16": 1.0})
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("word", ["higher", "lower", "same"])
def test_04_4_a_run_that_cannot_tell_refutes_nothing(word):
    result = check("04.4", {"prediction": word, "run": TIE.record(), "k16": 1.0})
    assert result.passed and "cannot tell" in result.message


def test_04_4_bad_input():
    assert "run the cell" in check("04.4", "higher").message
    assert "no setting" in check("04.4", {"prediction": "higher", "run": HIGHER.record(), "k16": 5.0}).message
    assert not check("04.4", {"prediction": "higher"}).passed


# 04.5: best mean β = 3; lowest single seed β = 10; lowest test β = 1; tied with 3: β = 1 and 10 (mixed signs)
CHOICE = run([[2.00, 2.01, 2.02], [1.80, 1.90, 1.91], [1.85, 1.84, 1.83], [1.87, 1.79, 1.87]])
TEST = {"β = 0.3": 1.9, "β = 1": 1.7, "β = 3": 1.75, "β = 10": 1.8}


def choose(beta, tied, test, sweep=CHOICE, looked=None):
    """04.5's answer; by default the test loss was read for the chosen setting only, as the cell's test_loss logs."""
    label = beta if isinstance(beta, str) else f"β = {beta:g}"
    looked = {label: TEST[label]} if looked is None and label in TEST else looked or {}
    return check("04.5", {"beta": beta, "tied": tied, "test": test, "run": sweep.record(test=looked)})


def test_04_5_construction():
    assert CHOICE.best == "β = 3" and set(CHOICE.tied_with_best()) == {"β = 1", "β = 3", "β = 10"}


@pytest.mark.parametrize("beta, tied, test", [(3, [1, 10], 1.75), (3.0, ("β = 10", "β = 1"), 1.7504),
                                              ("β = 3", [10, 3, 1], torch.tensor(1.75))])
def test_04_5_right_in_every_natural_form(beta, tied, test):
    result = choose(beta, tied, test)
    assert result.passed, result.message
    assert "β = 1, 10" in result.message and "1.750" in result.message


def test_04_5_no_ties_passes_with_an_empty_list():
    assert choose(3, [], TEST["β = 3"], sweep=HIGHER).passed


def test_04_5_looking_at_test_more_than_once_is_named():
    every = dict(TEST)
    chosen_on_test = choose(1, [3, 10], 1.7, looked=every)
    assert not chosen_on_test.passed and "Chosen on test" in chosen_on_test.message
    read_all = choose(3, [1, 10], 1.75, looked=every)
    assert not read_all.passed and "test loss of 4 settings was read" in read_all.message
    not_read = choose(3, [1, 10], 1.75, looked={"β = 1": 1.7})
    assert not not_read.passed and "Read your choice's test loss" in not_read.message
    for result in (chosen_on_test, read_all, not_read):
        assert "β = 3" not in result.message and "1.75" not in result.message


def test_04_5_a_test_loss_rounded_too_far_is_named_as_rounding():
    rounded = choose(3, [1, 10], 1.8)                      # 1.75 rounded to 1 decimal
    assert not rounded.passed and "Rounded too far" in rounded.message
    assert "β = 5 is not one" in choose(5, [], 1.75).message


@pytest.mark.parametrize("beta, tied, test, hint", [
    (10, [1, 3], 1.8, "lowest single seed"),
    (0.3, [], 1.9, "lower validation mean"),
    (5, [], 1.75, "not one of the run's settings"),
    (3, [1, 10, 0.3], 1.75, "β = 0.3 is not tied"),
    (3, [1], 1.75, "leaves out a setting"),
    (3, 10, 1.75, "as a list"),
    (3, [1, 10], CHOICE.mean("β = 3"), "validation loss"),
    (3, [1, 10], 1.7, "not the test loss"),
])
def test_04_5_names_the_mistake_and_not_the_answer(beta, tied, test, hint):
    result = choose(beta, tied, test)
    assert not result.passed and hint in result.message, result.message
    if hint != "not one of the run's settings":
        assert "β = 3" not in result.message and "1.75" not in result.message


def test_04_5_without_a_run_says_to_run_04_4():
    result = check("04.5", {"beta": 3, "tied": [], "test": 1.75, "run": None})
    assert not result.passed and "04.4" in result.message
    for bad in ("x", float("nan"), None):                 # a record whose test loss is not a number
        record = dict(CHOICE.record(), test={"β = 3": bad})
        result = check("04.5", {"beta": 3, "tied": [1, 10], "test": 1.75, "run": record})
        assert not result.passed and "04.4" in result.message


def source_cell(nn, text):
    """The first cell of notebook nn's source that contains text."""
    source = next(SOURCES.glob(f"{nn}_*.py"))
    cells = re.split(r"^# %%.*$", source.read_text(encoding="utf-8"), flags=re.M)
    return next(c for c in cells if text in c)


def exercise_cell(exercise_id):
    """The code cell that runs exercise_id's check in its notebook's source."""
    return source_cell(exercise_id[:2], f'check("{exercise_id}"')


class NoTraining:
    def __getattr__(self, name):
        raise AssertionError(f"the placeholder cell used lm.{name}")


@pytest.mark.parametrize("exercise_id", ["04.4", "04.5", "05.6"])
def test_placeholder_cells_train_nothing_and_cost_under_a_second(exercise_id):
    scope = {"lm": NoTraining(), "check": check, "echo_best": 1.0, "what_if": None, "test_loss": None}
    start = time.perf_counter()
    exec(exercise_cell(exercise_id), scope)
    assert time.perf_counter() - start < 1.0
    assert scope["answer"] is ... and "Not answered yet" in check(exercise_id, ...).message


# 05.6: one loss per seed at L = 16 and at L = 256, from the same models
RISES = {"at 16": [2.529, 2.517, 2.527], "at 256": [2.539, 2.540, 2.538]}       # higher in every seed
FALLS = {"at 16": [2.539, 2.540, 2.538], "at 256": [2.529, 2.517, 2.527]}
MIXED = {"at 16": [2.529, 2.540, 2.527], "at 256": [2.539, 2.517, 2.538]}       # mixed signs: cannot tell


@pytest.mark.parametrize("run, word", [(RISES, "higher"), (RISES, " Rises"), (FALLS, "lower"), (FALLS, "falls")])
def test_05_6_accepts_a_prediction_the_run_confirms(run, word):
    result = check("05.6", {"prediction": word, **run})
    assert result.passed, result.message
    assert "Consistent with your run" in result.message


@pytest.mark.parametrize("run, word, hint", [(RISES, "lower", "how far back do the flattest heads reach"),
                                             (FALLS, "higher", "measured the opposite"),
                                             (RISES, "same", "tells the two apart")])
def test_05_6_rejects_what_the_run_contradicts(run, word, hint):
    result = check("05.6", {"prediction": word, **run})
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("word", ["higher", "lower"])
def test_05_6_a_run_that_cannot_tell_refutes_nothing(word):
    result = check("05.6", {"prediction": word, **MIXED})
    assert result.passed and "cannot tell" in result.message


@pytest.mark.parametrize("word", ["same", "The same", "flat"])
def test_05_6_same_is_not_a_prediction_the_prompt_offers_even_on_a_tied_run(word):
    result = check("05.6", {"prediction": word, **MIXED})
    assert not result.passed and '"higher" or "lower"' in result.message, result.message


def test_05_6_bad_input():
    assert "run the cell" in check("05.6", "higher").message
    assert "one word" in check("05.6", {"prediction": "maybe", **RISES}).message
    assert not check("05.6", {"prediction": "higher", "at 16": [2.5], "at 256": [2.6]}).passed
    assert not check("05.6", {"prediction": "higher", "at 16": [2.5, 2.4], "at 256": [2.6, float("nan")]}).passed
    assert not check("05.6", {"prediction": "higher"}).passed


class Trained(Exception):
    """Raised by the stand-in for lm.seed_sweep: the arguments the exercise's run was given."""


@pytest.mark.parametrize("exercise_id", ["04.4", "05.6"])
def test_in_quick_mode_the_exercises_run_still_trains_at_full_size(exercise_id, monkeypatch):
    """The grader runs 04 and 05 in quick mode: their teaching sweeps shrink, the runs 04.4 and 05.6 are judged on
    must not (the same seeds, steps, windows and grid as a student's run)."""
    def seed_sweep(task, settings, **kwargs):
        raise Trained(settings, kwargs)

    scope = {"lm": lm}
    monkeypatch.setenv("ALIBI_EDU_QUICK", "0")
    exec(source_cell(exercise_id[:2], "LONGER_RUN = False"), scope)
    full = {k: scope[k] for k in ("SEEDS", "config", "EVAL_TOKENS")}
    monkeypatch.setenv("ALIBI_EDU_QUICK", "1")
    exec(source_cell(exercise_id[:2], "LONGER_RUN = False"), scope)
    assert scope["SEEDS"] != full["SEEDS"] and scope["config"].steps < full["config"].steps   # quick mode is on
    monkeypatch.setattr(lm, "seed_sweep", seed_sweep)
    scope.update(check=check, corpus=None, echo_best=0.01)   # section 4's choice, as quick mode leaves it
    cell = exercise_cell(exercise_id).replace("prediction = ...", 'prediction = "higher"')
    with pytest.raises(Trained) as trained:
        exec(cell, scope)
    settings, kwargs = trained.value.args
    assert kwargs["seeds"] == full["SEEDS"] and kwargs["n_tokens"] == full["EVAL_TOKENS"]
    assert kwargs["config"].steps == full["config"].steps and kwargs["config"].batch_size == 16
    assert kwargs["config"].seq_len == {"04.4": 64, "05.6": 16}[exercise_id]
    if exercise_id == "04.4":
        assert list(settings) == [f"β = {b:g}" for b in GRID] and lm.ECHO_K16_BETA in GRID


def test_04_4_a_wrong_lower_gets_a_question_not_the_mechanism():
    hint = check("04.4", {"prediction": "lower", "run": HIGHER.record(), "k16": 1.0}).message
    assert "measured the opposite" in hint and "useless" not in hint and "out of the mix" not in hint
