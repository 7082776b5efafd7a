"""The student's attention layer inside the model (ModelConfig(attention_fn=...)) and the model's own ALiBi lines
(lm.attention_source)."""
import inspect
import math

import pytest
import torch

from alibi_edu import alibi_attention, lm
from alibi_edu.lm import model as model_module

FAST = dict(d_model=32, n_heads=4)
SHORT = lm.TrainConfig(steps=6, batch_size=4, seq_len=24)


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def corpus():
    return lm.load_corpus()


def library(q, k, v, slopes):
    return alibi_attention(q, k, v, slopes=slopes)


def by_hand(q, k, v, slopes):
    """What a student writes: their own bias, mask and softmax, queries the last L_q positions."""
    L_q, L_k = q.shape[-2], k.shape[-2]
    i, j = torch.arange(L_k - L_q, L_k)[:, None], torch.arange(L_k)[None]
    bias = (-slopes[:, None, None] * (i - j)).masked_fill(j > i, float("-inf"))
    return torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]) + bias, dim=-1) @ v


def no_scaling(q, k, v, slopes):  # the typical mistake: no 1/√d
    return alibi_attention(q * math.sqrt(q.shape[-1]), k, v, slopes=slopes)


def losses(corpus, attention_fn=None, config=SHORT, **options):
    return torch.tensor(lm.train(corpus, "alibi", config=config, progress=False, attention_fn=attention_fn,
                                 **FAST, **options).losses)


@pytest.mark.parametrize("fn", [library, by_hand])
def test_the_students_layer_trains_like_the_librarys(corpus, fn):
    torch.testing.assert_close(losses(corpus, fn), losses(corpus), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(losses(corpus, fn, beta=3.0), losses(corpus, beta=3.0), atol=1e-5, rtol=1e-5)


def test_a_wrong_layer_trains_differently(corpus):
    longer = lm.TrainConfig(steps=30, batch_size=4, seq_len=24)  # at the start q·k is near 0 and 1/√d hardly shows
    assert (losses(corpus, no_scaling, longer) - losses(corpus, config=longer)).abs().max() > 100 * 1e-5


def test_the_layer_is_used_in_every_layer_and_sees_the_models_slopes(corpus):
    calls = []

    def spy(q, k, v, slopes):
        calls.append((tuple(q.shape), tuple(k.shape), slopes.dtype, slopes.clone()))
        return alibi_attention(q, k, v, slopes=slopes)
    config = lm.ModelConfig(corpus.vocab_size, "alibi", n_layers=3, beta=2.0, attention_fn=spy, **FAST)
    lm.TinyLM(config)(corpus.val[:2, :10])
    assert [c[:3] for c in calls] == [((2, 4, 10, 8), (2, 4, 10, 8), torch.float32)] * 3
    torch.testing.assert_close(calls[0][3], lm.alibi_slopes(config).float())


def test_stacked_models_take_the_layer_too(corpus):
    configs = [lm.ModelConfig(corpus.vocab_size, "alibi", beta=b, attention_fn=by_hand, max_len=24, **FAST)
               for b in (1.0, 4.0)] + [lm.ModelConfig(corpus.vocab_size, "alibi", beta=4.0, max_len=24, **FAST)]
    _, stacked = lm.train_stacked(corpus.train, configs, [0, 0, 0], SHORT)
    torch.testing.assert_close(stacked[:, 1], stacked[:, 2], atol=1e-5, rtol=1e-5)  # by hand = library
    torch.testing.assert_close(stacked[:, 0], losses(corpus, by_hand, beta=1.0), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("options, match", [
    (dict(attention_fn="alibi"), "attention_fn must be a function"),
    (dict(method="rope", attention_fn=library), "needs method='alibi'"),
    (dict(attention_fn=library, bias_fn=lambda H, L: torch.zeros(H, L, L)), "not both"),
])
def test_a_bad_attention_fn_is_named_at_once(options, match):
    with pytest.raises(ValueError, match=match):
        lm.ModelConfig(20, **{"method": "alibi", **options})


@pytest.mark.parametrize("fn, match", [
    (lambda q, k, v, m: q[..., :-1, :], r"must return a tensor of shape \(2, 4, 6, 8\)"),
    (lambda q, k, v, m: None, "got NoneType"),
    (lambda q, k, v, m: q * float("nan"), "NaN or inf"),
])
def test_a_bad_output_is_named(fn, match):
    model = lm.TinyLM(lm.ModelConfig(20, "alibi", attention_fn=fn, **FAST))
    with pytest.raises(ValueError, match=match):
        model(torch.zeros(2, 6, dtype=torch.long))


# --- the model's own lines ------------------------------------------------------------------------------------------

def test_attention_source_holds_the_lines_where_alibi_enters():
    text = lm.attention_source()
    for line in ("geometric_slopes", "relative_positions(L_q, L_k)", "causal_mask(L_q, L_k", "L_k - L_q",
                 "softmax(q·kᵀ/√d + bias)·v", "alibi_attention(q[0], k[0], v[0], slopes=alibi_slopes(c))"):
        assert line in text, line
    assert '"""' not in text and 10 <= len(text.splitlines()) <= 40
    source = inspect.getsource(model_module).splitlines()
    assert all(line in source for line in text.splitlines() if line), "every line is a line of lm/model.py"


def test_attention_source_is_read_from_the_live_source(monkeypatch):
    def stack_bias(configs, L_q, L_k=None):
        """Not shown."""
        return "a line that only this test has"
    monkeypatch.setattr(model_module, "stack_bias", stack_bias)
    text = lm.attention_source()
    assert "a line that only this test has" in text and "Not shown" not in text
