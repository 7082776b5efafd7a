"""No answer above its question: for every exercise with a numeric answer, the committed notebook prints nothing
above the exercise's check cell from which the answer can be copied (read only; nothing is executed here).

A number "appears" when a printed number equals it exactly, or rounds it with at least 3 significant digits;
a list or tensor appears when its entries are printed in order, close together, in one output (a dict, a list, a
tensor's rows all count). Fractions such as 1/16 are read as numbers.
"""
from __future__ import annotations

import functools
import json
import math
import re
import runpy
from pathlib import Path

import pytest
import torch

from alibi_edu.exercises import core, list_exercises

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.name[:2]: p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
SOLUTIONS = ROOT / "notebooks" / "solutions"
NUMBER = re.compile(r"(?<![\w.])([-−+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?:\s*/\s*(\d+(?:\.\d+)?))?(?![\w])")


@functools.cache
def solution(exercise_id: str):
    return runpy.run_path(str(SOLUTIONS / f"{exercise_id.replace('.', '_')}.py"))["answer"]


def numeric_ids() -> list[str]:
    ids = []
    for i in list_exercises():
        if core.get(i).choices or i in ("03.8", "04.4", "04.5", "05.6"):  # a letter; a training run handed in
            continue
        answer = solution(i)
        if not callable(answer) and not isinstance(answer, (set, frozenset, str)):
            ids.append(i)
    return ids


def numbers(text: str) -> list[tuple[float, str]]:
    """Every number printed in text, with the token it was printed as."""
    out = []
    for m in NUMBER.finditer(text):
        top, bottom = m.group(1).replace("−", "-"), m.group(2)
        value = float(top) / float(bottom) if bottom and float(bottom) else float(top)
        out.append((value, m.group(0)))
    return out


def significant(token: str) -> int:
    digits = re.sub(r"e.*", "", token.split("/")[0]).replace("-", "").replace("+", "").replace(".", "").lstrip("0")
    return len(digits)


def same(printed: tuple[float, str], want: float) -> bool:
    value, token = printed
    if math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if "/" in token or significant(token) < 3:
        return False
    decimals = len(token.split(".")[1]) if "." in token and "e" not in token else 0
    return abs(value - want) <= 0.5 * 10 ** -decimals + 1e-12


def appears(values: list[float], printed: list[tuple[float, str]]) -> bool:
    """values in order among the printed numbers, within a window of 4·len + 4 (a table interleaves other columns)."""
    if len(values) == 1:
        return any(same(p, values[0]) for p in printed)
    window = 4 * len(values) + 4
    for start, p in enumerate(printed):
        if not same(p, values[0]):
            continue
        k, end = 1, min(len(printed), start + window)
        for q in printed[start + 1:end]:
            if k < len(values) and same(q, values[k]):
                k += 1
        if k == len(values):
            return True
    return False


def outputs_above(notebook: Path, exercise_id: str) -> list[str]:
    """The text every code cell above the exercise's check cell shows: printed streams and text results."""
    texts = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f'check("{exercise_id}", answer)' in source:
            return texts
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            texts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    raise AssertionError(f"{notebook.name} has no check cell for {exercise_id}")


@pytest.mark.parametrize("exercise_id", numeric_ids())
def test_no_output_above_an_exercise_shows_its_answer(exercise_id):
    values = torch.as_tensor(solution(exercise_id), dtype=torch.float64).flatten().tolist()
    notebook = NOTEBOOKS[exercise_id[:2]]
    for text in outputs_above(notebook, exercise_id):
        assert not appears(values, numbers(text)), f"{notebook.name}: an output above {exercise_id} shows its " \
                                                   f"answer: {text.strip()[:200]!r}"


def test_the_search_finds_what_it_should():
    assert appears([-2.5, -4.0], numbers("bias: {5: -2.5, 2: -4.0}"))
    assert appears([-1.0, -5.0], numbers("bias: [-1.0, -5.0] -> the key at j = 20 is penalised 5 times as much"))
    assert appears([2.0], numbers("β = √d·m = 2: same weights as the paper? True"))
    assert appears([0.0625], numbers("slopes: ['1/2', '1/4', '1/8', '1/16', '1/32']"))
    assert appears([0.0625], numbers(" 4         0.062500"))
    assert appears([0.0, -0.5, -1.0, -0.5, 0.0, -0.5], numbers("tensor([[ 0.0000, -0.5000, -1.0000],\n"
                                                                "        [-0.5000,  0.0000, -0.5000]])"))
    assert not appears([0.17678], numbers("weights 0.2 and 0.18"))
    assert not appears([-2.5, -4.0], numbers("bias: -2.5 then 1 2 3 4 5 6 7 8 9 10 11 12 13 -4.0"))
    assert not appears([16.0], numbers("k = 1..8, head 1 of 8, 2^(-8k/n), L = 160"))
