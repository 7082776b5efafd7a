"""The exercise registry: check(id, answer) -> Result, never a traceback, never the answer.

A notebook's exercises live in exercises/nbNN.py (checkers, registered with @exercise) and
exercises/questions/nbNN.toml (multiple choice, registered by questions.register). A checker
returns passed(why) or failed(hint); the hint names the mistake, a direction or a failing
property, never the expected value. check() adds the hint ladder: the 2nd wrong attempt also
says what to reread, the 3rd and later also offer the solution file. A pass resets the ladder.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import store

PLACEHOLDER_MESSAGE = "Not answered yet: replace the `...` placeholder with your answer and run the cell again."


@dataclass(frozen=True)
class Result:
    """The outcome of one check: .passed and a short .message (a why when right, a hint when wrong)."""
    passed: bool
    message: str
    exercise_id: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "✓" if self.passed else "✗"
        return f"{mark} {self.exercise_id}: {self.message}".replace(" : ", ": ")

    def _repr_html_(self) -> str:
        color, mark = ("#1a7f37", "✓ Correct") if self.passed else ("#b35900", "✗ Not yet")
        return (f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">'
                f'<b style="color:{color}">{mark}</b> <span style="opacity:.7">[{html.escape(self.exercise_id)}]</span> '
                f'{html.escape(self.message)}</div>')


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    checker: Callable[[Any], Result]
    reread: str = ""                                        # the formula or section the 2nd hint points to
    question: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # letter -> text, for multiple choice

    @property
    def solution_file(self) -> str:
        return f"solutions/{self.id.replace('.', '_')}.py"


_REGISTRY: dict[str, Exercise] = {}
_ATTEMPTS: dict[str, int] = {}      # wrong attempts since the last pass, per exercise, in this kernel


def passed(message: str) -> Result:
    return Result(True, message)


def failed(message: str) -> Result:
    return Result(False, message)


def exercise(exercise_id: str, title: str, reread: str) -> Callable:
    """Decorator: register `checker(answer) -> Result` under exercise_id ("NN.k")."""
    def register(checker: Callable[[Any], Result]) -> Callable[[Any], Result]:
        add(Exercise(exercise_id, title, checker, reread))
        return checker
    return register


def check(exercise_id: str, answer: Any, *, record: bool = True) -> Result:
    """Check an answer. Wrong, junk or raising answers give a failed Result with a hint, never an exception.

    record=False (for graders) leaves the progress file and the hint ladder alone.
    """
    ex = get(exercise_id)
    if answer is Ellipsis:
        return Result(False, PLACEHOLDER_MESSAGE, ex.id)
    try:
        result = ex.checker(answer)
    except Exception as err:  # a checker must never show a student a traceback
        result = failed(f"Could not check this answer ({type(err).__name__}). "
                        "Look at the type and shape the exercise asks for.")
    if not record:
        return Result(result.passed, result.message, ex.id)
    store.record(ex.id, result.passed)
    if result.passed:
        _ATTEMPTS.pop(ex.id, None)
        return Result(True, result.message, ex.id)
    _ATTEMPTS[ex.id] = _ATTEMPTS.get(ex.id, 0) + 1
    return Result(False, climb(ex, result.message, _ATTEMPTS[ex.id]), ex.id)


def climb(ex: Exercise, hint: str, attempt: int) -> str:
    """The hint ladder: 1st wrong attempt the hint, 2nd also what to reread, 3rd+ also the solution file."""
    message = hint
    if attempt >= 2 and ex.reread:
        message += f" Reread: {ex.reread}"
    if attempt >= 3 and Path(ex.solution_file).is_file():       # notebooks run in notebooks/, next to solutions/
        message += (f" Still stuck? Run `%load {ex.solution_file}` in a new cell, read it, then run it: "
                    "it checks itself.")
    elif attempt >= 3:                                            # a handout without solutions
        message += " Still stuck? Ask your instructor, with the answer you tried."
    return message


def attempts(exercise_id: str) -> int:
    """Wrong attempts at one exercise since its last pass, in this kernel."""
    return _ATTEMPTS.get(get(exercise_id).id, 0)


def get(exercise_id: str) -> Exercise:
    if exercise_id not in _REGISTRY:
        raise KeyError(f"unknown exercise id {exercise_id!r}; list_exercises() gives the known ones")
    return _REGISTRY[exercise_id]


def list_exercises() -> list[str]:
    """All exercise ids, in notebook order."""
    return sorted(_REGISTRY, key=lambda i: tuple(int(p) for p in i.split(".")))


def add(ex: Exercise) -> None:
    if not re.fullmatch(r"\d\d\.\d+", ex.id):
        raise ValueError(f"exercise id {ex.id!r} is not of the form 'NN.k'")
    if ex.id in _REGISTRY:
        raise ValueError(f"exercise id {ex.id!r} is registered twice")
    _REGISTRY[ex.id] = ex


def short(answer: Any) -> str:
    """A short description of an answer for a message: its type, and its value only when that is short."""
    shape = getattr(answer, "shape", None)
    if shape is not None and len(shape) > 0:
        return f"{type(answer).__name__} of shape {tuple(shape)}"
    if isinstance(answer, (list, tuple, set, frozenset, dict)) and answer:
        return f"{type(answer).__name__} of {len(answer)} item{'s' if len(answer) > 1 else ''}"
    text = repr(answer)
    return f"{type(answer).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"
