"""Multiple-choice questions as data: one TOML file per notebook (nbNN.toml), loaded and validated here.

Each [[question]] has id, title, question, reread, key, why, [question.options] (letters A, B, ...
in order) and [question.hints] (one hint per wrong option). A malformed file raises ValueError
naming the file and the question, when the package is imported (tests catch it, not a student).

An exam copy's file starts with `exam = true` and keeps only id, title, question and options of its
graded questions: their answer is recorded, never judged (see exercises/exam.py).
"""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from ..core import RECORDED, Exercise, Result, add, failed, passed

FIELDS = {"id", "title", "question", "reread", "key", "why", "options", "hints"}
EXAM_FIELDS = {"id", "title", "question", "options"}     # a graded question in an exam copy: no key, no hints


def load(text: str, source: str = "<text>") -> list[dict[str, Any]]:
    """Parse and validate one notebook's questions; ValueError naming source and id on any problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{source}: not valid TOML ({err})") from None
    items, exam = data.get("question"), data.get("exam", False)
    if set(data) - {"exam"} != {"question"} or not isinstance(items, list) or not items or exam not in (True, False):
        raise ValueError(f"{source}: expected one or more [[question]] tables (and exam = true in an exam copy)")
    for n, item in enumerate(items, 1):
        _validate(item, f"{source}, question {item.get('id', f'#{n}')}", exam and set(item) == EXAM_FIELDS)
    return items


def _validate(item: dict[str, Any], where: str, exam: bool = False) -> None:
    fields = EXAM_FIELDS if exam else FIELDS
    if set(item) != fields:
        raise ValueError(f"{where}: fields must be {sorted(fields)}; missing {sorted(fields - set(item))}, "
                         f"unknown {sorted(set(item) - fields)}")
    for name in fields - {"options", "hints"}:
        if not isinstance(item[name], str) or not item[name].strip():
            raise ValueError(f"{where}: {name!r} must be a non-empty string")
    if not re.fullmatch(r"\d\d\.\d+", item["id"]):
        raise ValueError(f"{where}: id {item['id']!r} is not of the form 'NN.k'")
    options, hints = item["options"], item.get("hints", {})
    letters = "ABCDEFGH"[:len(options)] if isinstance(options, dict) else ""
    if not isinstance(options, dict) or len(options) < 2 or list(options) != list(letters):
        raise ValueError(f"{where}: options must be letters A, B, … in order, at least two")
    if not exam:
        if item["key"] not in options:
            raise ValueError(f"{where}: key {item['key']!r} is not one of the options {list(options)}")
        wrong = set(options) - {item["key"]}
        if not isinstance(hints, dict) or set(hints) != wrong:
            raise ValueError(f"{where}: hints must give one hint per wrong option {sorted(wrong)}")
    for text in [*options.values(), *hints.values()]:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: every option and hint must be a non-empty string")


def malformed_message(letters: list[str]) -> str:
    """The reply to an answer that is not an option letter: the options, no example from the key."""
    listed = ", ".join(letters[:-1]) + f" or {letters[-1]}"
    return f"Answer with the letter of the option you choose, one of {listed}, as a string."


def letter_of(answer: Any) -> str | None:
    """'b', ' (B) ', 'B.' -> 'B'; None for anything that is not one letter."""
    match = re.fullmatch(r"\s*\(?\s*([A-Za-z])\s*[).:]?\s*", answer) if isinstance(answer, str) else None
    return match.group(1).upper() if match else None


def multiple_choice(item: dict[str, Any]) -> Exercise:
    options = dict(item["options"])
    if "key" not in item:                      # an exam copy: record the choice, judge nothing
        def record(answer: Any) -> Result:
            letter = letter_of(answer)
            if letter not in options:
                return failed(malformed_message(list(options)), "malformed")
            return Result(False, f"Recorded: {letter}. Whether it is right is decided when your work is graded.",
                          kind=RECORDED)
        return Exercise(item["id"], item["title"], record, "", item["question"], options)
    key, hints = item["key"], dict(item["hints"])

    def checker(answer: Any) -> Result:
        letter = letter_of(answer)
        if letter not in options:
            return failed(malformed_message(list(options)), "malformed")
        return passed(item["why"]) if letter == key else failed(hints[letter])

    return Exercise(item["id"], item["title"], checker, item["reread"], item["question"], options)


def register(notebook: str) -> list[str]:
    """Register the questions of questions/nbNN.toml; their ids."""
    path = resources.files(__name__) / f"nb{notebook}.toml"
    items = load(path.read_text(encoding="utf-8"), f"nb{notebook}.toml")
    for item in items:
        add(multiple_choice(item))
    return [item["id"] for item in items]
