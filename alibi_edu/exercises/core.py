"""The exercise registry: check(id, answer) -> Result, never a traceback.

A notebook's exercises live in exercises/nbNN.py. Each registers a checker with
@exercise(id, title) or a multiple-choice question with multiple_choice(...). Checkers
compare answers with alibi_edu's core math (never with numbers typed in) and return
passed(why) or failed(hint), usually through match_tensor/call_safely below.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

PLACEHOLDER_MESSAGE = "Not answered yet: replace the `...` placeholder with your answer and run the cell again."


@dataclass(frozen=True)
class Result:
    """The outcome of one check: .passed and a one-line .message (a why when right, a hint when wrong)."""
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
    question: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # letter -> text, for multiple choice


_REGISTRY: dict[str, Exercise] = {}


def passed(message: str) -> Result:
    return Result(True, message)


def failed(message: str) -> Result:
    return Result(False, message)


def exercise(exercise_id: str, title: str) -> Callable:
    """Decorator: register `checker(answer) -> Result` under exercise_id ("NN.k")."""
    def register(checker: Callable[[Any], Result]) -> Callable[[Any], Result]:
        _add(Exercise(exercise_id, title, checker))
        return checker
    return register


def multiple_choice(exercise_id: str, title: str, question: str, choices: dict[str, str], correct: str,
                    why: str, hints: dict[str, str] | None = None) -> None:
    """Register a multiple-choice question answered by a letter: check("02.3", "B")."""
    hints = hints or {}
    if correct not in choices or not set(hints) <= set(choices):
        raise ValueError(f"exercise {exercise_id}: correct letter and hint letters must be among {list(choices)}")

    def checker(answer: Any) -> Result:
        letter = answer.strip().upper() if isinstance(answer, str) else None
        if letter not in choices:
            return failed(f"Answer with one letter of {', '.join(choices)} (as a string, e.g. \"{correct}\"), "
                          f"got {_short(answer)}.")
        if letter == correct:
            return passed(why)
        return failed(hints.get(letter, "Not this one: reread the question and the summary above it."))

    _add(Exercise(exercise_id, title, checker, question, dict(choices)))


def check(exercise_id: str, answer: Any) -> Result:
    """Check an answer; wrong, junk or raising answers give a failed Result with a hint."""
    ex = get(exercise_id)
    if answer is Ellipsis:
        return Result(False, PLACEHOLDER_MESSAGE, ex.id)
    try:
        result = ex.checker(answer)
    except Exception as err:  # a checker must never show a student a traceback
        result = failed(f"Could not check this answer ({type(err).__name__}: {err}). "
                        f"Look at the type and shape the exercise asks for.")
    return Result(result.passed, result.message, ex.id)


def get(exercise_id: str) -> Exercise:
    if exercise_id not in _REGISTRY:
        raise KeyError(f"unknown exercise id {exercise_id!r}; list_exercises() gives the known ones")
    return _REGISTRY[exercise_id]


def list_exercises() -> list[str]:
    """All exercise ids, in notebook order."""
    return sorted(_REGISTRY, key=lambda i: tuple(int(p) for p in i.split(".")))


# --- helpers for checkers -------------------------------------------------------------------

def as_tensor(answer: Any) -> torch.Tensor | None:
    """A number, list, numpy array or tensor as a float64 tensor; None if it is not numeric."""
    if isinstance(answer, bool) or answer is None or isinstance(answer, str):
        return None
    try:
        if isinstance(answer, torch.Tensor):
            return answer.detach().to("cpu", torch.float64)
        return torch.as_tensor(np.asarray(answer, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None


def match_tensor(answer: Any, expected: torch.Tensor, why: str, *,
                 mistakes: list[tuple[str, torch.Tensor]] = (), atol: float = 1e-6, rtol: float = 1e-5) -> Result:
    """Compare a numeric answer with `expected`; name the typical mistake when the answer matches one."""
    got = as_tensor(answer)
    expected = expected.detach().to("cpu", torch.float64)
    if got is None:
        return failed(f"Expected a number or tensor of shape {tuple(expected.shape)}, got {_short(answer)}.")
    if got.shape != expected.shape:
        if got.numel() == expected.numel() == 1:
            got = got.reshape(expected.shape)
        elif got.ndim == 2 and got.T.shape == expected.shape and _close(got.T, expected, atol, rtol):
            return failed("Transposed: rows are queries i and columns are keys j (shape (L_q, L_k)).")
        else:
            return failed(f"Wrong shape: expected {tuple(expected.shape)}, got {tuple(got.shape)}.")
    if _close(got, expected, atol, rtol):
        return passed(why)
    for hint, wrong in mistakes:
        if wrong.shape == got.shape and _close(got, wrong.detach().to("cpu", torch.float64), atol, rtol):
            return failed(hint)
    if torch.isnan(got).any() and not torch.isnan(expected).any():
        return failed("Your answer contains NaN: look for 0/0, inf - inf, or a row where every key is masked.")
    return failed(f"Not quite: {_first_difference(got, expected)}")


def call_safely(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Result | None]:
    """Call a student's function; (value, None) on success, (None, failed Result) otherwise."""
    if not callable(fn):
        return None, failed(f"Expected a function (def ...), got {_short(fn)}.")
    try:
        return fn(*args, **kwargs), None
    except Exception as err:
        call = ", ".join([_arg_text(a) for a in args] + [f"{k}={_arg_text(v)}" for k, v in kwargs.items()])
        return None, failed(f"Your function raised {type(err).__name__}: {err} (called with {call}).")


def match_function(fn: Any, cases: list[tuple], expected: Callable[..., torch.Tensor], why: str, *,
                   mistakes: Callable[..., list[tuple[str, torch.Tensor]]] | None = None) -> Result:
    """Call fn(*case) for every case and match_tensor it with expected(*case); the first miss is reported.

    The expected values are computed first, so a function that modifies its inputs cannot shift them.
    """
    for case in cases:
        want, wrong = expected(*case), mistakes(*case) if mistakes else ()
        got, error = call_safely(fn, *case)
        if error is not None:
            return error
        result = match_tensor(got, want, why, mistakes=wrong)
        if not result.passed:
            args = ", ".join(map(_arg_text, case))
            return failed(f"For {getattr(fn, '__name__', 'your function')}({args}): {result.message}")
    return passed(why)


def _arg_text(x: Any) -> str:
    return f"<tensor of shape {tuple(x.shape)}>" if isinstance(x, torch.Tensor) else repr(x)


def _close(a: torch.Tensor, b: torch.Tensor, atol: float, rtol: float) -> bool:
    return bool(torch.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True))


def _first_difference(got: torch.Tensor, expected: torch.Tensor) -> str:
    if expected.numel() == 1:
        return f"expected about {_fmt(expected.item())}, got {_fmt(got.item())}."
    diff = ~torch.isclose(got, expected, atol=1e-6, rtol=1e-5, equal_nan=True)
    idx = tuple(int(i) for i in diff.nonzero()[0])
    return (f"{int(diff.sum())} of {diff.numel()} entries differ; first at index {idx}: "
            f"expected {_fmt(expected[idx].item())}, got {_fmt(got[idx].item())}.")


def _fmt(x: float) -> str:
    return "-inf" if x == -math.inf else "inf" if x == math.inf else f"{x:.6g}"


def _short(answer: Any) -> str:
    text = repr(answer)
    return f"{type(answer).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def _add(ex: Exercise) -> None:
    if ex.id in _REGISTRY:
        raise ValueError(f"exercise id {ex.id!r} is registered twice")
    _REGISTRY[ex.id] = ex
