"""No window, for training or evaluation, reads across a seam between two stretches of the original text."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from alibi_edu import lm
from alibi_edu.lm.data import random_windows
from alibi_edu.lm.training import eval_windows

TASKS = {"text": lm.load_corpus, "echo": lambda: lm.echo_task(16)}
# every (L, stride, n_tokens) notebooks 04 and 05 evaluate with, and the lengths of 04's length section
NOTEBOOK_READS = [(64, None, 8192), (64, None, 2048)] + [(L, None, 8192) for L in (128, 256, 512, 1024)] + \
                 [(L, 32, 8192) for L in (64, 128, 256, 512, 1024)] + [(L, None, 2048) for L in (128, 256, 512)]


@pytest.fixture(scope="module", params=list(TASKS))
def task(request):
    return TASKS[request.param]()


def history(origins, y):
    """How many characters of its own stretch come before each target y (origins as in corpus.origins)."""
    firsts = origins[:, 0].contiguous()
    row = torch.searchsorted(firsts, y.contiguous(), right=True) - 1
    return y - firsts[row]


def contiguous(x, y):
    """Positions in the original text: each window's inputs consecutive, each target the next position."""
    return bool((x.diff(dim=1) == 1).all() and (y == x + 1).all())


@pytest.mark.parametrize("seq_len, stride, n_tokens", NOTEBOOK_READS)
@pytest.mark.parametrize("split", ["val", "test"])
def test_evaluation_windows_stay_inside_one_stretch(task, split, seq_len, stride, n_tokens):
    if split == "test" and task.origins["test"].shape[0] * 1024 < n_tokens:
        pytest.skip("this split is not evaluated at that size")
    origins = task.origins[split]
    for x, y, skip in eval_windows(origins, seq_len, n_tokens=n_tokens, stride=stride):
        assert contiguous(x, y)
        assert (history(origins, y[:, skip:]) >= 1024).all()  # the default start: 1 024 characters of its stretch


@settings(max_examples=40, deadline=None)
@given(seq_len=st.sampled_from([1, 16, 64, 256, 1024]), batch=st.integers(1, 64), seed=st.integers(0, 10_000))
def test_training_windows_stay_inside_one_stretch(seq_len, batch, seed):
    for task in (CORPUS, ECHO):
        x, y = random_windows(task.origins["train"], batch, seq_len, torch.Generator().manual_seed(seed))
        assert contiguous(x, y)


@settings(max_examples=40, deadline=None)
@given(seq_len=st.integers(1, 1024), stride=st.integers(1, 1024), n_tokens=st.integers(1, 8192),
       start=st.integers(1, 2047))
def test_any_evaluation_stays_inside_one_stretch(seq_len, stride, n_tokens, start):
    stride = min(stride, seq_len)
    try:
        windows = list(eval_windows(CORPUS.origins["val"], seq_len, n_tokens=n_tokens, stride=stride, start=start))
    except ValueError as err:  # too little context or too little text: refused, never read across a seam
        assert "start=" in str(err)
        return
    for x, y, skip in windows:
        assert contiguous(x, y) and (history(CORPUS.origins["val"], y[:, skip:]) >= start).all()


def test_every_length_scores_the_same_characters():
    reads = {L: lm.scored_positions(CORPUS.val, L, n_tokens=8192) for L in (64, 128, 256, 512, 1024)}
    sliding = {L: lm.scored_positions(CORPUS.val, L, n_tokens=8192, stride=32) for L in (64, 1024)}
    assert len(reads[64]) == 8192 and all(r == reads[64] for r in (*reads.values(), *sliding.values()))
    with pytest.raises(ValueError, match="do not score the same characters"):
        lm.length_curve(lm.TinyLM(lm.ModelConfig(CORPUS.vocab_size)), CORPUS.val, [64, 48], n_tokens=2048)


def test_too_little_text_or_context_is_refused():
    model = lm.TinyLM(lm.ModelConfig(CORPUS.vocab_size))
    with pytest.raises(ValueError, match="fewer than n_tokens=100000"):
        lm.evaluate(model, CORPUS.val, 64, n_tokens=100_000)
    with pytest.raises(ValueError, match="start=10 leaves too little context"):
        lm.evaluate(model, CORPUS.val, 64, stride=32, start=10)


CORPUS, ECHO = lm.load_corpus(), lm.echo_task(16)


def test_mass_beyond_counts_the_weight_on_far_keys():
    """A model whose attention ignores content (zeroed query/key weights) and has no slopes spreads each query's
    weight evenly over its i + 1 keys: the mass at distance >= D is (i + 1 - D) / (i + 1), averaged over i >= D."""
    model = lm.TinyLM(lm.ModelConfig(CORPUS.vocab_size, "alibi", beta=0.0, d_model=32, n_heads=2, n_layers=1))
    with torch.no_grad():
        model.blocks[0].attn.qkv.weight[:64] = 0
        model.blocks[0].attn.qkv.bias[:64] = 0
    mass = lm.mass_beyond([model], CORPUS.val, 64, length=256, n_rows=2)
    i = torch.arange(64, 256).double()
    expected = ((i + 1 - 64) / (i + 1)).mean().item()
    assert mass.shape == (1, 1, 2)
    assert torch.allclose(mass.double(), torch.full((1, 1, 2), expected, dtype=torch.float64), atol=1e-5)
    steep = lm.TinyLM(lm.ModelConfig(CORPUS.vocab_size, "alibi", beta=40.0, d_model=32, n_heads=2, n_layers=1))
    assert lm.mass_beyond([steep], CORPUS.val, 64, length=256, n_rows=1).max() < 1e-6  # m = 10: e^(-640)
