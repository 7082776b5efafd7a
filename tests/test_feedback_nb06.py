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


def test_06_3_slopes_of_another_head_count_are_named_without_their_values():
    for n in (8, 12, 16):
        wrong = alibi_bias(n, 6, symmetric=True, dtype=torch.float64)[:4]       # the first 4 of n heads' slopes
        message = reply("06.3", wrong)
        assert "another head count" in message, message
        assert not re.search(r"2\^|1/\d|0\.\d|geometric_slopes\(|\b4 heads\b", message), message


# --- 06.2: one missing head count, named without pointing at it ---------------------------------------------------

@pytest.mark.parametrize("answer", [[1, 2, 4, 8], [2, 4, 8, 16]])
def test_06_2_one_missing_count_reply_points_at_neither_end(answer):
    message = reply("06.2", answer)
    assert "one head count is missing" in message.lower()
    assert ("smallest" in message) == ("largest" in message), message      # both ends named, or neither
    assert not re.search(r"\b(1|16)\b|\bup\b|\bdown\b", message), message
    assert message == reply("06.2", [1, 2, 4, 16])                          # the same words whichever is missing


# --- 06.4 (repeated 01.8/04.1) is removed, its id never reused; 06.10 (shown by 03) is a new situation ---------

def test_06_4_is_gone_from_the_registry_the_notebook_and_the_exam():
    from alibi_edu.exercises import list_exercises
    from alibi_edu.exercises.exam import FORMS
    ids = {getattr(e, "id", e) for e in list_exercises()}
    for removed in ("06.4",):
        assert removed not in ids and removed not in QUESTIONS and removed not in FORMS
        assert f'check("{removed}"' not in SOURCE and not (ROOT / "notebooks" / "solutions" /
                                                            f"{removed.replace('.', '_')}.py").exists()


# --- quiz texts ----------------------------------------------------------------------------------------------------

def test_06_8_key_claims_nothing_about_a_loss_it_did_not_measure():
    key = QUESTIONS["06.8"]["options"][QUESTIONS["06.8"]["key"]]
    assert "did not raise the loss" not in key and "loss" not in key


def test_06_8_why_says_what_05_6_lets_you_measure_not_a_result():
    why = QUESTIONS["06.8"]["why"]
    assert "did rise" not in why and "05.6" in why and "measure" in why


def test_06_9_calls_two_standard_errors_a_rule_of_thumb():
    why = QUESTIONS["06.9"]["why"]
    assert "rule of thumb" in why and "0.18" in why


def test_06_5_hint_b_does_not_work_the_question_out():
    hint = QUESTIONS["06.5"]["hints"]["B"]
    assert not re.search(r"24\.5|49|\b5\b", hint), hint


def test_06_6_is_a_new_situation_not_answered_above_it():
    item = QUESTIONS["06.6"]
    assert "is_causal" in item["question"] and "m·j" not in item["question"]
    above = re.sub(r"\s*\n#\s*", " ", SOURCE[:SOURCE.index('quiz("06.6")')])
    assert "m_h j + c_i" not in above and "any bias" not in above
    assert "top left" not in above.split("**Exercise 06.6**")[0]
    for letter, hint in item["hints"].items():                           # a hint explains its own option only
        assert "key 0" not in hint and "row 0" not in hint and "oldest" not in hint, (letter, hint)


def test_06_11_hints_do_not_name_the_model_to_keep_and_the_reread_exists():
    item = QUESTIONS["06.11"]
    for hint in item["hints"].values():
        assert "discriminator" not in hint, hint
    assert "classification head" not in item["options"][item["key"]]
    assert "fine-tun" in SOURCE[:SOURCE.index("**Exercise 06.11**")].split("**What comes after.**")[1]


def test_06_10_is_a_new_situation_not_the_16_head_slopes_of_notebook_03():
    item = QUESTIONS["06.10"]
    assert "16" not in item["question"] and "prune" not in SOURCE[:SOURCE.index("**Exercise 06.10**")]
    assert "2^(−8k/n)" not in item["question"]                        # was called the bug in 06.2


def test_06_3_asks_for_the_symmetric_variant_by_name():
    stem = SOURCE[SOURCE.index("### 06.3"):SOURCE.index('check("06.3"')]
    assert "symmetric" in stem and "paper defines only the causal form" in re.sub(r"\s*\n#\s*", " ", stem)


# --- notebook 06's prose -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", ["the head count's kind", "the memory rows",
                                    "cannot say how much the thread count itself matters",
                                    "five production forms of ALiBi are one formula",     # only the rewrites run
                                    "closer to 1",                                        # argued, not measured
                                    "next power of two",                                  # gave 06.2 away
                                    "swap places",                                        # timing order is noise
                                    "turn into wide ones the model never saw",            # 3 widths are new
                                    "reference implementation",                           # the authors' code
                                    "about one multiply-add per score",                   # two things changed
                                    "$-m\\,\\lvert i + L_k",                               # i is a row index there
                                    "real kernel", "in the kernel too",                   # un-compiled: unfused
                                    "any head count needs the paper's slopes",            # contradicts 06.10
                                    "within about 1 %",                                   # uncited figure
                                    "measures the dense bias alone",                      # is_causal changes too
                                    "one call against none"])
def test_06_has_no_internal_label_or_self_cancelling_paragraph(phrase):
    assert phrase not in re.sub(r"\s*\n#\s*", " ", SOURCE)


def test_06_never_passes_the_papers_slope_as_the_books_beta():
    assert not re.search(r"linear_bias\([^)]*beta=(m|slopes)", SOURCE)
    assert "linear_bias" not in SOURCE


def test_06_names_each_slope_tensor_once():
    assert not re.search(r"^(for )?m\b\s*(,|=| in)", SOURCE, re.M)   # no global `m` a 06.1 answer could pick up


def test_06_prerequisites_include_04_and_05():
    assert "Notebooks 01–05" in SOURCE


def test_06_says_flex_attention_ran_uncompiled_and_silences_only_its_warning():
    flat = re.sub(r"\s*\n#\s*", " ", SOURCE)
    section = flat[flat.index("### FlexAttention"):flat.index("Guards section 1")]
    assert "Un-compiled" in section and "torch.compile" in section and "PyTorch warns" in section
    assert 'simplefilter("ignore")' not in SOURCE
    assert 'filterwarnings("ignore", "flex_attention called without torch.compile")' in SOURCE


def test_06_defines_the_row_index_where_the_table_first_uses_it():
    flat = re.sub(r"\s*\n#\s*", " ", SOURCE)
    assert flat.index("$i = r + L_k - L_q$") < flat.index("### Worked example")
    assert "one row shared by every query" in flat and "counting from 1" in flat


def test_06_summary_keeps_the_trained_slopes_and_says_what_alibi_costs():
    summary = re.sub(r"\s*\n#\s*", " ", SOURCE[SOURCE.index("## Summary"):])
    assert "slopes a checkpoint was trained with" in summary and "$H L^2$" in summary
