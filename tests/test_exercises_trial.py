"""A student's bias in the model: TinyLM and the stacked training take a bias function, validated like any input; a
right function trains to the library's losses, a wrong one parts from them. (Exercise 03.8 now hands in an attention
layer: tests/test_feedback_nb02_03.py.)"""
import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alibi_edu import alibi_bias, causal_mask, lm
from alibi_edu.lm.model import own_bias
from alibi_edu.lm.trial import bias_trial


def own_slopes(H):           # a student's own pieces, written without the library (as 03.5, 01.2 and 02.1 ask)
    def power_of_two(c):
        return 2.0 ** (-8.0 * torch.arange(1, c + 1, dtype=torch.float64) / c)
    c = 2 ** int(math.log2(H))
    return torch.cat([power_of_two(c), power_of_two(2 * c)[0::2][: H - c]]).float()


def own_mask(L):
    return torch.zeros(L, L).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), float("-inf"))


def right(H, L):
    distance = torch.arange(L)[None, :] - torch.arange(L)[:, None]          # j - i
    return own_slopes(H)[:, None, None] * distance + own_mask(L)


def key_only(H, L):          # the reference code's m·j: a constant per row away from ALiBi, so just as right
    return own_slopes(H)[:, None, None] * torch.arange(L, dtype=torch.float32) + own_mask(L)


WRONG = {
    "flipped sign": (lambda H, L: -alibi_bias(H, L) + causal_mask(L), "Flipped sign"),
    "missing mask": (lambda H, L: alibi_bias(H, L), "causal mask is missing"),
    "0-based heads": (lambda H, L: alibi_bias(H, L, slopes=2.0 ** (-8.0 * torch.arange(H) / H)) + causal_mask(L),
                      "Heads counted from 0"),
    "power-of-two rule at 12 heads": (
        lambda H, L: alibi_bias(H, L, slopes=2.0 ** (-8.0 * torch.arange(1, H + 1) / H)) + causal_mask(L),
        "2^(−8k/n) applied directly"),
    "one slope for every head": (lambda H, L: alibi_bias(H, L, slopes=torch.full((H,), 0.5)) + causal_mask(L),
                                 "attends differently"),
    "mask too shallow": (lambda H, L: alibi_bias(H, L) + causal_mask(L).clamp(min=-30.0), "not negative enough"),
}


def finite_mask(H, L):       # notebook 02 accepts a huge finite stand-in for -inf
    return right(H, L).clamp(min=-1e9)


@pytest.fixture(scope="module")
def trials():
    return {name: bias_trial(fn) for name, (fn, _) in WRONG.items()} | {"right": bias_trial(right),
                                                                        "key only": bias_trial(key_only),
                                                                        "finite mask": bias_trial(finite_mask)}


@pytest.mark.parametrize("name", ["right", "key only", "finite mask"])
def test_a_right_function_trains_to_the_librarys_losses(trials, name):
    trial = trials[name]
    assert (trial["own"] - trial["library"]).abs().max() <= 1e-4
    assert trial["own"][-1] < trial["own"][0] - 0.5            # it trained: the loss fell


@pytest.mark.parametrize("name", [n for n in WRONG if n not in ("power-of-two rule at 12 heads", "mask too shallow")])
def test_a_wrong_function_parts_from_the_librarys_losses(trials, name):   # 4 heads: a power of two; e^-30 ~ 0
    trial = trials[name]
    assert (trial["own"] - trial["library"]).abs().max() > 1e-4


def test_the_single_model_takes_the_function_too():
    """TinyLM's own path (SDPA with your bias) against its library path (alibi_attention): same losses."""
    corpus = lm.load_corpus()
    config = lm.TrainConfig(steps=15, batch_size=8, seq_len=32, seed=3)
    sizes = dict(d_model=32, n_layers=1, n_heads=4, progress=False)
    mine = lm.train(corpus, "alibi", config=config, bias_fn=right, **sizes)
    library = lm.train(corpus, "alibi", config=config, **sizes)
    assert max(abs(a - b) for a, b in zip(mine.losses, library.losses)) < 1e-4
    assert abs(mine.val_loss - library.val_loss) < 1e-4
    x = corpus.val.reshape(-1)[:32][None]
    assert torch.allclose(mine.model.attention_maps(x), library.model.attention_maps(x), atol=1e-5)


@pytest.mark.parametrize("bad, error", [
    (lambda H, L: torch.zeros(L, L), "shape (4, 8, 8)"),
    (lambda H, L: torch.zeros(H, L, L, dtype=torch.long), "float tensor"),
    (lambda H, L: torch.full((H, L, L), math.nan), "NaN"),
    (lambda H, L: torch.full((H, L, L), math.inf), "+inf"),
])
def test_a_bad_bias_function_is_refused_naming_it(bad, error):
    config = lm.ModelConfig(40, "alibi", d_model=32, n_heads=4, bias_fn=bad)
    with pytest.raises(ValueError, match="bias_fn") as info:
        own_bias(config, 8)
    assert error in str(info.value)
    with pytest.raises(ValueError, match="bias_fn"):
        lm.ModelConfig(40, "rope", bias_fn=right)
    with pytest.raises(ValueError, match="bias_fn"):
        lm.ModelConfig(40, "alibi", bias_fn=42)
    with pytest.raises(TypeError, match="bias_fn"):
        bias_trial("not a function")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shift=st.lists(st.floats(-50, 50), min_size=4 * 32, max_size=4 * 32))
def test_any_constant_per_row_trains_the_same(shift):
    """softmax ignores a constant added to a row: ALiBi plus any c(h, i) is ALiBi, in training too."""
    c = torch.tensor(shift).view(4, 32, 1)
    trial = bias_trial(lambda H, L: right(H, L) + c[torch.arange(H) % 4][:, torch.arange(L) % 32])
    assert (trial["own"] - trial["library"]).abs().max() <= 1e-4
