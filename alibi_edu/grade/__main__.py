"""python -m alibi_edu.grade PATH... [--out grades.csv] [--config grading.toml] [--gradebook FILE]
[--gradescope DIR] [--feedback DIR] [--timeout SECONDS] [--full-size]"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from tqdm import tqdm


def find_notebooks(paths: list[str]) -> tuple[list[Path], str | None]:
    """Files as given, folders searched recursively for *.ipynb (checkpoints skipped); or a usage error."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found += sorted(f for f in p.rglob("*.ipynb") if f.is_file() and ".ipynb_checkpoints" not in f.parts)
        else:
            return [], f"no such file or folder: {p}"
    return (found, None) if found else ([], "no notebook (*.ipynb) found in " + " ".join(paths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alibi_edu.grade",
                                     description="Grade submitted course notebooks with the course's own checkers.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a notebook, or a folder searched for *.ipynb")
    parser.add_argument("--out", default="grades.csv", help="CSV to write (default: grades.csv)")
    parser.add_argument("--config", default=None,
                        help="the grading file: graded exercises, points, credit (default: the course's grading.toml)")
    parser.add_argument("--gradebook", metavar="FILE", help="also write a gradebook CSV: student, points, exercises")
    parser.add_argument("--gradescope", metavar="DIR", help="also write DIR/<submission>/results.json for Gradescope")
    parser.add_argument("--feedback", metavar="DIR", help="also write DIR/<submission>.md, feedback for the student")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    parser.add_argument("--memory-gb", type=float, default=8,
                        help="address-space limit of each student kernel in GiB, 0 for none (default: 8)")
    parser.add_argument("--full-size", action="store_true",
                        help="run the notebooks' teaching sweeps at full size too, as a student does (slow; the "
                             "grades are the same: the exercises' own runs are full size either way)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout}")
    notebooks, problem = find_notebooks(args.paths)
    if problem:
        parser.error(problem)

    from alibi_edu.exercises.grading import load  # imported late: --help and usage errors stay instant

    from .grading import grade
    from .report import summary, write_csv, write_feedback, write_gradebook, write_gradescope
    try:
        config = load(args.config)
    except ValueError as err:
        parser.error(str(err))

    start = time.monotonic()
    with tqdm(total=len(notebooks), unit="notebook", file=sys.stderr) as bar:
        def progress(row):
            bar.set_postfix_str(Path(row.submission).name[-30:])
            bar.update()
        rows = grade(notebooks, timeout=args.timeout,
                     memory_limit=int(args.memory_gb * 2**30) or None, progress=progress,
                     full_size=args.full_size)
    write_csv(rows, Path(args.out), config)
    if args.gradebook:
        write_gradebook(rows, Path(args.gradebook), config)
    if args.gradescope:
        write_gradescope(rows, Path(args.gradescope), config)
    if args.feedback:
        write_feedback(rows, Path(args.feedback), config)
    elapsed = time.monotonic() - start
    print(summary(rows))
    statuses = ", ".join(f"{n} {s}" for s, n in Counter(r.status for r in rows).most_common())
    print(f"\n{len(rows)} submissions ({statuses}) in {elapsed:.0f} s, "
          f"{elapsed / len(rows):.1f} s per submission; grades in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
