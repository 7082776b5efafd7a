
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import alibi_edu
from alibi_edu import alibi_bias, causal_mask, geometric_slopes, linear_bias, relative_positions

lengths = st.integers(1, 40)


def test_relative_positions_small_case():
    assert relative_positions(3).tolist() == [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]


def test_kv_cache_rows_sit_at_the_end():
    # 2 new queries over 5 cached keys: they are positions 3 and 4.
    assert relative_positions(2, 5).tolist() == [[-3, -2, -1, 0, 1], [-4, -3, -2, -1, 0]]
    assert causal_mask(2, 5).isinf().tolist() == [[False] * 4 + [True], [False] * 5]


@given(lengths, st.integers(0, 40))
def test_kv_cache_rows_equal_the_last_rows_of_the_full_matrix(q, extra):
    k = q + extra
    assert torch.equal(relative_positions(q, k), relative_positions(k)[-q:])
    assert torch.equal(causal_mask(q, k), causal_mask(k)[-q:])


def test_book_example_query_10_keys_5_and_2():
    beta = 0.5
    b = linear_bias(11, beta=beta)
    assert b[10, 5].item() == -5 * beta and b[10, 2].item() == -8 * beta


def test_negative_beta_future_keys_question():
    # The course's question: beta < 0, query 10, keys 12 and 20: bias beta*2 and beta*10.
    b = linear_bias(21, beta=-0.25)
    assert b[10, 12].item() == -0.5 and b[10, 20].item() == -2.5


@given(lengths, st.floats(-10, 10, allow_nan=False))
def test_linear_bias_is_beta_times_offset(n, beta):
    b = linear_bias(n, beta=beta, dtype=torch.float64)
    i = torch.arange(n, dtype=torch.float64)[:, None]
    j = torch.arange(n, dtype=torch.float64)[None, :]
    assert torch.allclose(b, beta * (j - i))


@given(st.integers(1, 8), lengths)
def test_per_head_beta_gives_one_matrix_per_head(h, n):
    betas = torch.rand(h, dtype=torch.float64)
    b = linear_bias(n, beta=betas)
    assert b.shape == (h, n, n) and b.dtype == torch.float64
    for head in range(h):
        assert torch.allclose(b[head], linear_bias(n, beta=betas[head].item(), dtype=torch.float64))


@given(st.integers(1, 16), lengths)
def test_alibi_bias_is_minus_slope_times_distance(h, n):
    b = alibi_bias(h, n, dtype=torch.float64)
    m = geometric_slopes(h, dtype=torch.float64)
    i, j = 3 % n, 0
    assert torch.allclose(b[:, i, j], -m * (i - j))
    past = torch.tril(torch.ones(n, n, dtype=torch.bool))
    assert bool((b[:, past] <= 0).all()), "past and present keys are never rewarded"


@given(st.integers(1, 8), lengths)
def test_symmetric_bias_penalises_both_directions(h, n):
    b = alibi_bias(h, n, symmetric=True, dtype=torch.float64)
    assert torch.equal(b, b.transpose(-1, -2))
    assert bool((b <= 0).all())
    causal = alibi_bias(h, n, dtype=torch.float64)
    assert torch.equal(torch.tril(b), torch.tril(causal))


def test_custom_slopes_are_used_and_checked():
    b = alibi_bias(2, 3, slopes=torch.tensor([1.0, 0.5]))
    assert b[1, 2, 0].item() == -1.0
    with pytest.raises(ValueError, match="slopes has 3 values but there are 2 heads"):
        alibi_bias(2, 3, slopes=torch.tensor([1.0, 0.5, 0.25]))
    with pytest.raises(ValueError, match="slopes"):
        alibi_bias(2, 3, slopes=torch.tensor([1.0, float("nan")]))


@given(lengths)
def test_causal_mask_is_zero_on_and_below_diagonal(n):
    m = causal_mask(n)
    i, j = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    assert bool((m[j <= i] == 0).all()) and bool(torch.isneginf(m[j > i]).all())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16])
def test_causal_mask_dtype(dtype):
    assert causal_mask(4, dtype=dtype).dtype == dtype
    with pytest.raises(TypeError, match="dtype"):
        causal_mask(4, dtype=torch.int64)


@pytest.mark.parametrize("call,name", [
    (lambda: relative_positions(0), "q_len"),
    (lambda: relative_positions(3.5), "q_len"),
    (lambda: relative_positions(True), "q_len"),
    (lambda: relative_positions(4, 2), "k_len"),
    (lambda: causal_mask(3, -1), "k_len"),
    (lambda: linear_bias(4, beta=float("nan")), "beta"),
    (lambda: linear_bias(4, beta=float("inf")), "beta"),
    (lambda: linear_bias(4, beta="0.5"), "beta"),
    (lambda: linear_bias(4, beta=[0.5, float("-inf")]), "beta"),
    (lambda: alibi_bias(0, 4), "num_heads"),
    (lambda: alibi_bias(4, "16"), "seq_len"),
])
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_too_large_requests_are_refused_before_allocating():
    # 64 heads x 65536^2 floats = 1 TiB: must fail fast, with the size and how to lower it.
    with pytest.raises(ValueError, match=r"1024\.00 GiB.*cap.*set_memory_cap"):
        alibi_bias(64, 65536)
    with pytest.raises(ValueError, match="GiB"):
        causal_mask(100_000)


def test_memory_cap_can_be_raised_and_lowered():
    previous = alibi_edu.set_memory_cap(8192)
    try:
        cap = r"ALiBi bias of shape \(1, 64, 64\).*16\.00 KiB, more than the 8\.00 KiB cap"
        with pytest.raises(ValueError, match=cap):
            alibi_bias(1, 64)  # 16 KiB of float32 bias
        assert alibi_bias(1, 32).shape == (1, 32, 32)  # 8 KiB of int64 positions: exactly at the cap
    finally:
        alibi_edu.set_memory_cap(previous)
    assert alibi_edu.memory_cap() == previous == 2 ** 30
