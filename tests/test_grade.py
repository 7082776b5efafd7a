"""The grader on submissions built from the shipped notebooks and solutions: right, blank, half right,
broken in every way the issue lists, and cheating. Notebooks 00 and 01 only (seconds each)."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from pathlib import Path

import nbformat
import pytest

import alibi_edu
from alibi_edu.exercises import list_exercises
from alibi_edu.grade import grade
from alibi_edu.grade.__main__ import main

ROOT = Path(alibi_edu.__file__).resolve().parents[1]
NOTEBOOKS, SOLUTIONS = ROOT / "notebooks", ROOT / "notebooks" / "solutions"
HANG = 3600  # seconds per notebook: catches a hang; a slow or busy machine never comes near it


def ids_of(nn: str) -> list[str]:
    return [i for i in list_exercises() if i.startswith(nn + ".")]


def shipped(nn: str) -> nbformat.NotebookNode:
    return nbformat.read(next(NOTEBOOKS.glob(f"{nn}_*.ipynb")), as_version=4)


def exercise_cell(nb, exercise_id: str) -> int:
    pattern = re.compile(r"""check\(\s*["']""" + re.escape(exercise_id) + r"""["']""")
    return next(k for k, c in enumerate(nb.cells) if c.cell_type == "code" and pattern.search(c.source))


def solution(exercise_id: str) -> str:
    """The solution file's code without its own check(...) line."""
    text = (SOLUTIONS / (exercise_id.replace(".", "_") + ".py")).read_text()
    return "\n".join(line for line in text.splitlines() if not re.match(r"\s*check\(", line))


def answered(nn: str, right: list[str], wrong: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The shipped notebook with the solution in the exercise cells of `right`, `wrong[id]` code in others."""
    nb = shipped(nn)
    for exercise_id, code in [(i, solution(i)) for i in right] + list((wrong or {}).items()):
        nb.cells[exercise_cell(nb, exercise_id)].source = f'{code}\ncheck("{exercise_id}", answer)'
    return nb


def insert_after(nb, exercise_id: str, code: str) -> nbformat.NotebookNode:
    nb.cells.insert(exercise_cell(nb, exercise_id) + 1, nbformat.v4.new_code_cell(code))
    return nb


def after_imports(nb, code: str) -> nbformat.NotebookNode:
    first = next(k for k, c in enumerate(nb.cells)
                 if c.cell_type == "code" and "alibi_edu.exercises import" in c.source)
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(code))
    return nb


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        nbformat.write(content, path)
    return path


def cells(csv_path: Path) -> dict[str, dict[str, str]]:
    with open(csv_path, newline="", encoding="utf-8") as f:
        return {Path(r["submission"]).name: r for r in csv.DictReader(f)}


def expect(row: dict[str, str], nn: str | None, status: str, verdicts: dict[str, str]) -> None:
    """The row's cells exactly: status, notebook, passed/total, every exercise column."""
    assert row["status"] == status
    assert row["notebook"] == (nn or "")
    if nn is None:
        assert row["passed"] == row["total"] == ""
    else:
        assert row["passed"] == str(sum(v == "pass" for v in verdicts.values()))
        assert row["total"] == str(len(ids_of(nn)))
    for exercise_id in list_exercises():
        assert row[exercise_id] == verdicts.get(exercise_id, ""), exercise_id


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- run A: five submissions of notebook 01 through the command line, timed ---------------------

@pytest.fixture(scope="module")
def run_a(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class_a")
    ids = ids_of("01")
    half = len(ids) // 2
    write(folder, "01_right.ipynb", answered("01", ids))
    write(folder, "01_blank.ipynb", shipped("01"))
    write(folder, "01_half.ipynb", answered("01", ids[:half], {i: "answer = 123456.0" for i in ids[half:]}))
    # cheat: a `check` of one's own that always says ✓; wrong answers behind it
    cheat = after_imports(answered("01", [], {i: "answer = 123456.0" for i in ids}),
                          'def check(exercise_id, answer):\n    return "✓ Correct"')
    write(folder, "01_own_check.ipynb", cheat)
    write(folder, "01_format3.ipynb", nbformat.writes(nbformat.convert(answered("01", ids), 3)).encode())
    before = digests(folder)
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    start = time.monotonic()
    code = main([str(folder), "--out", str(out), "--timeout", str(HANG)])
    return code, time.monotonic() - start, cells(out), folder, before


def test_five_submissions_graded(run_a):
    code, seconds, rows, _, _ = run_a
    assert code == 0 and len(rows) == 5
    print(f"5 submissions of notebook 01 graded in {seconds:.0f} s")   # a number, not a limit: machines differ


def test_right_blank_half(run_a):
    rows, ids = run_a[2], ids_of("01")
    half = len(ids) // 2
    expect(rows["01_right.ipynb"], "01", "ok", {i: "pass" for i in ids})
    expect(rows["01_blank.ipynb"], "01", "ok", {i: "unanswered" for i in ids})
    expect(rows["01_half.ipynb"], "01", "ok", {i: ("pass" if k < half else "fail") for k, i in enumerate(ids)})


def test_nbformat_3_is_converted_and_graded(run_a):
    expect(run_a[2]["01_format3.ipynb"], "01", "ok", {i: "pass" for i in ids_of("01")})


def test_own_check_records_nothing(run_a):
    expect(run_a[2]["01_own_check.ipynb"], "01", "ok", {i: "unanswered" for i in ids_of("01")})


def test_csv_header_and_files_untouched(run_a):
    rows, folder, before = run_a[2], run_a[3], run_a[4]
    header = list(next(iter(rows.values())))
    assert header == ["submission", "student", "notebook", "status", "passed", "total", "points", "max_points",
                      "flagged"] + list_exercises()
    assert rows["01_right.ipynb"]["points"] == rows["01_right.ipynb"]["max_points"] == str(len(ids_of("01")))
    # the right submission is built from the course's solutions: each exercise with a distinctive one is flagged
    assert "01.2 course solution" in rows["01_right.ipynb"]["flagged"] and rows["01_blank.ipynb"]["flagged"] == ""
    assert digests(folder) == before


# --- run B: broken and cheating submissions, one grade() call ------------------------------------

EVIL_PICKLE = '''class Evil:
    def __reduce__(self):  # runs where the answer is unpickled: turn every checker into "passed"
        return (exec, ("import alibi_edu.exercises.core as c\\n"
                       "for e in list(c._REGISTRY.values()):\\n"
                       "    object.__setattr__(e, 'checker', lambda a: c.passed('ok'))",))
answer = Evil()'''

LYING_TENSOR = '''import torch
class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "isclose", "equal"):
            return True  # "equal to anything"
        return super().__torch_function__(func, types, args, kwargs or {})
answer = Liar([1.0])'''

PATCH_IN_KERNEL = '''import alibi_edu.exercises.core as core
for ex in list(core._REGISTRY.values()):
    object.__setattr__(ex, "checker", lambda answer: core.passed("ok"))'''

PATCHING_FUNCTION = '''def answer(L, beta):
    import torch
    torch.allclose = lambda *args, **kwargs: True
    torch.isclose = lambda a, b, **kwargs: torch.ones_like(a, dtype=torch.bool)
    return torch.zeros(L, L)'''

MODE_FUNCTION = '''import torch
from torch.overrides import TorchFunctionMode

class Yes(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "equal"):
            return True
        return func(*args, **(kwargs or {}))

def answer(L):
    Yes().__enter__()  # never left: every later torch call goes through it
    return torch.zeros(L, L)'''

HOG = '''import os
try:
    hog = bytearray(4 * 2**30)
except MemoryError:
    pass
else:
    os._exit(1)  # the memory limit did not hold: let the row say "kernel died"'''

SLEEPER = "import time\nwhile True:\n    time.sleep(1)"  # a hang that costs no CPU

FORGE = '''import glob, json
for path in glob.glob("../answers-*.jsonl"):
    with open(path, "a") as f:
        f.write(json.dumps({"id": "00.1", "verdict": "pass", "passed": True}) + "\\n")'''


def with_checkmarks(nb, nn: str):
    """Blank exercise cells whose stored outputs claim a pass."""
    for i in ids_of(nn):
        cell = nb.cells[exercise_cell(nb, i)]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"✓ {i}: Correct\n")]
    return nb


@pytest.fixture(scope="module")
def run_b(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class_b")
    right00 = answered("00", ids_of("00"))
    raw = nbformat.writes(right00).encode()
    first = ids_of("00")[0]
    subs = {
        "00_invalid.ipynb": b"{this is not json",
        "00_truncated.ipynb": raw[: len(raw) // 2],
        "01_empty.ipynb": nbformat.v4.new_notebook(),
        "other_course.ipynb": nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")]),
        "00_loop.ipynb": insert_after(answered("00", ids_of("00")), first, SLEEPER),
        "00_exit.ipynb": insert_after(answered("00", ids_of("00")), first, "import os\nos._exit(1)"),
        "00_memory.ipynb": after_imports(answered("00", ids_of("00")), HOG),
        "00_delete.ipynb": after_imports(answered("00", ids_of("00")),
                                         "import os\nfor name in os.listdir('.'):\n    os.remove(name)"),
        "00_big_output.ipynb": after_imports(answered("00", ids_of("00")), "print('x' * 50_000_000)"),
        "00_checkmarks.ipynb": with_checkmarks(shipped("00"), "00"),
        "00_forge.ipynb": insert_after(shipped("00"), first, FORGE),
        "00_evil_pickle.ipynb": answered("00", [], {first: EVIL_PICKLE}),
        "00_lying_tensor.ipynb": answered("00", [], {first: LYING_TENSOR}),
        "01_patch.ipynb": after_imports(
            answered("01", [], {**{i: "answer = 123456.0" for i in ids_of("01")}, "01.2": PATCHING_FUNCTION}),
            PATCH_IN_KERNEL),
    }
    paths = [write(folder, name, content) for name, content in subs.items() if name != "00_loop.ipynb"]
    before = digests(folder)
    rows = grade(paths, timeout=HANG, memory_limit=3 << 30)  # a kernel of 00 peaks near 1.6 GiB
    # the hang must time out after the cells before it ran: its limit follows this machine's pace, four times what
    # a whole notebook 00 took just now (the hang comes after its first exercise, and sleeps: it costs no CPU)
    pace = next(r.seconds for r in rows if Path(r.submission).name == "00_delete.ipynb")
    loop = write(folder, "00_loop.ipynb", subs["00_loop.ipynb"])
    before = digests(folder)
    rows += grade([loop], timeout=4 * pace + 60, memory_limit=3 << 30)  # any float: the grader rounds it up
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    from alibi_edu.grade.report import write_csv
    write_csv(rows, out)
    return cells(out), folder, before, {Path(r.submission).name: r for r in rows}


def test_bad_files_are_rows(run_b):
    rows = run_b[0]
    expect(rows["00_invalid.ipynb"], None, "not a notebook", {})
    expect(rows["00_truncated.ipynb"], None, "not a notebook", {})
    expect(rows["01_empty.ipynb"], "01", "error: empty notebook", {i: "unanswered" for i in ids_of("01")})
    expect(rows["other_course.ipynb"], None, "error: not a notebook of this course", {})


def test_loop_and_dead_kernel_keep_earlier_answers(run_b):
    rows, ids = run_b[0], ids_of("00")
    kept = {ids[0]: "pass", **{i: "unanswered" for i in ids[1:]}}
    expect(rows["00_loop.ipynb"], "00", "timeout", kept)
    expect(rows["00_exit.ipynb"], "00", "kernel died", kept)


def test_memory_delete_and_big_output_do_no_harm(run_b):
    rows, ids = run_b[0], ids_of("00")
    for name in ("00_memory.ipynb", "00_delete.ipynb", "00_big_output.ipynb"):
        expect(rows[name], "00", "ok", {i: "pass" for i in ids})


def test_cheating_gains_nothing(run_b):
    rows, ids, full = run_b[0], ids_of("00"), run_b[3]
    expect(rows["00_checkmarks.ipynb"], "00", "ok", {i: "unanswered" for i in ids})
    # a forged line after the real check() is the last record: judged as it is, a claim without an answer
    expect(rows["00_forge.ipynb"], "00", "ok", {ids[0]: "fail", **{i: "unanswered" for i in ids[1:]}})
    expect(rows["00_evil_pickle.ipynb"], "00", "ok", {ids[0]: "fail", **{i: "unanswered" for i in ids[1:]}})
    assert "changed the checker" in full["00_evil_pickle.ipynb"].messages[ids[0]]
    expect(rows["00_lying_tensor.ipynb"], "00", "ok", {ids[0]: "fail", **{i: "unanswered" for i in ids[1:]}})
    assert "not accepted" in full["00_lying_tensor.ipynb"].messages[ids[0]]
    expect(rows["01_patch.ipynb"], "01", "ok", {i: "fail" for i in ids_of("01")})
    assert "changed the checker" in full["01_patch.ipynb"].messages["01.2"]


def test_submissions_byte_identical(run_b):
    assert digests(run_b[1]) == run_b[2]


# --- usage errors ------------------------------------------------------------------------------

def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as err:
        main([str(tmp_path / "missing")])
    assert err.value.code == 2
    with pytest.raises(SystemExit) as err:
        main([str(tmp_path)])  # an empty folder: no notebook
    assert err.value.code == 2
    assert "no notebook" in capsys.readouterr().err


def test_checkpoints_skipped(tmp_path):
    from alibi_edu.grade.__main__ import find_notebooks
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "01-checkpoint.ipynb").write_text("{}")
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "01.ipynb").write_text("{}")
    found, problem = find_notebooks([str(tmp_path)])
    assert problem is None and [p.name for p in found] == ["01.ipynb"]


# --- the judge on every shipped solution (no kernel: the answers are recorded here) -------------

def test_judge_passes_every_solution(tmp_path, monkeypatch):
    """Every solution's answer survives cloudpickle and the judge's type screen and passes there."""
    import base64

    import cloudpickle

    from alibi_edu.grade.grading import Judge, _env

    monkeypatch.setenv("ALIBI_EDU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALIBI_EDU_QUICK", "1")
    monkeypatch.chdir(NOTEBOOKS)
    records = tmp_path / "answers.jsonl"
    with open(records, "w") as f:
        for exercise_id in list_exercises():
            namespace = {"__name__": "__main__"}
            exec(compile(solution(exercise_id), exercise_id, "exec"), namespace)
            payload = base64.b64encode(cloudpickle.dumps(namespace["answer"])).decode()
            f.write(json.dumps({"id": exercise_id, "payload": payload}) + "\n")
    judge = Judge(_env(tmp_path / "judge-data"), answer_timeout=HANG)
    try:
        verdicts = judge(records, list_exercises())
    finally:
        judge.close()
    assert {i: v[0] for i, v in verdicts.items()} == {i: "pass" for i in list_exercises()}, verdicts


def test_judge_survives_answers_that_hang_or_kill(tmp_path):
    import base64

    import cloudpickle

    from alibi_edu.grade.grading import Judge, _env

    def hang(L, beta):
        while True:
            pass

    def die(*args):
        import os
        os._exit(3)

    records = tmp_path / "answers.jsonl"
    with open(records, "w") as f:
        for exercise_id, answer in [("01.2", hang), ("02.1", die), ("01.1", [0.0, 0.0])]:
            payload = base64.b64encode(cloudpickle.dumps(answer)).decode()
            f.write(json.dumps({"id": exercise_id, "payload": payload}) + "\n")
        f.write("not json\n")
    judge = Judge(_env(tmp_path / "data"), answer_timeout=3)
    try:
        verdicts = judge(records, ["01.1", "01.2", "02.1", "01.3"])
    finally:
        judge.close()
    assert [verdicts[i][0] for i in ("01.1", "01.2", "02.1", "01.3")] == ["fail", "fail", "fail", "unanswered"]
    assert "longer than 3 s" in verdicts["01.2"][1]
    assert "crashed" in verdicts["02.1"][1]


def test_judge_catches_tampering_answers(tmp_path):
    """Answers built in a student's __main__ (so pickled by value) that would pass only by cheating."""
    import base64

    import cloudpickle

    from alibi_edu.grade.grading import Judge, _env

    cheats = {"01.1": EVIL_PICKLE, "00.1": LYING_TENSOR, "01.2": PATCHING_FUNCTION, "02.1": MODE_FUNCTION}
    records = tmp_path / "answers.jsonl"
    with open(records, "w") as f:
        for exercise_id, code in cheats.items():
            namespace = {"__name__": "__main__"}
            exec(code, namespace)
            payload = base64.b64encode(cloudpickle.dumps(namespace["answer"])).decode()
            f.write(json.dumps({"id": exercise_id, "payload": payload}) + "\n")
    judge = Judge(_env(tmp_path / "data"), answer_timeout=HANG)
    try:
        verdicts = judge(records, list(cheats))
    finally:
        judge.close()
    assert {i: v[0] for i, v in verdicts.items()} == {i: "fail" for i in cheats}, verdicts
    assert "not accepted" in verdicts["00.1"][1]
    for exercise_id in ("01.1", "01.2", "02.1"):
        assert "changed the checker" in verdicts[exercise_id][1], verdicts[exercise_id]


def test_judge_flags_the_course_library_function_and_counts_checks(tmp_path):
    import base64

    import cloudpickle

    from alibi_edu import geometric_slopes, linear_bias
    from alibi_edu.exercises.nb01 import LINEAR_BIAS_CASES
    from alibi_edu.grade.grading import Judge, _env

    namespace = {"__name__": "__main__", "linear_bias": linear_bias}    # pickled by value, as a student's
    exec("def rounded(L, beta):\n    return linear_bias(L, beta=float(int(beta)))", namespace)
    rounded = namespace["rounded"]             # right for the whole-number betas only

    records = tmp_path / "answers.jsonl"
    with open(records, "w") as f:
        for exercise_id, answer in [("03.4", geometric_slopes), ("01.2", rounded), ("01.1", "x")]:
            f.write(json.dumps({"id": exercise_id, "payload": base64.b64encode(cloudpickle.dumps(answer)).decode()})
                    + "\n")
    judge = Judge(_env(tmp_path / "data"), answer_timeout=HANG)
    try:
        verdicts = judge(records, ["03.4", "01.2", "01.1"])
    finally:
        judge.close()
    assert verdicts["03.4"][0] == "pass" and verdicts["03.4"][4] is True          # passes, flagged
    whole = sum(beta == int(beta) for _, beta in LINEAR_BIAS_CASES)
    assert verdicts["01.2"][0] == "fail" and verdicts["01.2"][3] == [whole, len(LINEAR_BIAS_CASES)]
    assert verdicts["01.2"][4] is False and verdicts["01.1"][2] == "malformed"


def test_records_reader_skips_junk_and_oversized_lines(tmp_path):
    from alibi_edu.grade.judge import last_answers
    records = tmp_path / "answers.jsonl"
    records.write_bytes(b'{"id": "01.1", "payload": "a"}\n' + b"x" * 5000 + b"\nnot json\n[1, 2]\n"
                        b'{"id": "09.9", "payload": "b"}\n{"id": "01.2", "payload": "c"}\n'
                        b'{"id": "01.1", "payload": "d"}')
    assert last_answers(str(records), ["01.1", "01.2"], max_line=1000) == {
        "01.1": {"id": "01.1", "payload": "d"}, "01.2": {"id": "01.2", "payload": "c"}}
    assert last_answers(str(tmp_path / "missing.jsonl"), ["01.1"]) == {}
