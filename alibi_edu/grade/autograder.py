"""A Gradescope autograder for the course: python -m alibi_edu.grade.autograder --out autograder.zip

The zip holds what Gradescope runs:
- setup.sh, run once, as root and with network, when Gradescope builds the image: Python, the CPU build of torch,
  the course package (its wheel, also in the zip) and the two unprivileged users student code runs as;
- run_autograder, run once per submission: grades every .ipynb in /autograder/submission with the course's own
  grader (the same judge, points and feedback as `python -m alibi_edu.grade --gradescope`) and writes
  /autograder/results/results.json. The student's notebook runs as one user, each answer's check as another, the
  grader as root (sandbox.py): the notebook cannot write results.json, the course's code or the grading file;
- grading.toml, the grading file it was built with, and solutions/ (a loaded course solution is flagged, as
  locally).

In the container run_autograder calls `python -m alibi_edu.grade.autograder --run`; the folders' root comes from
AUTOGRADER_ROOT (default /autograder), so a test can lay them out under a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]          # a clone of the course: pyproject.toml, notebooks/solutions
VENV = "/opt/alibi-edu"                             # where setup.sh installs the course, in Gradescope's image
STUDENT, JUDGE = "alibi-student", "alibi-judge"     # the users setup.sh creates
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root and with network, when it builds the autograder's image (Ubuntu): Python,
# the CPU build of torch (the default index would bring a multi-GB CUDA build), the course package from its wheel
# beside this file, and the two unprivileged users that student code runs as. Written by
# `python -m alibi_edu.grade.autograder`.
set -euxo pipefail
source=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv
python3 -m venv __VENV__
__VENV__/bin/python -m pip install --upgrade pip
__VENV__/bin/python -m pip install --index-url __INDEX__ "torch==__TORCH__+cpu"
__VENV__/bin/python -m pip install "$source/__WHEEL__"
for user in __STUDENT__ __JUDGE__; do
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
done
chmod -R go-rwx "$source"   # the grading file and the solutions are root's: the student's notebook cannot read them
__VENV__/bin/python -m alibi_edu.grade.autograder --check --root "$(dirname "$source")"
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this once per submission, as root: every notebook in $root/submission is graded with the course's
# grader (student code as unprivileged users) and $root/results/results.json written. Written by
# `python -m alibi_edu.grade.autograder`.
root=${AUTOGRADER_ROOT:-/autograder}
python=${ALIBI_AUTOGRADER_PYTHON:-__VENV__/bin/python}
exec "$python" -m alibi_edu.grade.autograder --run --root "$root" --timeout __TIMEOUT__
"""


# --- building the zip ------------------------------------------------------------------------

def torch_pin(root: Path = ROOT) -> str:
    """The torch version requirements.txt pins (the course's CPU build everywhere)."""
    text = (root / "requirements.txt").read_text() if (root / "requirements.txt").is_file() else ""
    match = re.search(r"^torch==([\d.]+)\s*$", text, flags=re.M)
    if not match:
        raise ValueError(f"{root / 'requirements.txt'}: no `torch==X.Y.Z` line to pin the autograder's torch to")
    return match[1]


def build_wheel(into: Path, root: Path = ROOT) -> Path:
    """The course package's wheel (question files included), built from a copy of the clone's package: never
    from build/ leftovers, never writing into the clone."""
    if not (root / "pyproject.toml").is_file():
        raise ValueError(f"no pyproject.toml in {root}: build the autograder from a clone of the course")
    from importlib.util import find_spec
    tree = into / "tree"
    shutil.copytree(root / "alibi_edu", tree / "alibi_edu", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, tree / name)
    offline = ["--no-build-isolation"] if find_spec("setuptools") else []  # else pip fetches setuptools itself
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check", *offline,
                    "-w", str(into), str(tree)], check=True, stdout=subprocess.DEVNULL)
    return next(into.glob("alibi_edu-*.whl"))


def build(out: Path, config: Path | None = None, timeout: float = 300, wheel: Path | None = None,
          root: Path = ROOT) -> list[str]:
    """Write the autograder zip to out; its member names."""
    from alibi_edu.exercises.grading import DEFAULT_FILE, load
    config = Path(config) if config else DEFAULT_FILE
    load(config)                                    # a broken grading file fails here, not on Gradescope
    torch = torch_pin(root)
    with tempfile.TemporaryDirectory(prefix="alibi-autograder-") as tmp:
        wheel = Path(wheel) if wheel else build_wheel(Path(tmp), root)
        fill = {"__VENV__": VENV, "__INDEX__": TORCH_CPU_INDEX, "__TORCH__": torch, "__WHEEL__": wheel.name,
                "__STUDENT__": STUDENT, "__JUDGE__": JUDGE, "__TIMEOUT__": f"{timeout:g}"}
        scripts = {name: _fill(text, fill) for name, text in (("setup.sh", SETUP), ("run_autograder", RUN))}
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in scripts.items():
                _add(z, name, text.encode(), 0o755)
            _add(z, "grading.toml", config.read_bytes(), 0o644)
            _add(z, wheel.name, wheel.read_bytes(), 0o644)
            for path in sorted((root / "notebooks" / "solutions").glob("*.py")):
                _add(z, f"solutions/{path.name}", path.read_bytes(), 0o644)
            return z.namelist()


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _add(z: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))   # the same sources give the same zip
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


# --- running in the container ----------------------------------------------------------------

def submitted_notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*.ipynb") if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def merge(results: list[tuple[str, dict]], visibility: str) -> dict:
    """One results.json for a submission of several notebooks: each notebook's tests, their scores summed. A
    single notebook's results.json is returned as it is (the same as the local grader's --gradescope)."""
    if len(results) == 1:
        return results[0][1]
    best: dict[str, tuple[str, dict]] = {}
    notes = []
    for name, result in results:
        notebook = result.get("extra_data", {}).get("notebook") or name
        if notebook in best and best[notebook][1]["score"] >= result["score"]:
            notes.append(f"{name}: {result['output']} (another file of notebook {notebook} scored as high: not "
                         "counted)")
            continue
        if notebook in best:
            old = best[notebook]
            notes.append(f"{old[0]}: {old[1]['output']} (another file of notebook {notebook} scored higher: not "
                         "counted)")
        best[notebook] = (name, result)
    kept = sorted(best.values(), key=lambda nr: nr[0])
    score = sum(r["score"] for _, r in kept)
    return {"score": round(score, 4), "output": "\n".join([f"{n}: {r['output']}" for n, r in kept] + notes),
            "visibility": visibility, "stdout_visibility": "hidden",
            "tests": [t for _, r in kept for t in r["tests"]],
            "extra_data": {"notebooks": [{"file": n, **r.get("extra_data", {})} for n, r in kept]}}


def run(root: Path, timeout: float = 300, student: str = STUDENT, judge: str = JUDGE) -> dict:
    """Grade root/submission as Gradescope lays it out; write and return root/results/results.json."""
    from alibi_edu.exercises.grading import load

    from .grading import Users, grade
    from .report import _write, results_json
    from .sandbox import User

    root = Path(root).resolve()
    source, submission, results = root / "source", root / "submission", root / "results"
    config = load(source / "grading.toml")
    source.chmod(0o700)                 # the grading file and the solutions: not the student's to read
    results.mkdir(parents=True, exist_ok=True)
    results.chmod(0o755)                # nor results.json theirs to write
    notebooks = submitted_notebooks(submission)
    if not notebooks:
        result = {"score": 0, "output": "No notebook (.ipynb) was found in this submission: upload the course "
                                        "notebook you worked in, e.g. 01_score_computation.ipynb.",
                  "visibility": config.visibility, "stdout_visibility": "hidden", "tests": []}
    else:
        os.chdir(source)                # solutions/ is here: a loaded course solution is flagged, as locally
        users = Users(User.of(student), User.of(judge))
        rows = grade(notebooks, timeout=timeout, users=users,
                     progress=lambda row: print(f"graded {row.submission}: {row.status} in {row.seconds:.0f} s"))
        result = merge([(str(Path(r.submission).relative_to(submission)), results_json(r, config)) for r in rows],
                       config.visibility)
        for r in rows:
            if not r.notebook:          # no notebook of the course: say which file and why
                name = Path(r.submission).name
                result["output"] = result["output"].replace("0 of 0 points; the notebook's run: ",
                                                            f"{name} could not be graded: ", 1)
    _write(results / "results.json", json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return result


def check(root: Path) -> None:
    """setup.sh's last step: the package imports, the grading file loads, the users exist and are not root."""
    from alibi_edu.exercises.grading import load

    from .sandbox import User
    load(Path(root) / "source" / "grading.toml")
    User.of(os.environ.get("ALIBI_AUTOGRADER_STUDENT", STUDENT)), User.of(os.environ.get("ALIBI_AUTOGRADER_JUDGE",
                                                                                          JUDGE))
    print("autograder ready: the course package imports, grading.toml loads, the sandbox users exist")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alibi_edu.grade.autograder",
                                     description="Write a Gradescope autograder zip for the course (or, with --run, "
                                                 "grade a submission inside Gradescope's container).")
    parser.add_argument("--out", default="autograder.zip", help="the zip to write (default: autograder.zip)")
    parser.add_argument("--config", default=None, help="the grading file to build in (default: grading.toml)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    parser.add_argument("--wheel", default=None, help="the course's wheel to ship (default: built from this clone)")
    parser.add_argument("--run", action="store_true", help="in the container: grade ROOT/submission")
    parser.add_argument("--check", action="store_true", help="in the container: check the installation")
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"),
                        help="Gradescope's folder (default: $AUTOGRADER_ROOT, else /autograder)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout}")
    if args.check:
        check(Path(args.root))
        return 0
    if args.run:
        start = time.monotonic()
        result = run(Path(args.root), args.timeout, os.environ.get("ALIBI_AUTOGRADER_STUDENT", STUDENT),
                     os.environ.get("ALIBI_AUTOGRADER_JUDGE", JUDGE))
        print(f"score {result['score']} in {time.monotonic() - start:.0f} s; {Path(args.root) / 'results'}")
        return 0
    try:
        names = build(Path(args.out), args.config, args.timeout, Path(args.wheel) if args.wheel else None)
    except (ValueError, OSError, subprocess.CalledProcessError) as err:
        parser.error(str(err))
    shown = [n for n in names if not n.startswith("solutions/")]
    print(f"wrote {args.out}: {', '.join(shown)} and {len(names) - len(shown)} solutions. Upload it as the "
          "assignment's autograder on Gradescope (docs/grading.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
