"""Read a submitted file and tell which course notebook it is, without running anything."""
from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

import nbformat

from alibi_edu.exercises import list_exercises

_CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d)\.\d+["']""")
_FILE_NUMBER = re.compile(r"^(\d\d)[_\- .]")


def course_exercises() -> dict[str, list[str]]:
    """Notebook number ("01") -> its exercise ids, in order."""
    by_notebook: dict[str, list[str]] = {}
    for exercise_id in list_exercises():
        by_notebook.setdefault(exercise_id.split(".")[0], []).append(exercise_id)
    return by_notebook


def read_notebook(path: Path) -> nbformat.NotebookNode | None:
    """The notebook as nbformat 4 (older formats converted), or None if the file is not a notebook."""
    try:
        with warnings.catch_warnings():  # e.g. missing cell ids: harmless here, noise on the terminal
            warnings.simplefilter("ignore")
            nb = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    except Exception:  # invalid JSON, truncated, not UTF-8, unknown format: all "not a notebook"
        return None
    cells = nb.get("cells")
    if not isinstance(cells, list) or not all(
            isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")
            and isinstance(c.get("source"), str) for c in cells):
        return None
    return nb


def which_notebook(nb: nbformat.NotebookNode, path: Path, known: set[str]) -> str | None:
    """The course notebook number: from the exercise ids its code checks, else from the file name."""
    calls = Counter(m for c in nb.cells if c.cell_type == "code"
                    for m in _CHECK_CALL.findall(c.source) if m in known)
    if calls:
        return calls.most_common(1)[0][0]
    match = _FILE_NUMBER.match(path.name)
    return match.group(1) if match and match.group(1) in known else None
