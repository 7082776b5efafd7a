"""Course progress store: which exercises are not tried, tried, solved with the solution or passed, kept across
kernels and notebooks.

The state is a small JSON file {"version": 1, "exercises": {"01.2": "passed", ...}} in the user's
data directory (platformdirs.user_data_dir("alibi_edu"); the environment variable ALIBI_EDU_DATA_DIR
overrides the folder). It is rewritten atomically. A corrupt or unwritable file never breaks an
exercise cell: progress is then kept in memory for this session, after a one-line warning.
"""
from __future__ import annotations

import html
import json
import os
import sys
import tempfile
from pathlib import Path

ENV_VAR = "ALIBI_EDU_DATA_DIR"
FILE_NAME = "progress.json"
NOTEBOOKS = {"00": "Start here", "01": "Score computation", "02": "The causal mask", "03": "Geometric slopes",
             "04": "β sweeps", "05": "Long sequences", "06": "ALiBi in practice"}
SOLVED = "solved with the solution"   # passed by running the course's solution, not the student's own answer
STATES = ("not tried", "tried", SOLVED, "passed")   # in order: a later state is never overwritten by an earlier

_memory: dict[str, str] = {}          # the state of this session, also when the file works
_broken: list[str] = []               # why the file is not used (empty while it works)


def data_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("alibi_edu", appauthor=False))


def state_file() -> Path:
    return data_dir() / FILE_NAME


def _read() -> dict[str, str]:
    path = state_file()
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    states = data.get("exercises") if isinstance(data, dict) else None
    if not isinstance(states, dict) or not all(v in STATES for v in states.values()):
        raise ValueError("not a progress file")
    return {str(k): v for k, v in states.items()}


def _write(states: dict[str, str]) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "exercises": dict(sorted(states.items()))}, f, indent=1)
        os.replace(tmp, path)                      # atomic: a reader sees the old file or the new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _degrade(err: Exception) -> None:
    if not _broken:
        print(f"progress: cannot use {state_file()} ({type(err).__name__}); keeping progress in memory for this "
              "session (progress(reset=True) starts a fresh file).", file=sys.stderr)
    _broken.append(str(err))


def load() -> dict[str, str]:
    """Every exercise's recorded state ('tried' or 'passed'); the file's merged with this session's."""
    states = dict(_memory)
    if not _broken:
        try:
            for key, value in _read().items():
                if STATES.index(value) > STATES.index(states.get(key, "not tried")):
                    states[key] = value
        except Exception as err:
            _degrade(err)
    return states


def record(exercise_id: str, passed: bool, solution: bool = False) -> None:
    """Note one check (solution: passed by the course's solution); a state only moves up STATES; never raises."""
    try:
        states = load()
        new = (SOLVED if solution else "passed") if passed else "tried"
        if STATES.index(new) > STATES.index(states.get(exercise_id, "not tried")):
            states[exercise_id] = new
        _memory.update(states)
        if not _broken:
            _write(states)
    except Exception as err:
        _degrade(err)


def reset() -> None:
    """Forget every state, in memory and in the file (a corrupt file is replaced)."""
    _memory.clear()
    _broken.clear()
    try:
        _write({})
    except Exception as err:
        _degrade(err)


class Progress:
    """Rows (notebook, id, title, state) of every exercise; shown as one summary line, or (full=True) as a table.

    Text in a terminal, HTML in a notebook. The table marks each state with a sign and a word, in the theme's
    text colour (no meaning by colour alone, no low-contrast grey), under a header row whose every cell has text.
    """

    MARKS = {"passed": "✓", SOLVED: "◐", "tried": "…", "not tried": "·"}

    def __init__(self, rows: list[tuple[str, str, str, str]], full: bool = False):
        self.rows, self.full = rows, full

    def counts(self) -> dict[str, int]:
        return {s: sum(r[3] == s for r in self.rows) for s in STATES}

    def next(self) -> str | None:
        """The first exercise, in course order, that is not yet right (tried ones before untried ones)."""
        for wanted in ("tried", "not tried"):
            for _, exercise_id, _, state in self.rows:
                if state == wanted:
                    return exercise_id
        return None

    def summary(self) -> str:
        """One line, e.g. '12 of 45 exercises right, 2 tried; next: 02.3. progress(full=True) lists them all.'"""
        c = self.counts()
        right = c["passed"] + c[SOLVED]
        parts = [f"{right} of {len(self.rows)} exercises right"]
        if c[SOLVED]:
            parts[0] += f" ({c[SOLVED]} with the solution)"
        if c["tried"]:
            parts.append(f"{c['tried']} tried")
        nxt = self.next()
        return (", ".join(parts) + (f"; next: {nxt}." if nxt else "; all done.")
                + " progress(full=True) lists them all.")

    def table(self) -> str:
        lines, notebook = [], None
        for nb, exercise_id, title, state in self.rows:
            if nb != notebook:
                notebook = nb
                lines.append(f"Notebook {nb} — {NOTEBOOKS.get(nb, '')}")
            lines.append(f"  {self.MARKS[state]} {exercise_id:<6} {title[:60]:<60} {state}")
        lines.append(self.summary())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table() if self.full else self.summary()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if not self.full:
            return f"<p>{html.escape(self.summary())}</p>"
        body, notebook = [], None
        for nb, exercise_id, title, state in self.rows:
            if nb != notebook:
                notebook = nb
                body.append(f'<tr><th scope="colgroup" colspan="3" style="text-align:left">Notebook {nb} — '
                            f'{html.escape(NOTEBOOKS.get(nb, ""))}</th></tr>')
            body.append(f'<tr><td>{exercise_id}</td><td style="text-align:left">{html.escape(title)}</td>'
                        f'<td style="text-align:left">{self.MARKS[state]} {state}</td></tr>')
        head = '<tr><th scope="col">Exercise</th><th scope="col">Title</th><th scope="col">State</th></tr>'
        return (f"<table><caption>Your progress: every exercise of the course</caption><thead>{head}</thead>"
                f"<tbody>{''.join(body)}</tbody></table><p>{html.escape(self.summary())}</p>")
