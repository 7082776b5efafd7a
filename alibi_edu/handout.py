"""python -m alibi_edu.handout [--out dist/handout] [--solutions]: the course as students receive it.

The notebooks with the outputs of their exercise cells cleared, the alibi_edu package to run them, and a
short README (how to start, how to submit). No solutions folder unless --solutions; without it, the
"Stuck? %load solutions/..." pointers are taken out of the notebooks too.
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


def student_notebook(nb: dict, solutions: bool) -> dict:
    """nb with exercise cells' outputs cleared (and, without solutions, the pointers to them removed)."""
    for k in exercise_cells(nb["cells"]):
        nb["cells"][k]["outputs"], nb["cells"][k]["execution_count"] = [], None
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
   your help, within 5 minutes (the training cells of 04 and 05 run in a shorter, quick mode when graded).
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


def build(out: Path, solutions: bool = False, root: Path = ROOT) -> list[Path]:
    """Write the handout into `out` (replacing an earlier handout there); the notebooks written."""
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
        nb = student_notebook(json.loads(path.read_text(encoding="utf-8")), solutions)
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
    (out / "README.md").write_text(README.format(solutions=WITH_SOLUTIONS if solutions else WITHOUT_SOLUTIONS),
                                   encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alibi_edu.handout", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="dist/handout", help="folder to write (default: dist/handout)")
    parser.add_argument("--solutions", action="store_true", help="include notebooks/solutions/")
    args = parser.parse_args(argv)
    try:
        written = build(Path(args.out), args.solutions)
    except ValueError as err:
        parser.error(str(err))
    kind = "with" if args.solutions else "without"
    print(f"{len(written)} notebooks {kind} solutions in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
