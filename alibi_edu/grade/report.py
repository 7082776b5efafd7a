"""Everything the grader writes, byte-identical for the same submissions: the grades CSV, the gradebook CSV,
one Gradescope results.json and one feedback file per submission, and the per-exercise summary table.

Points come from the instructor's grading file (config.py): a pass earns an exercise's points, a loaded
course solution `credit.solution` of them and the course library's own function `credit.library` (both
flagged everywhere), a function that passes some of its independent checks their share (with
`credit.partial`). Feedback shows the course's hint, never a key.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path, PurePath

from alibi_edu.exercises import core, list_exercises
from alibi_edu.exercises.grading import Config
from alibi_edu.exercises.store import NOTEBOOKS

from .grading import Row

COLUMNS = ["submission", "student", "notebook", "status", "passed", "total", "points", "max_points", "flagged"]
SOLUTION_FLAG, LIBRARY_FLAG = "course solution", "course library function"


# --- points ------------------------------------------------------------------------------------

def earned(row: Row, exercise_id: str, config: Config) -> float:
    """Points one exercise of one submission earns (0 for ungraded exercises)."""
    points = config.points.get(exercise_id, 0.0)
    verdict = row.verdicts.get(exercise_id)
    if verdict == "pass":
        credit = {SOLUTION_FLAG: config.solution_credit, LIBRARY_FLAG: config.library_credit}
        return points * min([credit[f] for f in flags(row, exercise_id)], default=1.0)
    done, total = row.checks.get(exercise_id, (0, 0))
    if verdict == "fail" and config.partial and total and row.kinds.get(exercise_id) != "malformed":
        return points * done / total
    return 0.0


def flags(row: Row, exercise_id: str) -> list[str]:
    """What the instructor should look at: a pass with the course's solution or with a library function."""
    return [flag for flag, ids in ((SOLUTION_FLAG, row.solutions), (LIBRARY_FLAG, row.library))
            if exercise_id in ids and row.verdicts.get(exercise_id) == "pass"]


def flag_list(row: Row, ids) -> list[str]:
    return [f"{i} {flag}" for i in ids for flag in flags(row, i)]


def graded_ids(row: Row, config: Config) -> list[str]:
    return [i for i in row.verdicts if config.graded(i)]


def totals(row: Row, config: Config) -> tuple[float, float]:
    """(points earned, points possible) of one submission."""
    ids = graded_ids(row, config)
    return sum(earned(row, i, config) for i in ids), sum(config.points[i] for i in ids)


def verdict_text(row: Row, exercise_id: str) -> str:
    """right, right (course solution), partly right (k of n checks), wrong, not in the form asked, unanswered."""
    verdict, kind = row.verdicts.get(exercise_id, ""), row.kinds.get(exercise_id, "")
    done, total = row.checks.get(exercise_id, (0, 0))
    if verdict == "pass":
        return "right" + "".join(f" ({flag})" for flag in flags(row, exercise_id))
    if verdict == "unanswered":
        return "unanswered"
    if kind == "malformed":
        return "not in the form asked"
    if total and done:
        return f"partly right ({done} of {total} checks)"
    return "wrong"


def num(x: float) -> float | int:
    """A point value as JSON and CSV show it: 4 decimals, whole numbers without a point."""
    x = round(x, 4)
    return int(x) if x == int(x) else x


# --- file names --------------------------------------------------------------------------------

def keys(rows: list[Row]) -> dict[str, str]:
    """Submission path -> a unique file-name stem: its path below the submissions' common folder, '__'-joined."""
    paths = [PurePath(r.submission) for r in rows]
    parents = [p.parent.parts for p in paths]
    common = 0
    while parents and all(len(p) > common for p in parents) and len({p[common] for p in parents}) == 1:
        common += 1
    out = {}
    for r, p in zip(rows, paths):
        stem = "__".join([*p.parent.parts[common:], p.stem])
        out[r.submission] = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) or "submission"
    return out


def _write(out: Path, text: str) -> None:
    """Write atomically: a reader sees the old file or the new one."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def _csv(header: list[str], lines: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue()


# --- the exports -------------------------------------------------------------------------------

def write_csv(rows: list[Row], out: Path, config: Config | None = None) -> None:
    """One line per submission; exercise columns are pass, fail, unanswered or empty (other notebooks)."""
    from alibi_edu.exercises.grading import load
    config, ids = config or load(), list_exercises()
    lines = []
    for r in rows:
        got, possible = totals(r, config) if r.notebook else ("", "")
        lines.append([r.submission, config.student(r.submission), r.notebook, r.status, r.passed, r.total,
                      num(got) if r.notebook else "", num(possible) if r.notebook else "",
                      "; ".join(flag_list(r, ids))] + [r.verdicts.get(i, "") for i in ids])
    _write(out, _csv(COLUMNS + ids, lines))


def write_gradebook(rows: list[Row], out: Path, config: Config) -> None:
    """One line per student: student, points, max_points, one column per graded exercise (its points), flags.

    A student's submissions of different notebooks are merged; of two of the same notebook the one with more
    points counts (the first in order on a tie).
    """
    best: dict[tuple[str, str], Row] = {}
    for r in rows:
        if r.notebook:
            key = (config.student(r.submission), r.notebook)
            if key not in best or totals(r, config)[0] > totals(best[key], config)[0]:
                best[key] = r
    ids = list(config.points)
    lines = []
    for student in sorted({s for s, _ in best}):
        mine = [r for (s, _), r in sorted(best.items()) if s == student]
        cells = {i: num(earned(r, i, config)) for r in mine for i in graded_ids(r, config)}
        notes = [f for r in mine for f in flag_list(r, graded_ids(r, config))]
        notes += [f"{r.notebook}: {r.status}" for r in mine if r.status != "ok"]
        got, possible = (sum(t) for t in zip(*(totals(r, config) for r in mine)))
        lines.append([student, num(got), num(possible)] + [cells.get(i, "") for i in ids] + ["; ".join(notes)])
    _write(out, _csv(["student", "points", "max_points"] + ids + ["flags"], lines))


def results_json(row: Row, config: Config) -> dict:
    """A Gradescope results.json: one test per graded exercise (name, number, score, max_score, status, output,
    visibility, tags), the total score and a summary output."""
    tests = []
    for i in graded_ids(row, config):
        text = verdict_text(row, i)
        output = text if row.verdicts[i] == "pass" else f"{text}: {row.messages.get(i, '')}"
        tests.append({"name": f"{i} {core.get(i).title}", "number": i, "score": num(earned(row, i, config)),
                      "max_score": num(config.points[i]), "status": "passed" if row.verdicts[i] == "pass" else "failed",
                      "output": output, "visibility": config.visibility,
                      "tags": flags(row, i)})
    got, possible = totals(row, config)
    summary = f"{num(got)} of {num(possible)} points" + (f"; the notebook's run: {row.status}" if row.status != "ok"
                                                         else "")
    return {"score": num(got), "output": summary, "visibility": config.visibility, "stdout_visibility": "hidden",
            "tests": tests, "extra_data": {"student": config.student(row.submission), "notebook": row.notebook,
                                           "status": row.status, "flagged": flag_list(row, row.verdicts)}}


def write_gradescope(rows: list[Row], folder: Path, config: Config) -> None:
    """FOLDER/<submission>/results.json for every submission."""
    names = keys(rows)
    for r in rows:
        text = json.dumps(results_json(r, config), indent=1, ensure_ascii=False) + "\n"
        _write(Path(folder) / names[r.submission] / "results.json", text)


def feedback(row: Row, config: Config) -> str:
    """The student's feedback in Markdown: each exercise, its verdict and the course's hint, and the totals."""
    name = PurePath(row.submission).name
    lines = [f"# Feedback on {name}", ""]
    if not row.notebook:
        return "\n".join(lines + [f"This file could not be graded: {row.status}.", ""])
    lines += [f"Notebook {row.notebook} — {NOTEBOOKS.get(row.notebook, '')}; student {config.student(row.submission)}.",
              ""]
    if row.status != "ok":
        lines += [f"Your notebook did not run to the end when graded ({row.status}): answers after that point count "
                  "as unanswered.", ""]
    lines += ["| Exercise | Verdict | Points |", "|---|---|---|"]
    for i in row.verdicts:
        points = f"{num(earned(row, i, config))} of {num(config.points[i])}" if config.graded(i) else "practice"
        lines.append(f"| {i} {_cell(core.get(i).title)} | {verdict_text(row, i)} | {points} |")
    notes = [f"- **{i}** ({verdict_text(row, i)}): {_cell(row.messages.get(i, ''))}" for i in row.verdicts
             if row.verdicts[i] == "fail"]
    if notes:
        lines += ["", "## Hints", ""] + notes
    marked = flag_list(row, row.verdicts)
    if marked:
        lines += ["", f"Marked for your instructor: {'; '.join(marked)} (an answer that is not your own work)."]
    got, possible = totals(row, config)
    count = {v: sum(verdict_text(row, i).split(" (")[0] == v for i in row.verdicts)
             for v in ("right", "partly right", "wrong", "not in the form asked", "unanswered")}
    lines += ["", f"**Total: {num(got)} of {num(possible)} points** ("
              + ", ".join(f"{n} {v}" for v, n in count.items() if n) + ")."]
    return "\n".join(lines) + "\n"


def write_feedback(rows: list[Row], folder: Path, config: Config) -> None:
    """FOLDER/<submission>.md for every submission."""
    names = keys(rows)
    for r in rows:
        _write(Path(folder) / f"{names[r.submission]}.md", feedback(r, config))


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


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
