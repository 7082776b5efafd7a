"""figure_picker: one control per argument, the figure of the current values, a PNG for renderers without widgets."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from alibi_edu.widgets import figure_picker


def line_figure(setting: str, layer: int):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, layer], [0, 1 if setting == "up" else -1])
    return fig


def test_controls_follow_the_arguments_and_repaint():
    calls = []
    picker = figure_picker(lambda setting, layer: calls.append((setting, layer)) or line_figure(setting, layer),
                           setting=["up", "down"], layer=(1, 3))
    assert picker.values == {"setting": "up", "layer": 1} and calls == [("up", 1)]
    first = bytes(picker.picture.value)
    assert first.startswith(b"\x89PNG")
    picker.controls["setting"].value = "down"
    picker.controls["layer"].value = 3
    assert calls[-1] == ("down", 3) and bytes(picker.picture.value) != first
    assert picker.controls["layer"].min == 1 and picker.controls["layer"].max == 3


def test_display_data_carries_the_picture():
    picker = figure_picker(line_figure, setting=["up"], layer=(1, 2))
    bundle = picker._repr_mimebundle_()
    assert {"image/png", "application/vnd.jupyter.widget-view+json", "text/plain"} <= set(bundle)
    assert "layer" in bundle["text/plain"]


@pytest.mark.parametrize("draw, choices, error", [
    ("not a function", {"layer": (1, 2)}, TypeError),
    (line_figure, {}, ValueError),
    (line_figure, {"setting": [], "layer": (1, 2)}, ValueError),
    (line_figure, {"setting": ["up"], "layer": (3, 1)}, ValueError),
    (lambda setting, layer: "no figure", {"setting": ["up"], "layer": (1, 2)}, TypeError),
])
def test_bad_input_is_named(draw, choices, error):
    with pytest.raises(error):
        figure_picker(draw, **choices)
