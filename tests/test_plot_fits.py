"""``plotting.plot_fits``: the data and any number of fitted lines, checked on what is drawn."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from l1l2 import data, plotting, regression


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def phones() -> tuple[np.ndarray, np.ndarray]:
    return data.belgian_phones()


def test_each_fit_is_its_line_over_the_range_of_x(phones):
    year, calls = phones
    fits = [regression.solve(year, calls, loss=loss) for loss in ("l1", "l2", "huber")]
    ax = plotting.plot_fits(year, calls, fits)
    lines = [line for line in ax.get_lines() if str(line.get_gid()).startswith("fit-")]
    assert [line.get_gid() for line in lines] == ["fit-l1", "fit-l2", "fit-huber"]
    for line, fit in zip(lines, fits, strict=True):
        x, y = line.get_data()
        assert x == pytest.approx([year.min(), year.max()])
        # the line's own formula, b + slope * x, not the function under test
        assert y == pytest.approx(fit.intercept + fit.slope * np.asarray(x))
        assert to_hex(line.get_color()) == plotting.LOSS_COLORS[fit.loss].lower()


def test_the_data_are_drawn_as_given(phones):
    year, calls = phones
    ax = plotting.plot_fits(year[:, None], calls, regression.solve(year, calls, loss="l2"))
    (points,) = [c for c in ax.collections if c.get_gid() == "data"]
    assert np.asarray(points.get_offsets()) == pytest.approx(np.column_stack([year, calls]))


def test_legend_names_each_loss_and_a_huber_delta(phones):
    year, calls = phones
    fits = [
        regression.solve(year, calls, loss="huber", delta=1.0),
        regression.solve(year, calls, loss="huber", delta=20.0),
    ]
    ax = plotting.plot_fits(year, calls, fits, xlabel="year (19..)", ylabel="calls (millions)")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["data", "Huber (δ = 1)", "Huber (δ = 20)"]
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert styles == ["-.", "--"]  # Huber's dash-dot; a second Huber line takes the next style
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("year (19..)", "calls (millions)")


def test_draws_into_the_given_axes(phones):
    year, calls = phones
    _, ax = plt.subplots()
    assert plotting.plot_fits(year, calls, [regression.solve(year, calls, loss="l1")], ax=ax) is ax


@pytest.mark.parametrize("fits", [[], "l1", [1.0], {"l1": 1}])
def test_rejects_what_is_not_fits(phones, fits):
    year, calls = phones
    with pytest.raises(TypeError, match=r"fits must be an l1l2\.regression\.Fit"):
        plotting.plot_fits(year, calls, fits)


def test_rejects_two_features_and_mismatched_y(phones):
    year, calls = phones
    plane = regression.solve(np.column_stack([year, year**2]), calls, loss="l2")
    with pytest.raises(ValueError, match="one feature"):
        plotting.plot_fits(year, calls, plane)
    line = regression.solve(year, calls, loss="l2")
    with pytest.raises(ValueError, match="X must hold one feature"):
        plotting.plot_fits(np.column_stack([year, year]), calls, line)
    with pytest.raises(ValueError, match="y must have one value per row"):
        plotting.plot_fits(year, calls[:-1], line)
