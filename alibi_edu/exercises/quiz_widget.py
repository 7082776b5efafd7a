"""A multiple-choice widget for the questions of questions/nbNN.toml."""
from __future__ import annotations

import html

import ipywidgets as w

from .core import check, get


def quiz(exercise_id: str) -> w.VBox:
    """Question, options, a Check button and the feedback of check(exercise_id, letter)."""
    ex = get(exercise_id)
    if not ex.choices:
        raise ValueError(f"exercise {exercise_id!r} is not multiple choice; use check({exercise_id!r}, answer)")
    options = w.RadioButtons(options=[(f"{letter}. {text}", letter) for letter, text in ex.choices.items()],
                             value=None, layout=w.Layout(width="auto"))
    button = w.Button(description="Check", button_style="primary")
    feedback = w.HTML()

    def on_click(_):
        if options.value is None:          # nothing picked yet: not an attempt
            feedback.value = "<i>Pick one of the options above, then press Check.</i>"
            return
        feedback.value = check(exercise_id, options.value)._repr_html_()

    button.on_click(on_click)
    header = w.HTML(f"<b>{exercise_id} — {html.escape(ex.title)}</b><br>{html.escape(ex.question)}")
    return w.VBox([header, options, button, feedback])
