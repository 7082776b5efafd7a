"""Notebooks 00 and 06: each bug exercise's typical wrong answers fail with the hint that names the mistake."""
import functools
import runpy
from pathlib import Path

import pytest
import torch

from alibi_edu import alibi_bias, geometric_slopes, linear_bias
from alibi_edu.exercises import check, list_exercises
from alibi_edu.exercises.core import get

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
M8 = geometric_slopes(8, torch.float64)
M4 = geometric_slopes(4, torch.float64)


@functools.cache          # 03.8's solution trains two small models: once per session is enough
def solution(exercise_id):
    return runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]


def failing_hint(exercise_id, answer):
    result = check(exercise_id, answer)
    assert not result.passed, f"{exercise_id} accepted a wrong answer"
    return result.message


@pytest.mark.parametrize("exercise_id", [i for i in list_exercises() if i.split(".")[0] in ("00", "06")])
def test_solution_passes_and_placeholder_fails(exercise_id):
    assert check(exercise_id, solution(exercise_id)).passed
    assert not check(exercise_id, ...).passed


def test_closing_quiz_has_seven_questions_without_labels():
    quiz_ids = [i for i in list_exercises() if i.startswith("06.") and get(i).choices]
    assert len(quiz_ids) == 7
    assert not any(get(i).title[:2] in {f"{c}." for c in "ABCDEFG"} for i in quiz_ids)


@pytest.mark.parametrize("answer,hint", [(2.0, "Sign"), (-4, "β is missing"), ("2", "Sign"),
                                         ("minus two", "Expected one number")])
def test_first_exercise_hints(answer, hint):
    assert hint in failing_hint("00.1", answer)


@pytest.mark.parametrize("exercise_id, typed", [("00.1", "-2"), ("00.1", " −2 "), ("03.1", "1/16"), ("03.1", "0.063"),
                                                ("03.1", 0.063), ("03.1", "2^-4"), ("03.1", "2**(-4)")])
def test_a_number_typed_as_text_or_rounded_counts(exercise_id, typed):
    assert check(exercise_id, typed).passed


@pytest.mark.parametrize("typed", ['__import__("os").getcwd()', "2**1000", "1/0", "(1", "x", "2^-3"])
def test_text_that_is_not_the_number_fails_without_running_anything(typed):
    assert not check("03.1", typed).passed


@pytest.mark.parametrize("score_mod,hint", [
    (lambda s, b, h, qi, ki: s + M8[h] * (qi - ki), "Still flipped"),
    (lambda s, b, h, qi, ki: M8[h] * (ki - qi), "content score is lost"),
    (lambda s, b, h, qi, ki: s + M8[0] * (ki - qi), "same slope"),
    (lambda s, b, h, qi, ki: s + 0.1 * M8[h] * (ki - qi), "weights"),
    (lambda s, b, h: s, "failed"),
    (42, "Expected a function"),
])
def test_flipped_sign_hints(score_mod, hint):
    assert hint in failing_hint("06.1", score_mod)


def test_a_row_constant_or_abs_score_mod_is_still_right_under_the_causal_mask():
    """m·kv_idx alone (the reference shortcut) and −m·|q − kv| both equal ALiBi once the future is masked."""
    assert check("06.1", lambda s, b, h, qi, ki: s + M8[h] * ki).passed
    assert check("06.1", lambda s, b, h, qi, ki: s - M8[h] * (qi - ki).abs()).passed


@pytest.mark.parametrize("answer,hint", [
    ([2, 4, 8, 16], "smallest head count"),
    ([1, 2, 4, 8, 12, 16], "Not at 12"),
    (list(range(1, 17)), "Not at 12"),
    ([1, 2, 3, 4], "At n = 3"),
    ([1, 2, 4], "Some head counts are missing"),
    ([1.5], "whole numbers"),
    ([0, 1, 2], "outside"),
])
def test_power_of_two_hints(answer, hint):
    assert hint in failing_hint("06.2", answer)


@pytest.mark.parametrize("answer,hint", [
    ((M4[:, None, None] * torch.arange(6.0)).expand(4, 6, 6), "m·j shortcut"),
    (linear_bias(6, beta=M4), "m·j shortcut"),
    (alibi_bias(4, 6, symmetric=True, dtype=torch.float64).neg(), "Sign"),
    (torch.zeros(6, 6), "shape (4, 6, 6)"),
])
def test_encoder_bias_hints(answer, hint):
    assert hint in failing_hint("06.3", answer)


def test_encoder_bias_names_the_entry_that_is_off_not_its_value():
    wrong = alibi_bias(4, 6, symmetric=True, dtype=torch.float64).clone()
    wrong[1, 2, 4] *= 3
    message = failing_hint("06.3", wrong)
    assert "(1, 2, 4)" in message and "too negative" in message


def test_power_of_two_counts_as_a_set_tuple_or_tensor():
    for form in ({1, 2, 4, 8, 16}, (16, 8, 4, 2, 1), torch.tensor([1, 2, 4, 8, 16]), [1.0, 2.0, 4.0, 8.0, 16.0]):
        assert check("06.2", form).passed, form


def test_encoder_bias_accepts_any_row_shift():
    assert check("06.3", alibi_bias(4, 6, symmetric=True) + torch.arange(6.0)[:, None]).passed


@pytest.mark.parametrize("exercise_id,wrong", [("06.5", "B"), ("06.6", "B"), ("06.7", "A"), ("06.8", "A"),
                                               ("06.9", "D"), ("06.10", "A"), ("06.11", "A")])
def test_quiz_wrong_letters_get_a_specific_hint(exercise_id, wrong):
    assert "reread the question" not in failing_hint(exercise_id, wrong)
