"""Verdicts as data: every Result says its kind (right, wrong, malformed, unanswered, a named mistake), where it
differs and how many independent checks pass; no checker decides anything from a message's text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import linear_bias
from alibi_edu.exercises import check, core
from alibi_edu.exercises.compare import HINTS, match_function, match_tensor
from alibi_edu.exercises.core import KINDS, MALFORMED, MISTAKE, RIGHT, UNANSWERED, WRONG, Result

EXERCISES = Path(core.__file__).parent


def test_kinds_of_the_usual_answers():
    assert check("00.1", -2, record=False).kind == RIGHT
    assert check("00.1", ..., record=False).kind == UNANSWERED
    assert check("00.1", "minus two", record=False).kind == MALFORMED
    assert check("01.1", [1.0, 2.0, 3.0], record=False).kind == MALFORMED      # wrong shape
    sign = check("00.1", 2, record=False)                                      # the listed sign mistake
    assert sign.kind == MISTAKE and sign.mistake == "listed mistake 1"
    assert check("00.1", 100, record=False).kind == WRONG
    assert check("01.4", "Q", record=False).kind == MALFORMED


def test_where_names_the_first_entry_that_differs():
    right = linear_bias(3, beta=1.0, dtype=torch.float64)
    off = right.clone()
    off[2, 0] = 7.0
    result = match_tensor(off, right, "ok")
    assert result.kind == WRONG and result.where == "index (2, 0)"
    wide = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    transposed = match_tensor(wide.T, wide, "ok")
    assert transposed.kind == MISTAKE and transposed.mistake == "transposed"
    assert transposed.message == HINTS["transposed"]
    named = match_tensor(torch.full((2, 3), float("nan")), torch.zeros(2, 3), "ok")
    assert named.kind == MISTAKE and named.mistake == "nan" and named.message == HINTS["nan"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=6))
def test_checks_count_the_cases_a_function_gets_right(right_on):
    """Law: a function right on exactly k of n cases has checks (k, n), passes iff k == n, scores k / n."""
    cases = [(n + 1, 0.5) for n in range(len(right_on))]

    def answer(size, beta):
        value = linear_bias(size, beta=beta, dtype=torch.float64)
        return value if right_on[size - 1] else value + 1

    result = match_function(answer, cases, lambda s, b: linear_bias(s, beta=b, dtype=torch.float64), "ok")
    k, n = sum(right_on), len(right_on)
    assert result.checks == (k, n) and result.passed == (k == n)
    assert result.score == pytest.approx(k / n)
    if k < n:
        first = right_on.index(False) + 1
        assert result.where.startswith(f"answer({first}, 0.5)")


def test_a_function_that_raises_on_some_cases_still_gets_credit_for_the_others():
    def answer(size, beta):
        if size > 4:
            raise ValueError("too big")
        return linear_bias(size, beta=beta, dtype=torch.float64)
    result = check("01.2", answer, record=False)
    from alibi_edu.exercises.nb01 import LINEAR_BIAS_CASES
    assert result.checks == (sum(s <= 4 for s, _ in LINEAR_BIAS_CASES), len(LINEAR_BIAS_CASES))
    assert "raised ValueError" in result.message


def test_a_result_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="kind='odd'"):
        Result(False, "x", kind="odd")
    assert set(KINDS) == {"right", "wrong", "malformed", "unanswered", "mistake", "recorded"}


def test_no_checker_branches_on_message_text():
    for path in sorted(EXERCISES.glob("nb*.py")):
        text = path.read_text()
        assert not re.search(r"""["'][^"']*["']\s+(not\s+)?in\s+\w*\.?message""", text), path.name
        assert ".message.startswith(" not in text and ".message ==" not in text, path.name
