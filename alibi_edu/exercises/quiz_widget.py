"""quiz(id): letter buttons for a multiple-choice question whose text and options the markdown above shows.

The widget does not repeat the question: it is a group named by the question, one focusable button per option
letter, and the feedback of check(id, letter) in a live region, so a screen reader announces it. That front end
is a small anywidget (quiz_front.py). Where it cannot load (no anywidget, or a front end without it), a plain
ipywidgets row of the same letter buttons and feedback stands in, and answers the same way.
"""
from __future__ import annotations

import ipywidgets as w
import traitlets as t

from . import quiz_front
from .core import RECORDED, Result, check, get

MARKS = {"right": "✓ Correct", "wrong": "✗ Not yet"}


def quiz(exercise_id: str) -> Quiz:
    """Letter buttons for multiple-choice exercise_id; a press runs check(exercise_id, letter)."""
    ex = get(exercise_id)
    if not ex.choices:
        raise ValueError(f"exercise {exercise_id!r} is not multiple choice; use check({exercise_id!r}, answer)")
    return Quiz(exercise_id)


try:
    import anywidget
except ImportError:                     # the plain ipywidgets row alone
    anywidget = None

if anywidget is not None:
    class QuizGroup(anywidget.AnyWidget):
        """The accessible group of letter buttons and its live region (the front end is quiz_front.ESM)."""
        _esm = quiz_front.ESM
        _css = quiz_front.CSS
        question = t.Unicode("").tag(sync=True)       # the group's accessible name
        letters = t.List(t.Unicode()).tag(sync=True)
        picked = t.Unicode("").tag(sync=True)         # the letter pressed last
        feedback = t.Unicode("").tag(sync=True)       # plain text, written into the live region
        kind = t.Unicode("").tag(sync=True)           # "right", "wrong" or "recorded": the border's colour
else:
    QuizGroup = None


class Quiz(w.VBox):
    """The accessible group (when anywidget is there) and the plain ipywidgets row it hides once it renders.

    answer(letter) is what a press does; .last is the last Result, .feedback_text the live region's text.
    """

    def __init__(self, exercise_id: str):
        ex = get(exercise_id)
        self.exercise_id, self.letters, self.question = ex.id, list(ex.choices), ex.question
        self.last: Result | None = None
        self.feedback_text = ""
        self.buttons = [w.Button(description=letter, tooltip=f"Option {letter}", layout=w.Layout(width="auto"))
                        for letter in self.letters]
        for button in self.buttons:
            button.on_click(lambda b: self.answer(b.description))
        self.feedback = w.HTML()
        row = w.HBox([w.Label(f"Your answer to {ex.id}:"), *self.buttons], layout=w.Layout(flex_flow="row wrap"))
        fallback = w.VBox([row, self.feedback])
        fallback.add_class("alibi-quiz-fallback")

        self.group = None if QuizGroup is None else QuizGroup(question=ex.question, letters=self.letters)
        if self.group is not None:
            self.group.on_msg(self._on_msg)
        super().__init__([fallback] if self.group is None else [self.group, fallback])
        self.add_class("alibi-quiz")

    def _on_msg(self, _widget, content, _buffers) -> None:
        letter = content.get("pick") if isinstance(content, dict) else None
        if letter in self.letters:
            self.answer(letter)

    def answer(self, letter: str) -> Result:
        """Check one letter, as its button does, and show the feedback in both front ends."""
        result = check(self.exercise_id, letter)
        kind = RECORDED if result.kind == RECORDED else "right" if result.passed else "wrong"
        mark = "●" if kind == RECORDED else f"{MARKS[kind]}."      # an exam copy's message starts with "Recorded"
        self.last, self.feedback_text = result, f"{mark} {result.message}"
        self.feedback.value = result._repr_html_()
        if self.group is not None:
            with self.group.hold_sync():
                self.group.picked, self.group.feedback, self.group.kind = letter, self.feedback_text, kind
        return result

    @property
    def accessible_name(self) -> str:
        """The name a screen reader gives the group of letters: the question."""
        return self.group.question if self.group is not None else self.question

    def __repr__(self) -> str:          # what a renderer without widgets shows
        return f"Quiz {self.exercise_id}: answer with one of the letters {', '.join(self.letters)}."
