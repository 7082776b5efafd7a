"""Exercises of notebooks 04–05: the solutions pass, typical wrong answers fail with the matching hint."""
import math
import runpy
from pathlib import Path

import numpy as np
import pytest
import torch

from alibi_edu.exercises import check

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
IDS = ["04.1", "04.2", "04.3", "04.4", "04.5", "05.1", "05.2", "05.3", "05.4", "05.5", "05.6", "05.7"]


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes(exercise_id):
    answer = runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]
    result = check(exercise_id, answer)
    assert result.passed, result.message


@pytest.mark.parametrize("exercise_id", IDS)
def test_placeholder_and_junk_fail_politely(exercise_id):
    assert "Not answered yet" in check(exercise_id, ...).message
    for junk in (None, 3.5, "ZZ", [object()]):
        assert not check(exercise_id, junk).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda b, d: b * math.sqrt(d), "wrong side"),
    (lambda b, d: b / d, "d_head itself"),
    (lambda b, d: b, "No conversion"),
    (lambda b, d: b / math.sqrt(32), "each head's own dimension"),
    (lambda b, d: b / 4, "ignores d_head"),            # right only at this notebook's d_head = 16
    (lambda b, d: 1 / 0, "ZeroDivisionError"),
    (lambda b, d: "0.25", "one number"),
    (lambda b, d: b / d ** 0.3, "too large"),
])
def test_04_1_typical_mistakes(wrong, hint):
    result = check("04.1", wrong)
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("exercise_id, letter, hint", [
    ("04.2", "B", "β = 10 scored lowest"),
    ("04.2", "D", "optimistic"),
    ("04.3", "A", "Test A's claim about P"),
    ("05.3", "A", "learned table"),
    ("05.4", "C", "past L_train"),
    ("05.5", "A", "mentions no length"),
])
def test_multiple_choice_hints(exercise_id, letter, hint):
    result = check(exercise_id, letter)
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("answer, hint", [
    ({"sinusoidal", "rope", "alibi"}, "same at every position"),
    ({"sinusoidal"}, "Not all of them"),
    ({"rope", "none"}, "Not all of them"),
    (set(), "Not all of them"),
    ({"learned"}, "raises an error"),
    ({"transformer"}, "Unknown names"),
    ("sinusoidal", "one string"),
])
def test_05_1_typical_mistakes(answer, hint):
    result = check("05.1", answer)
    assert not result.passed and hint in result.message
    assert not any(ch.isdigit() for ch in result.message.split("L_train")[0])   # no count of the missing ones


@pytest.mark.parametrize("answer", [{"sinusoidal", "rope", "none"}, ["Rope", "SINUSOIDAL", "None"],
                                    ("rope", "sinusoidal", "none"), frozenset({"rope", "sinusoidal", " none "}),
                                    {"rope", "sinusoidal"}])
def test_05_1_accepts_what_the_run_measured_in_any_form(answer):
    result = check("05.1", answer)
    assert result.passed and "seed by seed" in result.message


@pytest.mark.parametrize("wrong, hint", [
    (lambda m: math.log(100) / m, "round down"),
    (lambda m: math.ceil(math.log(100) / m), "Round down, not up"),
    (lambda m: math.floor(math.log10(100) / m), "powers of e"),
    (lambda m: math.log(100) * m, "wrong side"),
    (lambda m: math.floor(math.log(0.01) / m), "positive"),
    (lambda m: 7, "Start from"),
    (lambda m: 2 * math.floor(math.log(100) / m), "too large, by a wide margin"),
])
def test_05_2_typical_mistakes(wrong, hint):
    result = check("05.2", wrong)
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("form", [
    lambda b, d: b / math.sqrt(d),
    lambda b, d: b / torch.sqrt(torch.tensor(d)),
    lambda b, d: np.float32(b) / np.sqrt(np.float32(d)),
    lambda b, d: torch.tensor([b / math.sqrt(d)], dtype=torch.float32),
    lambda b, d: b * d ** -0.5,
])
def test_04_1_every_natural_form_passes(form):
    assert check("04.1", form).passed


@pytest.mark.parametrize("form", [
    lambda m: int(math.log(100) / m),
    lambda m: float(math.floor(math.log(100) / m)),
    lambda m: torch.floor(torch.log(torch.tensor(100.0, dtype=torch.float64)) / m),
    lambda m: np.floor(np.log(100) / m).astype(np.int64),
])
def test_05_2_every_natural_form_passes(form):
    assert check("05.2", form).passed
