"""Every production form of ALiBi gives alibi_edu's attention weights under a causal mask (KV cache included)."""
import math
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import alibi_attention, alibi_bias, attention_weights, causal_mask, geometric_slopes, linear_bias
from alibi_edu.forms import (
    alibi_score_mod,
    bloom_bias,
    causal_mask_mod,
    flash_bias,
    mpt_bias,
    mpt_slopes,
    on_index_grid,
    reference_mask,
)

F64 = torch.float64


def qkv(h, lq, lk, d=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(1, h, lk, d, generator=g, dtype=F64)[..., lk - lq:, :]
    k, v = (torch.randn(1, h, lk, d, generator=g, dtype=F64) for _ in range(2))
    return q, k, v


def alibi_weights(q, k, slopes):
    """alibi_edu's own ALiBi: the bias m·(j - i) = -m·(i - j) with the causal mask, the paper's scaling."""
    lq, lk = q.shape[-2], k.shape[-2]
    return attention_weights(q, k, bias=linear_bias(lq, lk, beta=slopes), mask=causal_mask(lq, lk, F64),
                             bias_in_scale=False)


def form_weights(q, k, bias):
    lq, lk = q.shape[-2], k.shape[-2]
    return attention_weights(q, k, bias=bias, mask=causal_mask(lq, lk, F64), bias_in_scale=False)


shapes = st.integers(1, 12).flatmap(lambda h: st.integers(1, 40).flatmap(
    lambda lk: st.tuples(st.just(h), st.integers(1, lk), st.just(lk), st.integers(0, 10**6))))


@given(shapes)
@settings(max_examples=60, deadline=None)
def test_every_form_gives_alibi_weights(shape):
    h, lq, lk, seed = shape
    q, k, _ = qkv(h, lq, lk, seed=seed)
    m = geometric_slopes(h, F64)
    want = alibi_weights(q, k, m)
    forms = {
        "reference": attention_weights(q, k, mask=reference_mask(m, lq, lk)[None]),
        "bloom": form_weights(q, k, bloom_bias(m, torch.ones(1, lk))),
        "mpt": form_weights(q, k, mpt_bias(mpt_slopes(h), lk)),
        "flash": form_weights(q, k, flash_bias(m, lq, lk)),
        "flex": torch.softmax(on_index_grid(alibi_score_mod(m, offset=lk - lq), q @ k.transpose(-2, -1) / math.sqrt(8),
                                            causal_mask_mod(offset=lk - lq)), dim=-1),
    }
    for name, got in forms.items():
        assert torch.allclose(got, want, atol=1e-12), name


@given(st.integers(1, 200), st.sampled_from([4.0, 8.0, 16.0]))
@settings(max_examples=60, deadline=None)
def test_mpt_slopes_interleave_is_the_papers_rule(n, bias_max):
    if bias_max == 8.0:
        assert torch.allclose(mpt_slopes(n), geometric_slopes(n, F64), rtol=1e-14)
    if n & (n - 1) == 0:  # powers of two: plainly 2^(-max·k/n)
        k = torch.arange(1, n + 1, dtype=F64)
        assert torch.allclose(mpt_slopes(n, bias_max), 2.0 ** (-bias_max * k / n), rtol=1e-14)


def test_mpt_slopes_at_12_heads_are_not_monotone():
    m = mpt_slopes(12)
    assert torch.allclose(m[8:], 2.0 ** -torch.tensor([0.5, 1.5, 2.5, 3.5], dtype=F64))
    assert m[8] > m[7]


@given(st.integers(1, 6), st.integers(2, 20), st.integers(0, 5), st.integers(0, 10**6))
@settings(max_examples=40, deadline=None)
def test_bloom_counts_positions_over_real_tokens_only(h, n, pads, seed):
    """A left-padded sequence: its real tokens attend exactly as the unpadded sequence does."""
    lk = n + pads
    q, k, _ = qkv(h, lk, lk, seed=seed)
    m = geometric_slopes(h, F64)
    keep = torch.cat([torch.zeros(1, pads), torch.ones(1, n)], dim=-1)
    padding = torch.zeros(lk, dtype=F64).masked_fill(keep[0] == 0, float("-inf"))
    got = attention_weights(q, k, bias=bloom_bias(m, keep), mask=causal_mask(lk, dtype=F64) + padding,
                            bias_in_scale=False)
    want = alibi_weights(q[..., pads:, :], k[..., pads:, :], m)
    assert torch.allclose(got[..., pads:, pads:], want, atol=1e-12)
    assert bool((got[..., pads:, :pads] == 0).all())
    # softmax hides a constant shift, so check the positions themselves: the first real token is j = 0
    assert bloom_bias(torch.ones(1), keep)[0, 0, 0].tolist() == [0.0] * pads + list(range(n))


def test_score_mod_with_offset_gives_the_papers_bias_values():
    """The mask_mod needs the KV-cache offset; the score_mod's offset only shifts rows, but makes values exact."""
    m = geometric_slopes(3, F64)
    grid = on_index_grid(alibi_score_mod(m, offset=5), torch.zeros(1, 3, 4, 9, dtype=F64), causal_mask_mod(offset=5))
    assert torch.equal(grid[0], linear_bias(4, 9, beta=m) + causal_mask(4, 9, F64))


@given(st.integers(1, 8), st.integers(1, 24))
@settings(max_examples=30, deadline=None)
def test_flash_without_causal_mask_is_the_symmetric_variant(h, n):
    m = geometric_slopes(h, F64)
    assert torch.allclose(flash_bias(m, n), alibi_bias(h, n, symmetric=True, dtype=F64))


@given(st.integers(1, 8), st.integers(2, 24))
@settings(max_examples=30, deadline=None)
def test_shortcuts_need_the_causal_mask(h, n):
    """Without the mask the m·j forms are not ALiBi: future keys get rising bonuses."""
    q, k, _ = qkv(h, n, n)
    m = geometric_slopes(h, F64)
    symmetric = attention_weights(q, k, bias=alibi_bias(h, n, symmetric=True, dtype=F64), bias_in_scale=False)
    bloom = attention_weights(q, k, bias=bloom_bias(m, torch.ones(1, n)), bias_in_scale=False)
    assert not torch.allclose(bloom, symmetric, atol=1e-6)


def test_flipped_sign_score_mod_rewards_distance():
    q, k, _ = qkv(4, 16, 16)
    m = geometric_slopes(4, F64)
    scores = torch.zeros(1, 4, 16, 16, dtype=F64)
    right = on_index_grid(alibi_score_mod(m), scores, causal_mask_mod())
    flipped = on_index_grid(lambda s, b, h, qi, ki: s + m[h] * (qi - ki), scores, causal_mask_mod())
    assert right[0, 0, 15, 0] < right[0, 0, 15, 15] and flipped[0, 0, 15, 0] > flipped[0, 0, 15, 15]
    assert torch.isinf(right[0, 0, 0, 1]) and right[0, 0, 0, 1] < 0


def test_alibi_attention_matches_the_forms_times_v():
    q, k, v = qkv(6, 5, 70, seed=3)
    m = geometric_slopes(6, F64)
    w = form_weights(q, k, flash_bias(m, 5, 70))
    assert torch.allclose(alibi_attention(q, k, v), w @ v, atol=1e-12)


def test_flex_attention_runs_the_score_mod():
    """The real FlexAttention (eager on CPU), full sequence and a KV-cache step, against alibi_attention."""
    flex = pytest.importorskip("torch.nn.attention.flex_attention")
    h, lk = 4, 32
    m = geometric_slopes(h, torch.float32)
    q, k, v = (t.float() for t in qkv(h, lk, lk, d=16, seed=5))
    for lq in (lk, 3):
        offset = lk - lq
        block_mask = flex.create_block_mask(causal_mask_mod(offset), None, None, lq, lk, device="cpu")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "eager is unfused": fine for a correctness check
            got = flex.flex_attention(q[..., offset:, :], k, v, score_mod=alibi_score_mod(m, offset),
                                      block_mask=block_mask)
        assert torch.allclose(got, alibi_attention(q[..., offset:, :], k, v), atol=1e-5)


@pytest.mark.parametrize("call,match", [
    (lambda: mpt_slopes(0), "num_heads"),
    (lambda: mpt_bias(geometric_slopes(2), 0), "k_len"),
    (lambda: reference_mask([0.5, float("nan")], 3), "slopes"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
