"""The paired comparison of seeded runs: the laws its verdicts must obey."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import lm

levels = st.lists(st.floats(0.5, 5.0), min_size=2, max_size=8)


@settings(max_examples=200, deadline=None)
@given(levels)
def test_identical_runs_are_never_distinguishable(a):
    result = lm.paired(a, a)
    assert not result.distinguishable and result.direction == 0 and "not distinguishable" in result.verdict


@settings(max_examples=200, deadline=None)
@given(levels, st.floats(0.001, 1.0), st.sampled_from([-1, 1]))
def test_a_constant_shift_is_distinguishable_however_much_levels_vary(a, shift, sign):
    b = [x + sign * shift for x in a]  # levels may differ by 4.5 between seeds, the shift is as small as 0.001
    result = lm.paired(b, a)
    assert result.distinguishable and result.direction == sign
    assert f"in {len(a)} of {len(a)} seeds" in result.verdict and "unlikely to be noise" in result.verdict


@settings(max_examples=200, deadline=None)
@given(levels, st.lists(st.floats(0.001, 1.0), min_size=8, max_size=8), st.integers(0, 7))
def test_differences_that_flip_sign_are_not_distinguishable(a, sizes, flip):
    n = len(a)
    signs = [1] * n
    signs[flip % n] = -1  # one seed the other way
    b = [x + s * d for x, s, d in zip(a, signs, sizes)]
    assert not lm.paired(b, a).distinguishable


def test_agreement_is_not_enough_when_the_mean_is_within_two_standard_errors():
    result = lm.paired([1.0, 1.0, 1.0], [0.999, 0.9, 0.999])  # all higher, but one seed carries the mean
    assert result.higher == 3 and result.mean > 0
    assert abs(result.mean) <= 2 * result.se and not result.distinguishable


def test_numbers_and_words():
    result = lm.paired([2.0, 2.1, 1.9], [2.012, 2.108, 1.916], names=("x", "y"))
    assert result.n == 3 and result.lower == 3
    assert result.mean == pytest.approx(-0.012)
    assert result.se == pytest.approx(torch.tensor([-0.012, -0.008, -0.016]).std().item() / 3 ** 0.5, rel=1e-6)
    assert result.verdict.startswith("x lower than y in 3 of 3 seeds, by 0.012 ± 0.002")


def test_one_seed_decides_nothing_and_bad_input_is_named():
    assert not lm.paired([1.0], [2.0]).distinguishable
    with pytest.raises(ValueError, match="one value per seed"):
        lm.paired([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        lm.paired([1.0, float("nan")], [1.0, 2.0])


# --- Runs: a sweep's numbers as plain data ---------------------------------------------------------

def _runs():
    val = torch.tensor([[2.0, 2.1, 2.2], [1.9, 2.0, 2.1], [1.5, 2.6, 1.4]])
    return lm.Runs(["a", "b", "c"], [0, 1, 2], val)


def test_a_record_is_plain_data_and_comes_back_the_same():
    runs = _runs()
    record = runs.record(test={"c": 3.0})                 # only the settings whose test loss was looked at
    assert record == {"labels": ["a", "b", "c"], "seeds": [0, 1, 2], "val": runs.val.tolist(), "test": {"c": 3.0}}
    with pytest.raises(ValueError, match="'d', not a setting"):
        runs.record(test={"d": 1.0})
    back = lm.Runs.from_record(record)
    assert back.labels == runs.labels and back.seeds == runs.seeds and torch.allclose(back.val, runs.val.double())
    assert back.best == runs.best == "c" and back.tied_with_best() == runs.tied_with_best() == ["a", "b", "c"]


def test_b_is_lower_than_a_in_every_seed():
    assert _runs().compare("b", "a").direction == -1 and _runs().compare("c", "b").direction == 0


@pytest.mark.parametrize("record, says", [
    ("runs", "a dict"), ({"labels": ["a"], "seeds": [0]}, "a dict"),
    ({"labels": ["a", "a"], "seeds": [0], "val": [[1.0], [1.0]]}, "distinct strings"),
    ({"labels": ["a"], "seeds": ["0"], "val": [[1.0]]}, "list of integers"),
    ({"labels": ["a"], "seeds": [0, 1], "val": [[1.0]]}, "1 × 2 finite numbers"),
    ({"labels": ["a"], "seeds": [0], "val": [[float("nan")]]}, "finite"),
    ({"labels": ["a"], "seeds": [0], "val": [["x"]]}, "table of numbers"),
])
def test_a_bad_record_is_refused_naming_what_is_wrong(record, says):
    with pytest.raises(ValueError, match=says):
        lm.Runs.from_record(record)


def test_a_sweep_is_runs_with_its_models():
    sweep = lm.Sweep(["a", "b"], [0, 1], torch.tensor([[1.0, 2.0], [0.5, 1.0]]), torch.zeros(1, 2, 2), {})
    assert isinstance(sweep, lm.Runs) and sweep.best == "b" and lm.Runs.from_record(sweep.record()).best == "b"
