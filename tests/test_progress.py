"""progress(): every exercise with its state, kept in a JSON file across processes, never breaking a cell."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alibi_edu.exercises import check, list_exercises, progress, store

ROOT = Path(__file__).resolve().parents[1]


def run(code: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ALIBI_EDU_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def states() -> dict[str, str]:
    return {row[1]: row[3] for row in progress().rows}


def test_every_exercise_is_listed_by_notebook_with_title_and_state():
    rows = progress().rows
    assert [r[1] for r in rows] == list_exercises()
    assert all(r[0] == r[1].split(".")[0] and r[2] and r[3] == "not tried" for r in rows)


def test_a_check_moves_an_exercise_to_tried_then_passed_and_passed_stays():
    check("00.1", 5)
    assert states()["00.1"] == "tried"
    check("00.1", -2)
    assert states()["00.1"] == "passed"
    check("00.1", 5)
    assert states()["00.1"] == "passed"


def test_the_placeholder_is_not_an_attempt():
    check("00.1", ...)
    assert states()["00.1"] == "not tried"


def test_state_persists_across_two_fresh_processes(tmp_path):
    first = run('from alibi_edu.exercises import check\ncheck("00.1", -2)\ncheck("01.1", [0, 0])', tmp_path)
    assert first.returncode == 0, first.stderr
    second = run("from alibi_edu.exercises import progress\nprint(progress(full=True))", tmp_path)
    assert second.returncode == 0, second.stderr
    lines = dict(re.findall(r"^  . (\d\d\.\d+) .*?(not tried|tried|passed)$", second.stdout, flags=re.M))
    assert lines["00.1"] == "passed" and lines["01.1"] == "tried" and lines["01.2"] == "not tried"
    assert "1 of" in second.stdout and "1 tried" in second.stdout and "next: 01.1" in second.stdout
    assert json.loads((tmp_path / "progress.json").read_text())["exercises"] == {"00.1": "passed", "01.1": "tried"}


def test_reset_clears_the_file_and_the_session():
    check("00.1", -2)
    assert progress(reset=True).counts()["passed"] == 0
    assert json.loads(store.state_file().read_text())["exercises"] == {}


def test_a_corrupt_file_degrades_to_memory_with_one_warning(capsys):
    store.state_file().parent.mkdir(parents=True, exist_ok=True)
    store.state_file().write_text("{not json")
    for answer in (5, -2, 7):
        assert check("00.1", answer).passed == (answer == -2)          # the cell still gets its verdict
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("progress:")]
    assert len(warnings) == 1
    assert states()["00.1"] == "passed"                         # kept in memory
    assert store.state_file().read_text() == "{not json"        # the file is left for the student to inspect
    progress(reset=True)                                        # reset starts a fresh file
    check("01.1", [0, 0])
    assert json.loads(store.state_file().read_text())["exercises"] == {"01.1": "tried"}


def test_an_unwritable_place_degrades_to_memory(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("ALIBI_EDU_DATA_DIR", str(blocker / "sub"))   # a folder inside a file: cannot exist
    assert check("00.1", -2).passed
    assert states()["00.1"] == "passed"
    assert sum(line.startswith("progress:") for line in capsys.readouterr().err.splitlines()) == 1


def test_a_corrupt_file_in_a_fresh_process_does_not_break_a_cell(tmp_path):
    (tmp_path / "progress.json").write_text('{"exercises": {"00.1": "done"}}')
    out = run('from alibi_edu.exercises import check\nprint(check("00.1", -2).passed)', tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "True"
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("progress:")


def test_writes_are_atomic_and_leave_no_temporary_files():
    for answer in (1, 2, -2):
        check("00.1", answer)
    assert [p.name for p in store.state_file().parent.iterdir()] == ["progress.json"]


def test_the_default_place_is_the_platform_data_dir_never_the_notebooks(monkeypatch):
    import platformdirs
    monkeypatch.delenv("ALIBI_EDU_DATA_DIR")
    assert store.data_dir() == Path(platformdirs.user_data_dir("alibi_edu", appauthor=False))
    assert "notebooks" not in store.data_dir().parts


def test_html_in_a_notebook_and_text_in_a_terminal():
    check("00.1", -2)
    view = progress(full=True)
    page, text = view._repr_html_(), str(view)
    assert page.startswith("<table>") and "Notebook 00" in page and "passed" in page
    assert "Notebook 00" in text and "✓ 00.1" in text and repr(view) == text
    assert "<" not in text


def test_the_default_is_one_line_with_what_is_right_and_what_comes_next():
    total = len(list_exercises())
    assert str(progress()) == f"0 of {total} exercises right; next: 00.1. progress(full=True) lists them all."
    check("00.1", -2)
    check("01.1", [0, 0])                                       # tried, not right: it comes next
    line = str(progress())
    assert "\n" not in line and line.startswith(f"1 of {total} exercises right, 1 tried; next: 01.1.")
    assert progress()._repr_html_() == f"<p>{line}</p>"


def test_all_right_says_so():
    rows = [("00", "00.1", "t", "passed"), ("01", "01.1", "t", store.SOLVED)]
    assert str(store.Progress(rows)) == "2 of 2 exercises right (1 with the solution); all done. " \
        "progress(full=True) lists them all."


def contrast(fg: str, bg: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted([luminance(fg), luminance(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_table_has_text_in_every_header_cell_and_no_low_contrast_text():
    assert round(contrast("#777777"), 2) < 4.5                       # the old grey: the check can fail
    for state in store.STATES:
        page = store.Progress([("00", "00.1", "title", state)], full=True)._repr_html_()
        headers = re.findall(r"<th[^>]*>(.*?)</th>", page)
        assert headers and all(h.strip() for h in headers), headers
        assert state in re.sub(r"<[^>]+>", "", page)                 # the state in words, not colour alone
        for colour in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", page):
            assert contrast(colour) >= 4.5, (state, colour)


@pytest.mark.parametrize("title", ["<b>x</b>"])
def test_html_escapes_titles(title):
    page = store.Progress([("00", "00.1", title, "tried")])._repr_html_()
    assert "<b>x</b>" not in page


def test_a_grader_can_check_without_recording_or_climbing():
    from alibi_edu.exercises import core
    for _ in range(3):
        assert not check("00.1", 5, record=False).passed
    assert core.attempts("00.1") == 0 and states()["00.1"] == "not tried"
    assert not store.state_file().exists()


# --- solved with the solution -----------------------------------------------------------------

SOLUTION_01_2 = (ROOT / "notebooks" / "solutions" / "01_2.py").read_text()
OWN_01_2 = ("import torch\nfrom alibi_edu.exercises import check\n\ndef mine(L, beta):\n    p = torch.arange(L)\n"
            "    return beta * (p[None, :] - p[:, None]).double()\n\nanswer = mine\ncheck('01.2', answer)\n")


def run_cell(source: str, name: str) -> None:
    """Run source as a notebook cell runs: a file name the cell's lines can be read back from (linecache)."""
    import linecache
    filename = f"/tmp/ipykernel_0/{name}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), {"__name__": "__main__"})


@pytest.mark.parametrize("cell", [
    "# %load solutions/01_2.py\n" + SOLUTION_01_2,                          # what %load leaves in the cell
    SOLUTION_01_2,                                                         # pasted, header and all
    "\n".join(line for line in SOLUTION_01_2.splitlines()[1:]).replace("    ", "  ") + "\n",  # same code, respaced
])
def test_a_pass_from_the_course_solution_shows_as_solved_with_the_solution(cell):
    run_cell(cell, "sol")
    assert states()["01.2"] == store.SOLVED
    assert "(1 with the solution)" in str(progress()) and "◐ 01.2" in str(progress(full=True))
    run_cell(OWN_01_2, "own")                                              # then the student's own: passed
    assert states()["01.2"] == "passed"
    run_cell(cell, "sol-again")                                            # own work is not overwritten
    assert states()["01.2"] == "passed"


def test_own_code_that_passes_is_passed():
    run_cell(OWN_01_2, "own")
    assert states()["01.2"] == "passed"
    assert "with the solution" not in str(progress()) and "solved" not in str(progress(full=True))


def test_a_one_line_solution_written_by_hand_is_the_students_own():
    import tomllib
    toml = ROOT / "alibi_edu" / "exercises" / "questions" / "nb01.toml"
    key = next(q["key"] for q in tomllib.loads(toml.read_text())["question"] if q["id"] == "01.4")
    assert f'answer = "{key}"' in (ROOT / "notebooks" / "solutions" / "01_4.py").read_text()   # the same line
    run_cell(f'from alibi_edu.exercises import check\nanswer = "{key}"\ncheck("01.4", answer)\n', "mc")
    assert states()["01.4"] == "passed"
