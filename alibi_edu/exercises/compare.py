"""Compare a numeric or function answer with the core's result, and say what is off without saying the result.

A hint names a typical mistake when the answer matches one, else a direction and a coarse size
("far too large, off by an order of magnitude or more"; never a factor from which the value follows),
else where the answer differs (which entries, never their expected values). Tolerances allow float32 work.
"""
from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .core import MISTAKE, WRONG, Result, failed, malformed, passed, short

ATOL, RTOL = 1e-5, 1e-4


def as_tensor(answer: Any) -> torch.Tensor | None:
    """A number, list, tuple, numpy array/scalar or tensor as a float64 tensor; None if it is not numeric."""
    if isinstance(answer, (bool, str, bytes, dict, set, frozenset)) or answer is None or callable(answer):
        return None
    try:
        if isinstance(answer, torch.Tensor):
            return answer.detach().to("cpu", torch.float64)
        if isinstance(answer, (list, tuple)) and any(isinstance(a, torch.Tensor) for a in answer):
            return torch.stack([torch.as_tensor(a).detach().to("cpu", torch.float64) for a in answer])
        array = np.asarray(answer, dtype=np.float64)
        return torch.as_tensor(array)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None


def number_in_text(answer: Any) -> Any:
    """A string holding one number, written with digits, + − * / ^ ** and brackets (a decimal, a fraction a/b, a
    power a^b), as that number; anything else as it is."""
    if not isinstance(answer, str) or len(answer) > 40:
        return answer
    text = answer.strip().replace("−", "-").replace("^", "**")
    try:
        value = _arithmetic(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return answer
    return float(value)


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}


def _arithmetic(node: ast.AST) -> float:
    """The value of an expression of number literals and + − * / **; ValueError for anything else."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_arithmetic(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _arithmetic(node.left), _arithmetic(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise ValueError("exponent too large")
        return _OPERATORS[type(node.op)](left, right)
    raise ValueError("not arithmetic")


def match_tensor(answer: Any, expected: torch.Tensor, why: str, *,
                 mistakes: list[tuple[str, torch.Tensor]] = (), atol: float = ATOL, rtol: float = RTOL,
                 text: bool = True) -> Result:
    """Compare a numeric answer with `expected`; name the typical mistake when the answer matches one. With text,
    a number typed as a string ("1/16") counts as that number."""
    got = as_tensor(number_in_text(answer) if text else answer)
    expected = torch.as_tensor(expected).detach().to("cpu", torch.float64)
    kind = "one number" if expected.numel() == 1 else f"a list or tensor of shape {tuple(expected.shape)}"
    if got is None:
        return malformed(f"Expected {kind}, got {short(answer)}.")
    if got.shape != expected.shape:
        if got.numel() == expected.numel() == 1:
            got = got.reshape(expected.shape)
        elif got.ndim == 2 and got.T.shape == expected.shape and _close(got.T, expected, atol, rtol):
            return failed(HINTS["transposed"], MISTAKE, mistake="transposed")
        else:
            return malformed(f"Wrong shape: expected {kind}, got shape {tuple(got.shape)}.")
    if _close(got, expected, atol, rtol):
        return passed(why)
    for number, (hint, wrong) in enumerate(mistakes, 1):
        wrong = torch.as_tensor(wrong).detach().to("cpu", torch.float64)
        if wrong.shape == got.shape and _close(got, wrong, atol, rtol):
            return failed(hint, MISTAKE, mistake=f"listed mistake {number}")
    if torch.isnan(got).any() and not torch.isnan(expected).any():
        return failed(HINTS["nan"], MISTAKE, mistake="nan")
    return failed(f"Not quite: {describe_difference(got, expected, atol, rtol)}", WRONG,
                  where=first_difference(got, expected, atol, rtol))


HINTS = {  # the generic named mistakes' hints, looked up by Result.mistake
    "transposed": "Transposed: rows are queries i and columns are keys j (shape (L_q, L_k)).",
    "nan": "Your answer contains NaN: look for 0/0, inf − inf, 0·inf (e.g. zeros times float('-inf')), "
           "or a row where every key is masked.",
}


def first_difference(got: torch.Tensor, expected: torch.Tensor, atol: float = ATOL, rtol: float = RTOL) -> str:
    """'index (i, j)' of the first entry that differs, '' for one number."""
    if expected.numel() == 1:
        return ""
    diff = ~torch.isclose(got, expected, atol=atol, rtol=rtol, equal_nan=True)
    idx = tuple(int(i) for i in diff.nonzero()[0])
    return f"index {idx[0]}" if len(idx) == 1 else f"index {idx}"


def describe_difference(got: torch.Tensor, expected: torch.Tensor, atol: float = ATOL, rtol: float = RTOL) -> str:
    """Where and in which direction got differs from expected, never expected's values."""
    if expected.numel() == 1:
        return direction(got.item(), expected.item())
    diff = ~torch.isclose(got, expected, atol=atol, rtol=rtol, equal_nan=True)
    idx = tuple(int(i) for i in diff.nonzero()[0])
    where = f"index {idx[0]}" if len(idx) == 1 else f"index {idx}"
    return (f"{int(diff.sum())} of {diff.numel()} entries differ; the first at {where}: "
            f"{direction(got[idx].item(), expected[idx].item())}")


def direction(got: float, want: float) -> str:
    """'too large, by a wide margin'-style feedback: a direction and a coarse size, not the value or a factor."""
    if math.isinf(want) or math.isinf(got) or math.isnan(got):
        if math.isinf(want) and math.isinf(got):
            return "the sign of the infinity is wrong."
        return "it should be finite." if math.isinf(got) or math.isnan(got) else "it should not be a finite number."
    if want == 0:
        return "too large: it should be smaller." if got > 0 else "too small: it should be larger."
    if got == 0:
        return "you have 0 there; it should not be."
    if (got > 0) != (want > 0):
        return "the sign is wrong."
    factor = max(abs(got / want), abs(want / got))
    if factor >= 10:
        size = "off by an order of magnitude or more"
    elif factor >= 1.5:
        size = "by a wide margin"
    elif factor >= 1.1:
        size = "but not by much"
    else:
        size = "though close (within 10%)"
    bigger = abs(got) > abs(want)
    far = "far " if factor >= 10 else ""
    if want > 0:
        return f"{far}{'too large' if bigger else 'too small'}, {size}."
    return (f"{far}{'too negative' if bigger else 'not negative enough'} (too {'large' if bigger else 'small'} in "
            f"size), {size}.")


def call_safely(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Result | None]:
    """Call a student's function; (value, None) on success, (None, failed Result) otherwise."""
    if not callable(fn):
        return None, malformed(f"Expected a function (def ...), got {short(fn)}.")
    try:
        return fn(*args, **kwargs), None
    except Exception as err:
        return None, failed(f"Your function raised {type(err).__name__}: {str(err)[:120]} "
                            f"(called with {call_text(args, kwargs)}).", where=call_text(args, kwargs))


def call_text(args: tuple, kwargs: dict | None = None) -> str:
    kwargs = kwargs or {}
    return ", ".join([_arg_text(a) for a in args] + [f"{k}={_arg_text(v)}" for k, v in kwargs.items()])


def match_function(fn: Any, cases: list[tuple], expected: Callable[..., torch.Tensor], why: str, *,
                   mistakes: Callable[..., list[tuple[str, torch.Tensor]]] | None = None,
                   atol: float = ATOL, rtol: float = RTOL) -> Result:
    """Call fn(*case) for every case and match_tensor it with expected(*case); the first miss is reported.

    Every case is one check: the result's .checks counts how many pass (partial credit). The expected
    values are computed first, so a function that modifies its inputs cannot shift them.
    """
    if not callable(fn):
        return call_safely(fn)[1]
    first, right = None, 0
    for case in cases:
        want, wrong = expected(*case), mistakes(*case) if mistakes else ()
        got, error = call_safely(fn, *case)
        result = error if error is not None else match_tensor(got, want, why, mistakes=wrong, atol=atol, rtol=rtol,
                                                              text=False)   # a function returns numbers, not text
        right += result.passed
        if not result.passed and first is None:
            if error is None:
                name = getattr(fn, "__name__", "your function")
                returned = f" It returned {short(got)}." if want.numel() == 1 else ""
                where = f"{name}({call_text(case)})" + (f", {result.where}" if result.where else "")
                result = result.but(message=f"For {name}({call_text(case)}): {result.message}{returned}", where=where)
            first = result
    if first is None:
        return passed(why, checks=(right, len(cases)))
    return first.but(checks=(right, len(cases)))


def _arg_text(x: Any) -> str:
    return f"<tensor of shape {tuple(x.shape)}>" if isinstance(x, torch.Tensor) else repr(x)


def _close(a: torch.Tensor, b: torch.Tensor, atol: float, rtol: float) -> bool:
    return bool(torch.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True))


WORDS = {"higher": ("higher", "larger", "bigger"), "lower": ("lower", "smaller"),
         "same": ("same", "the same", "equal", "unchanged", "no change")}


def prediction_word(answer: Any, synonyms: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """A one-word prediction as "higher", "lower" or "same" (synonyms adds an exercise's own words); None if neither."""
    word = str(answer).strip().rstrip(".!").strip().lower()   # "Higher." is a natural way to write it
    return next((key for key, words in WORDS.items() if word in words + (synonyms or {}).get(key, ())), None)
