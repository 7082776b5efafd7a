"""python -m alibi_edu.build [NAME ...]: the notebooks' text sources executed into the committed .ipynb.

The truth of a notebook is its text twin, notebooks/src/NN_name.py (jupytext py:percent): that is what people edit
and review. This tool turns each source into notebooks/NN_name.ipynb, runs it top to bottom in a fresh kernel and
saves it with its outputs, so students and GitHub get executed notebooks. Execution churn is kept out: no run
timestamps, and widget ids renamed in order of appearance, so re-running an unchanged source changes only what
the run itself computed differently.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = NOTEBOOKS / "src"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def sources(names: list[str] | None = None, folder: Path = SOURCES) -> list[Path]:
    """The text sources whose stem starts with one of `names` (all when none is given)."""
    found = sorted(folder.glob("[0-9][0-9]_*.py"))
    if names:
        found = [p for p in found if any(p.stem.startswith(n) for n in names)]
        if not found:
            raise SystemExit(f"no notebook source in {folder} starts with any of {names}")
    return found


def read_source(path: Path):
    """The notebook a text source describes (cells and their tags, no outputs)."""
    import jupytext
    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata = {"kernelspec": dict(KERNELSPEC)}
    return nb


def cell_sources(nb) -> list[tuple[str, str, list[str]]]:
    """(type, source, tags) per cell: what a text source and its notebook must agree on."""
    cells = nb["cells"] if isinstance(nb, dict) else nb.cells
    return [(c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
             list(c.get("metadata", {}).get("tags", []))) for c in cells]


def stable_widget_ids(nb, salt: str) -> str:
    """The notebook as text, each widget model id (random per run) renamed to a hash of its place in a fixed walk:
    the views in cell order, then the models each one refers to, depth first."""
    import nbformat

    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in state and model_id not in order:
            order.append(model_id)
            for ref in _REF.findall(json.dumps(state[model_id], sort_keys=True)):
                visit(ref)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"])
    order += sorted(set(state) - set(order), key=lambda m: json.dumps(state[m], sort_keys=True))
    names = {old: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest()[:32] for k, old in enumerate(order)}
    if names:  # renamed before writing: nbformat sorts the state by id
        nb = nbformat.reads(re.sub("|".join(map(re.escape, names)), lambda m: names[m.group(0)], nbformat.writes(nb)),
                            as_version=4)
    return nbformat.writes(nb) + "\n"


def stable_cell_ids(nb) -> None:
    """Cell ids from the cells' own text (random on each conversion otherwise): an unchanged cell keeps its id."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha256(f"{cell.cell_type}:{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, -1) + 1
        cell.id = digest if not seen[digest] else f"{digest}-{seen[digest]}"


def execute(source: Path, out_dir: Path = NOTEBOOKS, timeout: int = 600) -> float:
    """Run one source into out_dir/<stem>.ipynb; returns the seconds it took."""
    from nbclient import NotebookClient

    nb = read_source(source)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, store_widget_state=True,
                   resources={"metadata": {"path": str(out_dir)}}).execute()
    seconds = time.perf_counter() - start
    stable_cell_ids(nb)
    (out_dir / f"{source.stem}.ipynb").write_text(stable_widget_ids(nb, source.stem), encoding="utf-8")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alibi_edu.build", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook prefixes, e.g. 04 05 (default: all)")
    parser.add_argument("--out", type=Path, default=NOTEBOOKS,
                        help="folder for the executed notebooks (default: notebooks/, the committed ones)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for source in sources(args.names):
        seconds = execute(source, args.out)
        total += seconds
        print(f"{source.stem}: {seconds:5.1f} s", flush=True)
    print(f"total: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
