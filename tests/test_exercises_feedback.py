"""Feedback never gives the answer away, every natural form of a right answer counts, hints climb.

For every exercise a battery of wrong, empty, malformed and junk answers: none passes, none raises,
and no message contains the expected value, entries or letter. The expected values are computed
here from the checkers' own data (module constants and alibi_edu's core), never typed in.
"""
import functools
import math
import re
import runpy
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import TRAINING_SOLUTIONS  # solutions that train a dozen models: slow

from alibi_edu import alibi_bias, attention_weights, causal_mask, geometric_slopes, linear_bias
from alibi_edu.exercises import check, core, list_exercises, nb00, nb01, nb02, nb03, nb04, nb05, nb06, questions

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
IDS = list_exercises()
KEYS = {q["id"]: q["key"] for f in resources.files(questions).iterdir() if f.name.endswith(".toml")
        for q in questions.load(f.read_text(encoding="utf-8"), f.name)}
# not numbers; 04.4, 04.5 and 05.6 train models: never run at collection
RUNS = ("05.1", "06.2", "04.4", "04.5", "05.6")
NUMERIC = [i for i in IDS if i not in KEYS and i not in RUNS and not callable(runpy.run_path(
    str(SOLUTIONS / f"{i.replace('.', '_')}.py"))["answer"])]


@functools.cache          # some solutions train models: once per session is enough
def solution(exercise_id):
    return runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]


def expected_values(exercise_id) -> list[float]:
    """The numbers a wrong-answer message must not show, from the checkers' own constants and the core."""
    f64 = torch.float64
    if exercise_id == "00.1":
        return [linear_bias(nb00.QUERY + 1, beta=nb00.BETA, dtype=f64)[nb00.QUERY, nb00.KEY].item()]
    if exercise_id == "01.1":
        return nb01.bias_at(nb01.A2_BETA, nb01.A2_QUERY, nb01.A2_KEYS).tolist()
    if exercise_id == "01.2":
        return torch.cat([linear_bias(n, beta=b, dtype=f64).flatten() for n, b in nb01.LINEAR_BIAS_CASES]).tolist()
    if exercise_id == "01.3":
        return nb01.bias_at(nb01.A3_BETA, nb01.A3_QUERY, nb01.A3_KEYS).tolist()
    if exercise_id == "01.7":
        return [math.sqrt(nb01.A5_D) * nb01.A5_SLOPE * (nb01.A5_NEAR - nb01.A5_FAR)]
    if exercise_id == "01.8":
        return [math.sqrt(nb01.B8_D) * nb01.B8_SLOPE]
    if exercise_id == "02.6":
        return alibi_bias(1, nb02.SYMMETRIC_LEN, slopes=torch.tensor([nb02.SYMMETRIC_SLOPE]), symmetric=True,
                          dtype=f64).flatten().tolist()
    if exercise_id == "03.1":
        return [geometric_slopes(nb03.F1_HEADS, f64)[nb03.F1_HEAD - 1].item()]
    if exercise_id == "03.4":
        return torch.cat([geometric_slopes(n, f64) for n, in nb03.POWER_OF_TWO_CASES]).tolist()
    if exercise_id == "04.1":
        return [b / math.sqrt(d) for b, d in nb04.CASES]
    if exercise_id == "05.2":
        return [math.floor(math.log(100) / m) for m in nb05.SLOPES]
    if exercise_id == "05.7":
        return [x for n, m in nb05.ROW_CASES for x in nb05.cached_row(n, m).tolist()]
    if exercise_id == "06.2":
        return [n for n in range(1, nb06.MAX_HEADS + 1) if n & (n - 1) == 0]
    if exercise_id == "06.3":
        return alibi_bias(nb06.ENC_HEADS, nb06.ENC_LENGTH, symmetric=True, dtype=f64).flatten().tolist()
    return []


def number_texts(x: float) -> set[str]:
    """How a number could be printed; single characters (0, 2, …) are too common to mean a leak."""
    if not math.isfinite(x) or x == 0:
        return set()
    texts = {f"{x:g}", f"{x:.6g}", f"{x:.4g}", f"{x:.3g}", repr(float(x))}
    if abs(x) < 1 and abs(1 / x - round(1 / x)) < 1e-9:
        texts.add(f"1/{round(1 / abs(x))}")
    return {t for t in texts if len(t.lstrip("-")) >= 2}


def reveals(message: str, values: list[float]) -> str | None:
    # a function's inputs and what it returned may be shown: they are the student's
    message = re.sub(r"[\w<>]+\([^()]*\)|returned \S+|called with [^)]*", "…", message)
    for x in values:
        for text in number_texts(x):
            if re.search(rf"(?<![\d.]){re.escape(text)}(?![\d^]|\.\d)", message):
                return text
    return None


def names_key(message: str, key: str) -> bool:
    return bool(re.search(rf"(option|answer|letter|choice|pick|choose)\s+{key}\b|[\"'(]{key}[\"').]|\b{key}\)",
                          message))


# --- the battery -------------------------------------------------------------------------------

def raises(*_args, **_kwargs):
    raise RuntimeError("student bug")


JUNK = [None, "", "x", "   ", 0, -1, 3.5, math.nan, math.inf, [], [0, 0], {}, set(), object(), raises,
        lambda *a, **k: None, lambda *a, **k: "junk", torch.zeros(0), torch.full((3, 3), math.nan), 10 ** 400,
        np.array(["a", "b"]), [object()], (1, "a")]


def wrong_answers(exercise_id) -> list:
    right = solution(exercise_id)
    if exercise_id in KEYS:
        return [c for c in core.get(exercise_id).choices if c != KEYS[exercise_id]] + ["E", "AB", "option", "Z)", 1]
    if exercise_id == "05.1":
        return [{"alibi"}, {"none"}, {"sinusoidal"}, {"rope", "none"}, {"alibi", "sinusoidal", "rope"},
                ["learned"], "sinusoidal, rope"]
    if exercise_id == "06.2":
        return [[2, 4, 8, 16], [1, 2, 4, 8], list(range(1, 17)), [1, 2, 3, 4], [3, 5], [1.5], [0, 1, 2]]
    if exercise_id == "04.4":                  # the solution's run, with a prediction it contradicts or no run
        return [dict(right, prediction="lower"), dict(right, prediction="same"), {"prediction": "higher"}]
    if exercise_id == "05.6":                  # the solution's run, with a prediction it contradicts or no run
        return [dict(right, prediction="lower"), dict(right, prediction="same"), {"prediction": "higher"}]
    if exercise_id == "04.5":                  # the solution's run, with a wrong choice, tie or test loss
        return [dict(right, beta=0.3), dict(right, tied=[0.3]), dict(right, test=0.0), {"beta": 3}]
    if exercise_id == "02.1":
        return [lambda L: causal_mask(L).T, lambda L: causal_mask(L) + 1, lambda L: torch.zeros(L, L),
                lambda L: causal_mask(L) != 0, lambda L: -causal_mask(L), lambda L: causal_mask(L + 1)]
    if callable(right):
        if exercise_id == "06.1":
            return [lambda s, b, h, qi, ki: s + 2 * (right(s, b, h, qi, ki) - s),
                    lambda s, b, h, qi, ki: s - (right(s, b, h, qi, ki) - s), lambda s, b, h, qi, ki: s]
        return [lambda *a: 2 * torch.as_tensor(right(*a)), lambda *a: -torch.as_tensor(right(*a)),
                lambda *a: torch.as_tensor(right(*a)) + 1, lambda *a: 0 * torch.as_tensor(right(*a)),
                lambda *a: 8 * torch.as_tensor(right(*a)), lambda *a: torch.as_tensor(right(*a)) * 1.05]
    t = torch.as_tensor(right, dtype=torch.float64)
    shift = [] if exercise_id == "06.3" else [t + 1]          # 06.3: a constant per row changes no weight
    return shift + [2 * t, -t, 0 * t, 8 * t, t / 3, t * 1.05, t.tolist() + [1.0] if t.ndim else [t.item(), 1.0]]


# Wrong answers built from a solution that trains models are made when the test runs, not at collection;
# those of 04.4, 04.5 (a dozen models each) and 05.6 (three) are slow.
TRAINED = {"04.4": 3, "04.5": 4, "05.6": 3}    # how many wrong answers wrong_answers() makes for each
LATER = object()


def slow_if_trains(exercise_id) -> list:
    return [pytest.mark.slow] if exercise_id in TRAINING_SOLUTIONS else []


def cases(exercise_id):
    made = [LATER] * TRAINED[exercise_id] if exercise_id in TRAINED else wrong_answers(exercise_id)
    return [pytest.param(exercise_id, n, a, id=f"{exercise_id}-{n}",
                         marks=slow_if_trains(exercise_id) if a is LATER else [])
            for n, a in enumerate(made + JUNK)]


CASES = [case for i in IDS for case in cases(i)]


@pytest.mark.parametrize("exercise_id", [pytest.param(i, marks=slow_if_trains(i)) for i in TRAINED])
def test_wrong_answers_made_later_are_counted_right(exercise_id):
    assert len(wrong_answers(exercise_id)) == TRAINED[exercise_id]


@pytest.mark.parametrize("exercise_id, n, answer", CASES)
def test_no_wrong_answer_passes_raises_or_reveals(exercise_id, n, answer):
    if answer is LATER:
        answer = wrong_answers(exercise_id)[n]
    for attempt in range(3):                     # every rung of the ladder
        result = check(exercise_id, answer)
        assert isinstance(result, core.Result)
        assert not result.passed, f"{exercise_id} accepted {answer!r:.60}"
        assert result.message and "Traceback" not in result.message
        leak = reveals(result.message, expected_values(exercise_id))
        assert leak is None, f"{exercise_id}: message shows {leak!r}: {result.message}"
        if exercise_id in KEYS:
            assert not names_key(result.message, KEYS[exercise_id]), result.message
        if exercise_id == "05.1":
            rest = result.message.replace(str(list(nb05.CURVE_METHODS)), "")
            assert not {"sinusoidal", "rope"} & set(re.findall(r"\w+", rest)), result.message
        if exercise_id == "06.2":
            assert "[1, 2, 4, 8, 16]" not in result.message
            assert attempt > 0 or "power" not in re.sub(r"is 1 a power of two|power_of_two_formula", "", result.message)


def test_a_malformed_multiple_choice_answer_gets_the_same_reply_whatever_the_key():
    by_letters = {}
    for exercise_id in KEYS:
        letters = tuple(core.get(exercise_id).choices)
        message = check(exercise_id, "").message
        by_letters.setdefault(letters, set()).add(message)
        assert message == questions.malformed_message(list(letters))
    assert all(len(messages) == 1 for messages in by_letters.values())


def test_a_fully_masked_row_of_nan_names_zero_times_infinity():
    message = check("02.1", lambda L: torch.ones(L, L).triu(1) * float("-inf")).message
    assert "0·inf" in message


# --- every natural form of every right answer ----------------------------------------------------

def number_forms(right) -> list:
    t = torch.as_tensor(right, dtype=torch.float64)
    forms = [t, t.float(), t.numpy(), t.tolist()]
    if t.ndim == 0 or t.numel() == 1:
        x = t.item()
        forms += [x, np.float64(x), np.float32(x), torch.tensor(x), torch.tensor([x]).float()]
        forms += [int(x)] if x == int(x) else []
    else:
        forms += [tuple(t.tolist()), t.float().numpy()]
    return forms


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_every_number_form_of_a_right_answer_passes(exercise_id):
    for form in number_forms(solution(exercise_id)):
        result = check(exercise_id, form)
        assert result.passed, f"{exercise_id} rejected {type(form).__name__}: {result.message}"


FUNCTIONS = [i for i in IDS if i not in RUNS and callable(solution(i)) and i != "06.1"]


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
@pytest.mark.parametrize("convert", [lambda x: torch.as_tensor(x).float(), lambda x: np.asarray(torch.as_tensor(x)),
                                     lambda x: torch.as_tensor(x).double()], ids=["float32", "numpy", "float64"])
def test_a_function_may_return_a_tensor_or_numpy_value(exercise_id, convert):
    right = solution(exercise_id)
    result = check(exercise_id, lambda *a: convert(right(*a)))
    assert result.passed, result.message


@pytest.mark.parametrize("exercise_id", list(KEYS))
def test_every_way_of_writing_the_letter_passes(exercise_id):
    key = KEYS[exercise_id]
    for form in (key, key.lower(), f" {key} ", f"({key})", f"{key}.", f"{key})"):
        assert check(exercise_id, form).passed, form


@pytest.mark.parametrize("answer", [{1, 2, 4, 8, 16}, (1, 2, 4, 8, 16), np.array([16, 8, 4, 2, 1]),
                                    torch.tensor([1, 2, 4, 8, 16])])
def test_a_set_of_head_counts_counts(answer):
    assert check("06.2", answer).passed


def test_float32_attention_passes():
    def fixed(q, k):
        q, k = q.float(), k.float()
        return attention_weights(q, k, mask=causal_mask(q.shape[-2]))
    assert check("02.3", fixed).passed


# --- the hint ladder -------------------------------------------------------------------------------

def ladder(exercise_id, wrong) -> list[str]:
    return [check(exercise_id, wrong).message for _ in range(3)]


@pytest.mark.parametrize("exercise_id, wrong", [("00.1", 4.0), ("01.2", lambda L, b: linear_bias(L, beta=2 * b)),
                                                ("01.4", "A")])
def test_hints_climb_then_reset_on_a_pass(exercise_id, wrong, monkeypatch):
    monkeypatch.chdir(SOLUTIONS.parent)                 # where a notebook's kernel runs
    first, second, third = ladder(exercise_id, wrong)
    reread = core.get(exercise_id).reread
    assert reread not in first and "%load" not in first
    assert second.startswith(first) and reread in second and "%load" not in second
    assert third.startswith(second) and f"%load solutions/{exercise_id.replace('.', '_')}.py" in third
    assert core.attempts(exercise_id) == 3
    assert check(exercise_id, solution(exercise_id)).passed
    assert core.attempts(exercise_id) == 0
    assert check(exercise_id, wrong).message == first


def test_without_solution_files_the_third_hint_points_to_the_instructor(tmp_path, monkeypatch):
    from alibi_edu.exercises import solutions
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(solutions, "PACKAGE_SOLUTIONS", tmp_path / "none")   # a handout: no course clone either
    third = ladder("00.1", 4.0)[2]
    assert "%load" not in third and "instructor" in third


def test_from_another_folder_the_third_hint_offers_the_course_clones_solution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                         # e.g. a kernel started in the project root
    third = ladder("00.1", 4.0)[2]
    assert f"%load {SOLUTIONS / '00_1.py'}" in third and "instructor" not in third


def test_the_verdict_never_depends_on_the_attempt_count():
    for _ in range(5):
        assert not check("03.1", 0.5).passed
    for _ in range(3):
        assert check("03.1", solution("03.1")).passed


def test_every_exercise_has_something_to_reread():
    assert all(core.get(i).reread.strip() for i in IDS)


def test_the_placeholder_does_not_climb_the_ladder():
    for _ in range(3):
        check("00.1", ...)
    assert core.attempts("00.1") == 0


# --- students see questions, not the outline's labels ---------------------------------------------

LABEL = re.compile(r"\bQ-[A-G]\d\b|\b[A-G]\d\s*[—–-]|\b[A-G]–[A-G]\b|\b[DE][1-3]\b|\bconcept [A-G]\b")


@pytest.mark.parametrize("exercise_id", [pytest.param(i, marks=slow_if_trains(i)) for i in IDS])
def test_no_outline_label_in_titles_questions_or_messages(exercise_id):
    ex = core.get(exercise_id)
    texts = [ex.title, ex.question, ex.reread, *ex.choices.values(), check(exercise_id, solution(exercise_id)).message]
    texts += [check(exercise_id, w).message for w in wrong_answers(exercise_id)[:3]]
    for text in texts:
        assert not LABEL.search(text), f"{exercise_id}: {text}"


def test_the_quiz_widget_checks_the_pressed_letter():
    from alibi_edu.exercises import quiz
    box = quiz("06.7")
    assert box.accessible_name == core.get("06.7").question
    wrong = next(c for c in core.get("06.7").choices if c != KEYS["06.7"])
    box.answer(wrong)
    assert "Not yet" in box.feedback_text and core.attempts("06.7") == 1
    box.answer(KEYS["06.7"])
    assert "Correct" in box.feedback_text and core.attempts("06.7") == 0


@pytest.mark.parametrize("exercise_id", IDS)
def test_what_to_reread_names_sections_that_exist(exercise_id):
    """A “quoted” section in the second hint must be found in the notebook it points to."""
    import json
    reread = core.get(exercise_id).reread
    other = re.match(r"notebook (\d\d)", reread)
    notebook = other.group(1) if other else exercise_id[:2]
    path = next(SOLUTIONS.parent.glob(f"{notebook}_*.ipynb"))
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "markdown")
    for name in re.findall(r"“([^”]+)”", reread):
        plain = name.replace("·", "").replace(" ", "").lower()
        assert plain in text.replace("\\sqrt", "√").replace("·", "").replace(" ", "").replace("$", "").lower(), \
            f"{exercise_id}: {path.name} has no section “{name}”"


# --- a size hint is coarse: no factor from which the answer follows ----------------------------------

FACTOR = re.compile(r"factor of \d|\d\s*%(?!\))|\d\s*×|×\s*\d|\d+ times (?:too|as)", re.I)


@pytest.mark.parametrize("exercise_id", NUMERIC)
@pytest.mark.parametrize("scale", [2.0, 3.0, 0.5, 1 / 3, 1.3, 12.0, 0.05])
def test_a_size_hint_never_states_the_factor(exercise_id, scale):
    right = torch.as_tensor(solution(exercise_id), dtype=torch.float64)
    message = check(exercise_id, right * scale).message
    assert not FACTOR.search(message), f"{exercise_id} ×{scale:g}: {message}"
