"""The grades CSV (written atomically) and the per-exercise summary table."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from alibi_edu.exercises import core, list_exercises

from .grading import Row

COLUMNS = ["submission", "notebook", "status", "passed", "total"]


def write_csv(rows: list[Row], out: Path) -> None:
    """One line per submission; exercise columns are pass, fail, unanswered or empty (other notebooks)."""
    ids = list_exercises()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS + ids)
            for r in rows:
                writer.writerow([r.submission, r.notebook, r.status, r.passed, r.total]
                                + [r.verdicts.get(i, "") for i in ids])
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def summary(rows: list[Row]) -> str:
    """Per exercise: how many graded submissions of its notebook passed it, hardest first."""
    stats = []
    for exercise_id in list_exercises():
        verdicts = [r.verdicts[exercise_id] for r in rows if exercise_id in r.verdicts]
        if verdicts:
            n_pass = verdicts.count("pass")
            stats.append((n_pass / len(verdicts), exercise_id, n_pass, len(verdicts)))
    if not stats:
        return "no exercise was graded"
    stats.sort(key=lambda s: (s[0], tuple(int(p) for p in s[1].split("."))))
    lines = [f"{'exercise':<9} {'passed':>9}  title"]
    for _, exercise_id, n_pass, n in stats:
        lines.append(f"{exercise_id:<9} {f'{n_pass}/{n}':>9}  {core.get(exercise_id).title}")
    return "\n".join(lines)
