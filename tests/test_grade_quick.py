"""Notebooks 04 and 05 are graded in quick mode (their teaching sweeps shrink; the runs 04.4, 04.5 and 05.6 are
judged on keep their size): the same right and wrong submissions graded both ways get the same CSV, cell by cell,
and the same feedback. Slow: it runs each notebook at full size, minutes on a laptop."""
from __future__ import annotations

import time

import pytest
from test_grade import HANG, answered, cells, exercise_cell, write

from alibi_edu.grade import grade
from alibi_edu.grade.report import write_csv

pytestmark = pytest.mark.slow


def filled(nb, exercise_id: str, old: str, new: str):
    """nb with `old` replaced by `new` in exercise_id's own cell (the notebook's cell, not the solution file)."""
    cell = nb.cells[exercise_cell(nb, exercise_id)]
    assert old in cell.source, f"{exercise_id}'s cell has no {old!r}"
    cell.source = cell.source.replace(old, new)
    return nb


def submissions(folder):
    """Right: every solution, the run-based ones through the notebook's own cells. Wrong: the opposite prediction,
    a choice that is not the validation best, a slope off by the scale, a reach off by one; blanks."""
    right04 = filled(answered("04", ["04.1", "04.2", "04.3", "04.5"]), "04.4", "prediction = ...",
                     'prediction = "higher"')
    wrong = {"04.1": "answer = lambda beta, d_head: beta / d_head", "04.3": 'answer = "A"'}
    wrong04 = filled(answered("04", [], wrong), "04.4", "prediction = ...", 'prediction = "lower"')
    wrong04 = filled(wrong04, "04.5", "answer = ...",
                     'answer = {"beta": 10, "tied": [], "test": test_loss("β = 10")}')
    right05 = filled(answered("05", ["05.1", "05.2", "05.3", "05.4", "05.5", "05.7"]), "05.6", "prediction = ...",
                     'prediction = "higher"')
    wrong05 = filled(answered("05", [], {"05.2": "answer = lambda m: int(4.6 / m) + 1", "05.3": 'answer = "B"'}),
                     "05.6", "prediction = ...", 'prediction = "lower"')
    for name, nb in (("04_right", right04), ("04_wrong", wrong04), ("05_right", right05), ("05_wrong", wrong05)):
        write(folder, f"{name}.ipynb", nb)
    return sorted(folder.glob("*.ipynb"))


def test_quick_grading_gives_the_grades_of_full_size_grading(tmp_path):
    paths = submissions(tmp_path)
    graded = {}
    for full_size in (False, True):
        start = time.monotonic()
        rows = grade(paths, timeout=HANG, full_size=full_size)
        print(f"{'full size' if full_size else 'quick'}: " + ", ".join(
            f"{r.submission.rsplit('/', 1)[-1]} {r.seconds:.0f} s" for r in rows)
            + f"; {time.monotonic() - start:.0f} s in all")   # numbers, not limits: machines differ
        write_csv(rows, tmp_path / f"{full_size}.csv")
        graded[full_size] = (cells(tmp_path / f"{full_size}.csv"), {r.submission: r.messages for r in rows})
    (quick, quick_messages), (full, full_messages) = graded[False], graded[True]
    assert all(row["status"] == "ok" for row in quick.values()), quick
    assert quick["04_right.ipynb"]["passed"] == "5" and quick["05_right.ipynb"]["passed"] == "7"
    assert quick["04_wrong.ipynb"]["04.4"] == "fail" and quick["05_wrong.ipynb"]["05.6"] == "fail"
    assert quick["04_wrong.ipynb"]["04.5"] == "fail"
    assert quick == full
    assert quick_messages == full_messages
