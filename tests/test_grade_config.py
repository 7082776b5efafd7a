"""The instructor's grading file: defaults, per-exercise points, what is graded, credit, student ids, clear errors."""
from __future__ import annotations

import pytest

from alibi_edu.exercises import grading as config
from alibi_edu.exercises import list_exercises
from alibi_edu.grade.grading import Row
from alibi_edu.grade.report import earned, totals, verdict_text


def test_the_course_file_grades_every_exercise_at_one_point():
    c = config.load()
    assert c.points == {i: 1.0 for i in list_exercises()}
    assert c.partial and c.solution_credit == 1.0 and c.library_credit == 0.0 and c.visibility == "visible"


def test_points_and_ungraded_exercises():
    c = config.parse({"default": {"points": 2}, "exercises": {"01.2": {"points": 5}, "00.1": {"graded": False}}})
    assert c.points["01.2"] == 5 and c.points["01.1"] == 2 and "00.1" not in c.points
    assert list(c.points) == [i for i in list_exercises() if i != "00.1"]      # course order
    only = config.parse({"default": {"graded": False}, "exercises": {"03.1": {"points": 3}}})
    assert only.points == {"03.1": 3.0}


@pytest.mark.parametrize("data, named", [
    ({"defaults": {}}, "[defaults]"),
    ({"default": {"point": 1}}, "point"),
    ({"default": {"points": -1}}, "points"),
    ({"default": {"points": True}}, "points"),
    ({"exercises": {"09.9": {"points": 1}}}, "'09.9'"),
    ({"exercises": {"01.2": 3}}, "'01.2'"),
    ({"credit": {"solution": 2}}, "solution"),
    ({"credit": {"partial": "yes"}}, "partial"),
    ({"students": {"pattern": "("}}, "pattern"),
    ({"students": {"pattern": "-(.+)"}}, "(?P<student>"),
    ({"gradescope": {"visibility": "public"}}, "visibility"),
])
def test_a_bad_setting_is_named(data, named):
    with pytest.raises(ValueError) as err:
        config.parse(data, "grading.toml")
    assert named in str(err.value) and "grading.toml" in str(err.value)


def test_a_missing_or_broken_file_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        config.load(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[default\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        config.load(tmp_path / "bad.toml")


@pytest.mark.parametrize("path, student", [
    ("in/01_score_computation-alice.ipynb", "alice"),
    ("in/bob/01_score_computation.ipynb", "bob"),
    ("/x/carol-smith/02_causal_mask-carol.ipynb", "carol"),
])
def test_student_ids_from_the_path(path, student):
    assert config.parse({}).student(path) == student


def test_an_instructors_own_pattern():
    c = config.parse({"students": {"pattern": r"submissions/(?P<student>\d+)_"}})
    assert c.student("submissions/4711_01_score_computation.ipynb") == "4711"
    assert c.student("elsewhere/dave/01.ipynb") == "dave"                      # no match: the folder


def test_credit_rules():
    row = Row("a-x.ipynb", "01", verdicts={"01.1": "pass", "01.2": "fail", "01.3": "pass", "01.4": "unanswered"},
              kinds={"01.2": "wrong"}, checks={"01.2": (3, 4)}, solutions={"01.3"}, library={"01.1"})
    c = config.parse({})
    assert [earned(row, i, c) for i in row.verdicts] == [0.0, 0.75, 1.0, 0.0]
    assert totals(row, c) == (1.75, 4.0)
    assert verdict_text(row, "01.1") == "right (course library function)"
    assert verdict_text(row, "01.2") == "partly right (3 of 4 checks)"
    strict = config.parse({"credit": {"partial": False, "solution": 0, "library": 0.5}})
    assert [earned(row, i, strict) for i in row.verdicts] == [0.5, 0.0, 0.0, 0.0]
    malformed = Row("a.ipynb", "01", verdicts={"01.2": "fail"}, kinds={"01.2": "malformed"}, checks={"01.2": (1, 4)})
    assert earned(malformed, "01.2", c) == 0.0
