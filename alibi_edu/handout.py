"""python -m alibi_edu.handout [--out dist/handout] [--solutions | --exam [--config grading.toml]]: the course as
students receive it.

The notebooks with the outputs of their exercise cells cleared, the alibi_edu package to run them, and a
short README (how to start, how to submit). No solutions folder unless --solutions; without it, the
"Stuck? %load solutions/..." pointers are taken out of the notebooks too.

--exam: a copy whose package holds no answer of the exercises the grading file marks as graded. Their
checker modules (exercises/nbNN.py) are replaced by record-only stubs generated from the declared answer
forms (exercises/exam.py), and their questions (questions/nbNN.toml) keep only id, title, question and
options. A checker module is stubbed whole when any of its exercises is graded, or when it imports a
stubbed one; its practice exercises are then recorded without feedback too.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".alibi-handout"  # only a folder carrying this file is ever deleted and rebuilt
EXERCISE_SECTIONS = ("exercises", "multiple choice", "closing quiz")
_STUCK = re.compile(r"\s*<sub>\s*Stuck\?[^<]*solutions/[^<]*</sub>")
_CHECKS = re.compile(r"\b(check|quiz)\(")


def exercise_cells(cells: list[dict]) -> list[int]:
    """Code cells that call check( or quiz(, and every code cell in an Exercises/quiz section."""
    found, in_section = [], False
    for k, cell in enumerate(cells):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in text.splitlines():
                if line.startswith("## "):
                    in_section = any(s in line.lower() for s in EXERCISE_SECTIONS)
        elif cell["cell_type"] == "code" and (in_section or _CHECKS.search(text)):
            found.append(k)
    return found


SOURCE_DEFAULT = 'os.environ.get("ALIBI_EDU_SOURCE", "")'  # in every notebook's first code cell


def student_notebook(nb: dict, solutions: bool, exam: bool = False, source: str = "") -> dict:
    """nb with exercise cells' outputs cleared (exam: every output), and without solutions no pointers to them.

    source: where the first cell installs the package from when a kernel lacks it (Colab), unless the student's
    ALIBI_EDU_SOURCE says otherwise: a pip target such as git+https://github.com/OWNER/REPO or a wheel's URL.
    """
    if source:
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "code" and SOURCE_DEFAULT in text:
                cell["source"] = text.replace(SOURCE_DEFAULT, f"os.environ.get(\"ALIBI_EDU_SOURCE\", {source!r})")
                break
    code = [k for k, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    cleared = code if exam else exercise_cells(nb["cells"])
    for k in cleared:
        nb["cells"][k]["outputs"], nb["cells"][k]["execution_count"] = [], None
    if exam:                                        # saved widget state would hold what the outputs showed
        nb.get("metadata", {}).pop("widgets", None)
    if not solutions:
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                text = _STUCK.sub("", "".join(cell["source"]))
                cell["source"] = text.splitlines(keepends=True)
    return nb


def student_requirements(text: str) -> str:
    """requirements.txt without the testing tools (everything after the '# testing' line)."""
    lines = text.splitlines(keepends=True)
    cut = next((k for k, line in enumerate(lines) if line.strip().lower() == "# testing"), len(lines))
    return "".join(lines[:cut])


README = """# ALiBi, hands-on: your copy of the course

## Start

You need Python 3.10 or newer.

```bash
python3 -m venv .venv && . .venv/bin/activate    # on Windows: .venv\\Scripts\\activate
pip install -r requirements.txt && pip install -e .
jupyter lab notebooks/00_start_here.ipynb
```

Work through the notebooks in order, 00 to 06. Run each one top to bottom the first time.

## Exercises

An exercise cell starts with `answer = ...`. Replace the `...` with your answer and run the cell:
`check("01.2", answer)` answers ✓ with the reason, or ✗ with a hint. Try as often as you like.
For multiple-choice questions, clicking a choice gives feedback but is not saved: for your grade, write the
letter in the answer cell too (`answer = "B"`).
{solutions}

## Submit

1. Save each notebook, then *Kernel → Restart Kernel and Run All Cells*: it must run top to bottom without
   your help, within 5 minutes (when graded, the teaching sweeps of 04 and 05 run in a short quick mode;
   the runs of your exercises keep their size).
2. Hand in the `.ipynb` files as your instructor asks. Keep the number at the start of each file name
   (`01_score_computation.ipynb`, or e.g. `01_score_computation-yourname.ipynb`).

How it is graded: your notebook is run again from the top in a fresh kernel. For each exercise, what counts is
the last answer your notebook passes to `check(...)`, checked again by the course's own checker. The ✓ and ✗
saved in the file count for nothing, and an exercise whose cell still holds `...` counts as unanswered.
"""

WITH_SOLUTIONS = ("\nSolutions are in `notebooks/solutions/`, one file per exercise (`01_2.py` for `01.2`): "
                  "type `%load solutions/01_2.py` in a new cell to see one.")
WITHOUT_SOLUTIONS = ("\nThis copy has no solutions folder: where a notebook or a hint mentions "
                     "`%load solutions/...`, ask your instructor instead.")


def build(out: Path, solutions: bool = False, root: Path = ROOT, exam: bool = False,
          graded: set[str] | None = None, source: str = "") -> list[Path]:
    """Write the handout into `out` (replacing an earlier handout there); the notebooks written.

    exam: strip the answers of the `graded` exercise ids (default: every exercise) from the package.
    """
    if exam and solutions:
        raise ValueError("solutions=True with exam=True would ship the answers; choose one")
    out, sources = Path(out), sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not sources:
        raise ValueError(f"root={str(root)!r} has no notebooks/NN_*.ipynb: run from a clone of the course")
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise ValueError(f"out={str(out)!r} exists and is not a handout folder; choose an empty or new folder")
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    (out / MARKER).write_text("built by python -m alibi_edu.handout\n")
    written = []
    for path in sources:
        nb = student_notebook(json.loads(path.read_text(encoding="utf-8")), solutions, exam, source)
        target = out / "notebooks" / path.name
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    if solutions:
        shutil.copytree(root / "notebooks" / "solutions", out / "notebooks" / "solutions",
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    shutil.copytree(root / "alibi_edu", out / "alibi_edu", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copyfile(root / "pyproject.toml", out / "pyproject.toml")
    requirements = (root / "requirements.txt").read_text(encoding="utf-8")
    (out / "requirements.txt").write_text(student_requirements(requirements), encoding="utf-8")
    if exam:
        from .exercises import list_exercises
        strip_answers(out / "alibi_edu" / "exercises", set(list_exercises()) if graded is None else set(graded))
    readme = README.format(solutions=WITH_SOLUTIONS if solutions else WITHOUT_SOLUTIONS)
    (out / "README.md").write_text(readme.replace(PRACTICE_CHECKS, EXAM_CHECKS) if exam else readme, encoding="utf-8")
    return written


PRACTICE_CHECKS = "answers ✓ with the reason, or ✗ with a hint. Try as often as you like."
EXAM_CHECKS = ("records your answer and says whether it is in the form asked (type, shape, a function that "
               "runs) and complete. It does not say whether it is right: that is decided when your work is graded.")


def strip_answers(exercises_dir: Path, graded: set[str]) -> list[str]:
    """In a copied exercises/ package, replace what holds the answers of `graded`; the files rewritten."""
    from .exercises import core
    from .exercises.exam import FORMS
    modules: dict[str, list[str]] = {}
    for exercise_id, ex in sorted(core._REGISTRY.items()):
        modules.setdefault(ex.checker.__module__.rsplit(".", 1)[-1], []).append(exercise_id)
    stubbed = {name for name, ids in modules.items() if name.startswith("nb") and graded & set(ids)}
    while True:                                   # a module that imports a stubbed one is stubbed too
        more = {name for name in modules if name.startswith("nb") and name not in stubbed and any(
            f"from .{s} import" in (exercises_dir / f"{name}.py").read_text(encoding="utf-8") for s in stubbed)}
        if not more:
            break
        stubbed |= more
    missing = sorted(i for name in stubbed for i in modules[name] if i not in FORMS)
    if missing:
        raise ValueError(f"exercises {missing} have no declared answer form: add them to exercises/exam.py FORMS")
    forms = {i: resolved_form(i) for name in stubbed for i in modules[name]}
    rewritten = []
    for name in sorted(stubbed):
        path = exercises_dir / f"{name}.py"
        path.write_text(exam_stub(name, modules[name], forms), encoding="utf-8")
        rewritten.append(str(path))
    for path in sorted((exercises_dir / "questions").glob("nb*.toml")):
        text = exam_questions(path.read_text(encoding="utf-8"), graded)
        if text is not None:
            path.write_text(text, encoding="utf-8")
            rewritten.append(str(path))
    return rewritten


def resolved_form(exercise_id: str, root: Path = ROOT):
    """The declared answer form of exercise_id, its shapes read from the course's solution where left open."""
    import os

    from .exercises.exam import FORMS, resolve, unresolved
    form = FORMS[exercise_id]
    if not unresolved(form):
        return form
    path = root / "notebooks" / "solutions" / (exercise_id.replace(".", "_") + ".py")
    if not path.is_file():
        raise ValueError(f"exercise {exercise_id}'s answer form leaves its shape open and {path} is missing")
    code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not re.match(r"\s*check\(", line))
    namespace, cwd = {"__name__": "__main__"}, os.getcwd()
    os.chdir(path.parents[1])                    # solutions run in notebooks/, as in the course
    try:
        exec(compile(code, str(path), "exec"), namespace)
    finally:
        os.chdir(cwd)
    return resolve(form, namespace["answer"])


def exam_stub(module: str, ids: list[str], forms: dict) -> str:
    """Source of a record-only exercises/nbNN.py: each exercise's title and answer form, nothing else."""
    from .exercises import core
    names = sorted({type(forms[i]).__name__ for i in ids} | {type(a).__name__ for i in ids
                                                           for a in getattr(forms[i], "args", ()) if hasattr(a, "make")}
                   | {type(getattr(forms[i], "returns", None)).__name__ for i in ids} - {"NoneType"})
    lines = [f'"""Notebook {module[2:]} exercises, exam copy: check() records an answer and says whether it is in the '
             'form asked\nand complete, never whether it is right."""',
             "from . import questions", f"from .exam import {', '.join(names)}, record_only", ""]
    lines += [f"record_only({i!r}, {core.get(i).title!r}, {forms[i]!r})" for i in ids]
    toml = ROOT / "alibi_edu" / "exercises" / "questions" / f"{module}.toml"
    if toml.exists():
        lines += ["", f'questions.register("{module[2:]}")']
    return "\n".join(lines) + "\n"


def exam_questions(text: str, graded: set[str]) -> str | None:
    """A question file with only id, title, question and options of its graded questions; None if none is graded."""
    from .exercises.questions import load
    items = load(text)
    if not any(item["id"] in graded for item in items):
        return None
    out = ["# Exam copy: the graded questions' answers are not in this file.", "exam = true", ""]
    for item in items:
        keep = ("id", "title", "question", "options") if item["id"] in graded else \
            ("id", "title", "question", "reread", "key", "why", "options", "hints")
        out.append("[[question]]")
        for name in keep:
            if isinstance(item[name], dict):
                continue
            out.append(f"{name} = {json.dumps(item[name], ensure_ascii=False)}")
        for name in ("options", "hints"):
            if name in keep:
                out += [f"[question.{name}]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}"
                                                 for k, v in item[name].items()]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alibi_edu.handout", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="dist/handout", help="folder to write (default: dist/handout)")
    parser.add_argument("--solutions", action="store_true", help="include notebooks/solutions/")
    parser.add_argument("--exam", action="store_true",
                        help="no answer keys for the graded exercises: check() records, never judges")
    parser.add_argument("--source", default="", help="pip source the notebooks' first cell installs the course "
                        "from where it is missing, e.g. git+https://github.com/OWNER/REPO (default: none; "
                        "students set ALIBI_EDU_SOURCE)")
    parser.add_argument("--config", default=None, help="the grading file naming the graded exercises "
                        "(default: the course's grading.toml: all)")
    args = parser.parse_args(argv)
    try:
        graded = None
        if args.exam:
            from .exercises.grading import load
            graded = set(load(args.config).points)
        written = build(Path(args.out), args.solutions, exam=args.exam, graded=graded, source=args.source)
    except ValueError as err:
        parser.error(str(err))
    kind = f"as an exam (no keys for {len(graded)} graded exercises)" if args.exam else \
        "with solutions" if args.solutions else "without solutions"
    print(f"{len(written)} notebooks {kind} in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
