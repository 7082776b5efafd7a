"""The exam handout: no key or reference value of a graded exercise in any file of the copy; in it check() and quiz
record and check the form, the same reply for a right and a wrong answer; the full grader judges an exam submission
exactly like a practice one."""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import torch

from alibi_edu import handout
from alibi_edu.exercises import core, list_exercises
from alibi_edu.exercises.exam import FORMS, Function, Mapping, Random

pytestmark = pytest.mark.kernel          # fresh Python processes and kernels: make test, not make test-fast
HANG = 3600  # seconds: catches a hang; a slow or busy machine never comes near it (no test here times training)

ROOT = handout.ROOT
QUESTIONS = ROOT / "alibi_edu" / "exercises" / "questions"
SOLUTIONS = ROOT / "notebooks" / "solutions"
ITEMS = {q["id"]: q for path in sorted(QUESTIONS.glob("nb*.toml"))
         for q in tomllib.loads(path.read_text())["question"]}
CHECKERS = [i for i in list_exercises() if i not in ITEMS]


def solution_answer(exercise_id: str):
    """The `answer` the course's solution file computes (run in notebooks/, as a student would)."""
    text = (SOLUTIONS / (exercise_id.replace(".", "_") + ".py")).read_text()
    code = "\n".join(line for line in text.splitlines() if not re.match(r"\s*check\(", line))
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(ROOT / "notebooks")
    try:
        exec(compile(code, exercise_id, "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace["answer"]


def reference_texts(exercise_id: str) -> set[str]:
    """How the reference answer's values would be written: each distinctive number, and the whole answer."""
    form = FORMS[exercise_id]
    if isinstance(form, Mapping):        # a run handed in (a dict): no single value to look for; its solution trains
        return set()
    answer = solution_answer(exercise_id)
    if isinstance(form, Function):
        answer = answer(*(a.make(k) if isinstance(a, Random) else a for k, a in enumerate(form.args)))
    if callable(answer) or isinstance(answer, (dict, set, frozenset)):
        return set()
    values = torch.as_tensor(answer, dtype=torch.float64).flatten().tolist()
    texts = {f"{x:g}" for x in values if math.isfinite(x) and x != round(x)
             and len(f"{x:g}".lstrip("-").replace("0.", "").replace(".", "")) >= 3}     # 0.0625, not 0.5
    if 1 < len(values) <= 16:
        texts |= {", ".join(f"{x:g}" for x in values), ", ".join(repr(x) for x in values)}
    return texts


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "exam"
    handout.build(out, exam=True)
    return out


def files_of(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def question_texts() -> list[str]:
    """What every student is shown anyway: the questions and their options."""
    return sorted({t for q in ITEMS.values() for t in [q["question"], *q["options"].values()]}, key=len, reverse=True)


def test_no_key_why_or_hint_in_any_file(copy):
    contents = files_of(copy)
    assert any(name.endswith(".ipynb") for name in contents) and "alibi_edu/exercises/nb01.py" in contents
    for exercise_id, q in ITEMS.items():
        for text in [q["why"], q["reread"], *q["hints"].values()]:
            hits = [name for name, c in contents.items() if text in c or json.dumps(text)[1:-1] in c]
            assert not hits, (exercise_id, text[:50], hits)
    for name, c in contents.items():
        if name.endswith(".toml"):
            assert not re.search(r'^\s*(key|why|reread)\s*=', c, flags=re.M) and "[question.hints]" not in c, name


def test_no_reference_value_in_any_file(copy):
    contents = files_of(copy)
    for name in contents:                                  # the questions themselves are every student's to read
        for text in question_texts():
            contents[name] = contents[name].replace(text, "").replace(json.dumps(text)[1:-1], "")
    searched = 0
    for exercise_id in CHECKERS:
        for text in reference_texts(exercise_id):
            searched += 1
            hits = [name for name, c in contents.items() if text in c]
            assert not hits, (exercise_id, text, hits)
    assert searched > 40


def test_no_checker_code_and_no_output_in_the_copy(copy):
    stubs = {p.name: p.read_text() for p in (copy / "alibi_edu" / "exercises").glob("nb*.py")}
    for name, text in stubs.items():
        assert "record_only(" in text and "import torch" not in text and "mistakes" not in text, name
        assert "def " not in text, name
    for path in (copy / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        assert all(c.get("outputs", []) == [] for c in nb["cells"] if c["cell_type"] == "code"), path.name
    assert "does not say whether it is right" in (copy / "README.md").read_text()


EXAM_PROBE = r'''
import json, sys, torch
from alibi_edu.exercises import check, core
from alibi_edu.exercises.exam import FORMS
probes = json.loads(sys.argv[1])
out = {}
for exercise_id, answers in probes.items():
    replies = []
    for answer in answers:
        r = check(exercise_id, answer if not isinstance(answer, dict) else {k: v for k, v in answer.items()})
        replies.append([r.passed, r.kind, r.message])
    out[exercise_id] = replies
print(json.dumps({"file": core.__file__, "replies": out}))
'''


def run_in(copy: Path, code: str, *args: str) -> dict:
    """code in a fresh Python on the exam copy, in quick mode: these tests are about replies, not numbers."""
    env = {**os.environ, "PYTHONPATH": str(copy), "ALIBI_EDU_QUICK": "1"}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                          timeout=HANG, cwd=copy / "notebooks")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_letter_and_many_numbers_reveal_nothing(copy):
    probes = {i: list("ABCDEFGH"[:len(q["options"])]) for i, q in ITEMS.items()}
    numbers = [-1e6, -16, -4.0, -2.5, -2, -1, -0.5, 0, 1 / 16, 0.25, 0.5, 1, 2, 2.5, 4, 8, 16, 1e6]
    probes |= {"00.1": numbers, "01.7": numbers, "01.8": numbers, "03.1": numbers,
               "01.1": [[a, b] for a in (-4.0, -2.5, 0) for b in (-4.0, -2.5, 1)]}
    out = run_in(copy, EXAM_PROBE, json.dumps(probes))
    assert out["file"].startswith(str(copy))                   # the copy's package, not the course's
    for exercise_id, replies in out["replies"].items():
        answers = probes[exercise_id]
        assert all(not passed and kind == "recorded" for passed, kind, _ in replies), exercise_id
        texts = {message.replace(f"Recorded: {a}.", "Recorded: ?.") for a, (_, _, message) in zip(answers, replies)}
        assert len(texts) == 1, (exercise_id, texts)


RIGHT_AND_WRONG = r'''
import dataclasses, json, os, re, sys
from alibi_edu import lm
from alibi_edu.exercises import check
_sweep = lm.seed_sweep
def tiny_sweep(*args, config=None, **options):   # replies, not numbers: the what-if solutions train 2 steps here
    return _sweep(*args, config=dataclasses.replace(config, steps=2) if config else config, **options)
lm.seed_sweep = tiny_sweep
def solution(exercise_id):
    text = open(os.path.join(sys.argv[1], "notebooks", "solutions", exercise_id.replace(".", "_") + ".py")).read()
    ns = {"__name__": "__main__"}
    exec("\n".join(l for l in text.splitlines() if not re.match(r"\s*check\(", l)), ns)
    return ns["answer"]
def wrong(answer):
    import torch
    if callable(answer):
        return lambda *a, **k: answer(*a, **k) * 2 + 1
    if isinstance(answer, (set, frozenset)):
        return {"alibi"}
    if isinstance(answer, dict):  # a training run handed in: 03.8's losses, 04.4's prediction, 04.5's choice
        if "own" in answer:
            return {**answer, "own": [x + 1 for x in answer["own"]]}
        if "prediction" in answer:
            return {**answer, "prediction": "lower" if answer["prediction"] == "higher" else "higher"}
        return {**answer, "beta": 123.0}
    if isinstance(answer, list) and all(isinstance(x, int) for x in answer):
        return answer[:-1] + [3]
    return torch.as_tensor(answer, dtype=torch.float64) * 1.37 + 0.5
out = {}
for exercise_id in json.loads(sys.argv[2]):
    right = solution(exercise_id)
    replies = (check(exercise_id, right), check(exercise_id, wrong(right)))
    out[exercise_id] = [[r.passed, r.kind, r.message] for r in replies]
print(json.dumps(out))
'''


def test_a_right_and_a_wrong_answer_get_the_same_reply(copy):
    out = run_in(copy, RIGHT_AND_WRONG, str(ROOT), json.dumps(CHECKERS))
    assert sorted(out) == sorted(CHECKERS)
    for exercise_id, (right, wrong) in out.items():
        assert right == wrong and right[1] == "recorded", (exercise_id, right, wrong)
        assert "right" not in right[2].replace("whether it is right", ""), right[2]


def test_only_the_graded_exercises_lose_their_keys(tmp_path):
    handout.build(tmp_path / "h", exam=True, graded={"01.4", "02.1"})
    exercises = tmp_path / "h" / "alibi_edu" / "exercises"
    assert (exercises / "nb01.py").read_text() == (ROOT / "alibi_edu/exercises/nb01.py").read_text()
    assert "record_only('02.1'" in (exercises / "nb02.py").read_text()
    items = {q["id"]: q for q in tomllib.loads((exercises / "questions" / "nb01.toml").read_text())["question"]}
    assert "key" not in items["01.4"] and items["01.5"]["key"] == ITEMS["01.5"]["key"]
    assert (exercises / "questions" / "nb03.toml").read_text() == (QUESTIONS / "nb03.toml").read_text()


def test_exam_with_solutions_is_refused(tmp_path):
    with pytest.raises(ValueError, match="ship the answers"):
        handout.build(tmp_path / "h", exam=True, solutions=True)


def test_every_checker_exercise_declares_its_answer_form():
    assert sorted(CHECKERS) == sorted(FORMS)


def test_the_grader_judges_an_exam_submission_like_a_practice_one(copy, tmp_path):
    import nbformat

    from alibi_edu.grade import grade
    answers = {"01.1": "answer = [-2.5, -4.0]", "01.3": "answer = [1.0, 5.0]", "01.4": 'answer = "A"',
               "01.5": f'answer = "{ITEMS["01.5"]["key"]}"', "01.8": "answer = 0.25"}
    paths = []
    for kind, folder in (("exam", copy / "notebooks"), ("practice", ROOT / "notebooks")):
        nb = nbformat.read(next(folder.glob("01_*.ipynb")), as_version=4)
        for exercise_id, code in answers.items():
            pattern = re.compile(r"""check\(\s*["']""" + re.escape(exercise_id) + r"""["']""")
            k = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code" and pattern.search(c.source))
            nb.cells[k].source = f'{code}\ncheck("{exercise_id}", answer)'
        paths.append(tmp_path / f"01_score_computation-{kind}.ipynb")
        nbformat.write(nb, paths[-1])
    exam, practice = grade(paths, timeout=HANG)
    assert exam.status == practice.status == "ok"
    assert exam.verdicts == practice.verdicts and exam.messages == practice.messages
    assert exam.verdicts["01.1"] == "pass" and exam.verdicts["01.3"] == "fail" and exam.verdicts["01.2"] == "unanswered"
    assert core.get("01.8") and exam.kinds == practice.kinds


QUIZ_PROBE = r'''
import json
import alibi_edu
from alibi_edu.exercises import quiz
assert alibi_edu.__file__.startswith(COPY), alibi_edu.__file__
replies = []
for letter in "ABCD":
    box = quiz("01.4")
    box.answer(letter)                                                   # what pressing its button does
    replies.append(box.feedback_text.replace(f"Recorded: {letter}.", "Recorded: ?."))
print(json.dumps(replies))
'''


def test_a_quiz_records_a_choice_without_judging_it(copy):
    env = {**os.environ, "PYTHONPATH": str(copy)}
    probe = QUIZ_PROBE.replace("COPY", repr(str(copy)))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=HANG,
                          cwd=copy / "notebooks")                        # not the course's folder: its package
    assert done.returncode == 0, done.stderr
    replies = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(set(replies)) == 1 and "● Recorded" in replies[0] and "Correct" not in replies[0]
