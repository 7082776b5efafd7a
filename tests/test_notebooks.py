"""Text lint over the committed notebooks (read only): what a student reads.

- no testing marker in a code cell, no outline bookkeeping label in a markdown cell or an exercise text;
- every notebook opens with its goals and prerequisites and ends with a summary that points to progress();
- every glossary term is defined where a notebook first uses it: in the first markdown cell (in reading order,
  printed output included, after the title-and-goals cell, which only names what will be taught) that mentions it,
  the term appears emphasised (**bold** or *italic*), the course's "defined here" mark.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from alibi_edu.exercises import list_exercises
from alibi_edu.exercises.core import get

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Outline bookkeeping a student must never see. Markdown prose and exercise texts only (code is not linted).
OUTLINE_LABELS = {
    "question label (Q-A2)": r"\bQ-[A-G]\d\b",
    "concept label (D1, E2)": r"(?<!Q-)\b[A-G][1-5]\b",
    "concept letter ('concept A', 'concepts A–F')": r"\bconcepts?\s+[A-G]\b",
    "concept range (A–F)": r"\b[A-G]\s?[–—-]\s?[A-G]\b",
    "concept letter in brackets ((G))": r"\([A-G]\)",
    "title opening with a concept letter ('A. The bias term')": r"(?:^|—\s*)[A-G]\.\s+[A-Z]",
}
MAKING_OF = {
    "testing tool": r"\bnbval\b|NBVAL",
    "course-building bookkeeping": r"\bcourse outline\b|\bissue #?\d+\b|\bhelper [A-Z]\b",
}
# term -> (how a mention looks, what its emphasised definition may say), case-insensitive.
GLOSSARY = {
    "perplexity": (r"\bperplexit(?:y|ies)\b", None),
    "sinusoidal positions": (r"\bsinusoidal\b", None),
    "rotary positions (RoPE)": (r"\brope\b|\brotary\b", None),
    "learned positions": (r"\blearned (?:absolute )?position", r"\blearned\b"),
    "NoPE": (r"\bnope\b", r"\bnope\b|\bnone\b"),        # "**none** (sometimes called NoPE)"
    "KV cache": (r"\bkv[- ]cache\b", None),
    "SDPA": (r"\bsdpa\b|\bscaled_dot_product_attention\b", None),
    "fused kernel": (r"\bfused kernels?\b", None),
    "score_mod": (r"\bscore_mod\b", None),
    "mask_mod": (r"\bmask_mod\b", None),
    "alibi_bias_max": (r"\balibi_bias_max\b", None),
    "replaced-token detection": (r"\breplaced[- ]token[- ]detection\b", None),
    "discriminator": (r"\bdiscriminators?\b", None),
}
EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<![*\w])\*(?![*\s])(.+?)(?<![*\s])\*(?![*\w])", re.S)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def printed(cell: dict) -> str:
    """What a code cell printed (stream output only: widgets and figures are not read as text)."""
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def reading_order(path: Path) -> list[tuple[str, str]]:
    """(kind, text) as a student reads the notebook after its first cell: markdown and printed output, in order."""
    out = []
    for cell in cells(path)[1:]:   # the first cell (title, goals) names what is taught; it uses nothing yet
        if cell["cell_type"] == "markdown":
            out.append(("markdown", text(cell)))
        elif cell["cell_type"] == "code" and printed(cell):
            out.append(("output", printed(cell)))
    return out


def labels_in(s: str, patterns: dict[str, str]) -> list[str]:
    return [f"{what}: {m.group(0)!r}" for what, rx in patterns.items() for m in re.finditer(rx, s, re.M)]


def exercise_texts(ex: object) -> list[str]:
    """Every string an exercise shows: title, question, options, hints (whatever fields it has)."""
    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in strings(k) + strings(v)]
        if isinstance(value, (list, tuple)):
            return [s for v in value for s in strings(v)]
        return []
    fields = ({f.name: getattr(ex, f.name) for f in dataclasses.fields(ex)} if dataclasses.is_dataclass(ex)
              else vars(ex))
    return [s for name, value in fields.items() if name != "id" for s in strings(value)]


def first_undefined_mentions(path: Path) -> list[str]:
    problems = []
    for term, (rx, defined_rx) in GLOSSARY.items():
        for kind, s in reading_order(path):
            if re.search(rx, s, re.I):
                emphasised = ["".join(groups) for groups in EMPHASIS.findall(s)] if kind == "markdown" else []
                if not any(re.search(defined_rx or rx, e, re.I) for e in emphasised):
                    problems.append(f"{term}: first mentioned {'in printed output' if kind == 'output' else 'here'} "
                                    f"without its definition (emphasised): {s.strip()[:120]!r}")
                break
    return problems


def test_there_are_seven_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_testing_marker_in_code(path):
    offenders = [text(c).strip().splitlines()[0] for c in cells(path)
                 if c["cell_type"] == "code" and "NBVAL_" in text(c)]
    assert not offenders, f"{path.name}: code cells show a testing marker (use the cell tag): {offenders}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_outline_label_or_making_of_in_markdown(path):
    found = [f"cell {k}: {hit}" for k, c in enumerate(cells(path)) if c["cell_type"] == "markdown"
             for hit in labels_in(text(c), OUTLINE_LABELS | MAKING_OF)]
    assert not found, f"{path.name}: " + "; ".join(found)


def test_no_outline_label_or_marker_in_solutions():
    """What %load solutions/NN_k.py shows a student."""
    found = [f"{p.name}: {hit}" for p in sorted((NOTEBOOKS[0].parent / "solutions").glob("*.py"))
             for hit in labels_in(p.read_text(encoding="utf-8"), OUTLINE_LABELS | MAKING_OF)]
    assert not found, "; ".join(found)


def test_no_outline_label_in_exercise_texts():
    found = [f"{i}: {hit}" for i in list_exercises() for s in exercise_texts(get(i))
             for hit in labels_in(s, OUTLINE_LABELS)]
    assert not found, "; ".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_names_goals_and_prerequisites(path):
    first = cells(path)[0]
    assert first["cell_type"] == "markdown" and text(first).startswith("# "), f"{path.name}: no title cell first"
    for word in ("Goals", "Prerequisites"):
        assert re.search(rf"\*\*{word}\.?\*\*", text(first)), f"{path.name}: the first cell does not name its {word}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_summary_points_to_progress_and_what_next(path):
    md = [text(c) for c in cells(path) if c["cell_type"] == "markdown"]
    starts = [k for k, s in enumerate(md) if re.search(r"^## Summary", s, re.M)]
    assert starts, f"{path.name}: no '## Summary' section"
    tail = "\n".join(md[starts[-1]:])
    assert "progress()" in tail, f"{path.name}: the summary does not point to progress()"
    assert "What next" in tail, f"{path.name}: the summary has no 'What next'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_terms_defined_where_first_mentioned(path):
    problems = first_undefined_mentions(path)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


# The lint itself must be able to fail.
def test_lint_catches_what_it_should(tmp_path):
    assert labels_in("Exercise 01.1 — Bias by hand (Q-A2).", OUTLINE_LABELS)
    assert labels_in("05.3 — D1. Which property …", OUTLINE_LABELS)
    assert labels_in("One question per concept of the course, A–F, and what comes next (G).", OUTLINE_LABELS)
    assert labels_in("06.5 — A. The bias term", OUTLINE_LABELS)
    assert not labels_in("Query i = 10, keys j = 5 and j = 2; option A is wrong; d = 64, 2^(−8k/n), L_q × L_k.",
                         OUTLINE_LABELS)

    def notebook(*markdown_then_output: tuple[str, str]) -> Path:
        nb_cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# title, goals: KV cache, perplexity"]}]
        for kind, s in markdown_then_output:
            nb_cells.append({"cell_type": "markdown", "metadata": {}, "source": [s]} if kind == "markdown" else
                            {"cell_type": "code", "metadata": {}, "source": ["print()"], "execution_count": 1,
                             "outputs": [{"output_type": "stream", "name": "stdout", "text": [s]}]})
        p = tmp_path / f"{len(list(tmp_path.iterdir())):02d}_x.ipynb"
        p.write_text(json.dumps({"cells": nb_cells}))
        return p

    assert first_undefined_mentions(notebook(("markdown", "The **KV cache** keeps past keys."),
                                             ("markdown", "With a KV cache …"))) == []
    assert first_undefined_mentions(notebook(("markdown", "With a KV cache …"),
                                             ("markdown", "The **KV cache** keeps past keys.")))
    assert first_undefined_mentions(notebook(("output", "validation loss 2.1 (perplexity 8.2)"),
                                             ("markdown", "**Perplexity** is e to the loss.")))
    assert first_undefined_mentions(notebook(("markdown", "Its *perplexity*, e^loss, the number of choices.")))  == []
    assert first_undefined_mentions(notebook(("markdown", "- **none** (sometimes called NoPE): no positions.")))  == []
    assert first_undefined_mentions(notebook(("markdown", "a*b*c with a KV cache"),))


# --- a quiz reads without a kernel: its options are in the markdown above the widget ----------------

def quiz_cells() -> list[tuple[Path, str, str]]:
    """(notebook, exercise id, the markdown cell right above its quiz widget)."""
    found = []
    for path in NOTEBOOKS:
        markdown = ""
        for cell in cells(path):
            if cell["cell_type"] == "markdown":
                markdown = text(cell)
            for exercise_id in re.findall(r'quiz\("(\d\d\.\d+)"\)', text(cell) if cell["cell_type"] == "code" else ""):
                found.append((path, exercise_id, markdown))
    return found


def listed_options(markdown: str) -> dict[str, str]:
    return dict(re.findall(r"^- \*\*([A-H])\.\*\* (.+)$", markdown, re.M))


def test_every_quiz_has_a_widget_in_its_notebook():
    quizzes = {i for i in list_exercises() if get(i).choices}
    assert {exercise_id for _, exercise_id, _ in quiz_cells()} == quizzes


@pytest.mark.parametrize("path, exercise_id, markdown", quiz_cells(), ids=[c[1] for c in quiz_cells()])
def test_a_quizs_markdown_lists_exactly_its_options_in_order(path, exercise_id, markdown):
    ex = get(exercise_id)
    assert f"**Exercise {exercise_id}**" in markdown, f"{path.name}: no exercise text right above quiz {exercise_id}"
    assert " ".join(ex.question.split()) in " ".join(markdown.split()), f"{path.name}: {exercise_id}'s question"
    assert list(listed_options(markdown).items()) == list(ex.choices.items()), \
        f"{path.name}: the markdown above quiz {exercise_id} does not list its options as `- **A.** text`, in order"
