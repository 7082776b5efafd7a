"""The instructor's grading file (grading.toml): graded exercises, points, credit rules, student ids.

Read by the grader (alibi_edu.grade) and by the exam handout (which strips the graded exercises' keys).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .core import list_exercises

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "grading.toml"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
SECTIONS = {"default": {"points", "graded"}, "exercises": None, "credit": {"partial", "solution", "library"},
            "students": {"pattern"}, "gradescope": {"visibility"}}


@dataclass(frozen=True)
class Config:
    points: dict[str, float] = field(default_factory=dict)   # graded exercise id -> its points
    partial: bool = True
    solution_credit: float = 1.0     # share of the points for a pass with the course's solution
    library_credit: float = 0.0      # ... and for a pass with the course library's own function
    pattern: str = r"-(?P<student>[^/]+)\.ipynb$"
    visibility: str = "visible"

    def graded(self, exercise_id: str) -> bool:
        return exercise_id in self.points

    def student(self, path: str | Path) -> str:
        """The student id in a submission's path: the pattern's group, else the folder's name, else the stem."""
        text = PurePath(path).as_posix()
        match = re.search(self.pattern, text)
        if match and match.groupdict().get("student"):
            return match.group("student")
        parent = PurePath(path).parent.name
        return parent or PurePath(path).stem


def load(path: str | Path | None = None) -> Config:
    """Read and check the grading file; ValueError naming the file and the setting on any problem."""
    path = Path(path) if path is not None else DEFAULT_FILE
    if not path.is_file():
        if path == DEFAULT_FILE:                 # a copy without the file: every exercise, 1 point
            return Config(points={i: 1.0 for i in list_exercises()})
        raise ValueError(f"config={str(path)!r}: no such file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML ({err})") from None
    return parse(data, str(path))


def parse(data: dict, where: str = "<config>") -> Config:
    for name, value in data.items():
        if name not in SECTIONS or not isinstance(value, dict):
            raise ValueError(f"{where}: unknown section [{name}]; known: {sorted(SECTIONS)}")
        allowed = SECTIONS[name]
        if allowed is not None and set(value) - allowed:
            raise ValueError(f"{where}: unknown setting(s) {sorted(set(value) - allowed)} in [{name}]")
    default = data.get("default", {})
    points = {i: _points(default.get("points", 1), f"{where} [default] points") for i in list_exercises()
              if _flag(default.get("graded", True), f"{where} [default] graded")}
    for exercise_id, entry in data.get("exercises", {}).items():
        if exercise_id not in list_exercises():
            raise ValueError(f"{where}: [exercises] {exercise_id!r} is not an exercise of the course")
        if not isinstance(entry, dict) or set(entry) - {"points", "graded"}:
            raise ValueError(f"{where}: [exercises] {exercise_id!r} must be {{ points = N, graded = true|false }}")
        points.pop(exercise_id, None)
        listed = "points" in entry or default.get("graded", True)        # naming its points grades it
        if _flag(entry.get("graded", listed), f"{where} {exercise_id} graded"):
            value = entry.get("points", default.get("points", 1))
            points[exercise_id] = _points(value, f"{where} {exercise_id} points")
    credit, students, scope = data.get("credit", {}), data.get("students", {}), data.get("gradescope", {})
    solution, library = (_share(credit.get(name, default), f"{where}: [credit] {name}")
                         for name, default in (("solution", 1.0), ("library", 0.0)))
    pattern = students.get("pattern", Config.pattern)
    try:
        compiled = re.compile(pattern)
    except (re.error, TypeError) as err:
        raise ValueError(f"{where}: [students] pattern {pattern!r} is not a regular expression ({err})") from None
    if "student" not in compiled.groupindex:
        raise ValueError(f"{where}: [students] pattern {pattern!r} needs a group (?P<student>...)")
    visibility = scope.get("visibility", "visible")
    if visibility not in VISIBILITIES:
        raise ValueError(f"{where}: [gradescope] visibility must be one of {VISIBILITIES}, got {visibility!r}")
    ordered = {i: points[i] for i in list_exercises() if i in points}
    return Config(ordered, _flag(credit.get("partial", True), f"{where} [credit] partial"), solution, library,
                  pattern, visibility)


def _share(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{where} must be a number from 0 to 1, got {value!r}")
    return float(value)


def _points(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{where} must be a number ≥ 0, got {value!r}")
    return float(value)


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false, got {value!r}")
    return value
