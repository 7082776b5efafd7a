"""Notebooks 02 and 03: each finding of the December read, as the wrong answer a reader tried and the reply it must
get; 03.8, your ALiBi attention layer: the right answer, each typical wrong one and its named reply, and the layer
in the model (one seed with yours, one with the library's: the same losses)."""
import json
import math
import re
import runpy
from pathlib import Path

import pytest
import torch

from alibi_edu import alibi_attention, causal_mask, linear_bias, lm
from alibi_edu.exercises import check, core, exam, list_exercises, nb03

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "solutions"
SOURCES = {n: next((ROOT / "notebooks" / "src").glob(f"{n}_*.py")) for n in ("02", "03")}


def reply(exercise_id, answer):
    return check(exercise_id, answer, record=False).message


# --- notebook 03's checkers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [-4, -4.0, "-4", "−4", 4])
def test_the_exponent_is_named_as_the_exponent(answer):
    message = reply("03.1", answer)
    assert "exponent" in message and "sign is wrong" not in message, message


@pytest.mark.parametrize("retired", ["03.5", "03.6"])
def test_a_removed_exercise_is_gone_and_its_id_is_not_reused(retired):
    assert retired not in list_exercises() and retired not in SOURCES["03"].read_text(encoding="utf-8")
    assert retired in core.RETIRED and retired not in exam.FORMS
    assert not (SOLUTIONS / f"{retired.replace('.', '_')}.py").exists()


def test_section_4_still_computes_the_rule_for_12_heads_without_touching_n():
    source = SOURCES["03"].read_text(encoding="utf-8")
    section = source[source.index("## 4."):source.index("## 5.")]
    assert "geometric_slopes(n12" in section and "assert torch.allclose(twelve" in section
    assert not re.search(r"^n = ", section, re.M)           # section 3's try-this reruns with n = 8


def test_section_5_uses_8_heads_and_no_unchecked_placeholder():
    source = SOURCES["03"].read_text(encoding="utf-8")
    section = source[source.index("## 5."):source.index("## 6.")]
    assert "heads = 8" in section and "misread = ...   #" not in section and "2^(-8k/n)" not in section


def test_the_reversed_misread_in_03_4_is_named_without_its_values():
    message = reply("03.4", lambda n: 2.0 ** (-8.0 / torch.arange(n, 0, -1, dtype=torch.float64)))
    assert "misread" in message and "reverse order" in message, message
    assert not re.search(r"2\^\(−8/n\)|1/2(?!\^)\b|0\.5\b", message), message


def test_the_stem_of_03_7_gives_no_value_of_the_misread_formula():
    question = core.get("03.7").question
    assert not re.search(r"1/2(?!\^)\b|1/256|0\.5\b|0\.0039", question), question


# --- notebook 02's checkers --------------------------------------------------------------------------------------

def finite_mask(L):
    return torch.zeros(L, L).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), -1e9)


def finite_attention(q, k):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return torch.softmax(scores + finite_mask(q.shape[-2]).to(q.dtype), -1)


@pytest.mark.parametrize("exercise_id, answer", [("02.1", finite_mask), ("02.3", finite_attention)])
def test_a_finite_mask_passes_without_answering_02_4_above_it(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed and "safer" not in result.message
    assert not re.search(r"NaN|mean|average|share|uniform|quietly", result.message), result.message


@pytest.mark.parametrize("value", [-15.0, -20.0, -30.0, -500.0])
def test_02_3_refuses_a_mask_not_negative_enough_to_vanish(value):
    def small_mask(q, k):
        L = q.shape[-2]
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        return torch.softmax(scores.masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), value), -1)
    result = check("02.3", small_mask, record=False)
    assert not result.passed and "Not negative enough to vanish" in result.message, result.message
    assert str(int(value)) not in result.message and "exactly 0" in result.message


def test_02_3_claims_only_what_it_checked_for_a_mask_that_casts_to_float32():
    def float32_mask(q, k):   # -500 vanishes in float32 only: in float64, e^-500 is not 0
        L, q, k = q.shape[-2], q.float(), k.float()
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        return torch.softmax(scores.masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), -500.0), -1)
    result = check("02.3", float32_mask, record=False)
    assert not result.passed or "float64" not in result.message, result.message


def test_hint_c_of_02_2_computes_nothing_that_shows_the_key():
    message = reply("02.2", "C")
    assert "torch.exp" not in message and "float('-inf')" not in message, message


def test_hint_b_of_02_5_does_not_give_away_the_try_this():
    message = reply("02.5", "B")
    assert "m = 2" not in message and "whatever m" not in message, message


def test_notebook_02_names_one_s_and_says_where_minus_1e9_differs():
    source = SOURCES["02"].read_text(encoding="utf-8")
    assert "scale $s$" not in source and "scale s =" not in source
    assert "differs in float16" not in source and "only a fully masked row differs" in source
    assert "why −∞ gives exactly zero weight" not in source


def test_the_try_this_of_section_1_runs_after_the_whole_notebook():
    source = SOURCES["02"].read_text(encoding="utf-8")
    section_1 = source[source.index("## 1."):source.index("## 2.")]
    later = source[source.index("## 2."):]
    assert "offsets = relative_positions(T)" in section_1 and not re.search(r"^(T|offsets)\b.*=", later, re.M)


def test_the_finite_note_points_at_the_section_on_fully_masked_rows():
    result = check("02.1", finite_mask)
    assert "section 3" in result.message and "## 3. Why not just a large finite number?" in SOURCES["02"].read_text(
        encoding="utf-8"), result.message


def test_hint_c_of_02_5_explains_c_without_restating_the_key():
    message = reply("02.5", "C")
    assert "−m·|i − j|" not in message and "future keys" in message, message


def test_hint_d_of_02_5_does_not_call_m_j_a_row_constant():
    message = reply("02.5", "D")
    assert "constant per row" not in message and "cancels in softmax anyway" not in message, message


def test_the_symmetric_bias_reply_does_not_reuse_k_for_a_distance():
    message = check("02.6", torch.tensor([[-0.75 * abs(i - j) for j in range(4)] for i in range(4)])).message
    assert "k steps" not in message and "m·k" not in message, message


def test_hints_of_02_4_state_neither_half_of_the_key():
    (a, b, c), reread = (reply("02.4", x) for x in "ABC"), core.get("02.4").reread
    for hint in (a, b, c):
        assert not re.search(r"NaN|0/0|sum to 1|mean|average|uniform|equal scores|maximum", hint), hint
    assert "a row of −∞, and a row of equal scores" not in reread


def test_no_text_above_02_2_and_02_4_gives_their_answer():
    source = SOURCES["02"].read_text(encoding="utf-8")
    above_22 = source[:source.index('quiz("02.2")')]
    assert "e^{-\\infty}" not in above_22 and "before softmax" not in above_22.split("## 2.")[1]
    above_24 = source[:source.index('quiz("02.4")')]
    assert not re.search(r"differs only|turns NaN|becomes −∞", above_24.split("## 3.")[1])


def test_hints_of_02_2_and_02_5_do_not_point_at_the_key():
    assert "exactly 0" not in reply("02.2", "C") and "before softmax" not in reply("02.2", "A")
    for letter in "BCD":
        assert not re.search(r"constant|cancel", reply("02.5", letter)), reply("02.5", letter)


# --- recall questions asked before the cell that states their answer ---------------------------------------------

@pytest.mark.parametrize("notebook, exercise_id, answer_text", [
    ("02", "02.2", r"e^{-\infty} = 0"),
    ("02", "02.5", r"m\,j = m\,(j - i)"),
    ("03", "03.2", "m_(k+1) / m_k"),
    ("03", "03.3", "steep heads 1 to 5"),
])
def test_a_recall_question_comes_before_its_answer(notebook, exercise_id, answer_text):
    source = SOURCES[notebook].read_text(encoding="utf-8")
    assert source.index(f'quiz("{exercise_id}")') < source.index(answer_text)


def test_stuck_is_said_once_per_notebook():
    for source in SOURCES.values():
        assert source.read_text(encoding="utf-8").count("Stuck?") == 1


# --- 03.8: your ALiBi attention layer ----------------------------------------------------------------------------

def own_bias(L, beta):                        # the student's pieces, as 01.2 and 02.1 ask
    return beta * (torch.arange(L)[None, :] - torch.arange(L)[:, None]).float()


def own_mask(L):
    return torch.zeros(L, L).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), float("-inf"))


def layer(*, after=False, scale=True, inside=False, bias_at="end", mask_at="end", mask=True, sign=1.0,
          slopes_on_keys=False, heads_reversed=False, own_slopes=False):
    """ALiBi attention from the student's pieces, or one typical mistake."""
    def attention(q, k, v, slopes):
        L_q, L_k, d = q.shape[-2], k.shape[-2], q.shape[-1]
        m = slopes.flip(0) if heads_reversed else slopes
        m = OWN_SLOPES(len(m)) if own_slopes else m
        if slopes_on_keys:
            bias = sign * m[None, :].float() * own_bias(L_k, 1.0)[None]
        else:
            bias = sign * torch.stack([own_bias(L_k, float(x)) for x in m])
        full = own_mask(L_k) if mask else torch.zeros(L_k, L_k)
        rows = {"end": slice(L_k - L_q, L_k), "start": slice(0, L_q)}
        bias, full = bias[:, rows[bias_at]].to(q.dtype), full[rows[mask_at]].to(q.dtype)
        scores = q @ k.transpose(-2, -1)
        scores = (scores + bias) / math.sqrt(d) if inside else scores / (math.sqrt(d) if scale else 1.0) + \
            (0.0 if after else bias)
        weights = torch.softmax(scores + full, dim=-1)
        return (weights + bias if after else weights) @ v
    return attention


def OWN_SLOPES(n):                            # a layer that makes its own slopes for its head count
    c = 2 ** int(math.log2(n))
    power_of_two = nb03.power_of_two_formula
    return torch.cat([power_of_two(c), power_of_two(2 * c)[0::2][: n - c]])

RIGHT = layer()
WRONG = {
    "bias after softmax": (layer(after=True), "after softmax"),
    "no 1/√d": (layer(scale=False), "1/√d is missing"),
    "bias inside the 1/√d": (layer(inside=True), "inside the 1/√d"),
    "flipped sign": (layer(sign=-1.0), "Flipped sign"),
    "no mask": (layer(mask=False), "causal mask is missing"),
    "no offset when L_q < L_k": (layer(bias_at="start", mask_at="start"), "aligned at the first key"),
    "mask without the offset": (layer(mask_at="start"), "mask treats query row r as position r"),
    "slopes along the keys": (layer(slopes_on_keys=True), "vary along the keys"),
    "slopes in the wrong head order": (layer(heads_reversed=True), "another head's slope"),
    "its own slopes, not the ones given": (layer(own_slopes=True), "slopes of its own"),
}


def test_the_right_layer_and_the_solution_pass():
    result = check("03.8", RIGHT)
    assert result.passed and result.checks == (len(nb03.LAYER_CASES),) * 2, result.message
    assert "safer" not in result.message
    assert check("03.8", runpy.run_path(str(SOLUTIONS / "03_8.py"))["answer"]).passed


def test_the_cases_hold_fewer_queries_than_keys_and_one_query():
    assert any(q_len < k_len for _, _, q_len, k_len, _ in nb03.LAYER_CASES)
    assert any(q_len == 1 for _, _, q_len, _, _ in nb03.LAYER_CASES)
    assert any(heads == k_len for _, heads, _, k_len, _ in nb03.LAYER_CASES)


@pytest.mark.parametrize("name", list(WRONG))
def test_each_typical_mistake_gets_its_named_reply(name):
    wrong, named = WRONG[name]
    result = check("03.8", wrong, record=False)
    assert not result.passed and named in result.message, result.message
    if "offset" in name:
        assert "L_q = " in result.message and "fewer queries than keys" in result.message
    assert re.search(r"[Ss]teps? [1-5]", result.message), result.message       # the skeleton's step that differs


def test_a_bias_without_the_offset_passes_as_it_is_a_constant_per_row():
    assert check("03.8", layer(bias_at="start")).passed      # m·(j − r) and m·(j − i) differ by m·(i − r) per row


def test_a_layer_that_returns_the_weights_is_told_the_shape_it_must_return():
    def weights_only(q, k, v, slopes):
        return RIGHT(q, k, torch.eye(k.shape[-2], dtype=q.dtype).expand(*k.shape[:-1], -1), slopes)
    message = reply("03.8", weights_only)
    assert "(B, H, L_q, d)" in message and "step 5" in message, message


def test_nan_from_a_mask_after_softmax_is_named():
    def masked_after(q, k, v, slopes):
        L_q, L_k = q.shape[-2], k.shape[-2]
        weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), -1)
        return (weights * own_mask(L_k)[L_k - L_q:].to(q.dtype)) @ v
    message = reply("03.8", masked_after)
    assert "NaN" in message and "after softmax" in message, message


def test_the_librarys_whole_layer_is_named_not_passed():
    def borrowed(q, k, v, slopes):
        return alibi_attention(q, k, v, slopes=slopes)
    assert "the library's alibi_attention" in reply("03.8", borrowed)

    def through_a_helper(q, k, v, slopes):
        return borrowed(q, k, v, slopes)
    assert not check("03.8", through_a_helper).passed


def test_a_layer_built_from_the_librarys_linear_bias_and_causal_mask_passes():
    def from_library_pieces(q, k, v, slopes):          # the five steps, with the library's pieces (the cell allows it)
        L_q, L_k, d = q.shape[-2], k.shape[-2], q.shape[-1]
        bias = torch.stack([linear_bias(L_k, beta=m) for m in slopes.tolist()])
        bias = (bias + causal_mask(L_k))[:, L_k - L_q:]
        scores = q @ k.transpose(-2, -1) / math.sqrt(d) + bias.to(q.dtype)
        return torch.softmax(scores, dim=-1) @ v
    result = check("03.8", from_library_pieces)
    assert result.passed, result.message

    def causal_mask_of_mine(L):       # a function of the student's own, whatever its name, is the student's
        return own_mask(L)

    def shadowing(q, k, v, slopes):
        return RIGHT(q, k, v, slopes) + 0 * causal_mask_of_mine(1)
    assert check("03.8", shadowing).passed


@pytest.mark.parametrize("answer", [{"bias_fn": RIGHT, "own": [1.0], "library": [1.0]}, 3, None])
def test_a_run_or_a_number_is_not_a_layer(answer):
    result = check("03.8", answer, record=False)
    assert not result.passed and result.kind == "malformed", result.message


def test_every_reply_to_03_8_is_free_of_a_multiplier():
    from test_no_factor_in_replies import states_multiplier
    for wrong, _ in WRONG.values():
        for f in (2.0, 8.0, math.sqrt(8.0)):
            for answer in (wrong, lambda *a, w=wrong, f=f: f * w(*a), lambda *a, f=f: RIGHT(*a) / f):
                message = reply("03.8", answer)
                assert not states_multiplier(message), message


def test_the_layer_trains_the_model_as_the_librarys_does():
    """03.8 in the model: one seed with the student's layer (given the model's slopes), one with the library's;
    the same loss at every step within 03.8's tolerance. The notebook's cell, run with the solution."""
    solution = runpy.run_path(str(SOLUTIONS / "03_8.py"))["answer"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                 # a busy machine runs these tiny matrices faster on one thread
    try:
        corpus, setup = lm.load_corpus(), lm.TrainConfig(steps=40, batch_size=16, seq_len=32, lr=1e-2)
        sizes = dict(d_model=32, n_layers=1, n_heads=4, progress=False)
        yours = lm.train(corpus, "alibi", config=setup, progress=False, d_model=32, n_layers=1, n_heads=4,
                         attention_fn=solution)                  # the model hands the layer its slopes
        library = lm.train(corpus, "alibi", config=setup, **sizes)
    finally:
        torch.set_num_threads(threads)
    gap = max(abs(a - b) for a, b in zip(yours.losses, library.losses))
    assert gap <= nb03.LOSS_ATOL and yours.losses[-1] < yours.losses[0] - 0.5
    wrong = lm.train(corpus, "alibi", config=lm.TrainConfig(steps=5, batch_size=8, seq_len=32), progress=False,
                     d_model=32, n_layers=1, n_heads=4, attention_fn=WRONG["flipped sign"][0])
    right = lm.train(corpus, "alibi", config=lm.TrainConfig(steps=5, batch_size=8, seq_len=32), **sizes)
    assert max(abs(a - b) for a, b in zip(wrong.losses, right.losses)) > nb03.LOSS_ATOL   # the check can fail


def test_notebook_03_trains_with_the_students_layer_and_shows_the_models_lines():
    source = SOURCES["03"].read_text(encoding="utf-8")
    assert "attention_fn=your_layer" in source and "attention_source()" in source
    assert "my_alibi_attention(q, k, v, slopes)" in source and "my_slopes_any(q.shape" not in source
    assert "steps=40, batch_size=16, seq_len=32" in source and "n_layers=1, n_heads=4" in source


# --- the executed notebooks ---------------------------------------------------------------------------------------

def words(path: Path) -> int:
    """Words a student reads: markdown cells plus code comments (regex \\w+)."""
    count = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            count += len(re.findall(r"\w+", text))
        elif cell["cell_type"] == "code":
            for line in text.splitlines():
                hit = re.search(r"#(.*)$", line)
                if hit and line.count('"', 0, hit.start()) % 2 == 0 and line.count("'", 0, hit.start()) % 2 == 0:
                    count += len(re.findall(r"\w+", hit.group(1)))
    return count


@pytest.mark.parametrize("notebook, budget", [("02_causal_mask", 1150), ("03_geometric_slopes", 1070)])
def test_the_notebook_keeps_to_its_word_budget(notebook, budget):
    assert words(ROOT / "notebooks" / f"{notebook}.ipynb") <= budget
