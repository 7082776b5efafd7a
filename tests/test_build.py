"""The notebooks' text sources (notebooks/src/*.py) and the committed notebooks agree; a rebuild is stable."""
from __future__ import annotations

import json

import nbformat
import pytest

from alibi_edu.build import NOTEBOOKS, SOURCES, cell_sources, read_source, sources, stable_cell_ids, stable_widget_ids

PAIRS = [(s, NOTEBOOKS / f"{s.stem}.ipynb") for s in sources()]


def test_every_notebook_has_a_text_source_and_back():
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == sorted(p.stem for p in sources())
    assert len(PAIRS) == 7


@pytest.mark.parametrize("source, notebook", PAIRS, ids=lambda p: p.stem if hasattr(p, "stem") else "")
def test_source_and_notebook_agree_on_every_cell(source, notebook):
    want = cell_sources(read_source(source))
    got = cell_sources(json.loads(notebook.read_text(encoding="utf-8")))
    assert len(got) == len(want), f"{notebook.name}: {len(got)} cells, its source {source.name} has {len(want)}"
    for k, (a, b) in enumerate(zip(want, got)):
        assert a == b, f"{notebook.name} cell {k} differs from {source.name}: run `make notebooks NB={source.stem[:2]}`"


def test_the_check_fails_on_an_edited_cell(tmp_path):
    source = tmp_path / "09_x.py"
    source.write_text("# %% [markdown]\n# # Title\n\n# %%\nx = 1\n", encoding="utf-8")
    nb = read_source(source)
    nb.cells[1].source = "x = 2"
    assert cell_sources(nb) != cell_sources(read_source(source))


def test_tags_survive_the_text_form(tmp_path):
    source = tmp_path / "09_x.py"
    source.write_text('# %% tags=["nbval-check-output"]\nprint(1)\n', encoding="utf-8")
    assert cell_sources(read_source(source)) == [("code", "print(1)", ["nbval-check-output"])]


def widget_notebook(ids: list[str]) -> nbformat.NotebookNode:
    """A notebook showing widget ids[0], whose state refers to ids[1]; ids[2] is stored but not shown."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("w", id="c", outputs=[nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": ids[0], "version_major": 2,
                                                                             "version_minor": 0}})])]
    state = {ids[0]: {"state": {"layout": f"IPY_MODEL_{ids[1]}"}}, ids[1]: {"state": {"a": 1}},
             ids[2]: {"state": {"b": 2}}}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state, "version_major": 2,
                                                                            "version_minor": 0}}
    return nb


def test_widget_ids_do_not_depend_on_the_run():
    one = ["a" * 32, "b" * 32, "c" * 32]
    two = ["f" * 32, "0" * 32, "9" * 32]
    text_one, text_two = stable_widget_ids(widget_notebook(one), "s"), stable_widget_ids(widget_notebook(two), "s")
    assert text_one == text_two
    assert not any(i in text_one for i in one)
    shown = json.loads(text_one)["cells"][0]["outputs"][0]["data"]["application/vnd.jupyter.widget-view+json"]
    assert shown["model_id"] in json.loads(text_one)["metadata"]["widgets"][
        "application/vnd.jupyter.widget-state+json"]["state"]


def test_cell_ids_come_from_the_cells():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# a"), nbformat.v4.new_code_cell("x"), nbformat.v4.new_code_cell("x")]
    stable_cell_ids(nb)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == 3
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("new"))
    stable_cell_ids(nb)
    assert [c.id for c in nb.cells[1:]] == ids
    nbformat.validate(nb)


def test_sources_live_in_src():
    assert SOURCES == NOTEBOOKS / "src" and all(p.parent == SOURCES for p in sources())
