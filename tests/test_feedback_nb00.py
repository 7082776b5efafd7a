"""Notebook 00's checker and prose: the wrong answers a reader tried, and the reply each must get."""
import re
from pathlib import Path

from alibi_edu.exercises import check

ROOT = Path(__file__).resolve().parents[1]
SOURCE = re.sub(r"\s*\n#\s*", " ", (ROOT / "notebooks" / "src" / "00_start_here.py").read_text())


def reply(answer) -> str:
    result = check("00.1", answer, record=False)
    assert not result.passed
    return result.message


def test_00_1_i_minus_j_names_both_the_order_and_the_missing_beta():
    message = reply(4)                                  # i − j: reversed and without β
    assert "β is missing" in message and "reversed" in message
    assert message != "Not quite: the sign is wrong."


def test_00_1_a_positive_answer_of_another_size_is_not_told_only_its_sign():
    message = reply(8)
    assert "sign" in message and "size" in message


def test_00_1_the_two_named_mistakes_keep_their_replies():
    assert reply(2).startswith("Sign")
    assert "β is missing" in reply(-4)


def test_00_says_which_quiz_input_is_saved():
    assert "Only that cell is saved" not in SOURCE
    assert "the answer cell is" in SOURCE


def test_00_map_gives_06_the_notebooks_it_sends_students_to():
    assert re.search(r"\| 06 ALiBi in practice \|[^|]*\| 01–05 \|", SOURCE)


def test_00_notation_says_what_k_and_n_are_and_where():
    row = next(line for line in SOURCE.split("|") if "h = 1..H" in line)
    assert "03 and 06" in row and "not a key" in row and "counts from 0" in row
