"""Recognise the course's own solution in a cell: %load-ed from solutions/, pasted, or the same code.

A cell counts as the solution of NN.k when it has the `%load .../solutions/NN_k.py` line Jupyter leaves,
the solution file's header comment, or (for solutions with a function or three or more statements) the
solution's statements in a row, compared as syntax trees (comments, blank lines and spacing ignored).
A one-line solution such as `answer = "B"` is only recognised by the first two: anyone may write it.
"""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

PACKAGE_SOLUTIONS = Path(__file__).resolve().parents[2] / "notebooks" / "solutions"


def file_name(exercise_id: str) -> str:
    return exercise_id.replace(".", "_") + ".py"


def solution_path(exercise_id: str) -> Path | None:
    """The solution file: solutions/ next to the running notebook, else the course clone's; None if absent."""
    for folder in (Path("solutions"), PACKAGE_SOLUTIONS):
        path = folder / file_name(exercise_id)
        if path.is_file():
            return path
    return None


@functools.cache
def _solution(path: str) -> tuple[str, tuple[str, ...], bool]:
    """(header comment, statements as dumped syntax trees, whether they are distinctive) of one solution file."""
    text = Path(path).read_text(encoding="utf-8")
    header = next((line.strip() for line in text.splitlines() if line.strip()), "")
    body = _statements(text) or ()
    distinctive = len(body) >= 3 or any(s.startswith(("FunctionDef", "ClassDef")) for s in body)
    return (header if header.startswith("#") and len(header) > 12 else ""), body, distinctive


def _statements(source: str) -> tuple[str, ...] | None:
    """Top-level statements without imports and check(...) calls, as ast dumps; None if it does not parse."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None
    return tuple(ast.dump(s) for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom)) and not _is_check(s))


def _is_check(stmt: ast.stmt) -> bool:
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", "")) == "check"


def is_solution_code(exercise_id: str, source: str) -> bool:
    """Does this cell's source hold the course's solution of exercise_id?"""
    if not source.strip():
        return False
    name = re.escape(file_name(exercise_id))
    if re.search(rf"^\s*#?\s*%load\s+\S*solutions/{name}\s*$", source, flags=re.M):
        return True
    path = solution_path(exercise_id)
    if path is None:
        return False
    header, body, distinctive = _solution(str(path))
    if header and header in (line.strip() for line in source.splitlines()):
        return True
    if not distinctive or not body:
        return False
    cell = _statements(source)
    return cell is not None and any(cell[k:k + len(body)] == body for k in range(len(cell) - len(body) + 1))


def is_solution_file(exercise_id: str, filename: str) -> bool:
    """Is filename the solution file itself (run with %run or exec)?"""
    return Path(filename).name == file_name(exercise_id) and Path(filename).parent.name == "solutions"
