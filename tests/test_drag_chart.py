"""l1l2.drag: the HTML the chart with points to drag starts from (the page's script is tested in
tests/browser/test_drag.py)."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

from l1l2 import drag, regression

X = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
Y = np.array([1.0, 2.5, 2.9, 4.2, 5.1, 20.0])


def attribute(text: str, name: str):
    return json.loads(html.unescape(re.search(rf'{name}="([^"]*)"', text)[1]))


def test_the_html_holds_the_points_the_settings_and_solves_fits():
    chart = drag.drag_chart(X, Y, delta=0.8, x_label="x (m)", y_label="y (s)", name="c1")
    text = chart._repr_html_()
    assert text.startswith('<div class="l1l2-drag" id="c1"')
    assert attribute(text, "data-points") == [[a, b] for a, b in zip(X, Y, strict=True)]
    fits = attribute(text, "data-fits")
    for loss in ("l2", "l1", "huber"):
        fit = regression.solve(X, Y, loss=loss, **({"delta": 0.8} if loss == "huber" else {}))
        assert fits[loss] == {"intercept": fit.intercept, "slope": fit.slope}
    settings = attribute(text, "data-settings")
    assert settings["delta"] == 0.8
    assert settings["x_label"] == "x (m)"
    assert settings["lines"] == {key: list(value) for key, value in drag.LINES.items()}
    assert 'aria-live="polite"' in text


def test_the_equations_are_shown_as_text_for_every_frontend():
    chart = drag.drag_chart(X, Y)
    items = re.findall(r'<li data-loss="(\w+)">([^<]*)</li>', chart.to_html())
    assert [loss for loss, _ in items] == ["l2", "l1", "huber"]
    assert [html.unescape(text) for _, text in items] == repr(chart).splitlines()


def test_the_default_axes_pad_the_data_by_a_quarter_of_its_range():
    settings = drag.drag_chart(X, Y).settings
    assert settings["x_range"] == [-1.25, 6.25]
    assert settings["x_step"] == pytest.approx(0.075)


@pytest.mark.parametrize(
    ("value", "text"),
    [(-2.6236363636, "-2.62364"), (1.0, "1"), (-0.0, "0"), (123456789.0, "1.23457e+08")],
)
def test_equation_rounds_to_six_significant_digits(value, text):
    assert drag.equation("l2", intercept=value, slope=1.0).split(" = ")[1].split(" ")[0] == text


def test_a_negative_slope_is_written_with_a_minus():
    assert drag.equation("huber", intercept=1.0, slope=-2.5) == "Huber: y = 1 - 2.5 x"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [1.0, 2.0], "y": [1.0, 2.0]}, "3 <= n <= 40"),
        ({"x": X, "y": Y[:-1]}, "shape"),
        ({"x": X, "y": Y, "delta": 0.0}, "delta"),
        ({"x": X, "y": Y, "x_range": (1.0, 2.0)}, "x_range"),
        ({"x": X, "y": Y, "y_range": (5.0, 0.0)}, "y_range"),
        ({"x": X, "y": Y, "x_label": ""}, "x_label"),
        ({"x": [1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0]}, "linearly independent"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_it(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        drag.drag_chart(**kwargs)


def test_equation_rejects_an_unknown_line():
    with pytest.raises(ValueError, match="loss must be one of"):
        drag.equation("signed", intercept=0.0, slope=1.0)


def test_the_lines_take_label_colour_and_dash_from_the_vocabulary():
    """Written out: L2 orange dashed, abs L1 blue solid, Huber bluish green dash-dotted."""
    assert drag.LINES == {
        "l2": ("L2 (least squares)", "#E69F00", "6 3"),
        "l1": ("abs L1", "#0072B2", "1 0"),
        "huber": ("Huber", "#009E73", "8 3 2 3"),
    }


def test_the_html_holds_a_static_picture_of_the_points_and_lines():
    """What a notebook shows (the page's script replaces it by the chart)."""
    chart = drag.drag_chart(X, Y, x_label="x (m)", y_label="y (s)")
    match = re.search(
        r'<img class="l1l2-drag-fallback" src="data:image/png;base64,([^"]+)" '
        r'alt="([^"]+)"',
        chart.to_html(),
    )
    assert match, chart.to_html()[:300]
    assert base64.b64decode(match[1]) == chart.png
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    alt = html.unescape(match[2])
    assert alt.startswith("x (m) against y (s): 6 points and ")
    assert all(line in alt for line in repr(chart).splitlines())


def test_the_picture_draws_the_data_and_the_three_lines_across_the_axes(monkeypatch):
    """The figure is drawn with plotting.plot_fits, each line spanning the chart's x axis."""
    import matplotlib.pyplot as plt  # noqa: PLC0415

    from l1l2 import plotting  # noqa: PLC0415

    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    chart = drag.drag_chart(X, Y, x_range=(-1.0, 6.0), y_range=(-2.0, 22.0))
    (figure,) = drawn
    (ax,) = figure.axes
    assert ax.get_xlim() == (-1.0, 6.0)
    assert ax.get_ylim() == (-2.0, 22.0)
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert set(lines) == {"fit-l2", "fit-l1", "fit-huber"}
    for key, line in lines.items():
        fit = chart.fits[key.removeprefix("fit-")]
        assert list(line.get_xdata()) == [-1.0, 6.0]
        expected = [fit["intercept"] + fit["slope"] * x for x in (-1.0, 6.0)]
        assert list(line.get_ydata()) == pytest.approx(expected)
        assert line.get_color() == plotting.color_for(key.removeprefix("fit-"))
    (data,) = [c for c in ax.collections if c.get_gid() == "data"]
    np.testing.assert_array_equal(data.get_offsets(), np.column_stack([X, Y]))
    monkeypatch.undo()
    plt.close(figure)
