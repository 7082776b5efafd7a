import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import (
    alibi_attention,
    alibi_bias,
    attention_scores,
    attention_weights,
    causal_mask,
    geometric_slopes,
    linear_bias,
)

DTYPES = {torch.float32: 1e-5, torch.float64: 1e-10, torch.bfloat16: 2e-2}


def qk(h, n, d, dtype=torch.float64, seed=0, k_len=None):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(1, h, n, d, generator=g, dtype=torch.float64).to(dtype)
    k = torch.randn(1, h, k_len or n, d, generator=g, dtype=torch.float64).to(dtype)
    return q, k


def test_scores_by_hand():
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[1.0, 1.0], [3.0, 0.0]])
    bias = torch.tensor([[0.0, -1.0], [-1.0, 0.0]])
    book = attention_scores(q, k, bias=bias)
    paper = attention_scores(q, k, bias=bias, bias_in_scale=False)
    r2 = math.sqrt(2)
    assert torch.allclose(book, torch.tensor([[1 / r2, 2 / r2], [1 / r2, 0.0]]))
    assert torch.allclose(paper, torch.tensor([[1 / r2, 3 / r2 - 1], [2 / r2 - 1, 0.0]]))


@given(st.integers(1, 8), st.integers(1, 24), st.sampled_from([4, 16, 64]))
@settings(max_examples=40, deadline=None)
def test_book_scaling_with_beta_sqrt_d_m_equals_paper(h, n, d):
    q, k = qk(h, n, d)
    m = geometric_slopes(h, dtype=torch.float64)
    mask = causal_mask(n, dtype=torch.float64)
    paper = attention_weights(q, k, bias=alibi_bias(h, n, dtype=torch.float64), mask=mask, bias_in_scale=False)
    book = attention_weights(q, k, bias=linear_bias(n, beta=math.sqrt(d) * m), mask=mask, bias_in_scale=True)
    assert torch.allclose(book, paper, atol=1e-12)
    if n > 1:  # and the same beta *without* the sqrt(d) factor is a different model
        wrong = attention_weights(q, k, bias=linear_bias(n, beta=m), mask=mask, bias_in_scale=True)
        assert not torch.allclose(wrong, paper, atol=1e-6)


@given(st.integers(1, 8), st.integers(2, 24), st.floats(-50, 50))
@settings(max_examples=40, deadline=None)
def test_row_constant_leaves_causal_weights_unchanged(h, n, shift):
    """BLOOM's m*j instead of m*(j - i): a per-row constant, invisible to softmax under the causal mask."""
    q, k = qk(h, n, 8)
    m = geometric_slopes(h, dtype=torch.float64)[:, None, None]
    j = torch.arange(n, dtype=torch.float64)
    mask = causal_mask(n, dtype=torch.float64)
    alibi = attention_weights(q, k, bias=alibi_bias(h, n, dtype=torch.float64), mask=mask, bias_in_scale=False)
    bloom = attention_weights(q, k, bias=m * j + 0 * j[:, None], mask=mask, bias_in_scale=False)
    shifted = attention_weights(q, k, bias=alibi_bias(h, n, dtype=torch.float64) + shift, mask=mask,
                                bias_in_scale=False)
    assert torch.allclose(bloom, alibi, atol=1e-12) and torch.allclose(shifted, alibi, atol=1e-12)


@given(st.integers(1, 8), st.integers(2, 24))
@settings(max_examples=30, deadline=None)
def test_row_constant_shortcut_is_not_alibi_without_the_mask(h, n):
    q, k = qk(h, n, 8)
    m = geometric_slopes(h, dtype=torch.float64)[:, None, None]
    j = torch.arange(n, dtype=torch.float64)
    alibi = attention_weights(q, k, bias=alibi_bias(h, n, symmetric=True, dtype=torch.float64), bias_in_scale=False)
    bloom = attention_weights(q, k, bias=(m * j).expand(h, n, n), bias_in_scale=False)
    assert not torch.allclose(bloom, alibi, atol=1e-6)
    # future keys get rising bonuses: the last key is favoured over the first by m*(n-1) for every query
    assert bool((bloom[..., -1] / bloom[..., 0] > alibi[..., -1] / alibi[..., 0]).any())


@pytest.mark.parametrize("dtype", list(DTYPES))
@given(h=st.integers(1, 4), n=st.integers(1, 32), beta=st.floats(-5, 5))
@settings(max_examples=25, deadline=None)
def test_masked_weights_are_exactly_zero_and_rows_sum_to_one(dtype, h, n, beta):
    q, k = qk(h, n, 8, dtype=dtype)
    w = attention_weights(q, k, bias=linear_bias(n, beta=beta), mask=causal_mask(n))
    assert w.dtype == dtype
    future = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    assert bool((w[..., future] == 0).all())
    assert torch.allclose(w.float().sum(-1), torch.ones(1, h, n), atol=DTYPES[dtype] * 10)
    assert bool((w[..., ~future] > 0).all()) or dtype == torch.bfloat16


def test_fully_masked_row_gives_nan():
    q, k = qk(1, 3, 4)
    mask = torch.full((3, 3), float("-inf"), dtype=torch.float64)
    assert torch.isnan(attention_weights(q, k, mask=mask)).all()


def sdpa_reference(q, k, v, slopes, causal):
    lq, lk = q.shape[-2], k.shape[-2]
    rel = (torch.arange(lk)[None, :] - torch.arange(lk - lq, lk)[:, None]).to(q.dtype)
    m = slopes.to(q.dtype)[:, None, None]
    bias = m * rel + causal_mask(lq, lk, q.dtype) if causal else -m * rel.abs()
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("n", [1, 5, 64, 65, 200])
def test_alibi_attention_equals_sdpa_with_the_bias(dtype, causal, n):
    g = torch.Generator().manual_seed(n)
    q, k, v = (torch.randn(2, 4, n, 16, generator=g, dtype=dtype) for _ in range(3))
    got = alibi_attention(q, k, v, causal=causal)
    want = sdpa_reference(q, k, v, geometric_slopes(4, dtype=torch.float64), causal)
    assert got.shape == (2, 4, n, 16)
    assert torch.allclose(got, want, atol=1e-5 if dtype == torch.float32 else 1e-10)


@pytest.mark.parametrize("lq,lk", [(1, 9), (3, 130), (70, 200)])
def test_alibi_attention_kv_cache_rows_match_the_full_run(lq, lk):
    g = torch.Generator().manual_seed(lk)
    q, k, v = (torch.randn(1, 2, lk, 8, generator=g, dtype=torch.float64) for _ in range(3))
    full = alibi_attention(q, k, v)
    cached = alibi_attention(q[..., -lq:, :], k, v)
    assert torch.allclose(cached, full[..., -lq:, :], atol=1e-12)


def test_alibi_attention_matches_attention_weights_times_v():
    q, k = qk(3, 10, 8)
    v = torch.randn(1, 3, 10, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    slopes = torch.tensor([0.3, 0.0, 2.0], dtype=torch.float64)
    w = attention_weights(q, k, bias=alibi_bias(3, 10, slopes=slopes, dtype=torch.float64),
                          mask=causal_mask(10, dtype=torch.float64), bias_in_scale=False)
    assert torch.allclose(alibi_attention(q, k, v, slopes=slopes), w @ v, atol=1e-12)


def test_alibi_attention_is_differentiable():
    q, k, v = (torch.randn(1, 2, 100, 8, requires_grad=True) for _ in range(3))
    alibi_attention(q, k, v).sum().backward()
    assert all(t.grad is not None and torch.isfinite(t.grad).all() for t in (q, k, v))


@pytest.mark.parametrize("call,match", [
    (lambda: attention_scores(torch.ones(3, 4), torch.ones(3, 5)), r"q has shape \(3, 4\), k has shape \(3, 5\)"),
    (lambda: attention_scores(torch.ones(2, 3, 4), torch.ones(5, 3, 4)), "batch dimensions"),
    (lambda: attention_scores([[1.0]], torch.ones(1, 1)), "q must be a torch.Tensor"),
    (lambda: attention_scores(torch.ones(3), torch.ones(3, 3)), "q must have at least 2 dimensions"),
    (lambda: attention_scores(torch.ones(3, 2), torch.ones(3, 2), bias=torch.ones(4, 4)), r"bias of shape \(4, 4\)"),
    (lambda: attention_scores(torch.ones(3, 2), torch.ones(3, 2), mask="causal"), "mask must be a torch.Tensor"),
    (lambda: attention_scores(torch.ones(3, 2, dtype=torch.long), torch.ones(3, 2)), "floating"),
    (lambda: alibi_attention(torch.ones(1, 2, 3, 4), torch.ones(1, 2, 3, 4), torch.ones(1, 2, 5, 4)), "L_k"),
    (lambda: alibi_attention(torch.ones(1, 2, 3, 4), torch.ones(1, 3, 3, 4), torch.ones(1, 3, 3, 4)), r"\(B, H\)"),
    (lambda: alibi_attention(torch.ones(2, 3, 4), torch.ones(2, 3, 4), torch.ones(2, 3, 4)), "at least 4"),
    (lambda: alibi_attention(torch.ones(1, 1, 5, 4), torch.ones(1, 1, 3, 4), torch.ones(1, 1, 3, 4)), "L_k >= L_q"),
    (lambda: alibi_attention(*(torch.ones(1, 2, 3, 4),) * 3, slopes=torch.ones(3)), "slopes has 3 values"),
])
def test_bad_shapes_name_both_shapes(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_huge_score_matrix_is_refused_before_allocating():
    q = torch.ones(1, 1, 1, 1).expand(64, 16, 8192, 1)  # a view: no memory behind it
    with pytest.raises(ValueError, match="attention scores.*GiB"):
        attention_scores(q, q)
