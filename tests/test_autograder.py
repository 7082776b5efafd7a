"""The Gradescope autograder: the zip it writes, and its run_autograder run here on Gradescope's folders laid out
under a temporary root (AUTOGRADER_ROOT) for a right, a wrong, a blank, a broken and a cheating submission; each
results.json is checked against Gradescope's documented fields.

Not run here: setup.sh (it installs from apt and PyTorch's CPU index, which this machine cannot reach) and
Gradescope's own image. Instead the course's wheel from the zip is installed into a Python the sandbox users can
run, and two user ids that no process here uses stand in for the users setup.sh creates. The sandbox drops to
other users: the tests that run it need root (Gradescope's container is root) and are skipped otherwise."""
from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from alibi_edu.exercises.grading import DEFAULT_FILE, VISIBILITIES, load
from alibi_edu.grade import autograder, report
from alibi_edu.grade.grading import grade
from alibi_edu.grade.sandbox import User

ROOT = Path(__file__).resolve().parents[1]
TEST_FIELDS = {"name", "number", "score", "max_score", "status", "output", "visibility", "tags"}
NOTEBOOK_01 = [f"01.{k}" for k in range(1, 9)]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox drops to other users: only root can")


# --- the zip -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    autograder.build(out, timeout=900)
    return out


def test_the_zip_holds_what_gradescope_runs(built):
    with zipfile.ZipFile(built) as z:
        names = z.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup, run = z.read("setup.sh").decode(), z.read("run_autograder").decode()
        shipped_config = z.read("grading.toml")
    wheels = [n for n in names if n.endswith(".whl")]
    assert names[:3] == ["setup.sh", "run_autograder", "grading.toml"] and len(wheels) == 1
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    assert shipped_config == DEFAULT_FILE.read_bytes()
    assert {f"solutions/{p.name}" for p in (ROOT / "notebooks" / "solutions").glob("*.py")} <= set(names)
    torch = autograder.torch_pin()
    assert f'"torch=={torch}+cpu"' in setup and "--index-url https://download.pytorch.org/whl/cpu" in setup
    assert wheels[0] in setup and "useradd" in setup and "--check" in setup
    assert "AUTOGRADER_ROOT:-/autograder" in run and "--run" in run and "--timeout 900" in run
    for script in (setup, run):
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_the_wheel_in_the_zip_carries_the_question_files(built):
    with zipfile.ZipFile(built) as z:
        wheel = next(n for n in z.namelist() if n.endswith(".whl"))
        with zipfile.ZipFile(z.open(wheel)) as w:
            inside = w.namelist()
    assert "alibi_edu/grade/autograder.py" in inside and "alibi_edu/grade/sandbox.py" in inside
    assert any(n.startswith("alibi_edu/exercises/questions/") and n.endswith(".toml") for n in inside)


def test_a_broken_grading_file_stops_the_build(tmp_path):
    bad = tmp_path / "grading.toml"
    bad.write_text("[exercises]\n\"99.1\" = { points = 2 }\n")
    with pytest.raises(ValueError, match="99.1"):
        autograder.build(tmp_path / "a.zip", config=bad, wheel=tmp_path / "unused.whl")
    assert not (tmp_path / "a.zip").exists()


def test_several_notebooks_add_up_and_a_second_copy_counts_once():
    one = {"score": 2, "output": "2 of 8 points", "tests": [{"number": "01.1"}], "extra_data": {"notebook": "01"}}
    two = {"score": 1, "output": "1 of 6 points", "tests": [{"number": "02.1"}], "extra_data": {"notebook": "02"}}
    again = {"score": 5, "output": "5 of 8 points", "tests": [{"number": "01.2"}], "extra_data": {"notebook": "01"}}
    assert autograder.merge([("a.ipynb", one)], "visible") is one       # one notebook: as the local grader writes it
    both = autograder.merge([("a.ipynb", one), ("b.ipynb", two)], "hidden")
    assert both["score"] == 3 and [t["number"] for t in both["tests"]] == ["01.1", "02.1"]
    assert both["visibility"] == "hidden"
    best = autograder.merge([("a.ipynb", one), ("b.ipynb", two), ("c.ipynb", again)], "visible")
    assert best["score"] == 6 and [t["number"] for t in best["tests"]] == ["02.1", "01.2"]
    assert "a.ipynb" in best["output"] and "not counted" in best["output"]


def test_users_must_not_be_root():
    with pytest.raises(ValueError, match="root"):
        User.of("0")
    with pytest.raises(ValueError, match="no such user"):
        User.of("no-such-user-here")
    assert User.of("64001:64002") == User(64001, 64002)


# --- run_autograder on Gradescope's folders ---------------------------------------------------------

def runs_as(python: str, user: User) -> bool:
    try:
        return subprocess.run([python, "-c", "pass"], user=user.uid, group=user.gid, extra_groups=[],
                              capture_output=True).returncode == 0
    except OSError:
        return False


def free_users(n: int) -> list[User]:
    """User ids with no entry in /etc/passwd and no process: the autograder may kill whatever runs as them."""
    taken = {e.pw_uid for e in pwd.getpwall()} | {p.stat().st_uid for p in Path("/proc").iterdir()
                                                   if p.name.isdigit() and p.exists()}
    return [User(uid, uid) for uid in range(64100, 65000) if uid not in taken][:n]


@pytest.fixture(scope="module")
def place(built):
    """A world-readable folder (Gradescope's /autograder and /opt are): a Python the sandbox users can run, with
    the zip's wheel installed, root-owned; the users; the folder for each submission's root."""
    if os.geteuid() != 0:
        pytest.skip("the sandbox drops to other users: only root can")
    base = Path(tempfile.mkdtemp(prefix="alibi-autograder-test-"))
    base.chmod(0o755)
    student, judge = free_users(2)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [os.path.realpath(getattr(sys, "_base_executable", sys.executable)), f"/usr/bin/python{version}",
                  f"/usr/local/bin/python{version}"]
    interpreter = next((c for c in candidates if os.path.exists(c) and runs_as(c, student)), None)
    if interpreter is None:
        shutil.rmtree(base)
        pytest.skip(f"no Python {version} here that an unprivileged user can run")
    venv = base / "venv"
    subprocess.run([interpreter, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path("
                                "'purelib'))"], capture_output=True, text=True, check=True).stdout.strip())
    with zipfile.ZipFile(built) as z:
        wheel = next(n for n in z.namelist() if n.endswith(".whl"))
        z.extract(wheel, base)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "--target", str(site), str(base / wheel)], check=True)
    # torch and the rest from this venv, after the wheel's package on the path
    here = sysconfig.get_path("purelib")
    (site / "zz_course_dependencies.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    for path in [base, *base.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IRGRP | stat.S_IROTH | (0o011 if path.is_dir() else 0))
    yield {"base": base, "python": venv / "bin" / "python", "site": site, "student": student, "judge": judge}
    shutil.rmtree(base, ignore_errors=True)


def lay_out(place: dict, built: Path, name: str, files: dict[str, str | bytes]) -> Path:
    """Gradescope's folders: source/ (the zip, as setup.sh leaves it), submission/ (the student's files), results/."""
    root = place["base"] / name
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    with zipfile.ZipFile(built) as z:
        z.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    for path in [root, *(root / "submission").rglob("*"), root / "submission", root / "results"]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    for file, content in files.items():
        target = root / "submission" / file
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def run_autograder(place: dict, root: Path) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "ALIBI_AUTOGRADER_PYTHON": str(place["python"]),
           "ALIBI_AUTOGRADER_STUDENT": str(place["student"]), "ALIBI_AUTOGRADER_JUDGE": str(place["judge"])}
    env.pop("ALIBI_EDU_QUICK", None)
    # a hang must fail the test, a slow machine must not: minutes beyond any grading here
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    return nbformat.writes(nb)


def answer(exercise_id: str, value: str) -> str:
    return f"answer = {value}\ncheck({exercise_id!r}, answer)"


IMPORT = "from alibi_edu.exercises import check"
RIGHT = [answer("01.1", "[0.5 * (j - 10) for j in (5, 2)]"), answer("01.4", '"C"')]
WRONG = [answer("01.1", "[2.5, 4.0]"), answer("01.4", '"A"')]


def assert_gradescope_fields(result: dict) -> None:
    """Gradescope's documented results.json: score, output, visibility, tests[{name, number, score, max_score,
    status, output, visibility, tags}]."""
    assert isinstance(result["score"], (int, float)) and isinstance(result["output"], str) and result["output"]
    assert result["visibility"] in VISIBILITIES
    for test in result["tests"]:
        assert set(test) == TEST_FIELDS, test
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"] and isinstance(test["tags"], list)
        assert all(isinstance(test[k], str) and test[k] for k in ("name", "number", "output"))
    assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]))


def by_number(result: dict) -> dict[str, dict]:
    return {t["number"]: t for t in result["tests"]}


@needs_root
def test_right_wrong_and_blank_submissions(place, built):
    results = {kind: run_autograder(place, lay_out(place, built, kind, {f"01_score_computation-{kind}.ipynb":
                                                                         notebook(IMPORT, *cells)}))
               for kind, cells in (("right", RIGHT), ("wrong", WRONG),
                                   ("blank", [answer("01.1", "..."), answer("01.4", "...")]))}
    for result in results.values():
        assert_gradescope_fields(result)
        assert sorted(by_number(result)) == NOTEBOOK_01 and result["extra_data"]["notebook"] == "01"
    right, wrong, blank = (by_number(results[k]) for k in ("right", "wrong", "blank"))
    assert results["right"]["score"] == 2 and right["01.1"]["status"] == right["01.4"]["status"] == "passed"
    assert right["01.2"]["status"] == "failed" and right["01.2"]["output"].startswith("unanswered")
    assert results["wrong"]["score"] == 0 and all(t["output"].startswith("wrong") for n, t in wrong.items()
                                                  if n in ("01.1", "01.4"))
    assert wrong["01.4"]["output"] != right["01.4"]["output"] and '"C"' not in wrong["01.4"]["output"]
    assert results["blank"]["score"] == 0 and all(t["output"].startswith("unanswered") for t in blank.values())
    print(json.dumps(results["wrong"], indent=1, ensure_ascii=False))


@needs_root
def test_a_broken_file_and_an_empty_submission_get_a_reason_and_no_points(place, built):
    broken = run_autograder(place, lay_out(place, built, "broken", {"01_score_computation.ipynb": '{"cells": [',
                                                                    "notes.txt": "my answers"}))
    assert_gradescope_fields(broken)
    assert broken["score"] == 0 and broken["tests"] == [] and "not a notebook" in broken["output"]
    assert "01_score_computation.ipynb" in broken["output"]
    empty = run_autograder(place, lay_out(place, built, "empty", {"notes.txt": "my answers"}))
    assert_gradescope_fields(empty)
    assert empty["score"] == 0 and "No notebook" in empty["output"]


CHEAT = r'''
import json, os, signal, subprocess, sys, time
import alibi_edu, alibi_edu.grade
root, proof = ROOT, PROOF
def attempt(what, act):
    try:
        act()
        outcome = "done"
    except Exception as err:
        outcome = type(err).__name__
    with open(proof, "a") as f:
        f.write(json.dumps({"what": what, "outcome": outcome}) + "\n")
forged = json.dumps({"score": 100, "output": "full marks", "tests": []})
attempt("write results.json", lambda: open(f"{root}/results/results.json", "w").write(forged))
attempt("new file in results", lambda: open(f"{root}/results/extra.json", "w").write(forged))
attempt("rewrite grading.toml", lambda: open(f"{root}/source/grading.toml", "a").close())
attempt("read a solution", lambda: open(f"{root}/source/solutions/01_4.py").read())
attempt("change the course's code", lambda: open(alibi_edu.__file__, "a").close())
attempt("add to the grader", lambda: open(os.path.join(os.path.dirname(alibi_edu.grade.__file__), "x.py"), "w"))
attempt("signal the grader", lambda: os.kill(os.getppid(), 0))
def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return b""
judges = [p for p in os.listdir("/proc") if p.isdigit() and b"alibi_edu.grade.judge" in cmdline(p)]
attempt("find the judge", lambda: judges[0])
attempt("signal the judge", lambda: [os.kill(int(p), 0) for p in judges] and None)
with open(proof, "a") as f:
    f.write(json.dumps({"what": "who", "outcome": [os.getuid(), alibi_edu.__file__]}) + "\n")
daemon = """
import json, sys, time
for _ in range(600):
    try:
        open(sys.argv[1] + "/results/results.json", "w").write(sys.argv[3])
    except OSError:
        pass
    open(sys.argv[2] + ".daemon", "w").write(str(time.time()))
    time.sleep(0.1)
"""
subprocess.Popen([sys.executable, "-c", daemon, root, proof, forged], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''


@needs_root
def test_a_cheating_notebook_cannot_touch_the_results_the_grader_or_the_course(place, built):
    proof_dir = Path(tempfile.mkdtemp(prefix="alibi-proof-"))
    proof_dir.chmod(0o777)
    proof = proof_dir / "proof.jsonl"
    root = place["base"] / "cheat"
    code = CHEAT.replace("ROOT", repr(str(root))).replace("PROOF", repr(str(proof)))
    course = sorted(p for p in place["site"].joinpath("alibi_edu").rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in course}
    try:
        result = run_autograder(place, lay_out(place, built, "cheat", {
            "01_score_computation-mallory.ipynb": notebook(IMPORT, RIGHT[0], code, answer("01.4", '"A"'))}))
        ended = time.time()
        time.sleep(2)
        tries = {}
        for line in proof.read_text().splitlines():
            entry = json.loads(line)
            tries[entry["what"]] = entry["outcome"]
        uid, package = tries.pop("who")
        assert uid == place["student"].uid and package.startswith(str(place["site"]))
        assert tries.pop("find the judge") == "done"      # it was there, and out of reach:
        assert all(outcome == "PermissionError" for outcome in tries.values()), tries
        assert_gradescope_fields(result)
        assert result["score"] == 1 and by_number(result)["01.1"]["status"] == "passed"
        assert json.loads((root / "results" / "results.json").read_text()) == result
        assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]
        assert (root / "source" / "grading.toml").read_bytes() == DEFAULT_FILE.read_bytes()
        assert {p: p.read_bytes() for p in course} == before and not (place["site"] / "alibi_edu/grade/x.py").exists()
        heartbeat = proof.with_name(proof.name + ".daemon")
        assert heartbeat.exists() and float(heartbeat.read_text()) < ended   # its daemon ended with the grading
    finally:
        shutil.rmtree(proof_dir, ignore_errors=True)


@needs_root
@pytest.mark.slow
def test_the_autograder_grades_as_the_local_grader_writes_for_gradescope(place, built, tmp_path):
    """The same judge, points and feedback as `python -m alibi_edu.grade --gradescope`, here for a wrong answer."""
    text = notebook(IMPORT, *WRONG, answer("01.8", "0.25"))
    name = "01_score_computation-bob.ipynb"
    remote = run_autograder(place, lay_out(place, built, "same", {name: text}))
    (tmp_path / name).write_text(text)
    local = report.results_json(grade([tmp_path / name])[0], load())
    assert remote == local
