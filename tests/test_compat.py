"""Where students are: every notebook's first code cell readies any kernel, and the version ranges agree.

The cell itself runs for real in `make test-compat` (notebook 00 in a venv without the package, its source a wheel
of this checkout); here it runs with pip, find_spec and google.colab replaced, to pin down what it does."""
import importlib.util
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks" / "src").glob("0*.py"))
HEAVY = ("torch", "ipywidgets", "ipykernel", "ipython", "numpy", "jupyterlab", "notebook")


def first_code_cell(path: Path) -> str:
    cells = re.split(r"^# %%.*\n", path.read_text(), flags=re.M)[1:]
    markers = re.findall(r"^# %%.*$", path.read_text(), flags=re.M)
    return next(cell for marker, cell in zip(markers, cells) if "[markdown]" not in marker).strip()


def dependencies() -> dict[str, str]:
    """pyproject's dependencies: name -> lower bound."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found = (re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([\d.]+)", d) for d in deps)
    return {m[1].lower(): m[2] for m in found if m}


def test_every_notebook_starts_with_the_same_bootstrap_cell():
    cells = {path.name: first_code_cell(path) for path in SOURCES}
    assert len(SOURCES) == 7 and len(set(cells.values())) == 1, "the first code cells differ"
    cell = cells[SOURCES[0].name]
    assert "ALIBI_EDU_SOURCE" in cell and "--no-deps" in cell and "enable_custom_widget_manager" in cell
    assert len(cell.splitlines()) <= 15, "keep the bootstrap cell short"


def run_cell(monkeypatch, installed: bool, colab: bool, source: str | None = None, cell: str | None = None):
    """Execute the bootstrap cell with find_spec, pip and google.colab faked; returns (pip calls, colab calls)."""
    calls, colab_calls = [], []
    real = importlib.util.find_spec
    missing = lambda name, *a: None if name == "alibi_edu" and not installed else real(name, *a)
    monkeypatch.setattr(importlib.util, "find_spec", missing)
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append((args, kw)))
    if source is None:
        monkeypatch.delenv("ALIBI_EDU_SOURCE", raising=False)
    else:
        monkeypatch.setenv("ALIBI_EDU_SOURCE", source)
    if colab:
        output = types.SimpleNamespace(enable_custom_widget_manager=lambda: colab_calls.append("enabled"))
        monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
        monkeypatch.setitem(sys.modules, "google.colab", types.SimpleNamespace(output=output))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(cell or first_code_cell(SOURCES[0]), {})
    return calls, colab_calls


def test_bootstrap_does_nothing_where_the_package_is_installed(monkeypatch):
    assert run_cell(monkeypatch, installed=True, colab=False) == ([], [])


@pytest.mark.parametrize("colab", [False, True])
def test_bootstrap_installs_the_package_only_without_deps_from_the_source(monkeypatch, colab):
    calls, colab_calls = run_cell(monkeypatch, installed=False, colab=colab, source="/tmp/alibi_edu-0.1.0.whl")
    (args, kw), = calls
    assert args[:4] == [sys.executable, "-m", "pip", "install"] and "--no-deps" in args and kw.get("check")
    packages = [a for a in args[4:] if not a.startswith("-")]
    assert packages[0] == "/tmp/alibi_edu-0.1.0.whl"
    assert not any(p.lower().split("=")[0].split(">")[0] in HEAVY for p in packages), packages
    assert set(p.lower() for p in packages[1:]) <= set(dependencies()), "installs only the package's own deps"
    assert colab_calls == (["enabled"] if colab else [])


def test_bootstrap_without_a_source_says_what_to_set_and_installs_nothing(monkeypatch):
    """No invented default: a missing package and no ALIBI_EDU_SOURCE stop with the variable's name."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args))
    with pytest.raises(AssertionError, match="ALIBI_EDU_SOURCE"):
        run_cell(monkeypatch, installed=False, colab=False)
    assert calls == []


def test_a_handout_source_becomes_the_first_cells_default(monkeypatch):
    from alibi_edu.handout import SOURCE_DEFAULT, student_notebook
    cell = first_code_cell(SOURCES[0])
    assert cell.count(SOURCE_DEFAULT) == 1
    nb = {"cells": [{"cell_type": "code", "source": cell, "outputs": [], "execution_count": None, "metadata": {}}]}
    stamped = student_notebook(nb, solutions=True, source="git+https://example.org/course")["cells"][0]["source"]
    (args, _), = run_cell(monkeypatch, installed=False, colab=False, cell=stamped)[0]
    assert "git+https://example.org/course" in args


def environment_check() -> str:
    """Notebook 00's environment check: the code cell that reads the package's declared ranges."""
    text = (ROOT / "notebooks" / "src" / "00_start_here.py").read_text()
    return next(cell for cell in re.split(r"^# %%.*\n", text, flags=re.M) if 'requires("alibi_edu")' in cell)


def run_check(monkeypatch, versions: dict[str, str | None]) -> dict:
    """Notebook 00's check with some versions faked (None: not installed); its namespace afterwards."""
    import importlib.metadata as metadata
    real = metadata.version

    def version(name):
        if name in versions and versions[name] is None:
            raise metadata.PackageNotFoundError(name)
        return versions.get(name) or real(name)
    monkeypatch.setattr(metadata, "version", version)
    namespace = {}
    try:
        exec(environment_check(), namespace)
    except AssertionError as err:
        namespace["stopped"] = str(err)
    return namespace


def test_notebook_00_checks_the_ranges_the_package_declares(monkeypatch):
    """One source of truth: the check reads the installed package's metadata (pyproject.toml), no copy of a bound."""
    assert not re.search(r"\d+\.\d+", environment_check()), "a version in notebook 00: read it from the package"
    from importlib.metadata import requires
    declared = {re.match(r"[\w.-]+", r)[0].lower(): r for r in requires("alibi_edu")}
    assert dependencies().keys() <= declared.keys(), "the installed metadata is older than pyproject.toml: reinstall"
    for name, low in dependencies().items():
        assert f">={low}" in declared[name], f"installed metadata says {declared[name]}, pyproject >= {low}"
    here = run_check(monkeypatch, {})
    assert here["missing"] == [] and here["untested"] == [] and "stopped" not in here
    assert {"torch", "ipywidgets", "ipykernel", "ipython", "numpy", "matplotlib"} <= set(here["ranges"])
    old = run_check(monkeypatch, {"torch": "2.10.0", "matplotlib": "3.8.4", "ipywidgets": "9.0.0"})
    assert sorted(u.split()[0] for u in old["untested"]) == ["ipywidgets", "matplotlib", "torch"], old["untested"]
    colab = {"torch": "2.11.0+cpu", "numpy": "2.1.3", "matplotlib": "3.10.0", "ipywidgets": "7.7.1",
             "ipykernel": "6.17.1", "ipython": "7.34.0"}
    assert run_check(monkeypatch, colab)["untested"] == []
    gone = run_check(monkeypatch, {"numpy": None})
    assert "numpy" in gone["stopped"] and [m.split()[0] for m in gone["missing"]] == ["numpy"]


def constraints() -> dict[str, str]:
    text = (ROOT / ".ci" / "colab-constraints.txt").read_text()
    return {name.lower().replace("_", "-"): v for name, v in re.findall(r"^([\w-]+)==([\d.]+)", text, flags=re.M)}


def test_lower_bounds_are_the_versions_ci_runs():
    """Every dependency's lower bound is the Colab version test-compat pins, and test-compat pins each one; torch
    is Colab's 2.11, on which the course ran (CI runs the 2.13 CPU wheel)."""
    pins = constraints()
    bounds = {name.replace("_", "-"): low for name, low in dependencies().items()}
    assert bounds.pop("torch") == "2.11" and bounds.pop("tomli") == "2"      # tomli: Python 3.10 only
    assert {name: pins.get(name) for name in bounds} == bounds
    assert {"traitlets", "jupyter-client", "tornado", "widgetsnbextension", "notebook"} <= set(pins)
    assert "backend-info" in (ROOT / ".ci" / "colab-constraints.txt").read_text()


def test_pyproject_accepts_colabs_versions():
    """Every version pinned in the compat constraints satisfies pyproject's ranges (pip would refuse otherwise)."""
    from packaging.requirements import Requirement
    pins = constraints()
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for req in map(Requirement, deps):
        name = req.name.lower().replace("_", "-")
        if name in pins:
            assert req.specifier.contains(pins[name]), (req, pins[name])
    assert Requirement(next(d for d in deps if d.startswith("torch"))).specifier.contains("2.11.0+cpu")


def test_binder_installs_the_same_torch_as_requirements_as_a_cpu_build():
    pinned = re.search(r"^torch==([\d.]+)\s*$", (ROOT / "requirements.txt").read_text(), flags=re.M)[1]
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert f"torch=={pinned}+cpu" in binder and "/whl/cpu" in binder and "-r ../requirements.txt" in binder
