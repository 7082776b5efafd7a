"""The memory cap: every public function refuses, before allocating, a tensor larger than the cap."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import alibi_edu
from alibi_edu import (
    alibi_attention,
    alibi_bias,
    attention_scores,
    attention_weights,
    causal_mask,
    geometric_slopes,
    linear_bias,
    relative_positions,
)

CAP = 64 * 1024  # 64 KiB: small enough that modest sizes cross it


@pytest.fixture
def small_cap():
    previous = alibi_edu.set_memory_cap(CAP)
    yield
    alibi_edu.set_memory_cap(previous)


def test_huge_slope_request_is_refused_with_its_size():
    with pytest.raises(ValueError, match=r"slopes of shape \(\d+,\).*GiB, more than the 1\.00 GiB cap"):
        geometric_slopes(10 ** 12)


def test_huge_power_of_two_head_count_is_refused():
    with pytest.raises(ValueError, match="cap"):
        geometric_slopes(2 ** 40)


def _views(batch: int, heads: int, q_len: int, k_len: int, d: int, dtype=torch.float32):
    """q, k, v as expanded views: no memory behind them, so only the function's own tensors count."""
    one = torch.ones((), dtype=dtype)
    return (one.expand(batch, heads, q_len, d), one.expand(batch, heads, k_len, d), one.expand(batch, heads, k_len, d))


CALLS = {
    "geometric_slopes": lambda h, q, k: geometric_slopes(h * q * k),
    "relative_positions": lambda h, q, k: relative_positions(q, k),
    "linear_bias": lambda h, q, k: linear_bias(q, k, beta=0.5),
    "linear_bias per head": lambda h, q, k: linear_bias(q, k, beta=torch.ones(h)),
    "alibi_bias": lambda h, q, k: alibi_bias(h, k),
    "causal_mask": lambda h, q, k: causal_mask(q, k),
    "attention_scores": lambda h, q, k: attention_scores(*_views(1, h, q, k, 4)[:2]),
    "attention_weights bf16": lambda h, q, k: attention_weights(*_views(1, h, q, k, 4, torch.bfloat16)[:2]),
    "alibi_attention causal": lambda h, q, k: alibi_attention(*_views(1, h, q, k, 4)),
    "alibi_attention symmetric": lambda h, q, k: alibi_attention(*_views(1, h, q, k, 4), causal=False),
}


@pytest.mark.usefixtures("small_cap")
@pytest.mark.parametrize("name", CALLS)
@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 8), q=st.integers(1, 160), extra=st.integers(0, 160))
def test_result_never_exceeds_the_cap(name, h, q, extra):
    """Law: a call either returns tensors no larger than the cap or raises a ValueError naming the cap."""
    try:
        out = CALLS[name](h, q, q + extra)
    except ValueError as err:
        assert "cap" in str(err) and "set_memory_cap" in str(err)
        return
    assert out.numel() * out.element_size() <= CAP
