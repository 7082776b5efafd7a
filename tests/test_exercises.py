"""The exercise system: every solution passes, placeholders and junk fail without raising,
typical mistakes get their specific hint, and the checkers follow the core math."""
import functools
import json
import math
import re
import runpy
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alibi_edu import attention_weights, causal_mask, geometric_slopes, linear_bias
from alibi_edu.exercises import Result, check, core, list_exercises, nb01, nb03

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
IDS = list_exercises()


@functools.cache          # 03.8's solution trains two small models: once per session is enough
def solution(exercise_id: str):
    return runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]


def solution_source(exercise_id: str) -> str:
    return (SOLUTIONS / f"{exercise_id.replace('.', '_')}.py").read_text()


def raises(*_args, **_kwargs):
    raise RuntimeError("student bug")


JUNK = {
    "None": None,
    "str": "x",
    "empty str": "",
    "nan tensor": torch.full((3, 3), math.nan),
    "nan scalar": math.nan,
    "wrong-shape tensor": torch.zeros(2, 3, 4),
    "empty tensor": torch.zeros(0),
    "raising function": raises,
    "junk lambda": lambda *a, **k: "junk",
    "nan lambda": lambda *a, **k: torch.full((2, 2), math.nan),
    "huge int": 10 ** 400,
    "big int": 2 ** 70,
    "dict": {"a": 1},
    "object": object(),
}


# --- generic: every exercise, whoever registered it -------------------------------------------

def test_ids_are_notebook_dot_number_and_sorted():
    assert IDS, "no exercises registered"
    for exercise_id in IDS:
        notebook, number = exercise_id.split(".")
        assert notebook.isdigit() and number.isdigit(), exercise_id
    assert IDS == sorted(IDS, key=lambda i: tuple(map(int, i.split("."))))


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_file_passes(exercise_id):
    path = SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"
    assert path.exists(), f"missing solution file {path.name}"
    result = check(exercise_id, solution(exercise_id))
    assert result.passed, result.message
    assert result.exercise_id == exercise_id and result.message
    last = solution_source(exercise_id).rstrip().splitlines()[-1]
    assert last == f'check("{exercise_id}", answer)', f"{path.name} must end by checking itself"


@pytest.mark.parametrize("exercise_id", IDS)
def test_placeholder_fails(exercise_id):
    result = check(exercise_id, ...)
    assert not result.passed and "placeholder" in result.message


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
@pytest.mark.parametrize("exercise_id", IDS)
def test_junk_never_raises_and_fails(exercise_id, junk):
    result = check(exercise_id, junk)
    assert isinstance(result, Result)
    assert not result.passed, f"{exercise_id} accepted junk {junk!r:.40}"
    assert result.message and "Traceback" not in result.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=st.one_of(st.none(), st.text(max_size=5), st.integers(), st.floats(),
                        st.lists(st.floats(), max_size=6),
                        st.lists(st.lists(st.floats(), min_size=2, max_size=2), max_size=4)))
def test_any_answer_gives_a_result(answer):
    """Whatever comes in, a verdict comes out: a message to read, a kind that matches the pass, no traceback."""
    for exercise_id in IDS:
        result = check(exercise_id, answer)
        assert isinstance(result, Result) and result.exercise_id == exercise_id
        assert isinstance(result.message, str) and result.message.strip() and "Traceback" not in result.message
        assert result.passed == (result.kind == "right"), (exercise_id, answer, result.kind)


def test_unknown_id_raises_key_error_naming_it():
    with pytest.raises(KeyError, match="99.42"):
        check("99.42", "A")


@pytest.mark.parametrize("exercise_id", IDS)
def test_result_renders(exercise_id):
    for result in (check(exercise_id, solution(exercise_id)), check(exercise_id, None)):
        text, page = repr(result), result._repr_html_()
        assert exercise_id in text and exercise_id in page
        assert ("✓" in text) == result.passed and ("✗" in text) != result.passed
        assert "<div" in page


def test_html_escapes_the_answer():
    page = check(IDS[0], "<script>alert(1)</script>")._repr_html_()
    assert "<script>" not in page


# --- notebooks 01–03: typical mistakes get their own hint --------------------------------------

def book_bias(beta, i, keys):
    return [beta * (j - i) for j in keys]


def flipped(fn):
    return lambda *args: -fn(*args)


def paper_slopes(n):
    return 2.0 ** (-8.0 * torch.arange(1, n + 1, dtype=torch.float64) / n)


def unmasked_attention(q, k):
    return attention_weights(q, k)


def masked_after_softmax(q, k):
    return attention_weights(q, k) * torch.ones(q.shape[-2], k.shape[-2], dtype=q.dtype).tril()


def unscaled_masked_attention(q, k):
    return torch.softmax(q @ k.transpose(-2, -1) + causal_mask(q.shape[-2], dtype=q.dtype), dim=-1)


MISTAKES = [
    ("01.1", book_bias(-0.5, 10, (5, 2)), "Wrong sign"),
    ("01.1", book_bias(0.5, 10, (2, 5)), "which number belongs to which key"),
    ("01.1", book_bias(1.0, 10, (5, 2)), "β is missing"),
    ("01.1", [[-2.5, -4.0]], "Wrong shape"),
    ("01.2", lambda L, b: -linear_bias(L, beta=b), "Wrong sign"),
    ("01.2", lambda L, b: linear_bias(L, beta=b).T, "columns swapped"),
    ("01.2", lambda L, b: -b * linear_bias(L, beta=1.0).abs(), "symmetric"),
    ("01.2", lambda L, b: linear_bias(L, beta=1.0), "β is missing"),
    ("01.2", lambda L, b: linear_bias(L, beta=b)[None], "Wrong shape"),
    ("01.2", raises, "raised RuntimeError"),
    ("01.3", book_bias(0.5, 10, (12, 20)), "Wrong sign"),
    ("01.4", "A", "bonus that grows"),
    ("01.4", "a", "bonus that grows"),
    ("01.4", "E", "one of A, B, C or D"),
    ("01.6", "A", "positive"),
    ("01.7", 0.25 * 8, "missing from your comparison"),
    ("01.7", 0.25 * 8 / 8, "never the bias"),
    ("01.7", 64 * 0.25 * 8, "That uses d"),
    ("01.7", 8 * 0.25 * 9, "only the difference"),
    ("01.8", 0.1 / 6, "That divides m by √d"),
    ("01.8", 0.1, "placement"),
    ("01.8", 36 * 0.1, "That uses d"),
    ("02.1", lambda L: causal_mask(L).T, "Transposed"),
    ("02.1", lambda L: causal_mask(L) != 0, "boolean mask"),
    ("02.1", lambda L: causal_mask(L).clamp(min=-500), "Not negative enough"),
    ("02.1", lambda L: torch.ones(L, L).tril(), "multiplicative"),
    ("02.1", lambda L: torch.zeros(L, L).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(), -math.inf),
     "diagonal"),
    ("02.1", lambda L: causal_mask(L + 1), "Wrong shape"),
    ("02.1", lambda L: torch.ones(L, L).triu(1) * float("-inf"), "0·inf"),
    ("02.1", lambda L: causal_mask(L).clamp(max=0).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(2), 0),
     "future key"),
    ("02.1", lambda L: -causal_mask(L), "has +∞"),
    ("02.3", unmasked_attention, "Still no mask"),
    ("02.3", masked_after_softmax, "after softmax"),
    ("02.3", unscaled_masked_attention, "1/√d"),
    ("02.3", lambda q, k: attention_weights(q, k, mask=causal_mask(q.shape[-2]).T), "future key"),
    ("02.3", lambda q, k: 0.5 * attention_weights(q, k, mask=causal_mask(q.shape[-2])), "does not sum to 1"),
    ("02.6", linear_bias(4, beta=0.75), "causal form"),
    ("02.6", 0.75 * torch.arange(4.0).expand(4, 4), "BLOOM"),
    ("02.6", 0.75 * linear_bias(4, beta=1.0).abs(), "Wrong sign"),
    ("03.1", 2.0 ** (-8 / 4), "misread"),
    ("03.1", 2.0 ** (-8 * 3 / 8), "Off by one"),
    ("03.1", 2.0 ** (8 * 4 / 8), "1/m"),
    ("03.2", "D", "fixed, not trained"),
    ("03.4", lambda n: 2.0 ** (-8.0 / torch.arange(1, n + 1)), "misread"),
    ("03.4", lambda n: paper_slopes(n).flip(0), "Reversed"),
    ("03.4", lambda n: 2.0 ** (-8.0 * torch.arange(0, n) / n), "starts at 1"),
    ("03.4", lambda n: 2.0 ** (-8.0 / torch.arange(n, 0, -1)), "in reverse order"),
    ("03.7", "A", "Two falling sequences with the same ends"),
]


@pytest.mark.parametrize("exercise_id, answer, hint", MISTAKES,
                         ids=[f"{m[0]}-{m[2]}" for m in MISTAKES])
def test_typical_mistake_gets_its_hint(exercise_id, answer, hint):
    result = check(exercise_id, answer)
    assert not result.passed
    assert hint in result.message, result.message


def test_every_notebook_01_to_03_has_at_least_four_exercises():
    for notebook in ("01", "02", "03"):
        assert sum(i.startswith(notebook + ".") for i in IDS) >= 4


def test_multiple_choice_accepts_only_its_correct_letter():
    for exercise_id in (i for i in IDS if core.get(i).choices):
        letter = solution(exercise_id)
        assert isinstance(letter, str), exercise_id
        verdicts = {c: check(exercise_id, c).passed for c in "ABCDE"}
        assert sum(verdicts.values()) == 1 and verdicts[letter.strip().upper()]


# --- the checkers follow the core math, not typed-in numbers -----------------------------------

def test_bias_checkers_follow_linear_bias(monkeypatch):
    assert check("01.2", solution("01.2")).passed
    monkeypatch.setattr(nb01, "linear_bias", lambda *a, **k: linear_bias(*a, **k) * 2)
    assert not check("01.1", solution("01.1")).passed
    assert not check("01.2", solution("01.2")).passed


def test_slope_checkers_follow_geometric_slopes(monkeypatch):
    assert check("03.4", solution("03.4")).passed and check("03.1", solution("03.1")).passed
    monkeypatch.setattr(nb03, "geometric_slopes", lambda n, dtype: geometric_slopes(n, dtype=dtype) * 2)
    assert not check("03.4", solution("03.4")).passed
    assert not check("03.1", solution("03.1")).passed


def test_book_beta_checker_runs_the_attention():
    d, m = nb01.B8_D, nb01.B8_SLOPE
    assert check("01.8", math.sqrt(d) * m).passed
    assert not check("01.8", math.sqrt(d) * m * 1.01).passed


def test_a_function_that_modifies_its_inputs_is_judged_on_the_original_ones():
    def fixed_but_destructive(q, k):
        weights = attention_weights(q, k, mask=causal_mask(q.shape[-2], dtype=q.dtype))
        q.zero_(), k.zero_()
        return weights

    assert check("02.3", fixed_but_destructive).passed


@pytest.mark.parametrize("notebook", ["00", "01", "02", "03", "04", "05", "06"])
def test_notebook_ships_each_exercise_with_placeholder_and_check(notebook):
    path = next((SOLUTIONS.parent).glob(f"{notebook}_*.ipynb"))
    cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    for exercise_id in (i for i in IDS if i.startswith(notebook + ".")):
        cell = next((c for c in cells if f'check("{exercise_id}", answer' in c), None)
        placeholder = re.search(r"^\w+ = \.\.\.", cell or "", re.M)  # answer = ... (04.4: prediction = ...)
        assert cell is not None and placeholder, f"{path.name}: no runnable cell for {exercise_id}"
        if core.get(exercise_id).choices:
            assert f'quiz("{exercise_id}")' in "\n".join(cells), f"{path.name}: no quiz widget for {exercise_id}"


def test_a_large_finite_mask_is_accepted_in_02_1_and_02_3_with_the_same_explanation():
    from alibi_edu.exercises.nb02 import FINITE_NOTE
    future = lambda L: torch.ones(L, L, dtype=torch.bool).triu(1)
    mask = check("02.1", lambda L: torch.zeros(L, L).masked_fill(future(L), -1e9))
    attention = check("02.3", lambda q, k: torch.softmax(
        (q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])).masked_fill(future(q.shape[-2]), -1e9), -1))
    assert mask.passed and attention.passed
    assert FINITE_NOTE in mask.message and FINITE_NOTE in attention.message


def test_a_removed_exercise_id_is_never_reused():
    from alibi_edu.exercises.core import RETIRED, Exercise, add
    assert RETIRED and not RETIRED & set(list_exercises())
    for exercise_id in RETIRED:
        with pytest.raises(ValueError, match="never reused"):
            add(Exercise(exercise_id, "a new exercise", lambda answer: None))
