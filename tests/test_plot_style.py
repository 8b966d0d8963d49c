"""The book's figure style: drawn for the text column, text recorded, series told apart.

The browser test measures how large each figure's text is shown on the page; these tests check
what it relies on (the size of the figure and the record in its PNG), and that a figure with
several series tells them apart by colour and by line style, with a legend.
"""

from __future__ import annotations

import io

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from PIL import Image

from l1l2 import data, gd, plotting
from l1l2.schedules import exponential, inverse_time


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def _series(ax: Axes) -> list[Line2D]:
    """The labelled data lines of ``ax`` (reference lines such as the true w excluded)."""
    return [
        line
        for line in ax.get_lines()
        if not line.get_label().startswith("_") and line.get_gid() not in {"true_w", "settle"}
    ]


def _assert_told_apart(ax: Axes, count: int) -> None:
    lines = _series(ax)
    assert len(lines) == count, [line.get_label() for line in lines]
    colours = {mpl.colors.to_hex(line.get_color()) for line in lines}
    styles = {str(line.get_linestyle()) for line in lines}
    assert len(colours) == count, f"series share a colour: {colours}"
    assert len(styles) == count, f"series share a line style: {styles}"
    legend = ax.get_legend()
    assert legend is not None, "several series and no legend"
    shown = {text.get_text() for text in legend.get_texts()}
    assert {line.get_label() for line in lines} <= shown


def test_a_figure_is_as_wide_as_the_column_its_panels_share() -> None:
    for ncols in (1, 2, 3):
        fig = plotting.new_axes(ncols)[0].figure
        assert fig.get_size_inches()[0] == pytest.approx(plotting.COLUMN_WIDTH)
        assert fig.dpi == plotting.FIGURE_DPI


def test_a_figure_wider_than_the_column_is_refused() -> None:
    with pytest.raises(ValueError, match="width must be at most COLUMN_WIDTH"):
        plotting.new_axes(2, width=plotting.COLUMN_WIDTH + 1)


def test_rows_of_panels_come_back_flat() -> None:
    axes = plotting.new_axes(2, nrows=3)
    assert axes.shape == (6,)
    assert all(isinstance(ax, Axes) for ax in axes)


def test_the_png_records_the_smallest_text_and_its_dpi() -> None:
    ax = plotting.plot_penalties(5.0)
    ax.set_title("a title")
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", bbox_inches="tight")
    image = Image.open(io.BytesIO(buffer.getvalue()))
    smallest = min(plotting.STYLE.values())
    assert float(image.info[plotting.PNG_TEXT_KEY]) == smallest
    assert image.info["dpi"][0] == pytest.approx(plotting.FIGURE_DPI, rel=1e-3)
    # drawn at the column width, shown 1:1, that text is at least 9 CSS px
    assert smallest * plotting.FIGURE_DPI / 72 >= 9.0


def test_the_record_follows_a_smaller_text_drawn_later() -> None:
    ax = plotting.new_axes(1)[0]
    ax.annotate("small", (0.5, 0.5), fontsize=6)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    assert Image.open(io.BytesIO(buffer.getvalue())).info[plotting.PNG_TEXT_KEY] == "6"


def test_runs_side_by_side_are_told_apart_by_their_learning_rate() -> None:
    x, y = data.linear(20)
    rates = np.array([0.001, 0.005, 0.01, 0.02])
    history = gd.fit(x, y, loss="l2", w0=20.0, lr=rates, batch_size=2, epochs=2)
    ax = plotting.plot_w(history, true_w=1.0)
    _assert_told_apart(ax, 4)
    assert [line.get_label() for line in _series(ax)] == [f"lr = {r:g}" for r in rates]


def test_many_runs_stay_one_bundle() -> None:
    x, y = data.linear(20, noise=1.0, runs=50, rng=0)
    history = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=2)
    ax = plotting.plot_w(history, label="50 data sets")
    assert len(ax.get_lines()) == 50
    assert {str(line.get_linestyle()) for line in ax.get_lines()} == {"-"}


def test_the_losses_of_an_experiment_are_told_apart() -> None:
    x, y = data.linear(20)
    runs = {
        name: gd.fit(x, y, loss=name, w0=20.0, lr=0.01, batch_size=2, epochs=2)
        for name in ("l1", "l2", "huber")
    }
    left, right = plotting.plot_experiment(runs, title="three losses")
    _assert_told_apart(left, 3)
    _assert_told_apart(right, 3)
    # The title takes the book's title size (11 pt), not Matplotlib's "large" (12 pt).
    assert left.figure.get_suptitle() == "three losses"
    assert left.figure._suptitle.get_fontsize() == 11.0


@pytest.mark.parametrize("draw", [plotting.plot_penalties, plotting.plot_gradients])
def test_per_sample_curves_are_told_apart(draw: object) -> None:
    ax = draw(5.0, losses_to_show=("l1", "l2", "huber"), delta=2.0)  # type: ignore[operator]
    lines = [line for line in _series(ax) if line.get_gid() in {"l1", "l2", "huber"}]
    assert len({str(line.get_linestyle()) for line in lines}) == 3


def test_schedules_are_told_apart() -> None:
    ax = plotting.plot_lr(
        {"inverse": inverse_time(0.01, decay=1 / 2000), "exp": exponential(0.01, rate=0.999)},
        100,
    )
    _assert_told_apart(ax, 2)


def test_histograms_are_told_apart() -> None:
    rng = np.random.default_rng(0)
    ax = plotting.plot_spread({"l1": rng.normal(size=50), "l2": rng.normal(size=50)})
    styles = {str(patch.get_linestyle()) for patch in ax.patches}
    assert len(styles) == 2
