"""Notebook 01's opening: the preview run (lm/preview.py) and its figure (plots/preview.py), at quick sizes.

The directions asserted are the robust ones the notebook's text relies on: the learned table cannot read past
L_train, and sinusoidal positions rise more past L_train than ALiBi does, seed by seed. No timing is asserted."""
import math

import pytest
import torch

from alibi_edu.lm import load_corpus
from alibi_edu.lm.preview import METHODS, learned_error, learned_model, preview
from alibi_edu.plots import Picture
from alibi_edu.plots.preview import length_preview


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def run(corpus):
    """Quick: the shapes and the bookkeeping, not the science (too few steps to learn positions)."""
    return preview(corpus, train_len=16, times=(4, 16), seeds=(0, 1, 2), steps=8, n_tokens=512)


def test_every_method_is_read_where_it_can_be(run):
    assert run.lengths == [16, 64, 256] and run.seeds == [0, 1, 2]
    assert list(run.runs) == list(METHODS)
    assert list(run.runs["learned"]) == [16]                      # no row past L_train: no loss there
    for name in ("sinusoidal", "alibi"):
        assert list(run.runs[name]) == run.lengths
    for curve in run.runs.values():
        for losses in curve.values():
            assert losses.shape == (3,) and torch.isfinite(losses).all()
            assert (losses < math.log(len(load_corpus().chars)) + 0.5).all()   # near a uniform guess or below


def test_the_learned_table_says_which_position_it_lacks(run, corpus):
    assert "16" in run.error and "position" in run.error
    assert learned_error(learned_model(corpus, 16), corpus, 16) == ""   # L_train itself it can read
    assert learned_error(learned_model(corpus, 16), corpus, 17) == run.error


def test_a_rise_is_paired_seed_by_seed(run):
    rise = run.rise("sinusoidal", 64)
    want = (run.runs["sinusoidal"][64] - run.runs["sinusoidal"][16]).tolist()
    assert rise.diffs == pytest.approx(want) and rise.n == 3
    assert run.rise("alibi").diffs == pytest.approx((run.runs["alibi"][256] - run.runs["alibi"][16]).tolist())
    both = run.rise_against("alibi", "sinusoidal")
    assert both.diffs == pytest.approx([a - s for a, s in zip(run.rise("alibi").diffs,
                                                              run.rise("sinusoidal").diffs)])
    with pytest.raises(ValueError, match="learned"):
        run.rise("learned", 64)


@pytest.mark.slow
def test_at_the_notebooks_sizes_sinusoidal_rises_past_l_train_and_more_than_alibi_in_every_seed(corpus):
    run = preview(corpus)                                  # the notebook's own call: its defaults
    assert run.rise("sinusoidal").distinguishable and run.rise("sinusoidal").mean > 0
    assert run.rise_against("alibi", "sinusoidal").lower == len(run.seeds)


def test_the_table_shows_a_dash_where_a_method_cannot_read(run):
    lines = run.table().splitlines()
    assert len(lines) == 1 + len(METHODS) and lines[1].split()[0] == "learned" and lines[1].count("—") == 2
    assert "—" not in lines[3]


def test_the_figure_says_what_it_draws():
    runs = {"learned": {16: [2.8, 2.9]}, "sinusoidal": {16: [2.9, 3.0], 256: [3.1, 3.2]},
            "alibi": {16: [2.7, 2.8], 256: [2.7, 2.8]}}
    picture = length_preview(runs, train_len=16)
    assert isinstance(picture, Picture)
    alt = picture.alt
    assert "L_train = 16" in alt and "2 seeds" in alt
    assert "sinusoidal" in alt and "3.150 at L = 256" in alt and "no row for position 16" in alt
    assert alt.index("learned") < alt.index("sinusoidal") < alt.index("alibi")
    lines = [line for line in picture.figure.axes[0].get_lines() if line.get_label() in runs]
    assert len({(line.get_marker(), line.get_linestyle()) for line in lines}) == 3   # not colour alone


@pytest.mark.parametrize("runs, train_len", [({}, 16), ({"alibi": {16: [math.nan]}}, 16),
                                             ({"alibi": {16: [2.0]}}, 0)])
def test_bad_input_to_the_figure_is_named(runs, train_len):
    with pytest.raises(ValueError, match="runs|train_len"):
        length_preview(runs, train_len=train_len)


def test_quick_mode_shrinks_the_run_and_says_so(corpus, monkeypatch):
    monkeypatch.setenv("ALIBI_EDU_QUICK", "1")
    run = preview(corpus, train_len=8, times=(2,))
    assert run.quick and run.seeds == [0, 1] and run.lengths == [8, 16]
    monkeypatch.setenv("ALIBI_EDU_QUICK", "0")
    assert not preview(corpus, train_len=8, times=(2,), seeds=(0,), steps=1, n_tokens=256).quick
