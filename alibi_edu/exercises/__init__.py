"""Exercises with instant feedback: check(id, answer), quiz(id), list_exercises(), progress().

Importing this package registers every notebook's exercises: the checkers in nbNN.py and the
multiple-choice questions in questions/nbNN.toml.
"""
import importlib
import pkgutil

from . import store
from .core import Result, check, get, list_exercises, on_check
from .quiz_widget import quiz
from .store import Progress

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("nb"):
        importlib.import_module(f"{__name__}.{_module.name}")


def progress(full: bool = False, reset: bool = False) -> Progress:
    """Where you are in the course, in one line: how many exercises are right, how many tried, which is next.

    progress(full=True) lists every exercise by notebook with its title and state: not tried, tried, solved
    with the solution (the course's solution file was run) or passed. The state is kept in a small file in
    your data folder, shared by all notebooks and kept across restarts; progress(reset=True) clears it.
    """
    if reset:
        store.reset()
    states = store.load()
    rows = [(i.split(".")[0], i, get(i).title, states.get(i, "not tried")) for i in list_exercises()]
    return Progress(rows, full=full)


__all__ = ["Progress", "Result", "check", "list_exercises", "on_check", "progress", "quiz"]
