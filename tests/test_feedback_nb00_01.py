"""The replies of 00.1 and 01.1–01.8 to the wrong answers readers tried (December 2026 read), and right answers in
the forms a student naturally writes. Each reply names the mistake or the missing operation, never the multiplier or
the one step that turns the wrong answer into the key."""
import math
import re

import pytest

from alibi_edu.exercises import check, nb00, nb01

KEY_01_7 = math.sqrt(nb01.A5_D) * nb01.A5_SLOPE * (nb01.A5_NEAR - nb01.A5_FAR)     # q·k advantage at the tie
GAP_01_7 = nb01.A5_SLOPE * (nb01.A5_NEAR - nb01.A5_FAR)                           # the bias gap m·Δ
KEY_01_8 = math.sqrt(nb01.B8_D) * nb01.B8_SLOPE


def reply(exercise_id, answer):
    result = check(exercise_id, answer, record=False)
    assert not result.passed, f"{exercise_id} accepted {answer!r}"
    return result.message


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# --- 01.7: content vs position, paper's placement --------------------------------------------------------------

@pytest.mark.parametrize("wrong", [GAP_01_7 / math.sqrt(nb01.A5_D), nb01.A5_SLOPE])   # 0.25: gap/√d, or m itself
def test_01_7_a_divided_gap_is_told_the_operation_not_off_by_sqrt_d(wrong):
    message = reply("01.7", wrong)
    assert "Off by" not in message and "times" not in message
    assert "1/√d" in message and "q·k" in message


def test_01_7_the_bare_bias_gap_is_told_which_1_over_sqrt_d_is_missing():
    message = reply("01.7", GAP_01_7)
    assert "missing" in message and "1/√d" in message
    assert "times" not in message and "Off by" not in message


def test_01_7_d_instead_of_sqrt_d_is_named_without_the_factor():
    message = reply("01.7", nb01.A5_D * GAP_01_7)
    assert "not d" not in message and "times" not in message and "√d" in message


def test_01_7_takes_the_number_typed_as_text():
    assert check("01.7", f"{KEY_01_7:g}").passed


# --- 01.8: from the paper's slope to the book's β ---------------------------------------------------------------

@pytest.mark.parametrize("wrong", [-KEY_01_8, -nb01.B8_SLOPE, -1.0])
def test_01_8_a_negative_beta_gets_one_well_formed_sentence(wrong):
    message = reply("01.8", wrong)
    assert "is the sign" not in message and "β is the" not in message
    assert len(sentences(message)) == 1 and message.endswith(".")
    assert "negative" in message


@pytest.mark.parametrize("text", ["0.6", " 0.6 ", "3/5", "6*0.1"])
def test_01_8_accepts_the_number_as_text(text):
    assert check("01.8", text).passed


@pytest.mark.parametrize("wrong", [nb01.B8_SLOPE / math.sqrt(nb01.B8_D), nb01.B8_SLOPE * nb01.B8_D,
                                   nb01.B8_SLOPE])
def test_01_8_named_mistakes_state_no_multiplier(wrong):
    message = reply("01.8", wrong)
    assert not re.search(r"times|Off by|not d\b|must be √d", message), message


def test_01_8_text_that_is_not_a_number_is_named():
    message = reply("01.8", "beta")
    assert "one finite number" in message


# --- 01.1: bias by hand ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [{5: -2.5, 2: -4.0}, {2: -4.0, 5: -2.5}, [-2.5, -4.0], (-2.5, -4.0)])
def test_01_1_accepts_the_dict_the_notebook_prints(answer):
    assert check("01.1", answer).passed


def test_01_1_a_dict_with_the_wrong_keys_names_the_keys():
    message = reply("01.1", {4: -3.0, 2: -4.0})
    assert "j = 5" in message and "j = 2" in message and "-3" not in message


def test_01_1_a_dict_with_a_wrong_value_gets_the_lists_hint():
    assert reply("01.1", {5: 2.5, 2: 4.0}) == reply("01.1", [2.5, 4.0])


def test_01_1_swapped_entries_are_not_told_the_step():
    message = reply("01.1", [-4.0, -2.5])
    assert "wrong order" not in message and "first key first" not in message


# --- 00.1 ---------------------------------------------------------------------------------------------------------

def test_00_1_j_minus_i_alone_is_not_told_to_multiply():
    message = reply("00.1", nb00.KEY - nb00.QUERY)
    assert "multiply" not in message.lower() and "β" in message and "missing" in message


def test_00_1_right_answer_says_more_negative_not_larger():
    message = check("00.1", nb00.BETA * (nb00.KEY - nb00.QUERY)).message
    assert "larger" not in message and "more negative" in message


# --- 01.2's missing β, the same rule ----------------------------------------------------------------------------

def test_01_2_a_missing_beta_is_named_not_multiplied_in():
    from alibi_edu import linear_bias
    message = reply("01.2", lambda L, beta: linear_bias(L, beta=1.0))
    assert "β is missing" in message and "multiply" not in message


# --- 01.5: a linear distance penalty ---------------------------------------------------------------------------

def test_hint_c_of_01_5_explains_c_without_pointing_at_a():
    message = reply("01.5", "C")
    assert "q·k" in message and "content advantage larger" not in message and "still wins" not in message, message


def test_notebook_01_does_not_answer_01_5_above_it():
    from pathlib import Path
    source = next((Path(__file__).resolve().parents[1] / "notebooks" / "src").glob("01_*.py")).read_text("utf-8")
    assert "however small, and content wins" not in source[:source.index('quiz("01.5")')]


# --- 01.7 and 01.8 accept the same relative tolerance; 01.5's why; 01.4 asked before anything answers it ------------

@pytest.mark.parametrize("exercise_id, key", [("01.7", KEY_01_7), ("01.8", KEY_01_8)])
def test_01_7_and_01_8_share_one_relative_tolerance(exercise_id, key):
    assert check(exercise_id, key * (1 + 6e-4), record=False).passed       # 0.6001 and 16.01 were refused before
    assert check(exercise_id, key * (1 - 6e-4), record=False).passed
    assert not check(exercise_id, key * 1.01, record=False).passed


def test_01_8_pass_message_states_the_exact_beta_not_the_rounded_answer():
    assert f"= {KEY_01_8:g} " in check("01.8", KEY_01_8 * (1 + 6e-4), record=False).message


def test_01_5_why_limits_the_per_step_factor_to_keys_of_equal_content():
    why = check("01.5", "A", record=False).message
    assert "equal content" in why and "e^(−β/√d)" in why


def test_notebook_01_asks_01_4_before_01_6_and_the_worked_example():
    import json
    from pathlib import Path
    path = next((Path(__file__).resolve().parents[1] / "notebooks").glob("01_*.ipynb"))
    cells = ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]]
    at = {key: next(n for n, s in enumerate(cells) if key in s)
          for key in ('check("01.4"', 'quiz("01.6")', 'check("01.1"', "Exercise 01.3")}
    assert at['check("01.4"'] < min(at['quiz("01.6")'], at['check("01.1"'], at["Exercise 01.3"])
