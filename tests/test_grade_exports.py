"""The grader's exports on four real submissions of notebook 01 (right in the student's own code, partly right,
blank, and right with one cell %load-ed from solutions/), graded twice through the command line: points, partial
credit, loaded solutions flagged, Gradescope results.json, the gradebook CSV, feedback without a key, idempotence."""
from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
import tomllib

import alibi_edu
from alibi_edu.exercises import core, list_exercises
from alibi_edu.exercises import grading as grading_config
from alibi_edu.grade.__main__ import main

pytestmark = pytest.mark.kernel

ROOT = Path(alibi_edu.__file__).resolve().parents[1]
QUESTIONS = ROOT / "alibi_edu" / "exercises" / "questions"
IDS = [i for i in list_exercises() if i.startswith("01.")]
KEYS = {q["id"]: q for q in tomllib.loads((QUESTIONS / "nb01.toml").read_text())["question"]}

SOLUTIONS = ROOT / "notebooks" / "solutions"


def solution_body(exercise_id: str) -> str:
    """The solution's code without its comments, imports of check and check(...) line."""
    text = (SOLUTIONS / (exercise_id.replace(".", "_") + ".py")).read_text()
    return "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("#")
                     and "check" not in line)


def solution_answer(exercise_id: str):
    namespace = {"__name__": "__main__"}
    exec(solution_body(exercise_id), namespace)
    return namespace["answer"]


OWN = {  # right answers the student's own way: 01.2 their own function, the rest one-liners anyone may write
    **{i: solution_body(i) for i in ("01.1", "01.3", "01.7", "01.8")},
    "01.2": "import torch\ndef my_bias(L, beta):\n    pos = torch.arange(L)\n"
            "    return beta * (pos[None, :] - pos[:, None]).double()\nanswer = my_bias",
    **{i: f'answer = "{q["key"].lower()}"' for i, q in KEYS.items()},
}
WRONG_LETTER = next(letter for letter in "ABCD" if letter != KEYS["01.5"]["key"])
PARTLY = {**OWN,
          # β rounded to a whole number: right for β = 1.0 and 2.0, wrong for 0.5 and −1.25 (2 of 4 checks)
          "01.2": OWN["01.2"].replace("return beta *", "return int(beta) *"),
          "01.5": f'answer = "{WRONG_LETTER}"',
          "01.7": "answer = ...",
          "01.8": solution_body("01.8").replace("answer = ", "answer = 1.5 * ")}      # β off by 1.5
LOADED = {**OWN, "01.2": "# %load solutions/01_2.py\n" + (ROOT / "notebooks/solutions/01_2.py").read_text()}


def notebook(answers: dict[str, str] | None) -> nbformat.NotebookNode:
    nb = nbformat.read(next((ROOT / "notebooks").glob("01_*.ipynb")), as_version=4)
    for exercise_id, code in (answers or {}).items():
        pattern = re.compile(r"""check\(\s*["']""" + re.escape(exercise_id) + r"""["']""")
        k = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code" and pattern.search(c.source))
        nb.cells[k].source = f'{code}\ncheck("{exercise_id}", answer)'
    return nb


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    subs = tmp_path_factory.mktemp("class")
    for name, answers in (("right", OWN), ("partly", PARTLY), ("blank", None), ("loader", LOADED)):
        nbformat.write(notebook(answers), subs / f"01_score_computation-{name}.ipynb")
    outs = []
    for run in ("first", "second"):
        out = tmp_path_factory.mktemp(run)
        code = main([str(subs), "--out", str(out / "grades.csv"), "--gradebook", str(out / "gradebook.csv"),
                     "--gradescope", str(out / "gradescope"), "--feedback", str(out / "feedback"),
                     "--timeout", "3600"])  # a hang only
        assert code == 0
        outs.append(out)
    return outs


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def results(out: Path, name: str) -> dict:
    return json.loads((out / "gradescope" / f"01_score_computation-{name}" / "results.json").read_text())


def test_two_runs_give_byte_identical_files(runs):
    first, second = (tree(out) for out in runs)
    assert len(first) == 1 + 1 + 4 + 4 and first == second


def test_points_and_partial_credit(runs):
    rows = gradebook(runs[0])
    assert list(next(iter(rows.values()))) == ["student", "points", "max_points", *list_exercises(), "flags"]
    assert {s: (r["points"], r["max_points"]) for s, r in rows.items()} == {
        "right": ("8", "8"), "loader": ("8", "8"), "blank": ("0", "8"), "partly": ("4.5", "8")}
    partly = rows["partly"]
    assert [partly[i] for i in IDS] == ["1", "0.5", "1", "1", "0", "1", "0", "0"]
    assert all(partly[i] == "" for i in list_exercises() if i not in IDS)     # other notebooks: not submitted
    assert results(runs[0], "partly")["tests"][1] | {"output": ""} == {
        "name": f"01.2 {core.get('01.2').title}", "number": "01.2", "score": 0.5, "max_score": 1,
        "status": "failed", "output": "", "visibility": "visible", "tags": []}


def test_a_loaded_solution_is_flagged_everywhere_and_earns_the_configured_credit(runs, tmp_path):
    out = runs[0]
    assert gradebook(out)["loader"]["flags"] == "01.2 course solution"
    assert gradebook(out)["right"]["flags"] == ""
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        grades = {Path(r["submission"]).stem.split("-")[-1]: r for r in csv.DictReader(f)}
    assert grades["loader"]["flagged"] == "01.2 course solution" and grades["right"]["flagged"] == ""
    test = results(out, "loader")["tests"][1]
    assert test["tags"] == ["course solution"] and test["output"] == "right (course solution)"
    assert "course solution" in (out / "feedback" / "01_score_computation-loader.md").read_text()
    # the instructor decides what a loaded solution is worth
    from alibi_edu.grade.grading import Row
    from alibi_edu.grade.report import earned
    row = Row("x-loader.ipynb", "01", verdicts={"01.2": "pass"}, solutions={"01.2"})
    half = grading_config.parse({"credit": {"solution": 0.5}})
    assert earned(row, "01.2", half) == 0.5 and earned(row, "01.2", grading_config.parse({})) == 1.0


def test_results_json_has_the_fields_gradescope_documents(runs):
    for name in ("right", "partly", "blank", "loader"):
        data = results(runs[0], name)
        assert set(data) <= {"score", "execution_time", "output", "visibility", "stdout_visibility", "extra_data",
                             "tests", "leaderboard"}
        assert isinstance(data["score"], (int, float)) and data["visibility"] in grading_config.VISIBILITIES
        assert [t["number"] for t in data["tests"]] == IDS
        for t in data["tests"]:
            assert {"name", "score", "max_score", "output", "visibility"} <= set(t)
            assert set(t) <= {"name", "number", "score", "max_score", "status", "output", "tags", "visibility",
                              "extra_data", "name_format", "output_format"}
            assert isinstance(t["score"], (int, float)) and 0 <= t["score"] <= t["max_score"]
            assert t["status"] in ("passed", "failed") and t["visibility"] in grading_config.VISIBILITIES
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
    assert results(runs[0], "right")["score"] == 8 and results(runs[0], "blank")["score"] == 0


def test_feedback_gives_verdicts_hints_and_totals_never_an_answer(runs):
    folder = runs[0] / "feedback"
    assert sorted(p.name for p in folder.iterdir()) == [f"01_score_computation-{n}.md"
                                                        for n in ("blank", "loader", "partly", "right")]
    partly = (folder / "01_score_computation-partly.md").read_text()
    assert "partly right (2 of 4 checks)" in partly and "**Total: 4.5 of 8 points**" in partly
    assert KEYS["01.5"]["hints"][WRONG_LETTER] in partly                       # the course's hint for that option
    assert "the book's weights differ from the paper's: too large" in partly   # 01.8's direction
    assert "| 01.7" in partly and "unanswered" in partly
    assert "**Total: 0 of 8 points**" in (folder / "01_score_computation-blank.md").read_text()
    for path in folder.iterdir():
        text = path.read_text()
        for q in KEYS.values():                          # no key letter given as the answer, no why
            assert q["why"] not in text
            assert not re.search(rf"\b(key|answer)\W+{q['key']}\b", text, flags=re.I)
        for exercise_id in ("01.1", "01.3", "01.7", "01.8"):           # no expected value either
            values = solution_answer(exercise_id)
            for x in values if isinstance(values, list) else [values]:
                if x < 0 or x != int(x):                                  # "16" may count entries; "-4", "0.6" not
                    assert not re.search(rf"(?<![\d.]){re.escape(f'{x:g}')}(?![\d.])", text), (path.name, x)
