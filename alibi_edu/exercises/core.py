"""The exercise registry: check(id, answer) -> Result, never a traceback, never the answer.

A notebook's exercises live in exercises/nbNN.py (checkers, registered with @exercise) and
exercises/questions/nbNN.toml (multiple choice, registered by questions.register). A checker
returns passed(why) or failed(hint); the hint names the mistake, a direction or a failing
property, never the expected value. check() adds the hint ladder: the 2nd wrong attempt also
says what to reread, the 3rd and later also offer the solution file. A pass resets the ladder.

A Result is data: its .kind (right, wrong, malformed, unanswered, a named mistake, or recorded in an
exam copy), .where it differs, and .checks (passed, total) when an answer faces several independent
checks; code branches on these, never on the message text.
"""
from __future__ import annotations

import html
import linecache
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from . import store

PLACEHOLDER_MESSAGE = "Not answered yet: replace the `...` placeholder with your answer and run the cell again."


RIGHT, WRONG, MALFORMED, UNANSWERED, MISTAKE, RECORDED = (
    "right", "wrong", "malformed", "unanswered", "mistake", "recorded")
KINDS = (RIGHT, WRONG, MALFORMED, UNANSWERED, MISTAKE, RECORDED)


@dataclass(frozen=True)
class Result:
    """The outcome of one check: .passed and a short .message (a why when right, a hint when wrong).

    kind: one of KINDS (default right/wrong from .passed); mistake: the named mistake when kind is MISTAKE;
    where: where the answer differs ("" if nowhere in particular); checks: (passed, total) independent
    checks, (0, 0) for an answer checked as one piece; solution: it was checked from the course's solution.
    """
    passed: bool
    message: str
    exercise_id: str = ""
    kind: str = ""
    mistake: str = ""
    where: str = ""
    checks: tuple[int, int] = (0, 0)
    solution: bool = False

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", RIGHT if self.passed else WRONG)
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is not one of {KINDS}")

    @property
    def score(self) -> float:
        """The share of credit: passed/total checks when there are several, else 1.0 or 0.0."""
        if self.passed:
            return 1.0
        done, total = self.checks
        return done / total if total else 0.0

    def but(self, **changes: Any) -> Result:
        """This result with some fields changed (e.g. a reworded message), the rest kept."""
        return replace(self, **changes)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "●" if self.kind == RECORDED else "✓" if self.passed else "✗"
        return f"{mark} {self.exercise_id}: {self.message}".replace(" : ", ": ")

    def _repr_html_(self) -> str:
        color, mark = ("#1a7f37", "✓ Correct") if self.passed else ("#b35900", "✗ Not yet")
        if self.kind == RECORDED:
            color, mark = "#555", "● Recorded"
        return (f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">'
                f'<b style="color:{color}">{mark}</b> '
                f'<span style="opacity:.7">[{html.escape(self.exercise_id)}]</span> '
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
# Removed exercises: grades, grading.toml, saved progress and exam stubs key on ids, so these are never reused.
RETIRED = {"03.5", "03.6", "06.4"}
_ATTEMPTS: dict[str, int] = {}      # wrong attempts since the last pass, per exercise, in this kernel


def passed(message: str, **data: Any) -> Result:
    return Result(True, message, **data)


def failed(message: str, kind: str = WRONG, **data: Any) -> Result:
    """A wrong answer; kind=MALFORMED for the wrong type or shape, MISTAKE (with mistake=name) for a named one."""
    return Result(False, message, kind=kind, **data)


def malformed(message: str, **data: Any) -> Result:
    return Result(False, message, kind=MALFORMED, **data)


def exercise(exercise_id: str, title: str, reread: str) -> Callable:
    """Decorator: register `checker(answer) -> Result` under exercise_id ("NN.k")."""
    def register(checker: Callable[[Any], Result]) -> Callable[[Any], Result]:
        add(Exercise(exercise_id, title, checker, reread))
        return checker
    return register


_LISTENERS: list[Callable[[str, Any], None]] = []


def on_check(listener: Callable[[str, Any], None]) -> Callable[[str, Any], None]:
    """Call listener(exercise_id, answer) at every check(), before judging (the grader records answers so);
    a listener that raises is ignored. Returns the listener."""
    if not callable(listener):
        raise TypeError(f"listener must be callable, got {type(listener).__name__}")
    _LISTENERS.append(listener)
    return listener


def check(exercise_id: str, answer: Any, *, record: bool = True) -> Result:
    """Check an answer. Wrong, junk or raising answers give a failed Result with a hint, never an exception.

    record=False (for graders) leaves the progress file and the hint ladder alone. A pass checked from
    the course's solution (a cell %load-ed from solutions/, or its code) is recorded as such.
    """
    for listener in list(_LISTENERS):  # e.g. the grader's recorder, before anything can go wrong
        try:
            listener(exercise_id, answer)
        except Exception:
            pass
    ex = get(exercise_id)
    if answer is Ellipsis:
        return Result(False, PLACEHOLDER_MESSAGE, ex.id, kind=UNANSWERED)
    try:
        result = ex.checker(answer)
    except Exception as err:  # a checker must never show a student a traceback
        result = malformed(f"Could not check this answer ({type(err).__name__}). "
                           "Look at the type and shape the exercise asks for.")
    result = result.but(exercise_id=ex.id)
    if not record:
        return result
    if result.passed and called_from_solution(ex.id, sys._getframe(1)):
        result = result.but(solution=True)
    store.record(ex.id, result.passed, solution=result.solution)
    if result.passed or result.kind == RECORDED:
        _ATTEMPTS.pop(ex.id, None)
        return result
    _ATTEMPTS[ex.id] = _ATTEMPTS.get(ex.id, 0) + 1
    return result.but(message=climb(ex, result.message, _ATTEMPTS[ex.id]))


def called_from_solution(exercise_id: str, frame: Any, depth: int = 4) -> bool:
    """Does a calling frame run the course's solution of exercise_id (its file, or a cell holding its code)?"""
    from . import solutions
    for _ in range(depth):
        if frame is None:
            return False
        name = frame.f_code.co_filename
        if solutions.is_solution_file(exercise_id, name) or \
                solutions.is_solution_code(exercise_id, "".join(linecache.getlines(name))):
            return True
        frame = frame.f_back
    return False


def climb(ex: Exercise, hint: str, attempt: int) -> str:
    """The hint ladder: 1st wrong attempt the hint, 2nd also what to reread, 3rd+ also the solution file."""
    from . import solutions
    message = hint
    if attempt >= 2 and ex.reread:
        message += f" Reread: {ex.reread}"
    path = solutions.solution_path(ex.id) if attempt >= 3 else None   # next to the notebook, else the course clone's
    if path is not None:
        message += (f" Still stuck? Run `%load {path}` in a new cell, read it, then run it: "
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
    if ex.id in RETIRED:
        raise ValueError(f"exercise id {ex.id!r} belonged to a removed exercise and is never reused")
    _REGISTRY[ex.id] = ex


def short(answer: Any) -> str:
    """A short description of an answer for a message: its type, and its value only when that is short."""
    shape = getattr(answer, "shape", None)
    if shape is not None and len(shape) > 0:
        return f"{type(answer).__name__} of shape {tuple(shape)}"
    if isinstance(answer, (list, tuple, set, frozenset, dict)) and answer:
        return f"{type(answer).__name__} of {len(answer)} item{'s' if len(answer) > 1 else ''}"
    if callable(answer):  # repr would show a memory address, whose digits could read as a value
        return f"{type(answer).__name__} {getattr(answer, '__name__', '')}".rstrip()
    text = repr(answer)
    return f"{type(answer).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"
