"""Notebooks 04–05 after the December expert read: each checker item with the answer the reader tried and the
reply it must get, and the new exercise 05.7 (the bias row of a cached query) with right and typical wrong answers."""
import math
import re
import runpy
from importlib import resources
from pathlib import Path

import pytest
import torch

from alibi_edu.exercises import check, core, nb05, questions

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "solutions"
SOURCES = ROOT / "notebooks" / "src"


def reply(exercise_id, answer):
    result = check(exercise_id, answer, record=False)
    return result.passed, result.message


QUESTIONS = {q["id"]: q for f in resources.files(questions).iterdir() if f.name.endswith(".toml")
             for q in questions.load(f.read_text(encoding="utf-8"), f.name)}


def option(exercise_id, letter):
    return QUESTIONS[exercise_id]["options"][letter]


# --- 04 ------------------------------------------------------------------------------------------------------

def test_04_1_dividing_by_d_names_the_operation_not_the_fix():          # X1
    passed, message = reply("04.1", lambda b, d: b / d)
    assert not passed
    assert "d_head itself" in message
    assert "√d" not in message                  # "Divide by √d_head, not by d_head" was the answer in one step


def test_04_2_key_states_the_peak_its_two_ends_the_refinement_and_held_out_data():   # E3
    key = QUESTIONS["04.2"]["key"]
    text = option("04.2", key)
    for part in ("0.1", "refine", "validation", "held-out"):
        assert part in text, (part, text)
    assert "One run per value decides nothing" not in QUESTIONS["04.2"]["why"]
    assert reply("04.2", key)[0]


def test_04_3_distractors_are_about_attention_not_overflow():          # X2
    for letter in ("B", "D"):
        assert not re.search(r"overflow|NaN", option("04.3", letter)), option("04.3", letter)


# --- 05 ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [{"sinusoidal", "rope"}, ["Rope", "SINUSOIDAL"]])
def test_05_1_the_textbook_prediction_counts(answer):                 # X3
    passed, message = reply("05.1", answer)
    assert passed, message


def test_05_1_does_not_call_none_rising_a_fact():                      # O3
    passed, message = reply("05.1", {"sinusoidal", "rope", "none"})
    assert passed and "All three rise" not in message


@pytest.mark.parametrize("answer", [{"sinusoidal"}, {"rope"}, set()])
def test_05_1_first_hint_does_not_point_at_none(answer):               # X3
    passed, message = reply("05.1", answer)
    assert not passed
    assert not re.search(r"how many keys|key counts|averages over|none", message), message


@pytest.mark.parametrize("wrong", [lambda m: math.floor(math.log10(100) / m), lambda m: math.floor(math.log(0.01) / m)])
def test_05_2_hints_do_not_state_the_formula(wrong):                   # X4
    passed, message = reply("05.2", wrong)
    assert not passed and "ln(100)/m" not in message, message


def test_05_3_key_does_not_claim_the_loss_never_rises():               # O1
    key = QUESTIONS["05.3"]["key"]
    assert "does not rise" not in option("05.3", key)
    assert "64" in QUESTIONS["05.3"]["why"]          # the flat curve is the one measured at L_train = 64


def test_05_3_solution_comment_gives_the_key_s_reason():               # E2
    assert "no table, no maximum length" not in (SOLUTIONS / "05_3.py").read_text()


def test_05_6_confound_is_in_the_notebook_not_only_in_a_pass_message():   # X9
    text = (SOURCES / "05_long_sequences.py").read_text()
    section = text[text.index("Exercise 05.6"):]
    assert re.search(r"4× fewer|four times fewer|a quarter of the", section[:1500]), section[:1500]


# --- 05.7: the bias row the newest query adds over a cache of n keys ------------------------------------------

def right_row(n, m):
    return -m * (n - 1 - torch.arange(n, dtype=torch.float64))


@pytest.mark.parametrize("form", [
    right_row,
    lambda n, m: right_row(n, m).float(),
    lambda n, m: right_row(n, m).tolist(),
    lambda n, m: right_row(n, m).numpy(),
    lambda n, m: right_row(n, m)[None],                               # a (1, n) row
    lambda n, m: m * (torch.arange(n) - (n - 1)),
    lambda n, m: [-m * (n - 1 - j) for j in range(n)],
])
def test_05_7_every_natural_form_passes(form):
    passed, message = reply("05.7", form)
    assert passed, message


def test_05_7_solution_passes():
    answer = runpy.run_path(str(SOLUTIONS / "05_7.py"))["answer"]
    assert check("05.7", answer, record=False).passed


@pytest.mark.parametrize("wrong, named", [
    (lambda n, m: -right_row(n, m), "sign"),
    (lambda n, m: -m * (n - torch.arange(n)), "own key"),                      # off by one: n − j
    (lambda n, m: -m * torch.arange(n), "oldest"),                            # the distance counted from key 0
    (lambda n, m: -m * (n - 1 - torch.arange(n))[None].T - torch.zeros(n, n), "square"),   # an (n, n) matrix
    (lambda n, m: torch.stack([right_row(n, m)] * n), "square"),
    (lambda n, m: right_row(n, m) * math.sqrt(8), "β"),                        # the book's β = √d_head·m
    (lambda n, m: right_row(n, m) / math.sqrt(8), "1/√d"),
    (lambda n, m: 2 * right_row(n, m), "wrong size"),
    (lambda n, m: m * torch.arange(n, dtype=torch.float64), "softmax"),       # m·j: a constant per row away
    (lambda n, m: right_row(n + 1, m), "one entry per cached key"),
    (lambda n, m: torch.zeros(n), "no penalty"),
])
def test_05_7_typical_mistakes_are_named(wrong, named):
    passed, message = reply("05.7", wrong)
    assert not passed and named in message, message


def test_05_7_no_reply_shows_an_entry_or_a_factor():
    values = {f"{x:g}" for n, m in nb05.ROW_CASES for x in right_row(n, m).tolist() if abs(x) >= 0.01}
    wrongs = [lambda n, m: -right_row(n, m), lambda n, m: 2 * right_row(n, m), lambda n, m: 8 * right_row(n, m),
              lambda n, m: right_row(n, m) * math.sqrt(8), lambda n, m: right_row(n, m) + 1,
              lambda n, m: right_row(n, m) * 1.05, lambda n, m: right_row(n, m) * 4]
    for wrong in wrongs:
        _, message = reply("05.7", wrong)
        shown = re.sub(r"\w+\([^()]*\)", "…", message)           # the student's own call may be shown
        assert not re.search(r"\d\s*×|×\s*\d|√\s*\d|\d+ times|twice|half", shown), message
        assert not any(re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", shown) for v in values), message


def test_05_7_junk_fails_politely():
    for junk in (..., None, 3.5, "row", [object()], lambda n, m: 1 / 0, lambda n, m: "x"):
        passed, message = reply("05.7", junk)
        assert not passed and message and "Traceback" not in message


# --- the second fresh read: nothing above a question answers it; rereads point, they do not solve -------------

def source_cell(path, starts):
    """The code of the cell of a notebook source that starts with `starts`."""
    cells = re.split(r"(?m)^# %%.*\n", (SOURCES / path).read_text())
    return next(c for c in cells if c.startswith(starts))


@pytest.mark.parametrize("path, question, explanation", [
    ("04_beta_sweeps.py", "**Exercise 04.3**", "too steep a penalty"),    # what tiny and huge β do
    ("04_beta_sweeps.py", "**Exercise 04.3**", "## 6. Explorer"),
    ("05_long_sequences.py", "**Exercise 05.3**", "**grows** with"),      # what makes ALiBi run past L_train
    ("05_long_sequences.py", "**Exercise 05.5**", "never on i"),           # the rule is the same at every length
    ("05_long_sequences.py", "**Exercise 05.5**", 'for delta in range(4)'),     # the last keys' bias at i = 5, 5000
])
def test_the_explanation_comes_after_its_question(path, question, explanation):
    text = (SOURCES / path).read_text()
    assert text.index(question) < text.index(explanation), (question, explanation)


@pytest.mark.parametrize("exercise_id", ["05.2", "05.6"])
def test_05_rereads_point_to_the_section_without_the_formula(exercise_id):
    reread = core.get(exercise_id).reread
    assert not re.search(r"4\.6|ln\s*\(?100|natural log|/\s*m\b", reread), reread


def test_04_3_hints_do_not_give_04_1_s_conversion():             # 04.3 now comes before anyone must solve 04.1
    for text in [*QUESTIONS["04.3"]["hints"].values(), QUESTIONS["04.3"]["reread"]]:
        assert not re.search(r"β\s*/\s*√|√d_head\s*·|β/4", text), text


@pytest.mark.parametrize("answer", [{"NoPE", "rotary", "sinusoidal"}, {"sine", "rope"}])
def test_05_1_other_names_of_the_methods_count(answer):
    passed, message = reply("05.1", answer)
    assert passed, message


@pytest.mark.parametrize("to_slope", [lambda b, d: b / math.sqrt(d), lambda b, d: torch.tensor(b) / math.sqrt(d),
                                      lambda b, d: torch.tensor([b / math.sqrt(d)])])
def test_04_the_comparison_after_04_1_takes_a_tensor_slope(to_slope, capsys):
    from alibi_edu import alibi_bias, attention_weights, causal_mask, linear_bias
    code = source_cell("04_beta_sweeps.py", "# the book's form at β = 1")
    exec(code, {"to_slope": to_slope, "torch": torch, "alibi_bias": alibi_bias, "attention_weights": attention_weights,
                "causal_mask": causal_mask, "linear_bias": linear_bias})
    assert "the same attention weights: True" in capsys.readouterr().out


def test_04_the_comparison_after_04_1_waits_for_an_answer(capsys):
    code = source_cell("04_beta_sweeps.py", "# the book's form at β = 1")
    exec(code, {"to_slope": lambda b, d: ..., "torch": torch})
    assert "answer 04.1 first" in capsys.readouterr().out


def test_04_tied_is_explained_before_the_tables_that_use_it():
    text = (SOURCES / "04_beta_sweeps.py").read_text()
    assert "**tied**" in text[:text.index("### 3.2")]
    assert "β in none" not in text and "'none'" not in text


def test_05_generation_says_why_the_samples_share_stretches():
    text = (SOURCES / "05_long_sequences.py").read_text()
    section = text[text.index("## 6. Generate"):text.index("A sample is one draw")]
    assert "share a sampling seed" in section and "share stretches" in section, section
    assert "alibi and sinusoidal samples" in section, section      # which samples: the learned model writes none


def test_05_7_answer_is_not_shown_above_it():
    # the cell after 05.5 shows the last four keys' bias from their distances, not the general row of query i
    text = (SOURCES / "05_long_sequences.py").read_text()
    above = text[:text.index("**Exercise 05.7**")]
    assert "relative_positions(" not in above, above


def test_05_1_alibi_hint_asks_about_unseen_distances_without_answering():
    passed, message = reply("05.1", {"alibi", "sinusoidal", "rope"})
    assert not passed and "never trained on" in message and message.rstrip().endswith("?"), message
    assert "farther back than 63" not in message and "less weight" not in message, message


def test_05_5_key_is_about_the_rule_not_the_model():
    key = QUESTIONS["05.5"]["key"]
    assert key == "C" and "rule" in option("05.5", key) and "fitted to none" not in option("05.5", key)
    assert "trained at L_train" in QUESTIONS["05.5"]["why"]


def test_05_only_the_between_model_comparison_past_64_is_claimed():
    text = (SOURCES / "05_long_sequences.py").read_text()
    assert "every model's loss is lower" not in text and "falls less than alibi's" in text


@pytest.mark.parametrize("tied, passes", [({1, 10}, True), ({1, 10, 7}, False), (frozenset(), False)])
def test_04_5_tied_as_a_set_gets_a_reply_not_a_crash(tied, passes):
    from alibi_edu import lm
    grid = [0.3, 1.0, 3.0, 10.0]      # best mean β = 3, tied with β = 1 and 10 (mixed signs)
    val = torch.tensor([[2.00, 2.01, 2.02], [1.80, 1.90, 1.91], [1.85, 1.84, 1.83], [1.87, 1.79, 1.87]])
    sweep = lm.Sweep([f"β = {b:g}" for b in grid], [0, 1, 2], val, torch.zeros(1, *val.shape), {})
    passed, message = reply("04.5", {"beta": 3, "tied": tied, "test": 1.75, "run": sweep.record(test={"β = 3": 1.75})})
    assert passed == passes, message
    if not passes:
        assert "tied" in message


# --- the third fresh read of 04 ----------------------------------------------------------------------------------

def test_04_the_rule_is_called_a_screen_and_its_null_rate_is_computed_where_it_is_defined():
    text = (SOURCES / "04_beta_sweeps.py").read_text()
    rule = text.index("The course's rule")
    assert "a screen, not a proof" in text[rule:rule + 800]
    assert "lm.paired(" in text[rule:text.index("### 3.2")]          # the null share is run, not asserted


def test_04_scopes_its_task_claim_to_the_run_and_says_which_grid_is_shared():
    text = (SOURCES / "04_beta_sweeps.py").read_text()
    assert "belongs to" not in text
    assert "same model, grid and seeds" not in text and "coarse grid" in text[text.index("## 4."):]
    assert "In this run (one model size, 200 steps, 3 seeds)" in text[text.index("## Summary"):]


def test_04_perplexity_and_nats_are_defined_before_the_first_table():
    text = (SOURCES / "04_beta_sweeps.py").read_text()
    first_table = text.index("lm.baselines(corpus")
    assert "*Perplexity*" in text[:first_table] and "*nats*" in text[:first_table]


def test_04_4_the_pass_reply_offers_a_reading_not_a_cause_in_both_directions():
    grid = [0.3, 1.0, 3.0]
    up = torch.tensor([[2.0, 2.0, 2.0], [1.9, 1.9, 1.91], [1.8, 1.81, 1.8]])
    from alibi_edu import lm
    for val, word in ((up, "higher"), (up.flip(0), "lower")):
        sweep = lm.Sweep([f"β = {b:g}" for b in grid], [0, 1, 2], val, torch.zeros(1, *val.shape), {})
        passed, message = reply("04.4", {"prediction": word, "run": sweep.record(), "k16": 1.0})
        assert passed and "One reading:" in message and "not why" in message, message


def test_04_3_hint_for_a_does_not_point_at_another_option():
    hint = QUESTIONS["04.3"]["hints"]["A"]
    assert "grows with β" not in hint and not re.search(r"\b[BCD]\b", hint), hint
