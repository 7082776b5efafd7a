"""Explorers driven from Python: after setting controls, what is displayed equals the core math."""
import io
import math

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from PIL import Image

import alibi_edu as ae
from alibi_edu.widgets import bias_explorer, demo_explorer, mask_explorer, slopes_explorer
from alibi_edu.widgets.render import encode_png

EXPLORERS = (bias_explorer, mask_explorer, slopes_explorer, demo_explorer)


def qk(length, dtype=torch.float64):
    """The explorers' documented inputs: first L rows of randn(2, 256, 16) with seed 0."""
    q, k = torch.randn(2, 256, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    return q[:length].to(dtype), k[:length].to(dtype)


def picture(explorer) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(explorer.picture.value)).convert("RGB"))


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


@pytest.mark.parametrize("make", EXPLORERS)
def test_explorer_is_one_widget_with_the_documented_hooks(make):
    explorer = make()
    assert isinstance(explorer, widgets.Widget)
    assert "alibi-explorer" in explorer._dom_classes
    assert "alibi-picture" in explorer.picture._dom_classes and "alibi-readout" in explorer.readout._dom_classes
    for name, control in explorer.controls.items():
        assert f"alibi-control-{name}" in control._dom_classes
    assert picture(explorer).ndim == 3  # a decodable PNG


@pytest.mark.parametrize("beta, sign, query, length, causal, inside", [
    (0.5, 1, 10, 32, True, True), (2.0, -1, 0, 17, True, False), (0.001, 1, 63, 64, False, True),
    (10.0, -1, 5, 6, False, False), (1.0, 0, 3, 8, True, True), (1.0, 0, 0, 1, False, True)])
def test_bias_explorer_shows_the_core_math(beta, sign, query, length, causal, inside):
    ex = bias_explorer()
    set_controls(ex, length=length, query=query, beta=beta, sign=sign, causal=causal, inside=inside)
    b = sign * ex.controls["beta"].value
    bias = ae.linear_bias(length, beta=b, dtype=torch.float64)
    mask = ae.causal_mask(length, dtype=torch.float64) if causal else None
    q, k = qk(length)
    shown = bias if mask is None else bias + mask
    np.testing.assert_array_equal(ex.displayed["bias"], shown.numpy())
    np.testing.assert_array_equal(ex.displayed["bias_row"], shown[query].numpy())
    opts = dict(bias=bias, mask=mask, bias_in_scale=inside)
    np.testing.assert_allclose(ex.displayed["scores"], ae.attention_scores(q, k, **opts).numpy())
    np.testing.assert_allclose(ex.displayed["weights"], ae.attention_weights(q, k, **opts).numpy())
    if causal:
        assert (ex.displayed["weights"][np.triu_indices(length, 1)] == 0).all()
    assert f"i = {query}" in ex.readout.value and f"L = {length}" in ex.readout.value


def test_sign_control_flips_beta():
    ex = bias_explorer(beta=0.5)
    before = ex.displayed["bias"].copy()
    ex.controls["sign"].value = -1
    finite = np.isfinite(before)
    np.testing.assert_array_equal(ex.displayed["bias"][finite], -before[finite])
    assert "β = -0.5" in ex.readout.value


def test_bias_inside_vs_outside_sqrt_d_changes_scores_by_the_placement():
    ex = bias_explorer(beta=1.0, length=8)
    inside = ex.displayed["scores"].copy()
    ex.controls["inside"].value = False
    outside = ex.displayed["scores"]
    bias = ex.displayed["bias"]
    visible = np.isfinite(bias)
    # inside: (qk + b)/√d ; outside: qk/√d + b  => difference b(1 − 1/√d)
    np.testing.assert_allclose(outside[visible] - inside[visible], bias[visible] * (1 - 1 / math.sqrt(16)), atol=1e-12)


def test_query_slider_follows_length_and_l_equal_one_works():
    ex = bias_explorer(query=20, length=32)
    ex.controls["length"].value = 1
    assert ex.controls["query"].value == 0 and ex.controls["query"].max == 0
    np.testing.assert_array_equal(ex.displayed["weights"], [[1.0]])
    assert "L = 1" in ex.readout.value


def test_beta_zero_like_and_extremes_do_not_break():
    ex = bias_explorer()
    for beta in (1e-3, 10.0):
        for length in (1, 2, 256):
            set_controls(ex, beta=beta, length=length, query=length - 1)
            assert np.isfinite(ex.displayed["weights"]).all()
            np.testing.assert_allclose(ex.displayed["weights"].sum(-1), 1.0)


def test_many_rapid_changes_leave_no_stale_panel():
    ex = bias_explorer()
    rng = np.random.default_rng(0)
    for _ in range(25):
        set_controls(ex, beta=float(rng.choice([g for _, g in ex.controls["beta"].options])),
                     length=int(rng.integers(1, 80)))
        ex.controls["query"].value = int(rng.integers(0, ex.controls["length"].value))
    fresh = bias_explorer(beta=ex.controls["beta"].value, query=ex.controls["query"].value,
                          length=ex.controls["length"].value)
    for name in fresh.displayed:
        np.testing.assert_array_equal(ex.displayed[name], fresh.displayed[name])
    np.testing.assert_array_equal(picture(ex), picture(fresh))


@pytest.mark.parametrize("make, control, value", [
    (bias_explorer, "beta", 3.0), (bias_explorer, "query", 3), (bias_explorer, "causal", False),
    (mask_explorer, "mask_with", "finite"), (slopes_explorer, "heads", 3), (slopes_explorer, "slopes", "shared"),
    (demo_explorer, "beta", 5.0)])
def test_picture_bytes_change_with_a_control(make, control, value):
    ex = make()
    before = ex.picture.value
    ex.controls[control].value = value
    assert ex.picture.value != before


def test_highlighted_row_moves_with_query():
    ex = bias_explorer(query=3)
    before = picture(ex)
    ex.controls["query"].value = 20
    after = picture(ex)
    assert (before != after).any(axis=2).sum() > 100


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_mask_explorer_minus_inf_gives_exact_zeros_in_every_dtype(dtype):
    ex = mask_explorer(length=16)
    ex.controls["dtype"].value = dtype
    torch_dtype = getattr(torch, dtype)
    q, k = qk(16, torch_dtype)
    mask = ae.causal_mask(16, dtype=torch_dtype)
    np.testing.assert_array_equal(ex.displayed["mask"], mask.double().numpy())
    np.testing.assert_array_equal(ex.displayed["scores"], ae.attention_scores(q, k).double().numpy())
    np.testing.assert_array_equal(ex.displayed["weights"], ae.attention_weights(q, k, mask=mask).double().numpy())
    assert (ex.displayed["weights"][np.triu_indices(16, 1)] == 0).all()
    assert "(exactly 0)" in ex.readout.value


@pytest.mark.parametrize("dtype, magnitude, leaks", [
    ("bfloat16", 50.0, True),   # e^-50 ≈ 2e-21 is representable in bfloat16: the pitfall
    ("float16", 50.0, False),   # ... but underflows in float16 (smallest number 6e-8)
    ("float16", 10.0, True),    # e^-10 ≈ 5e-5 does not
    ("bfloat16", 1e4, False)])
def test_mask_explorer_finite_stand_in_pitfall(dtype, magnitude, leaks):
    ex = mask_explorer(length=16)
    set_controls(ex, dtype=dtype, mask_with="finite", magnitude=magnitude)
    m = ex.controls["magnitude"].value
    torch_dtype = getattr(torch, dtype)
    mask = ae.causal_mask(16, dtype=torch.float64)
    mask = mask.masked_fill(torch.isinf(mask), -m).to(torch_dtype)
    q, k = qk(16, torch_dtype)
    expected = ae.attention_weights(q, k, mask=mask).double().numpy()
    np.testing.assert_array_equal(ex.displayed["weights"], expected)
    future = ex.displayed["weights"][np.triu_indices(16, 1)]
    assert (future > 0).any() == leaks
    assert ("(not 0!)" in ex.readout.value) == leaks


@pytest.mark.parametrize("heads", [1, 3, 8, 12, 64])
@pytest.mark.parametrize("length", [1, 40])
def test_slopes_explorer_shows_geometric_slopes_biases_and_reach(heads, length):
    ex = slopes_explorer()
    set_controls(ex, heads=heads, length=length)
    slopes = ae.geometric_slopes(heads, dtype=torch.float64)
    np.testing.assert_array_equal(ex.displayed["slopes"], slopes.numpy())
    biases = ae.alibi_bias(heads, length, slopes=slopes, dtype=torch.float64) + ae.causal_mask(length, dtype=torch.float64)
    np.testing.assert_array_equal(ex.displayed["biases"], biases.numpy())
    # reach: the largest distance d < L with e^(-m d) >= 1%
    expected = [max(d for d in range(length) if math.exp(-m * d) >= 0.01) for m in slopes.tolist()]
    np.testing.assert_array_equal(ex.displayed["reach"], expected)


def test_slopes_explorer_shared_beta_is_one_value_for_all_heads():
    ex = slopes_explorer(heads=5)
    set_controls(ex, slopes="shared", shared_beta=0.1)
    beta = ex.controls["shared_beta"].value
    np.testing.assert_array_equal(ex.displayed["slopes"], np.full(5, beta))
    expected = ae.alibi_bias(5, 32, slopes=torch.full((5,), beta, dtype=torch.float64), dtype=torch.float64)
    np.testing.assert_array_equal(ex.displayed["biases"], (expected + ae.causal_mask(32, dtype=torch.float64)).numpy())
    assert len(set(ex.displayed["reach"].tolist())) == 1


def test_demo_explorer_row():
    ex = demo_explorer()
    ex.controls["beta"].value = 2.0
    b = ex.controls["beta"].value
    row = (ae.linear_bias(16, beta=b, dtype=torch.float64) + ae.causal_mask(16, dtype=torch.float64))[12]
    np.testing.assert_array_equal(ex.displayed["bias_row"], row.numpy())
    assert f"β = {b:.3g}" in ex.readout.value


def test_encode_png_round_trips():
    pixels = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(encode_png(pixels)))), pixels)


def test_log_sliders_hold_round_values_exactly():
    from alibi_edu.widgets.base import log_grid
    grid = log_grid(-3, 1)
    assert grid[0] == 1e-3 and grid[-1] == 10.0 and 0.5 in grid and 0.1 in grid
    assert all(b / a < 1.7 for a, b in zip(grid, grid[1:])), "even steps in log scale"
    assert bias_explorer().controls["beta"].value == 0.5
    assert "β = 0.5 " in demo_explorer().readout.value
    assert bias_explorer(beta=0.06).controls["beta"].value == 0.07  # nearest in log scale


def test_frames_of_one_layout_key_share_axes_boxes():
    from alibi_edu.widgets import bias as bias_module
    a, b = bias_module._frame(40, True), bias_module._frame(57, True)  # same key: two-digit ticks, causal
    assert a.boxes == b.boxes
    assert not np.array_equal(a.pixels, b.pixels), "tick labels still follow L"
    wide = bias_module._frame(200, True)  # three-digit ticks: solved afresh, and the ticks get more room
    assert wide.boxes["bias"][1] >= a.boxes["bias"][1]
