"""Exercises with instant feedback: check(id, answer), list_exercises(), quiz(id).

Importing this package registers every notebook's exercises (the nbNN modules).
"""
import importlib
import pkgutil

from .core import Result, check, list_exercises
from .quiz import quiz

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("nb"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Result", "check", "list_exercises", "quiz"]
