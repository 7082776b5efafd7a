"""Answer forms, and the record-only exercises of an exam copy (python -m alibi_edu.handout --exam).

FORMS declares, for every checker exercise, the form its answer takes: a number, numbers of a shape,
whole numbers, names from a list, or a function called on sample arguments. The forms say nothing the
question does not: no value, no key. A shape left None is read from the course's solution when the exam
copy is built (resolve), so a question that changes its sizes needs no edit here. In an exam copy each
graded exercise is registered by record_only: check() then says the answer is recorded and whether it is
in the form asked and complete, never whether it is right; the instructor's full copy judges it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from .compare import as_tensor, call_safely, number_in_text
from .core import RECORDED, Exercise, Result, add, malformed, short

RECORDED_NOTE = "whether it is right is decided when your work is graded."


@dataclass(frozen=True)
class Number:
    """One real number (int, float, numpy number, a 1-element tensor)."""

    def read(self, answer: Any) -> tuple[str | None, str]:
        got = as_tensor(number_in_text(answer))
        if got is None or got.numel() != 1:
            return f"expected one number, got {short(answer)}", ""
        return None, "" if not math.isnan(got.item()) else "it is NaN"

    def describe(self) -> str:
        return "one number"


@dataclass(frozen=True)
class Numbers:
    """A list, array or tensor of numbers of this shape (infinities allowed, NaN is incomplete); with `keys`, also
    a dict {key: number} holding exactly those keys (as a notebook prints such an answer)."""
    shape: tuple[int, ...] | None = None
    keys: tuple[int, ...] | None = None

    def read(self, answer: Any) -> tuple[str | None, str]:
        if self.keys is not None and isinstance(answer, dict):
            try:
                by_key = {int(key): value for key, value in answer.items()}
            except (TypeError, ValueError):
                by_key = {}
            if set(by_key) != set(self.keys) or len(by_key) != len(answer):
                return f"expected a dict with the keys {list(self.keys)}, got keys {sorted(answer, key=str)}", ""
            answer = [by_key[key] for key in self.keys]
        got = as_tensor(answer)
        if got is None:
            return f"expected {self.describe()}, got {short(answer)}", ""
        if tuple(got.shape) != tuple(self.shape):
            return f"expected {self.describe()}, got shape {tuple(got.shape)}", ""
        return None, "some entries are NaN" if torch.isnan(got).any() else ""

    def describe(self) -> str:
        return f"numbers of shape {tuple(self.shape)}"


@dataclass(frozen=True)
class WholeNumbers:
    """A list, set or tensor of whole numbers, of any length (empty is incomplete)."""

    def read(self, answer: Any) -> tuple[str | None, str]:
        values = sorted(answer) if isinstance(answer, (set, frozenset)) and all(
            isinstance(a, (int, float)) for a in answer) else answer
        got = as_tensor(values)
        if got is None or got.ndim != 1 or not bool(torch.isfinite(got).all()) or not bool((got == got.round()).all()):
            return f"expected whole numbers in a list or set, got {short(answer)}", ""
        return None, "" if got.numel() else "it is empty"

    def describe(self) -> str:
        return "whole numbers in a list or set"


@dataclass(frozen=True)
class Names:
    """A set or list of names, each one of `choices` (empty is incomplete)."""
    choices: tuple[str, ...]

    def read(self, answer: Any) -> tuple[str | None, str]:
        if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(a, str) for a in answer):
            return f"expected a set of names from {list(self.choices)}, got {short(answer)}", ""
        unknown = sorted({a.strip().lower() for a in answer} - set(self.choices))
        if unknown:
            return f"unknown names {unknown}: choose among {list(self.choices)}", ""
        return None, "" if answer else "it is empty"

    def describe(self) -> str:
        return f"a set of names from {list(self.choices)}"


@dataclass(frozen=True)
class Random:
    """A sample argument: a float64 tensor of this shape, drawn from a fixed seed."""
    shape: tuple[int, ...]

    def make(self, seed: int) -> torch.Tensor:
        return torch.randn(*self.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


@dataclass(frozen=True)
class Function:
    """A function; it is called once on `args` (Random entries become tensors) and must return `returns`."""
    args: tuple
    returns: Any

    def read(self, answer: Any) -> tuple[str | None, str]:
        if not callable(answer):
            return f"expected a function (def ...), got {short(answer)}", ""
        args = tuple(a.make(k) if isinstance(a, Random) else a for k, a in enumerate(self.args))
        got, error = call_safely(answer, *args)
        if error is not None:
            return None, f"it does not run: {error.message}"
        problem, incomplete = self.returns.read(got)
        return None, (f"on a sample call it returns something else than {self.returns.describe()} ({problem})"
                      if problem else incomplete)

    def describe(self) -> str:
        return f"a function returning {self.returns.describe()}"


@dataclass(frozen=True)
class ScoreMod:
    """A FlexAttention-style score_mod(score, b, h, q_idx, kv_idx), run on index grids of heads x length."""
    heads: int
    length: int

    def read(self, answer: Any) -> tuple[str | None, str]:
        from ..forms import on_index_grid
        if not callable(answer):
            return f"expected a function score_mod(score, b, h, q_idx, kv_idx), got {short(answer)}", ""
        scores = Random((1, self.heads, self.length, self.length)).make(0)
        got, error = call_safely(lambda: torch.broadcast_to(on_index_grid(answer, scores), scores.shape))
        if error is not None:
            return None, f"it does not run on index grids: {error.message}"
        return None, "it returns NaN" if torch.isnan(torch.as_tensor(got, dtype=torch.float64)).any() else ""

    def describe(self) -> str:
        return "a score_mod function"


@dataclass(frozen=True)
class Mapping:
    """A dict holding at least these keys (what a course function such as bias_trial returns)."""
    keys: tuple[str, ...]

    def read(self, answer: Any) -> tuple[str | None, str]:
        if not isinstance(answer, dict) or not set(self.keys) <= set(answer):
            return f"expected {self.describe()}, got {short(answer)}", ""
        return None, ""

    def describe(self) -> str:
        return f"a dict with keys {sorted(self.keys)}"


FORMS = {
    "00.1": Number(),
    "01.1": Numbers(keys=(5, 2)),
    "01.2": Function((4, 0.5), Numbers()),
    "01.3": Numbers(keys=(12, 20)),
    "01.7": Number(),
    "01.8": Number(),
    "02.1": Function((5,), Numbers()),
    "02.3": Function((Random((5, 8)), Random((5, 8))), Numbers()),
    "02.6": Numbers(),
    "03.1": Number(),
    "03.4": Function((8,), Numbers()),
    "03.8": Function((Random((2, 4, 3, 8)), Random((2, 4, 5, 8)), Random((2, 4, 5, 8)), Random((4,))), Numbers()),
    "04.1": Function((1.0, 16), Number()),
    "04.4": Mapping(("prediction", "run", "k16")),
    "04.5": Mapping(("beta", "tied", "test", "run")),
    "05.1": Names(("alibi", "sinusoidal", "rope", "none")),
    "05.2": Function((0.25,), Number()),
    "05.6": Mapping(("prediction", "at 16", "at 256")),
    "05.7": Function((6, 0.25), Numbers()),
    "06.1": ScoreMod(8, 12),
    "06.2": WholeNumbers(),
    "06.3": Numbers(),
}


def resolve(form: Any, solution: Any) -> Any:
    """form with every shape left None taken from the solution's answer (a function's: on the sample call)."""
    if isinstance(form, Numbers) and form.shape is None:
        return Numbers(tuple(as_tensor(solution).shape), form.keys)
    if isinstance(form, Function):
        if isinstance(form.returns, Numbers) and form.returns.shape is None:
            args = tuple(a.make(k) if isinstance(a, Random) else a for k, a in enumerate(form.args))
            return Function(form.args, resolve(form.returns, solution(*args)))
    return form


def unresolved(form: Any) -> bool:
    return (isinstance(form, Numbers) and form.shape is None) or (isinstance(form, Function)
                                                                   and unresolved(form.returns))


def recorded(form: Any, answer: Any) -> Result:
    """The exam reply: recorded, in the form asked or not, complete or not; never right or wrong."""
    problem, incomplete = form.read(answer)
    if problem:
        return malformed(f"Recorded, but not in the form asked: {problem}.")
    state = f"but not complete: {incomplete}" if incomplete else "in the form asked and complete"
    return Result(False, f"Recorded ({form.describe()}), {state}; {RECORDED_NOTE}", kind=RECORDED)


def record_only(exercise_id: str, title: str, form: Any) -> None:
    """Register exercise_id so that check() records its answer and judges only its form."""
    add(Exercise(exercise_id, title, lambda answer: recorded(form, answer)))
