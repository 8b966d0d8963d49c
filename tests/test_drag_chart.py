"""l1l2.drag: the HTML the chart with points to drag starts from (the page's script is tested in
tests/browser/test_drag.py)."""

from __future__ import annotations

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
        fit = regression.solve(X, Y, loss=loss, delta=0.8)
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
