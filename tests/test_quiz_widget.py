"""quiz(id): a group named by its question, one letter button per option, feedback for a live region; the
plain ipywidgets row answers the same way where the custom front end is missing. (The browser tests drive the
front end itself.)"""
import re

import pytest

from alibi_edu.exercises import check, core, on_check, quiz, quiz_front, quiz_widget

QUIZZES = [i for i in core.list_exercises() if core.get(i).choices]


def key_of(exercise_id: str) -> str:
    return next(letter for letter in core.get(exercise_id).choices if check(exercise_id, letter, record=False).passed)


def test_every_quiz_has_a_button_per_option_letter_in_order_and_the_question_as_its_name():
    assert len(QUIZZES) >= 21
    for exercise_id in QUIZZES:
        ex, box = core.get(exercise_id), quiz(exercise_id)
        assert box.group is not None                                      # anywidget is installed here
        assert box.group.letters == list(ex.choices) == [b.description for b in box.buttons]
        assert box.accessible_name == box.group.question == ex.question
        assert box.group in box.children


def test_the_widget_does_not_repeat_the_question_or_the_options_text():
    ex, box = core.get("01.4"), quiz("01.4")
    shown = [box.feedback.value, *(b.description for b in box.buttons),
             *(c.value for c in box.children[-1].children[0].children if hasattr(c, "value"))]
    for text in [ex.question, *ex.choices.values()]:
        assert not any(text in s for s in shown if isinstance(s, str))


@pytest.mark.parametrize("exercise_id", QUIZZES)
def test_right_and_wrong_feedback_without_the_key(exercise_id):
    key = key_of(exercise_id)
    box = quiz(exercise_id)
    for attempt, wrong in enumerate([c for c in core.get(exercise_id).choices if c != key], start=1):
        result = box.answer(wrong)
        assert not result.passed and box.group.kind == "wrong" and box.group.picked == wrong
        assert box.feedback_text.startswith("✗ Not yet.") and box.feedback_text == box.group.feedback
        named = rf"\b(option|answer|letter|choice|key) {key}\b|\({key}\)|['\"“]{key}['\"”]|\b{key}\)"
        assert not re.search(named, result.message, flags=re.I), f"{exercise_id}: {result.message}"
        assert core.get(exercise_id).choices[key] not in result.message
        assert core.attempts(exercise_id) == attempt
    assert box.answer(key).passed and box.feedback_text.startswith("✓ Correct.") and box.group.kind == "right"
    assert "Correct" in box.feedback.value and core.attempts(exercise_id) == 0


def test_a_press_in_the_front_end_and_a_fallback_button_both_check_the_letter():
    seen = []
    listener = on_check(lambda exercise_id, answer: seen.append((exercise_id, answer)))  # as the grader records
    try:
        box = quiz("06.7")
        box._on_msg(box.group, {"pick": "B"}, [])
        box._on_msg(box.group, {"pick": "Z"}, [])                             # not an option: ignored
        box._on_msg(box.group, "junk", [])
        box.buttons[2].click()
    finally:
        core._LISTENERS.remove(listener)
    assert seen == [("06.7", "B"), ("06.7", "C")]


def test_without_anywidget_the_plain_row_answers_alone(monkeypatch):
    monkeypatch.setattr(quiz_widget, "QuizGroup", None)
    box = quiz("01.4")
    assert box.group is None and len(box.children) == 1 and box.accessible_name == core.get("01.4").question
    key = key_of("01.4")
    next(b for b in box.buttons if b.description == key).click()
    assert box.last.passed and "Correct" in box.feedback.value


def test_the_front_end_names_the_group_announces_feedback_and_keeps_keys_inside():
    esm = quiz_front.ESM
    assert 'setAttribute("role", "group")' in esm and 'setAttribute("aria-label", model.get("question"))' in esm
    assert 'setAttribute("aria-live", "polite")' in esm and "live.textContent = model.get(\"feedback\")" in esm
    assert "event.stopPropagation()" in esm and 'createElement("button")' in esm
    assert ".alibi-quiz-fallback { display: none" in quiz_front.CSS          # hidden only once the module renders
    assert "alibi-quiz" in quiz("01.4")._dom_classes


def test_not_multiple_choice_is_refused_by_name():
    with pytest.raises(ValueError, match="01.2"):
        quiz("01.2")


def test_a_renderer_without_widgets_gets_a_line_that_names_the_letters():
    assert repr(quiz("01.4")) == "Quiz 01.4: answer with one of the letters A, B, C, D."
