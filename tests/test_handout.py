"""The student handout: exercise outputs cleared, no solutions unless asked, a README, never deletes a stranger's
folder."""
from __future__ import annotations

import json

import pytest

from alibi_edu import handout

ROOT = handout.ROOT
SHIPPED = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "handout"
    handout.build(out)
    return out


def test_every_notebook_with_exercise_outputs_cleared(built):
    assert [p.name for p in sorted((built / "notebooks").glob("*.ipynb"))] == [p.name for p in SHIPPED]
    for path in SHIPPED:
        source, student = json.loads(path.read_text()), json.loads((built / "notebooks" / path.name).read_text())
        assert len(student["cells"]) == len(source["cells"])
        cleared = handout.exercise_cells(student["cells"])
        assert cleared, f"{path.name}: no exercise cell found"
        for k, (a, b) in enumerate(zip(source["cells"], student["cells"])):
            if k in cleared:
                assert b["outputs"] == [] and b["execution_count"] is None
                assert b["source"] == a["source"]
            elif a["cell_type"] == "code":
                assert b == a  # everything else as shipped


def test_no_solutions_and_no_pointers_to_them(built):
    assert not (built / "notebooks" / "solutions").exists()
    for path in (built / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            assert not handout._STUCK.search("".join(cell["source"])), path.name
    readme = (built / "README.md").read_text()
    assert "## Start" in readme and "## Submit" in readme and "no solutions folder" in readme


def test_package_and_requirements_without_test_tools(built):
    assert (built / "alibi_edu" / "exercises" / "__init__.py").exists()
    assert not list(built.rglob("__pycache__"))
    requirements = (built / "requirements.txt").read_text()
    assert "torch" in requirements and "pytest" not in requirements and "playwright" not in requirements


def test_solutions_kept_on_request(tmp_path):
    handout.build(tmp_path / "h", solutions=True)
    shipped = sorted(p.name for p in (ROOT / "notebooks" / "solutions").glob("*.py"))
    assert sorted(p.name for p in (tmp_path / "h" / "notebooks" / "solutions").glob("*.py")) == shipped
    assert "notebooks/solutions/" in (tmp_path / "h" / "README.md").read_text()


def test_rebuild_replaces_a_handout_but_refuses_a_stranger(tmp_path):
    handout.build(tmp_path / "h")
    (tmp_path / "h" / "stale.txt").write_text("old")
    handout.build(tmp_path / "h")
    assert not (tmp_path / "h" / "stale.txt").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError, match="not a handout folder"):
        handout.build(tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"
    with pytest.raises(SystemExit) as err:
        handout.main(["--out", str(tmp_path / "mine")])
    assert err.value.code == 2
