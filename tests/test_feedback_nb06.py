"""Notebook 06's checkers and quiz texts: the wrong answers a reader tried, and the reply each must get.

Each reply names the mistake, never the key, the formula that is the answer, or the factor from the answer to it.
"""
import re
from pathlib import Path

import pytest
import tomllib
import torch

from alibi_edu import alibi_bias, geometric_slopes
from alibi_edu.exercises import check, core

ROOT = Path(__file__).resolve().parents[1]
M4, M8 = geometric_slopes(4, dtype=torch.float64), geometric_slopes(8, dtype=torch.float64)
QUESTIONS = {q["id"]: q for q in tomllib.loads(
    (ROOT / "alibi_edu" / "exercises" / "questions" / "nb06.toml").read_text())["question"]}
SOURCE = (ROOT / "notebooks" / "src" / "06_alibi_in_practice.py").read_text()
ABS_FORM = re.compile(r"m\s*[·*]?\s*\|\s*i\s*[−-]\s*j\s*\|")          # −m·|i − j|, the answer of 06.3


def reply(exercise_id, answer) -> str:
    result = check(exercise_id, answer, record=False)
    assert not result.passed
    return result.message


# --- 06.1: slopes computed from h on an integer tensor ------------------------------------------------------------

def test_06_1_integer_power_is_named_not_called_a_small_difference():
    message = reply("06.1", lambda s, b, h, qi, ki: s + 2 ** -(h + 1) * (ki - qi))     # int tensor: 2 ** -1 == 0
    assert "not by much" not in message
    assert "integer" in message and "0" in message


def test_06_1_the_same_slopes_in_floating_point_pass():
    assert check("06.1", lambda s, b, h, qi, ki: s + 2.0 ** -(h + 1) * (ki - qi), record=False).passed
    assert check("06.1", lambda s, b, h, qi, ki: s + (2 ** -(h + 1.0)) * (ki - qi), record=False).passed


def test_06_1_a_score_mod_that_adds_nothing_is_told_so():
    assert "no bias" in reply("06.1", lambda s, b, h, qi, ki: s)


# --- 06.3: the answer is not printed above, and no hint gives it -------------------------------------------------

def test_06_3_the_shortcut_and_the_sign_mistake_do_not_state_the_formula():
    shortcut = (M4[:, None, None] * torch.arange(6.0)).expand(4, 6, 6)
    flipped = alibi_bias(4, 6, symmetric=True, dtype=torch.float64).neg()
    for wrong, named in ((shortcut, "m·j shortcut"), (flipped, "Sign")):
        message = reply("06.3", wrong)
        assert named in message and not ABS_FORM.search(message), message
    assert not ABS_FORM.search(core.get("06.3").reread)


def test_06_3_no_cell_above_it_prints_the_symmetric_bias():
    above = SOURCE[:SOURCE.index('check("06.3"')]
    above = above[above.index("## 2."):]                                   # the bug section, where it is asked
    assert "symmetric=True" not in above and not ABS_FORM.search(above)


# --- 06.4: no factor, no formula -----------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, named", [(M8, "That is the bug"), (M8 / 8, "other way round"),
                                          (64 * M8, "Too steep")])
def test_06_4_names_the_mistake_without_a_factor(wrong, named):
    message = reply("06.4", wrong)
    assert named in message
    assert not re.search(r"\d\s*[×x]|[×x]\s*\d|√d,? not d|times|√d\s*·\s*m", message), message
    assert "√d·m" not in core.get("06.4").reread


# --- quiz texts ----------------------------------------------------------------------------------------------------

def test_06_8_key_claims_nothing_about_a_loss_it_did_not_measure():
    key = QUESTIONS["06.8"]["options"][QUESTIONS["06.8"]["key"]]
    assert "did not raise the loss" not in key and "loss" not in key


def test_06_10_hint_for_a_asks_about_each_index():
    hint = QUESTIONS["06.10"]["hints"]["A"]
    assert "half of anything" not in hint and "index" in hint


# --- notebook 06's prose -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", ["the head count's kind", "the memory rows",
                                    "cannot say how much the thread count itself matters"])
def test_06_has_no_internal_label_or_self_cancelling_paragraph(phrase):
    assert phrase not in re.sub(r"\s*\n#\s*", " ", SOURCE)
