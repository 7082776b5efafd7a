"""Baselines: hand-counted on a tiny corpus, and the echo task's exact best loss against a simulation of its rule."""
import math

import pytest
import torch

from alibi_edu import lm
from alibi_edu.lm.training import eval_plan

A, B = 0, 1


def tiny():
    # two training stretches: a seam between "...a" and "bbbb" that the bigram must not count
    train = torch.tensor([[A, A, B, A], [B, B, B, B]])
    val = torch.tensor([[A, B, B, A]])
    return lm.Corpus("ab", train, val, val)


def test_unigram_and_bigram_by_hand():
    corpus = tiny()
    losses = lm.baseline_losses(corpus, 1, n_tokens=3, start=1)  # scores val positions 1, 2, 3: b, b, a
    # unigram, add-one: a 3 + 1, b 5 + 1 of 10
    assert losses["unigram (counted on train)"] == pytest.approx(-(2 * math.log(6 / 10) + math.log(4 / 10)) / 3)
    # bigram inside stretches: a→a 1, a→b 1, b→a 1, b→b 3; add-one: P(b|a) = 2/4, P(b|b) = 4/6, P(a|b) = 2/6
    bigram = -(math.log(2 / 4) + math.log(4 / 6) + math.log(2 / 6)) / 3
    assert losses["bigram (counted on train)"] == pytest.approx(bigram)
    assert losses["uniform guess (ln V)"] == pytest.approx(math.log(2))
    assert lm.scales.FLOOR not in losses and lm.scales.WINDOW_RULE not in losses
    assert lm.baselines(corpus, 1, n_tokens=3, start=1).column("baseline") == list(losses)


def test_echo_best_loss_for_k_1_in_closed_form():
    V, p = 8, 0.2
    task = lm.echo_task(1, vocab_size=V, p_fresh=p, seed=1)
    best = lm.baseline_losses(task, 64, n_tokens=4096)[lm.scales.FLOOR]
    same, other = 1 - p + p / V, p / V  # the next symbol repeats the last one, or is any other
    expected = -(same * math.log(same) + (V - 1) * other * math.log(other))
    assert best == pytest.approx(expected, abs=0.05)  # 4096 draws: a standard error of about 0.02


def test_echo_best_loss_matches_a_simulation_of_the_rule():
    """Estimate P(target | the true history) by re-running the generating rule many times, independently of the
    formula, on the positions evaluate scores."""
    k, V, p = 16, 32, 0.2
    task = lm.echo_task(k, vocab_size=V, p_fresh=p, seed=2)
    exact = lm.echo_best_loss(task.val, k, p, V, 64, n_tokens=256)
    rows, ends, step = eval_plan(task.val, 64, n_tokens=256)
    positions = (ends[:, None] - torch.arange(step)).flatten()
    rows = rows[:, None].expand(-1, step).flatten()
    g = torch.Generator().manual_seed(0)
    draws = 20_000
    back = torch.randint(1, k + 1, (len(positions), draws), generator=g)
    fresh = torch.rand(len(positions), draws, generator=g) < p
    symbol = torch.where(fresh, torch.randint(V, (len(positions), draws), generator=g),
                         task.val[rows[:, None], positions[:, None] - back])
    freq = (symbol == task.val[rows, positions][:, None]).double().mean(1)
    simulated = -freq.log().mean().item()
    assert simulated == pytest.approx(exact, abs=0.02)
    assert 2.1 < exact < 2.45  # about 2.29 nats expected for k = 16, V = 32, p = 0.2


def test_count_model_refuses_other_orders():
    with pytest.raises(ValueError, match="order must be 0"):
        lm.CountLM(torch.zeros(1, 4, dtype=torch.long), 2, 2)


def test_baselines_are_drawn_or_named_in_the_plots():
    import matplotlib
    matplotlib.use("Agg")
    from alibi_edu.plots import beta_sweeps, loss_vs_length

    losses = torch.tensor([[2.5, 2.6, 2.4], [2.0, 2.1, 1.9]])
    fig = beta_sweeps({"task": ([0.1, 1.0], losses)}, baselines={"task": {"bigram": 2.3, "ln V": 4.6}})
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "bigram: 2.300" in labels and "ln V: 4.600 (above the plot)" in labels
    assert any(line.get_ydata()[0] == 2.3 for line in fig.axes[0].lines if len(line.get_ydata()) == 2)
    fig = loss_vs_length({"a": {64: 2.0, 128: 2.1}}, train_len=64, baselines={"bigram": 2.05})
    assert "bigram: 2.050" in fig.axes[0].get_legend_handles_labels()[1]


def test_the_rule_inside_the_window_lies_above_the_floor_and_meets_it_with_enough_context():
    """Back-to-back windows: a window's first targets see fewer than k symbols, so the rule loses there. With a
    stride that leaves k symbols of context before every scored target, it sees all it needs: the floor."""
    k, V, p = 16, 32, 0.2
    task = lm.echo_task(k, vocab_size=V, p_fresh=p, seed=2)
    floor = lm.echo_best_loss(task.val, k, p, V, 64, n_tokens=2048)
    window = lm.echo_best_loss(task.val, k, p, V, 64, window_only=True, n_tokens=2048)
    assert window > floor + 0.05
    with_context = dict(n_tokens=2048, stride=64 - k, start=k + 1)
    assert lm.echo_best_loss(task.val, k, p, V, 64, window_only=True, **with_context) == pytest.approx(
        lm.echo_best_loss(task.val, k, p, V, 64, **with_context), abs=1e-12)
    one_short = dict(n_tokens=2048, stride=64 - k + 2, start=k)  # the first scored target sees k - 1
    assert lm.echo_best_loss(task.val, k, p, V, 64, window_only=True, **one_short) > lm.echo_best_loss(
        task.val, k, p, V, 64, **one_short)
