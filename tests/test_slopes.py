import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from alibi_edu import geometric_slopes


def paper_rule(n: int) -> list[float]:
    """The paper's rule, written independently: powers of two, else interleave from the next power."""
    def pow2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start ** i for i in range(n)]
    if math.log2(n).is_integer():
        return pow2(n)
    c = 2 ** math.floor(math.log2(n))
    return pow2(c) + paper_rule(2 * c)[0::2][: n - c]


@pytest.mark.parametrize("n", range(1, 257))
def test_matches_paper_rule_for_every_head_count(n):
    got = geometric_slopes(n, dtype=torch.float64)
    want = torch.tensor(paper_rule(n), dtype=torch.float64)
    assert got.shape == (n,)
    assert torch.allclose(got, want, rtol=1e-6, atol=0)


def test_eight_heads_are_halves_down_to_one_256th():
    assert geometric_slopes(8).tolist() == [2.0 ** -k for k in range(1, 9)]


def test_sixteen_heads_step_by_root_two():
    want = torch.tensor([2.0 ** (-k / 2) for k in range(1, 17)])
    assert torch.allclose(geometric_slopes(16), want, rtol=1e-6)


def test_twelve_heads_append_odd_slopes_of_sixteen():
    want = [2.0 ** -k for k in range(1, 9)] + [2 ** -0.5, 2 ** -1.5, 2 ** -2.5, 2 ** -3.5]
    got = geometric_slopes(12, dtype=torch.float64)
    assert torch.allclose(got, torch.tensor(want, dtype=torch.float64), rtol=1e-12)
    assert not bool((got[1:] < got[:-1]).all()), "12-head slopes are by design not monotone"


@given(st.integers(1, 512))
def test_slopes_are_in_unit_interval_and_distinct(n):
    s = geometric_slopes(n, dtype=torch.float64)
    assert bool(((s > 0) & (s < 1)).all())
    assert len(set(s.tolist())) == n


@given(st.integers(0, 9))
def test_power_of_two_ratio_is_constant(p):
    n = 2 ** p
    s = geometric_slopes(n, dtype=torch.float64)
    assert math.isclose(s[0].item(), 2 ** (-8 / n), rel_tol=1e-12)
    if n > 1:
        assert torch.allclose(s[1:] / s[:-1], torch.full((n - 1,), 2 ** (-8 / n), dtype=torch.float64))


@pytest.mark.parametrize("bad,error", [(0, ValueError), (-3, ValueError), (2.0, TypeError), (True, TypeError),
                                       ("8", TypeError), (None, TypeError)])
def test_bad_head_counts_name_the_parameter(bad, error):
    with pytest.raises(error, match="num_heads"):
        geometric_slopes(bad)
