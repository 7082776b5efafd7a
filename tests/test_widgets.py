"""Explorers driven from Python: after setting controls, what is displayed equals the core math."""
import html
import io
import math

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from PIL import Image

import alibi_edu as ae
from alibi_edu.style import number
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
    assert "β = −0.5" in ex.readout.value


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
        ex.controls["key"].value = int(rng.integers(0, ex.controls["length"].value))
    fresh = bias_explorer(beta=ex.controls["beta"].value, query=ex.controls["query"].value,
                          length=ex.controls["length"].value)
    fresh.controls["key"].value = ex.controls["key"].value
    for name in fresh.displayed:
        np.testing.assert_array_equal(ex.displayed[name], fresh.displayed[name])
    np.testing.assert_array_equal(picture(ex), picture(fresh))


@pytest.mark.parametrize("make, control, value", [
    (bias_explorer, "beta", 3.0), (bias_explorer, "query", 3), (bias_explorer, "causal", False),
    (mask_explorer, "mask_with", "finite"), (slopes_explorer, "heads", 3), (slopes_explorer, "slopes", "shared"),
    (bias_explorer, "length", 40), (slopes_explorer, "length", 100),
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


def slopes_rows(heads, length, slopes):
    """The last query's bias row per head and its weights with equal content (q·k = 0 everywhere), from the core."""
    bias = (ae.alibi_bias(heads, length, slopes=slopes, dtype=torch.float64)
            + ae.causal_mask(length, dtype=torch.float64))
    zeros = torch.zeros(heads, length, 16, dtype=torch.float64)
    weights = ae.attention_weights(zeros, zeros, bias=bias, bias_in_scale=False)
    return bias[:, -1].numpy(), weights[:, -1].numpy()


@pytest.mark.parametrize("heads", [1, 3, 8, 12, 64])
@pytest.mark.parametrize("length", [1, 40])
def test_slopes_explorer_shows_geometric_slopes_rows_weights_and_reach(heads, length):
    ex = slopes_explorer()
    set_controls(ex, heads=heads, length=length)
    slopes = ae.geometric_slopes(heads, dtype=torch.float64)
    np.testing.assert_array_equal(ex.displayed["slopes"], slopes.numpy())
    rows, weights = slopes_rows(heads, length, slopes)
    np.testing.assert_array_equal(ex.displayed["bias_rows"], rows)
    np.testing.assert_allclose(ex.displayed["weights"], weights, rtol=1e-12)
    # reach: the largest distance d < L with e^(-m d) >= 1%
    expected = [max(d for d in range(length) if math.exp(-m * d) >= 0.01) for m in slopes.tolist()]
    np.testing.assert_array_equal(ex.displayed["reach"], expected)
    assert f"H = {heads}" in ex.readout.value and f"query i = {length - 1}" in ex.readout.value


def test_slopes_explorer_steep_head_short_reach_shallow_head_long_reach():
    ex = slopes_explorer()  # the default: 8 heads, L = 128
    w = ex.displayed["weights"]
    assert w[0, -1] > w[-1, -1] and w[0, 0] < w[-1, 0], "head 1 (steep) looks near, head 8 (shallow) far"
    reach = ex.displayed["reach"]
    assert (np.diff(reach) >= 0).all() and len(set(reach.tolist())) >= 5, "the default length tells the heads apart"


def test_slopes_explorer_shared_slope_is_one_value_for_all_heads():
    ex = slopes_explorer(heads=5)
    set_controls(ex, slopes="shared", shared_slope=0.1)
    m = ex.controls["shared_slope"].value
    np.testing.assert_array_equal(ex.displayed["slopes"], np.full(5, m))
    rows, _ = slopes_rows(5, 128, torch.full((5,), m, dtype=torch.float64))
    np.testing.assert_array_equal(ex.displayed["bias_rows"], rows)
    assert len(set(ex.displayed["reach"].tolist())) == 1
    assert "shared m = 0.1" in ex.readout.value
    assert ex.controls["shared_slope"].description == "shared m"


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


def test_one_frame_per_explorer_whatever_l_and_h():
    """L and H repaint without a new matplotlib frame: the frame is the same object before and after."""
    from alibi_edu.widgets import bias as bias_module
    from alibi_edu.widgets import slopes as slopes_module
    ex = bias_explorer()
    frame = bias_module._frame()
    set_controls(ex, length=200, causal=False, inside=False)
    assert bias_module._frame() is frame and bias_module._frame.cache_info().currsize == 1
    sx = slopes_explorer()
    set_controls(sx, heads=37, length=3)
    assert slopes_module._frame.cache_info().currsize == 1


# --- colour scales ---------------------------------------------------------------------------------------------

def test_causal_bias_gets_a_sequential_scale_over_min_to_0_and_symmetric_a_diverging_one():
    from alibi_edu.style import BIAS_CMAP, NEGATIVE_CMAP, POSITIVE_CMAP, bias_scale
    causal = (ae.linear_bias(32, beta=0.5, dtype=torch.float64) + ae.causal_mask(32, dtype=torch.float64)).numpy()
    scale = bias_scale(causal)
    assert (scale.cmap, scale.lo, scale.hi) == (NEGATIVE_CMAP, -15.5, 0.0)
    assert all(float(t).is_integer() for t in scale.ticks) and scale.ticks[-1] == 0
    symmetric = ae.alibi_bias(1, 16, symmetric=True, dtype=torch.float64)[0].numpy()
    assert bias_scale(symmetric).cmap == NEGATIVE_CMAP  # −m|i − j| is ≤ 0 too
    both = ae.linear_bias(16, beta=0.5, dtype=torch.float64).numpy()  # no mask: both signs
    scale = bias_scale(both)
    assert (scale.cmap, scale.lo, scale.hi) == (BIAS_CMAP, -7.5, 7.5) and 0.0 in scale.ticks
    assert bias_scale(-causal[np.isfinite(causal)]).cmap == POSITIVE_CMAP  # β < 0 under the mask: all ≥ 0


def test_nice_ticks_are_round_and_inside():
    from alibi_edu.style import nice_ticks
    for lo, hi in ((-15.5, 0), (0, 0.39), (-7.5, 7.5), (-45, 0), (0, 255), (-0.003, 0)):
        ticks = nice_ticks(lo, hi)
        assert lo - 1e-12 <= ticks[0] and ticks[-1] <= hi + 1e-12 and 2 <= len(ticks) <= 7
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5)), (lo, hi, ticks)


def pixel_of(explorer, panel, row, col):
    """The picture pixel at the centre of cell (row, col) of a heatmap panel."""
    (top, left, bottom, right), rows, cols = explorer.cells[panel]
    return left + (col + 0.5) * (right - left) / cols, top + (row + 0.5) * (bottom - top) / rows


@pytest.mark.parametrize("length", [32, 200])
def test_bias_explorer_paints_the_causal_bias_with_the_sequential_map(length):
    from alibi_edu.style import NEGATIVE_CMAP, bias_scale
    from alibi_edu.widgets.render import colour
    ex = bias_explorer(length=length, query=1)  # the cells below are off the outlined row
    scale = bias_scale(ex.displayed["bias"])
    assert scale.cmap == NEGATIVE_CMAP
    image = picture(ex)
    for row, col in ((length - 1, 0), (length // 2, length // 4)):
        x, y = pixel_of(ex, "bias", row, col)
        want = colour(np.array(ex.displayed["bias"][row, col]), scale)
        np.testing.assert_array_equal(image[int(y), int(x)], want)


# --- reading a cell: by the i and j controls (keyboard), or by a click where ipyevents runs --------------------

def test_the_readout_reads_the_cell_the_controls_select():
    ex = bias_explorer(length=32, query=5)
    set_controls(ex, query=20, key=7)
    d, text = ex.displayed, ex.readout.value
    assert "i = 20, j = 7:" in text
    for name in ("bias", "scores", "weights"):
        assert number(d[name][20, 7]) in text, (name, text)
    set_controls(ex, query=3, key=9)  # a masked cell (j > i)
    assert "i = 3, j = 9: masked" in ex.readout.value
    set_controls(ex, key=3)  # the diagonal: bias exactly 0, never "−0"
    assert "bias = 0 ·" in ex.readout.value and "−0 " not in ex.readout.value


def test_the_selected_cell_is_outlined_and_moving_it_repaints():
    ex = bias_explorer(length=16, query=10)
    ex.controls["key"].value = 2
    before = picture(ex)
    x, y = pixel_of(ex, "weights", 10, 2)
    ex.controls["key"].value = 8
    after = picture(ex)
    assert (before != after).any()
    x8, _ = pixel_of(ex, "weights", 10, 8)
    changed = np.argwhere((before != after).any(-1))[:, 1]  # columns of changed pixels: around j = 2 and j = 8
    assert changed.min() < x < changed.max() and changed.min() < x8 <= changed.max()


@pytest.mark.parametrize("make, row, col", [(bias_explorer, "query", "key"), (mask_explorer, "query", "key"),
                                            (slopes_explorer, "head", "key")])
def test_cell_controls_stay_inside_the_panels(make, row, col):
    ex = make()
    ex.controls["length"].value = 3
    assert ex.controls[col].max == 2 and ex.controls[col].value <= 2
    if "heads" in ex.controls:
        ex.controls["heads"].value = 2
        assert ex.controls[row].max == 2 and ex.controls[row].value <= 2
    ex.controls["length"].value = 1
    assert ex.controls[col].value == 0 and ex.readout.value.count("cell ") == 1


def test_click_on_a_cell_selects_it_like_the_controls():
    ex = bias_explorer(length=32, query=5)
    for panel in ("bias", "scores", "weights"):
        x, y = pixel_of(ex, panel, 20, 7)
        ex.on_click({"dataX": x, "dataY": y, "type": "click"})
        assert (ex.controls["query"].value, ex.controls["key"].value) == (20, 7)
        assert ex.cell(ex.values) == (20, 7) and "i = 20, j = 7:" in ex.readout.value
    by_click = ex.readout.value, picture(ex)
    by_keys = bias_explorer(length=32, query=5)
    set_controls(by_keys, query=20, key=7)
    assert by_keys.readout.value == by_click[0]
    np.testing.assert_array_equal(picture(by_keys), by_click[1])


def test_click_without_image_coordinates_scales_the_element_position():
    ex = bias_explorer(length=16)
    width, height = ex.frame_size()
    x, y = pixel_of(ex, "weights", 12, 4)
    ex.on_click({"relativeX": x / 2, "relativeY": y / 2, "boundingRectWidth": width / 2,
                 "boundingRectHeight": height / 2})
    assert ex.cell(ex.values) == (12, 4) and number(ex.displayed['weights'][12, 4]) in ex.readout.value


def test_click_outside_the_heatmaps_changes_nothing():
    ex = bias_explorer()
    before = ex.readout.value, ex.values
    ex.on_click({"dataX": 1, "dataY": 1})
    assert (ex.readout.value, ex.values) == before


def test_click_on_the_mask_and_slopes_explorers():
    mx = mask_explorer(length=16)
    x, y = pixel_of(mx, "weights", 9, 2)
    mx.on_click({"dataX": x, "dataY": y})
    assert mx.controls["query"].value == 9 and "i = 9, j = 2" in mx.readout.value
    assert number(mx.displayed['weights'][9, 2]) in mx.readout.value
    sx = slopes_explorer(heads=8, length=32)
    x, y = pixel_of(sx, "weights", 2, 30)
    sx.on_click({"dataX": x, "dataY": y})
    text = sx.readout.value
    assert (sx.controls["head"].value, sx.controls["key"].value) == (3, 30)
    assert "head 3 (m = 0.125), key j = 30, distance i − j = 1" in text
    assert number(sx.displayed['bias_rows'][2, 30]) in text and number(sx.displayed['weights'][2, 30]) in text


def test_the_picture_listens_for_clicks():
    ex = bias_explorer()
    assert ex.clicks.source is ex.picture and "click" in ex.clicks.watched_events


def test_without_ipyevents_the_explorers_work_and_the_controls_read_cells(monkeypatch):
    from alibi_edu.widgets import base
    monkeypatch.setattr(base, "Event", None)
    ex = bias_explorer()
    assert ex.clicks is None
    set_controls(ex, query=12, key=4)
    assert "i = 12, j = 4:" in ex.readout.value


# --- readable without a kernel ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", EXPLORERS)
def test_display_data_carries_the_picture_beside_the_widget_view(make):
    import base64
    ex = make()
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.model_id
    assert base64.b64decode(bundle["image/png"]) == ex.picture.value  # the current picture
    ex.controls["beta" if "beta" in ex.controls else "length"].value = 3.0 if "beta" in ex.controls else 40
    assert base64.b64decode(ex._repr_mimebundle_()["image/png"]) == ex.picture.value


def test_displaying_an_explorer_publishes_the_png_with_its_alt_then_the_add_on(monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, metadata=None: shown.append((obj, metadata)))
    ex = demo_explorer()
    ex._ipython_display_()
    (data, metadata), (addon, _) = shown
    assert {"image/png", "application/vnd.jupyter.widget-view+json", "text/plain", "text/html"} <= set(data)
    assert metadata == {"image/png": {"alt": ex.alt}} and f'alt="{html.escape(ex.alt)}"' in data["text/html"]
    assert addon == {"text/plain": "", "application/vnd.jupyter.widget-view+json": {
        "version_major": 2, "version_minor": 0, "model_id": ex.addon.model_id}}


# --- accessible: a text alternative for the picture, named controls, reflow ----------------------------------------

@pytest.mark.parametrize("make", EXPLORERS)
def test_the_picture_text_follows_the_picture(make):
    ex = make()
    before = ex.alt
    assert ex.addon.alt == before and any(ch.isdigit() for ch in before)
    ex.controls["beta" if "beta" in ex.controls else "length"].value = 3.0 if "beta" in ex.controls else 40
    assert ex.alt != before and ex.addon.alt == ex.alt


def test_the_picture_text_states_what_is_drawn():
    ex = bias_explorer()
    set_controls(ex, beta=0.5, length=12, query=11, key=0)
    assert "β = +0.5" in ex.alt and "the bias from 0 to −5.5" in ex.alt and "future keys masked" in ex.alt
    ex.controls["inside"].value = False
    assert "m = +0.5" in ex.alt


@pytest.mark.parametrize("make", EXPLORERS)
def test_the_add_on_targets_its_explorer_and_names_it(make):
    ex = make()
    assert ex.addon.target in ex._dom_classes and ex.addon.name == ex.children[0].value.strip("</b>")
    assert "export default" in ex.addon._esm and "aria-valuetext" in ex.addon._esm and "aria-live" in ex.addon._esm


@pytest.mark.parametrize("make", EXPLORERS)
def test_control_rows_wrap_and_sliders_keep_a_usable_width(make):
    ex = make()
    rows = [child for child in ex.children if isinstance(child, widgets.HBox)]
    assert rows and all(row.layout.flex_flow == "row wrap" for row in rows)
    for control in ex.controls.values():
        if isinstance(control, (widgets.IntSlider, widgets.SelectionSlider)):
            assert control.layout.min_width == "min(100%, 220px)"


def test_without_anywidget_the_explorer_works_unnamed(monkeypatch):
    import IPython.display

    from alibi_edu.widgets import a11y
    monkeypatch.setattr(a11y, "anywidget", None)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, metadata=None: shown.append(obj))
    ex = bias_explorer()
    assert ex.addon is None
    ex.controls["beta"].value = 2.0
    ex._ipython_display_()
    assert len(shown) == 1 and "β = +2" in ex.alt  # the picture still carries its text for renderers without widgets


# --- every control: an instant, exact repaint ---------------------------------------------------------------------

@pytest.mark.parametrize("make, changes", [
    (bias_explorer, dict(beta=2.0, sign=-1, query=3, key=1, length=57, causal=False, inside=False)),
    (mask_explorer, dict(length=40, query=30, key=5, mask_with="finite", magnitude=10.0, dtype="float16")),
    (slopes_explorer, dict(heads=13, length=77, slopes="shared", shared_slope=0.5, head=9, key=40)),
    (demo_explorer, dict(beta=3.0))])
def test_every_control_repaints_and_shows_what_a_fresh_explorer_computes(make, changes):
    ex = make()
    for name, value in changes.items():
        before = ex.picture.value
        ex.controls[name].value = value
        assert ex.picture.value != before, name
        fresh = ex.compute(ex.values)
        for key, array in fresh.items():
            np.testing.assert_array_equal(ex.displayed[key], array, err_msg=f"{name} -> {key}")
    assert set(ex.controls) == set(changes)


def test_png_is_opaque_white_backed():
    for make in EXPLORERS:
        image = Image.open(io.BytesIO(make().picture.value))
        assert image.mode == "RGB" and image.getpixel((0, 0)) == (255, 255, 255)
