"""The package's floors, as a test: core → wings → tools, every arrow pointing down.

- core  (alibi_edu/__init__, _validate, slopes, bias, attention, forms, style, paired, threads) imports only the core;
- wings (widgets/, exercises/, lm/, plots/) import the core and their own wing, never another wing or a tool;
- tools (grade/, bench/, gallery, handout, build) may import the core and any wing, never another tool;
- nobody imports a private name (a leading underscore) from outside its own package, except the core's shared
  validation module `_validate`;
- plots/ draws static figures: it never imports ipywidgets;
- no import circle: no module imports, directly or through others, a module that imports it (nested imports count:
  a circle that works only because one import sits inside a function still ties the two modules into one).
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "alibi_edu"
CORE = {"alibi_edu", "alibi_edu._validate", "alibi_edu.slopes", "alibi_edu.bias", "alibi_edu.attention",
        "alibi_edu.forms", "alibi_edu.style", "alibi_edu.paired", "alibi_edu.threads"}
WINGS = {"widgets", "exercises", "lm", "plots"}
TOOLS = {"grade", "bench", "gallery", "handout", "build"}
SHARED_PRIVATE = {"alibi_edu._validate"}


def module_name(path: Path) -> str:
    parts = ("alibi_edu",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor(module: str) -> tuple[str, str]:
    """(floor, unit): ('core', 'core'), ('wing', 'lm'), ('tool', 'grade'), or ('outside', name)."""
    if module in CORE:
        return "core", "core"
    if not module.startswith("alibi_edu."):
        return "outside", module
    top = module.split(".")[1]
    if top in WINGS:
        return "wing", top
    if top in TOOLS:
        return "tool", top
    raise AssertionError(f"{module} is on no floor: add it to CORE, WINGS or TOOLS in this test")


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names imported from it) for every import in the file, nested ones included."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for name in (a.name for a in node.names):  # `from . import lm` imports the module alibi_edu.lm
                found.append((node.lineno, f"{module}.{name}", []) if is_module(f"{module}.{name}")
                             else (node.lineno, module, [name]))
    return found


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def violations(path: Path) -> list[str]:
    here = module_name(path)
    my_floor, my_unit = floor(here)
    problems = []
    for line, module, names in imports(path):
        their_floor, their_unit = floor(module)
        where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        if their_floor == "outside":
            if module.split(".")[0] == "ipywidgets" and my_unit == "plots":
                problems.append(f"{where}: plots draw static figures, widgets live in alibi_edu.widgets")
            continue
        if my_floor == "core" and their_floor != "core":
            problems.append(f"{where}: the core imports nothing above it")
        if my_floor == "wing" and (their_floor == "tool" or (their_floor == "wing" and their_unit != my_unit)):
            problems.append(f"{where}: a wing uses the core and itself only")
        if my_floor == "tool" and their_floor == "tool" and their_unit != my_unit:
            problems.append(f"{where}: tools do not import each other")
        same_package = module.split(".")[:2] == here.split(".")[:2] and my_floor != "core"
        private = [n for n in names if n.startswith("_")] + ([module] if module.rsplit(".", 1)[-1].startswith("_")
                                                             else [])
        if private and not same_package and module not in SHARED_PRIVATE and not (my_floor == their_floor == "core"):
            problems.append(f"{where}: private name(s) {private} used from outside their package: make it public")
    return problems


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_floors(path):
    problems = violations(path)
    assert not problems, "\n".join(problems)


def test_the_rule_can_fail(tmp_path, monkeypatch):
    def check(relative: str, source: str) -> list[str]:
        fake = tmp_path / "alibi_edu" / relative
        fake.parent.mkdir(parents=True, exist_ok=True)
        fake.write_text(source, encoding="utf-8")
        return violations(fake)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "alibi_edu")
    check("_validate.py", "")
    assert check("bias.py", "from .lm import TinyLM\n")                        # core -> wing
    assert check("lm/x.py", "from ..plots import loss_vs_length\n")            # wing -> wing
    assert check("plots/x.py", "import ipywidgets as w\n")                     # widgets in plots
    assert check("bench/x.py", "from ..attention import _private\n")           # private core name in a tool
    assert check("gallery.py", "from .grade import grade\n")                   # tool -> tool
    assert check("exercises/x.py", "def f():\n    from alibi_edu.grade import grade\n")  # nested, wing -> tool
    assert not check("lm/y.py", "from .. import _validate as check\nfrom ..bias import alibi_bias\n")
    assert not check("grade/y.py", "from alibi_edu.exercises import core\nfrom .. import lm\n")
    assert not check("lm/z.py", "from .training import _cosine_lr\n")          # private, same package


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it makes Python import: each named module, and the packages above it that
    are not also above the importer (those are already being imported when it runs)."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        edges = set()
        for _, module, _ in imports(path):
            if module != "alibi_edu" and not module.startswith("alibi_edu."):
                continue
            parts = module.split(".")
            for n in range(1, len(parts) + 1):
                target = ".".join(parts[:n])
                if not (here == target or here.startswith(target + ".")) or n == len(parts):
                    edges.add(target)
        graph[here] = edges - {here} if path.name == "__init__.py" else edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (or a module importing itself), sorted (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_circle():
    found = circles(import_graph())
    assert not found, "import circles (break each by moving the shared piece down a floor): " + "; ".join(
        " <-> ".join(group) for group in found)


def test_the_circle_finder_can_fail(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "alibi_edu")

    def plant(files: dict[str, str]) -> list[list[str]]:
        for relative, source in files.items():
            fake = tmp_path / "alibi_edu" / relative
            fake.parent.mkdir(parents=True, exist_ok=True)
            fake.write_text(source, encoding="utf-8")
        found = circles(import_graph())
        for relative in files:
            (tmp_path / "alibi_edu" / relative).unlink()
        return found
    base = {"__init__.py": "from .bias import b\n", "bias.py": "b = 1\n", "lm/__init__.py": "from .x import x\n",
            "lm/x.py": "from .y import y\nfrom ..bias import b\n", "lm/y.py": "y = 1\n"}
    assert plant(base) == []  # a package's __init__ importing its own modules is no circle
    assert plant({**base, "lm/y.py": "def y():\n    from .x import x\n"}) == [["alibi_edu.lm.x", "alibi_edu.lm.y"]]
    assert plant({**base, "bias.py": "from .lm.y import y\n"}) == [
        ["alibi_edu.bias", "alibi_edu.lm", "alibi_edu.lm.x"]]  # through a package's __init__
    assert plant({**base, "lm/y.py": "from . import y\n"}) == [["alibi_edu.lm.y"]]


def test_no_exported_name_shadows_a_module_of_its_package():
    """`from .train import train` in a package __init__ replaces the module by the function: `lm.train` would
    mean two things."""
    for info in pkgutil.walk_packages([str(PACKAGE)], "alibi_edu."):
        if not info.ispkg:
            continue
        package = importlib.import_module(info.name)
        modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
        exported = set(getattr(package, "__all__", []))
        clashes = {n for n in modules & exported if not inspect.ismodule(getattr(package, n))}
        assert not clashes, f"{info.name} exports {sorted(clashes)}, which are also its module names"
