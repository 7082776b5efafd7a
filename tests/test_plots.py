"""Static figures: each returns a Picture (a Figure with alt text computed from its data) with labelled axes and a
colorbar; masked cells stay masked; series differ by more than colour."""
import html

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import alibi_edu as ae
from alibi_edu.plots import (
    Picture,
    attention_maps,
    beta_sweeps,
    bias_heatmap,
    bias_row_and_map,
    bias_row_bars,
    head_grid,
    heatmap_row,
    heatmaps,
    line_chart,
    loss_vs_length,
    slopes_plot,
    training_curves,
    weight_bars,
    weight_by_distance_plot,
    weights_heatmap,
)
from alibi_edu.style import OKABE_ITO, contrast_ratio


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _main_image(fig: Figure):
    [image] = [im for ax in fig.axes for im in ax.images]
    return image


def _has_colorbar(fig: Figure) -> bool:
    return any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def _causal_bias(length=6, beta=0.5):
    return ae.linear_bias(length, beta=beta) + ae.causal_mask(length)


def test_bias_heatmap_masks_exactly_the_minus_inf_cells():
    bias = _causal_bias()
    fig = bias_heatmap(bias, title="bias")
    image = _main_image(fig)
    np.testing.assert_array_equal(np.ma.getmaskarray(image.get_array()), torch.isinf(bias).numpy())
    np.testing.assert_allclose(image.get_array().compressed(), bias[torch.isfinite(bias)].numpy())
    ax = image.axes
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("key position j", "query position i", "bias")
    assert _has_colorbar(fig)
    assert "masked (−∞)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_bias_heatmap_colour_scale_is_centred_at_zero_for_both_signs():
    bias = torch.tensor([[0.0, -3.0], [1.0, 0.5]])
    image = _main_image(bias_heatmap(bias))
    assert image.norm.vmin == -image.norm.vmax == -3.0
    assert image.get_cmap().name.startswith("RdBu_r")


def test_causal_bias_heatmap_is_sequential_over_min_to_zero_with_round_ticks():
    bias = _causal_bias()
    fig = bias_heatmap(bias)
    image = _main_image(fig)
    finite = bias[torch.isfinite(bias)]
    assert (image.norm.vmin, image.norm.vmax) == (finite.min().item(), 0.0)
    assert image.get_cmap().name.startswith("Blues_r")
    colorbar_ticks = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"][0].get_yticks()
    assert all(float(t).is_integer() or float(t * 4).is_integer() for t in colorbar_ticks)


def test_bias_heatmap_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert bias_heatmap(np.zeros((3, 3)), ax=ax).figure is fig
    assert ax.images and plt.fignum_exists(fig.number)  # the caller's figure stays open for the caller to show


@pytest.mark.parametrize("row", [0, 4])
def test_highlight_outlines_the_chosen_row(row):
    fig = weights_heatmap(torch.full((5, 5), 0.2), highlight_row=row)
    ax = _main_image(fig).axes
    [outline] = [p for p in ax.patches if not p.get_fill()]
    assert outline.get_xy() == (-0.5, row - 0.5) and outline.get_height() == 1 and outline.get_width() == 5


def test_highlight_out_of_range_is_a_value_error():
    with pytest.raises(ValueError, match="highlight_row"):
        bias_heatmap(np.zeros((3, 3)), highlight_row=3)


def test_weights_heatmap_masks_the_given_cells_on_a_zero_to_one_scale():
    length = 5
    future = torch.isinf(ae.causal_mask(length))
    q, k = torch.randn(2, length, 4, generator=torch.Generator().manual_seed(0))
    weights = ae.attention_weights(q, k, mask=ae.causal_mask(length))
    fig = weights_heatmap(weights, masked=future)
    image = _main_image(fig)
    np.testing.assert_array_equal(np.ma.getmaskarray(image.get_array()), future.numpy())
    assert (image.norm.vmin, image.norm.vmax) == (0.0, 1.0)
    assert _has_colorbar(fig)
    assert image.axes.get_xlabel() == "key position j"


def test_weights_heatmap_without_mask_masks_nothing_and_has_no_legend():
    image = _main_image(weights_heatmap(np.full((3, 4), 0.25)))
    assert not np.ma.getmaskarray(image.get_array()).any()
    assert image.axes.get_legend() is None


@pytest.mark.parametrize("call, name", [
    (lambda: bias_heatmap(np.zeros(4)), "bias"),
    (lambda: bias_heatmap(np.zeros((2, 3, 3))), "bias"),
    (lambda: weights_heatmap(np.zeros((3, 3)), masked=np.zeros((2, 3))), "masked"),
    (lambda: bias_row_bars(np.zeros((3, 3)), 0), "row"),
    (lambda: bias_row_bars(np.zeros(3), 5), "query"),
    (lambda: head_grid(np.zeros((3, 3))), "biases"),
    (lambda: head_grid(np.zeros((2, 3, 3)), slopes=[1.0]), "slopes"),
    (lambda: slopes_plot({"geo": np.zeros((2, 2))}), "geo"),
    (lambda: slopes_plot({"shared": [0.5, 0.0]}), "shared"),
])
def test_bad_shapes_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_bias_row_bars_draws_finite_bars_and_marks_query_and_masked_keys():
    bias = _causal_bias(length=6)
    query = 3
    fig = bias_row_bars(bias[query], query, title="row")
    ax = fig.axes[0]
    finite = bias[query][torch.isfinite(bias[query])].numpy()
    coloured = [p for p in ax.patches if p.get_hatch() is None]
    np.testing.assert_allclose([p.get_height() for p in coloured], finite)
    assert len([p for p in ax.patches if p.get_hatch()]) == 6 - (query + 1)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"query i = {query}" in labels and "masked (−∞)" in labels
    assert ax.get_xlabel() == "key position j"


def test_head_grid_one_panel_per_head_with_shared_scale_and_slope_titles():
    heads, length = 6, 5
    slopes = ae.geometric_slopes(heads)
    fig = head_grid(ae.alibi_bias(heads, length) + ae.causal_mask(length), slopes=slopes, title="heads")
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == heads
    assert len({(im.norm.vmin, im.norm.vmax) for im in images}) == 1
    assert [im.axes.get_title() for im in images][0] == f"head 1: m = {slopes[0].item():.3g}"
    assert all(np.ma.getmaskarray(im.get_array()).sum() == length * (length - 1) // 2 for im in images)
    assert _has_colorbar(fig)


def test_head_grid_single_head():
    fig = head_grid(ae.alibi_bias(1, 3))
    assert len([im for ax in fig.axes for im in ax.images]) == 1


def test_slopes_plot_log_axis_one_line_per_set():
    sets = {"geometric": ae.geometric_slopes(12), "shared β": torch.full((12,), 0.1)}
    fig = slopes_plot(sets)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines] == list(sets)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sets["geometric"].numpy())
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 13))
    assert ax.get_xlabel() == "head index k"


def test_head_rows_one_row_per_head_numbered_from_1_weights_in_log10():
    heads, length = 5, 12
    bias = ae.alibi_bias(heads, length) + ae.causal_mask(length)
    zeros = torch.zeros(heads, length, 4)
    weights = ae.attention_weights(zeros, zeros, bias=bias, bias_in_scale=False)
    fig = heatmaps.head_rows(bias[:, -1], weights[:, -1], query=length - 1)
    left, right = [im for ax in fig.axes for im in ax.images]
    np.testing.assert_allclose(left.get_array(), bias[:, -1].numpy())
    np.testing.assert_allclose(right.get_array(), np.log10(np.maximum(weights[:, -1].double().numpy(), 1e-4)))
    assert list(left.axes.get_yticks()) == [1, 2, 3, 4, 5] and left.axes.get_ylabel() == "head k"
    assert left.get_cmap().name.startswith("Blues_r")
    with pytest.raises(ValueError, match="weights has shape"):
        heatmaps.head_rows(bias[:, -1], weights[:3, -1], query=length - 1)


# ----------------------------------------------------------------------------- text alternatives, not colour alone

def test_picture_carries_its_alt_text_in_png_metadata_html_and_plain_text():
    picture = bias_heatmap(_causal_bias())
    data, metadata = picture._repr_mimebundle_()
    assert metadata["image/png"]["alt"] == picture.alt == data["text/plain"]
    assert data["image/png"] and f'alt="{html.escape(picture.alt)}"' in data["text/html"]
    assert plt.get_fignums() == []  # closed: the inline backend does not show it a second time


def test_alt_text_escapes_html():
    fig, _ = plt.subplots()
    html = Picture(fig, 'a "quoted" <b>')._repr_mimebundle_()[0]["text/html"]
    assert 'alt="a &quot;quoted&quot; &lt;b&gt;"' in html


def test_same_figure_two_parameter_sets_two_alt_texts_that_state_the_data():
    half, one = bias_heatmap(_causal_bias(12, 0.5)), bias_heatmap(_causal_bias(12, 1.0))
    assert half.alt != one.alt
    assert "−5.5 at i = 11, j = 0" in half.alt and "−11 at i = 11, j = 0" in one.alt
    assert "0 on the diagonal" in half.alt and "Future keys (j > i) are masked" in half.alt


def _every_figure():
    q, k = torch.randn(2, 6, 4, generator=torch.Generator().manual_seed(0))
    mask = ae.causal_mask(6)
    weights = ae.attention_weights(q, k, mask=mask)
    maps = torch.stack([weights, weights.flip(0)])
    return {
        "bias_heatmap": bias_heatmap(_causal_bias()),
        "weights_heatmap": weights_heatmap(weights, masked=mask.isinf()),
        "bias_row_bars": bias_row_bars(_causal_bias()[3], 3),
        "head_grid": head_grid(ae.alibi_bias(4, 5), slopes=ae.geometric_slopes(4)),
        "slopes_plot": slopes_plot({"a": ae.geometric_slopes(4), "b": torch.full((4,), 0.1)}),
        "heatmap_row": heatmap_row({"scores": ae.attention_scores(q, k, mask=mask)}, weights={"w": weights},
                                   masked=mask.isinf()),
        "bias_row_and_map": bias_row_and_map(_causal_bias(), 2),
        "weight_bars": weight_bars({"+": weights[5], "−": weights[5].flip(0)}, query=5),
        "line_chart": line_chart({"a": ([1, 2, 3], [3, 1, 2]), "b": ([1, 2, 3], [1, 2, 3])}, xlabel="x", ylabel="y"),
        "loss_vs_length": loss_vs_length({"alibi": {64: 2.0, 128: 2.1}, "sin": {64: 2.0, 128: 3.0}}, train_len=64),
        "training_curves": training_curves({"alibi": np.linspace(4, 2, 50), "sin": np.linspace(4, 2.5, 50)}),
        "beta_sweeps": beta_sweeps({"copy": ([0.1, 1.0], np.array([[2.0, 2.1], [1.5, 1.6]]))}),
        "attention_maps": attention_maps(maps),
        "weight_by_distance_plot": weight_by_distance_plot(np.array([[1, 0.5, 0.2], [1, 0.9, 0.8]]), [0.5, 0.1]),
    }


def test_every_figure_is_a_picture_with_alt_text_that_names_its_numbers():
    for name, picture in _every_figure().items():
        assert isinstance(picture, Picture), name
        assert len(picture.alt) > 40 and any(ch.isdigit() for ch in picture.alt), (name, picture.alt)


def test_no_two_series_differ_by_colour_alone():
    """Every pair of lines with data differs in marker or line style too; bars in hatch; colours are Okabe-Ito."""
    for name, picture in _every_figure().items():
        for ax in picture.figure.axes:
            lines = [line for line in ax.lines if len(line.get_xdata()) > 1 and line.get_alpha() in (None, 1)
                     and not line.get_label().startswith("_") and line.get_linewidth() > 1]
            looks = {(line.get_marker(), str(line.get_linestyle())) for line in lines}
            assert len(looks) == len(lines), (name, [line.get_label() for line in lines])
            for line in lines:
                colour = matplotlib.colors.to_hex(line.get_color()).upper()
                assert colour in OKABE_ITO or colour[1:3] == colour[3:5] == colour[5:], (name, colour)  # or grey
    bars = _every_figure()["weight_bars"].figure.axes[0].patches
    assert len({p.get_hatch() for p in bars}) == 2


def test_okabe_ito_lines_have_graphic_contrast_and_text_is_dark():
    assert all(contrast_ratio(c) >= 3 for c in OKABE_ITO[:5])
    for picture in _every_figure().values():
        for text in picture.figure.findobj(matplotlib.text.Text):
            if text.get_text().strip():
                assert contrast_ratio(text.get_color()) >= 4.5, text.get_text()
