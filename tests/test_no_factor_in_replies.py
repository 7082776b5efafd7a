"""No reply states the multiplier from the student's answer to the key.

A hint may name a missing or extra operation ("the 1/√d that divides q·k but not the bias is missing"), never the
factor or the one step that turns the wrong answer into the right one ("8× too gentle", "must be √d times m",
"twice", "multiply it by β"). Every exercise of every notebook is probed with answers off by ×2, ×4, ×8, ×d and ×√d
(both ways) from the key; every wrong option of every quiz is tried; every rung's reread text and every string a
checker module can reply with are read. (test_exercises_feedback.py rejects the value, the letter and coarse-size
factors; test_exercises_questions.py rejects a hint that quotes or names another option.)
"""
import ast
import functools
import math
import re
import runpy
from importlib import resources
from pathlib import Path

import pytest
import torch

from alibi_edu import exercises
from alibi_edu.exercises import check, core, list_exercises, questions

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
IDS = list_exercises()
KEYS = {q["id"]: q["key"] for f in resources.files(questions).iterdir() if f.name.endswith(".toml")
        for q in questions.load(f.read_text(encoding="utf-8"), f.name)}
TRAINS = {"03.8", "04.4", "04.5", "05.6"}      # their answers are runs: read statically below, not probed
D = (16, 32, 36, 64)                            # the head sizes the course uses
FACTORS = sorted({2.0, 4.0, 8.0, *map(float, D), *(math.sqrt(d) for d in D)})

# "8×", "× 8", "×√d", "times", "twice", "double", "half as", "a factor", "off by √d", "multiply it by", "√d, not d"
MULTIPLIER = re.compile(
    r"[\d}]\s*×|×\s*(?:\d|√|d\b|\{)|\btimes\b|\btwice\b(?! (?:its|the) standard error)|\bdoubled?\b|\bhalved?\b|"
    r"\bhalf (?:as|of)\b|\bfactor\b|\boff by (?!an order|one\b)|\b(?:multiply|divide|scale)\b[^.;:]{0,30}?\bby\b|"
    r"\bnot √?d\b", re.I)


def states_multiplier(message: str) -> str | None:
    hit = MULTIPLIER.search(message)
    return hit.group(0) if hit else None


@functools.cache
def solution(exercise_id):
    return runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]


def scaled(exercise_id, f):
    """The key times f, in the answer's own form."""
    right = solution(exercise_id)
    if exercise_id == "06.1":                         # a score_mod: scale the bias it adds, not the score
        return lambda s, b, h, qi, ki: s + f * (right(s, b, h, qi, ki) - s)
    if callable(right):
        return lambda *a: f * torch.as_tensor(right(*a), dtype=torch.float64)
    if isinstance(right, (set, frozenset)):
        return None
    return (torch.as_tensor(right, dtype=torch.float64) * f).tolist()


PROBED = [i for i in IDS if i not in KEYS and i not in TRAINS]


@pytest.mark.parametrize("exercise_id", PROBED)
def test_an_answer_off_by_a_factor_is_not_told_the_factor(exercise_id):
    told = []
    for f in FACTORS:
        for factor in (f, 1 / f):
            answer = scaled(exercise_id, factor)
            if answer is None:
                continue
            result = check(exercise_id, answer, record=False)
            hit = None if result.passed else states_multiplier(result.message)
            if hit:
                told.append(f"×{factor:.4g} → {hit!r}: {result.message}")
    assert not told, f"{exercise_id}:\n" + "\n".join(told)


@pytest.mark.parametrize("exercise_id", sorted(KEYS, key=lambda i: tuple(map(int, i.split(".")))))
def test_no_quiz_hint_states_a_multiplier(exercise_id):
    told = []
    for letter in core.get(exercise_id).choices:
        if letter != KEYS[exercise_id]:
            message = check(exercise_id, letter, record=False).message
            if states_multiplier(message):
                told.append(f"{letter}: {message}")
    assert not told, f"{exercise_id}:\n" + "\n".join(told)


@pytest.mark.parametrize("exercise_id", IDS)
def test_what_to_reread_states_no_multiplier(exercise_id):
    reread = core.get(exercise_id).reread
    assert not states_multiplier(reread), f"{exercise_id}: {reread}"


# --- every string a checker module can reply with, including the exercises that train models ----------------------

def reply_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in a checker module, f-strings joined, minus what only a pass says:
    passed(...)'s message and a match_* call's `why` (its third argument)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            why = node.args[:1] if name == "passed" else node.args[2:3] if name.startswith("match_") else []
            why += [k.value for k in node.keywords if k.arg == "why"]
            for arg in why:
                skip |= {id(n) for n in ast.walk(arg)}
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):    # docstrings
            skip.add(id(node.value))
    texts = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            skip |= {id(n) for n in ast.walk(node)}
            texts.append((node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append((node.lineno, node.value))
    return texts


MODULES = sorted(Path(exercises.__file__).parent.glob("nb0*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_no_checker_string_states_a_multiplier(path):
    told = [f"{path.name}:{line}: {hit!r} in {text!r}" for line, text in reply_strings(path)
            if (hit := states_multiplier(text))]
    assert not told, "\n".join(told)


def test_the_rule_can_fail():
    for said in ("8× too gentle", "must be √d times m", "about twice as large", "Off by √d: the bias is outside",
                 "That is j − i alone: multiply it by β.", "The scale is √d, not d.", "a factor of 4 too small",
                 "{…}× too gentle"):
        assert states_multiplier(said), said
    for fine in ("far too large, off by an order of magnitude or more.", "too small, by a wide margin.",
                 "The 1/√d that divides q·k but not the bias is missing.", "the sign is wrong.",
                 "β is missing from the product.", "Off by one head: k counts from 1.",
                 "a difference that exceeds twice its standard error is unlikely to be noise."):
        assert not states_multiplier(fine), fine
    strings = [text for _, text in reply_strings(MODULES[1])]
    assert any("Wrong sign" in s for s in strings) and not any(s.startswith("β = √d·m = ") for s in strings)
