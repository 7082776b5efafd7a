"""Generation with a KV cache: cached logits equal uncached ones for every method, sampling is seeded, bad input is
named; and the loss by position on held-out text."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import alibi_attention, causal_mask, lm, relative_positions

VOCAB = 12
SIZES = dict(d_model=32, n_heads=4, n_layers=2, max_len=64)


def own_bias(H: int, L: int) -> torch.Tensor:
    """A student's bias_fn: -0.2·h·(i - j) for head h = 1..H, plus the causal mask, (H, L, L)."""
    return -0.2 * torch.arange(1, H + 1)[:, None, None] * -relative_positions(L) + causal_mask(L)


VARIANTS = {  # every method, and the two ways a student's ALiBi enters the model
    **{method: dict(method=method) for method in lm.METHODS},
    "alibi + bias_fn": dict(method="alibi", bias_fn=lambda H, L: own_bias(H, L)),
    "alibi + attention_fn": dict(method="alibi", attention_fn=lambda q, k, v, m: alibi_attention(q, k, v, slopes=m)),
}


pytestmark = pytest.mark.usefixtures("one_thread")


def model_for(variant: str, seed: int = 0) -> lm.TinyLM:
    """A random model with weights large enough that positions matter to its logits (an untrained one is almost
    uniform, so a wrong offset would hide in the rounding)."""
    torch.manual_seed(seed)
    model = lm.TinyLM(lm.ModelConfig(VOCAB, **VARIANTS[variant], **SIZES)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "ln" not in name:
                p.normal_(0, 0.3)
    return model


def in_chunks(model: lm.TinyLM, idx: torch.Tensor, chunks: list[int]) -> torch.Tensor:
    """Logits of idx (B, L) read chunk by chunk through one KV cache."""
    cache, out, at = lm.KVCache(), [], 0
    for n in chunks:
        out.append(model(idx[:, at:at + n], cache=cache)[0])
        at += n
    assert len(cache) == at
    return torch.cat(out, dim=1)


@settings(max_examples=40, deadline=None)
@given(variant=st.sampled_from(sorted(VARIANTS)), chunks=st.lists(st.integers(1, 9), min_size=1, max_size=6),
       seed=st.integers(0, 3))
def test_cached_logits_equal_uncached_ones(variant, chunks, seed):
    model = model_for(variant, seed)
    idx = torch.randint(VOCAB, (2, sum(chunks)), generator=torch.Generator().manual_seed(seed))
    torch.testing.assert_close(in_chunks(model, idx, chunks), model(idx)[0], atol=2e-5, rtol=1e-4)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_one_character_at_a_time_far_past_the_prompt(variant):
    model, idx = model_for(variant), torch.randint(VOCAB, (1, 40), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(in_chunks(model, idx, [3] + [1] * 37), model(idx)[0], atol=2e-5, rtol=1e-4)


def test_the_check_can_fail():
    """A cached step whose queries are aligned top-left (SDPA's is_causal with L_q < L_k) sees only key 0: its
    logits differ from the uncached ones, so the equality above is not automatic."""
    model, idx = model_for("none"), torch.randint(VOCAB, (1, 12), generator=torch.Generator().manual_seed(2))
    import torch.nn.functional as F

    from alibi_edu.lm import model as model_module

    def top_left(q, k, v, configs):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    good = in_chunks(model, idx, [6, 6])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model_module, "attend", top_left)
        bad = in_chunks(model, idx, [6, 6])
    torch.testing.assert_close(bad[:, :6], good[:, :6])
    assert not torch.allclose(bad[:, 6:], good[:, 6:], atol=1e-3)


# --- generate -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus():
    return lm.load_corpus()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_generation_is_seeded_and_the_cache_changes_nothing(variant):
    model, prompt = model_for(variant), torch.tensor([[1, 2, 3]])
    first = lm.generate(model, prompt, 25, seed=7)
    assert first.shape == (1, 25) and first.dtype == torch.long and 0 <= first.min() and first.max() < VOCAB
    assert torch.equal(lm.generate(model, prompt, 25, seed=7), first)
    assert torch.equal(lm.generate(model, prompt, 25, seed=7, cache=False), first)
    assert not torch.equal(lm.generate(model, prompt, 25, seed=8), first)


def test_text_in_text_out(corpus):
    torch.manual_seed(0)
    model = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, d_model=32, n_heads=4))
    text = lm.generate(model, "def f(x):", 30, corpus=corpus, seed=1)
    assert isinstance(text, str) and len(text) == 30 and set(text) <= set(corpus.chars)
    assert text == lm.generate(model, "def f(x):", 30, corpus=corpus, seed=1, cache=False)


def test_temperature_zero_takes_the_most_likely_character():
    model, prompt = model_for("alibi"), torch.tensor([[4, 5]])
    new = lm.generate(model, prompt, 6, temperature=0)
    sequence = prompt
    for token in new[0]:
        assert token == model(sequence)[0][0, -1].argmax()
        sequence = torch.cat([sequence, token.view(1, 1)], dim=1)


@pytest.mark.parametrize("temperature, error", [(-1.0, ValueError), (float("nan"), ValueError),
                                                (float("inf"), ValueError), ("hot", TypeError), (None, TypeError)])
def test_temperature_is_checked(temperature, error):
    with pytest.raises(error, match="temperature"):
        lm.generate(model_for("alibi"), torch.tensor([[1]]), 3, temperature=temperature)


@pytest.mark.parametrize("n_new, error", [(0, ValueError), (-2, ValueError), (2.5, TypeError), ("5", TypeError)])
def test_n_new_is_checked(n_new, error):
    with pytest.raises(error, match="n_new"):
        lm.generate(model_for("alibi"), torch.tensor([[1]]), n_new)


def test_bad_prompts_are_named(corpus):
    model = model_for("alibi")
    with pytest.raises(TypeError, match="corpus="):
        lm.generate(model, "abc", 3)
    with pytest.raises(ValueError, match="vocab_size"):
        lm.generate(model, "abc", 3, corpus=corpus)  # the model was not built for this corpus
    text_model = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, d_model=32, n_heads=4))
    with pytest.raises(ValueError, match="at least one character"):
        lm.generate(text_model, "", 3, corpus=corpus)
    with pytest.raises(ValueError, match="not in the corpus vocabulary"):
        lm.generate(text_model, "naïve ☃", 3, corpus=corpus)
    with pytest.raises(TypeError, match="prompt must be"):
        lm.generate(model, torch.tensor([[1.0, 2.0]]), 3)
    with pytest.raises(TypeError, match="prompt must be"):
        lm.generate(model, torch.tensor([1, 2]), 3)
    with pytest.raises(ValueError, match="at least one character"):
        lm.generate(model, torch.zeros(1, 0, dtype=torch.long), 3)
    with pytest.raises(ValueError, match=r"0\.\.11"):
        lm.generate(model, torch.tensor([[3, VOCAB]]), 3)
    with pytest.raises(TypeError, match="TinyLM"):
        lm.generate(lm.StackedLM([model, model]), torch.tensor([[1]]), 3)


@pytest.mark.parametrize("cache", [True, False])
def test_learned_positions_stop_at_the_first_position_past_their_table(cache):
    model, prompt = model_for("learned"), torch.arange(10)[None] % VOCAB  # max_len 64: positions 0..63
    assert lm.generate(model, prompt, 55, cache=cache).shape == (1, 55)  # the 55th new one is position 64: written
    with pytest.raises(ValueError, match=r"position 64 \(character 65 .* past the learned position table"):
        lm.generate(model, prompt, 56, cache=cache)  # ... but reading it needs row 64


# --- loss by position -----------------------------------------------------------------------------------------------

def test_loss_by_position_is_the_mean_loss_at_each_position(corpus):
    torch.manual_seed(0)
    model = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, d_model=32, n_heads=4)).eval()
    curve = lm.loss_by_position(model, corpus.val, 50, n_tokens=500)  # 10 windows; a validation stretch holds 40
    x = corpus.val[0, :501]
    logits = model(x[:-1].view(10, 50))[0]
    want = torch.nn.functional.cross_entropy(logits.flatten(0, 1), x[1:], reduction="none").view(10, 50).mean(0)
    torch.testing.assert_close(curve, want, atol=1e-5, rtol=1e-5)
    assert curve.shape == (50,)


def test_loss_by_position_of_a_stack_is_its_models(corpus):
    configs = [lm.ModelConfig(corpus.vocab_size, "alibi", beta=b, d_model=32, n_heads=4) for b in (0.5, 4.0)]
    stack, _ = lm.train_stacked(corpus.train, configs, [0, 1], lm.TrainConfig(steps=2, batch_size=4, seq_len=16))
    curves = lm.loss_by_position(stack, corpus.val, 64, n_tokens=64 * 70)  # windows from two stretches
    alone = torch.stack([lm.loss_by_position(m, corpus.val, 64, n_tokens=64 * 70) for m in stack.unstack()])
    torch.testing.assert_close(curves, alone, atol=1e-5, rtol=1e-5)


def test_loss_by_position_names_what_is_wrong(corpus):
    model = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, "learned", d_model=32, n_heads=4, max_len=16))
    with pytest.raises(ValueError, match="position 16"):
        lm.loss_by_position(model, corpus.val, 32, n_tokens=64)
    with pytest.raises(ValueError, match="n_tokens"):
        lm.loss_by_position(model, corpus.val, 16, n_tokens=10 ** 8)
    with pytest.raises(ValueError, match="seq_len"):
        lm.loss_by_position(model, corpus.val, 0)
