"""No legend covers what a figure draws.

Every figure of :mod:`l1l2.plotting` is drawn as the book draws it (with the chapters' own
settings where a chapter calls the function), and so are the two explorers of
:mod:`l1l2.widgets`. Each is read back from its artists: every line (sampled along its
segments, about one point a pixel), marker, bar, histogram outline, band and label of a panel,
in display pixels. None of those points may lie under that panel's legend. This reads only what
was drawn, with its own sampling: it does not ask the package where data are.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import matplotlib

matplotlib.use("Agg")  # before pyplot: draw off screen

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import Collection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from l1l2 import data, gd, plotting, regression, schedules, widgets


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# What a panel draws, as points in display pixels
# ---------------------------------------------------------------------------------------------


def along(xy: np.ndarray, closed: bool = False) -> np.ndarray:
    """Points along the polyline ``xy`` (display px), at most a pixel apart; gaps (NaN) skipped."""
    if closed and len(xy):
        xy = np.vstack([xy, xy[:1]])
    points = [xy[np.all(np.isfinite(xy), axis=1)]]
    for a, b in pairwise(xy):
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            continue
        count = int(min(np.hypot(*(b - a)), 4000.0)) + 2
        t = np.linspace(0.0, 1.0, count)[:, np.newaxis]
        points.append(a + t * (b - a))
    return np.vstack(points) if points else np.empty((0, 2))


def filled(box: Bbox) -> np.ndarray:
    """A grid of points over the area ``box`` (display px), one every 2 px, edges included."""
    xs = np.linspace(box.x0, box.x1, max(2, int(box.width / 2) + 2))
    ys = np.linspace(box.y0, box.y1, max(2, int(box.height / 2) + 2))
    return np.array(np.meshgrid(xs, ys)).reshape(2, -1).T


def line_points(line: Line2D) -> np.ndarray:
    xy = line.get_transform().transform(line.get_xydata())
    if line.get_linestyle() not in ("None", "", " "):
        return along(xy)
    if line.get_marker() not in ("None", "", " ", None):
        return xy[np.all(np.isfinite(xy), axis=1)]
    return np.empty((0, 2))


def collection_points(collection: Collection) -> np.ndarray:
    if isinstance(collection, PathCollection):  # scatter: one marker per offset
        return np.asarray(collection.get_offset_transform().transform(collection.get_offsets()))
    transform = collection.get_transform()
    parts = [along(transform.transform(path.vertices)) for path in collection.get_paths()]
    return np.vstack([np.empty((0, 2)), *parts])


def patch_points(patch: Patch, renderer: object) -> np.ndarray:
    if patch.get_fill():
        return filled(patch.get_window_extent(renderer))
    return along(patch.get_transform().transform(patch.get_path().vertices), closed=True)


def drawn_points(ax: Axes) -> dict[str, np.ndarray]:
    """Every drawn thing of ``ax`` (not its legend, grid or axes), as display points, by name."""
    renderer = ax.figure.canvas.get_renderer()
    found: dict[str, np.ndarray] = {}
    for k, artist in enumerate([*ax.lines, *ax.collections, *ax.patches, *ax.texts]):
        if not artist.get_visible():
            continue
        name = f"{type(artist).__name__} {artist.get_label()!r} ({k})"
        if isinstance(artist, Line2D):
            found[name] = line_points(artist)
        elif isinstance(artist, Collection):
            found[name] = collection_points(artist)
        elif isinstance(artist, Patch):
            found[name] = patch_points(artist, renderer)
        elif artist.get_text().strip():
            found[f"text {artist.get_text()!r} ({k})"] = filled(artist.get_window_extent(renderer))
    return found


def covered(ax: Axes) -> list[str]:
    """What the legend of ``ax`` covers inside the panel: the names of the artists under it."""
    legend = ax.get_legend()
    assert legend is not None, "a figure of several series without a legend"
    box = legend.get_window_extent(ax.figure.canvas.get_renderer())
    inside = Bbox.intersection(box, ax.bbox)
    if inside is None:
        return []  # the legend sits outside the panel
    under = []
    for name, points in drawn_points(ax).items():
        hit = (
            (points[:, 0] > inside.x0)
            & (points[:, 0] < inside.x1)
            & (points[:, 1] > inside.y0)
            & (points[:, 1] < inside.y1)
        )
        if np.any(hit):
            under.append(f"{name}: {int(hit.sum())} points")
    return under


def assert_no_legend_covers_data(figure: Figure) -> None:
    figure.canvas.draw()
    problems = {
        f"panel {k}": covered(ax)
        for k, ax in enumerate(figure.axes)
        if ax.get_legend() is not None and covered(ax)
    }
    assert not problems, problems


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------


def experiment(noise: float) -> dict[str, gd.History]:
    """Chapter 8's three runs (no noise, or sigma = 5), as the chapter draws them."""
    rng = np.random.default_rng(4)
    x, y = data.linear(20, x=2.0, w=1.0)
    data.linear(20, x=2.0, w=1.0, noise=0.05, rng=rng)
    _, noisy = data.linear(20, x=2.0, w=1.0, noise=5.0, rng=rng)
    target = noisy if noise else y
    setup = {"w0": 20.0, "batch_size": 2, "epochs": 20, "reduction": "sum", "lr": 0.01}
    return {
        "l1": gd.fit(x, target, loss="l1", **setup),
        "l2": gd.fit(x, target, loss="l2", **setup),
        "huber": gd.fit(x, target, loss="huber", delta=5.0, **setup),
    }


def few_runs() -> gd.History:
    x, y = data.linear(20, x=2.0, noise=5.0, runs=4, rng=3)
    return gd.fit(x, y, loss="l1", w0=20.0, lr=0.01, batch_size=2, epochs=2, reduction="sum")


def rates() -> dict[str, gd.History]:
    x, y = data.linear(20, x=2.0, noise=5.0, rng=0)
    setup = {"w0": 20.0, "batch_size": 2, "epochs": 10, "reduction": "sum"}
    return {f"L2, lr = {lr:g}": gd.fit(x, y, loss="l2", lr=lr, **setup) for lr in (0.01, 0.1, 0.13)}


def spread() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        name: rng.normal(1.0, 0.1 * (k + 1), 500) for k, name in enumerate(("l1", "l2", "huber"))
    }


def apple_bars_on_a_log_axis() -> Axes:
    """Chapter 11's apple bars: three panels, log axes, legends asked for at the upper left."""
    truth, forecasts = data.apple_harvest()
    axes = plotting.new_axes(1, nrows=3, height=7.2)
    for ax, third in zip(axes, (105.0, 150.0, 300.0), strict=True):
        plotting.plot_penalty_bars(truth, [forecasts[0], forecasts[1], third], ax=ax)
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylim(0.0, 1e8)
        ax.legend(loc="upper left")
    return axes[0]


def phone_fits() -> Axes:
    year, calls = data.belgian_phones()
    fits = [regression.solve(year, calls, loss=loss) for loss in ("l1", "l2", "huber")]
    return plotting.plot_fits(year, calls, fits, xlabel="year (19..)", ylabel="calls (millions)")


FIGURES: dict[str, Callable[[], object]] = {
    "plot_penalties": lambda: plotting.plot_penalties(10.0, marks=(2.0, 10.0)),
    "plot_penalties, four losses": lambda: plotting.plot_penalties(
        6.0, losses_to_show=("signed", "l1", "l2", "huber"), delta=2.0
    ),
    "plot_gradients": lambda: plotting.plot_gradients(6.0, delta=2.0),
    "plot_penalty_bars": lambda: plotting.plot_penalty_bars([100, 100, 100], [90, 95, 105]),
    "plot_penalty_bars, an outlier": lambda: plotting.plot_penalty_bars(
        [100, 100, 100, 100], [90, 95, 105, 150]
    ),
    "plot_penalty_bars on a log axis (chapter 11)": apple_bars_on_a_log_axis,
    "plot_loss, few runs": lambda: plotting.plot_loss(few_runs()),
    "plot_w, references and band": lambda: plotting.plot_w(
        few_runs(), true_w=1.0, settle=0.9, band=(0.8, 1.0)
    ),
    "plot_experiment, no noise (chapter 8)": lambda: plotting.plot_experiment(
        experiment(0.0), true_w=1.0, loss_scale="symlog", title="No noise"
    ),
    "plot_experiment, sigma = 5 (chapter 8)": lambda: plotting.plot_experiment(
        experiment(5.0), true_w=1.0, loss_scale="symlog", title="Noise sigma = 5"
    ),
    "plot_experiment, three rates": lambda: plotting.plot_experiment(
        rates(), true_w=1.0, loss_scale="symlog"
    ),
    "plot_lr": lambda: plotting.plot_lr(
        {
            "inverse time": schedules.inverse_time(0.01, decay=1 / 2000),
            "exponential": schedules.exponential(0.01, rate=0.9999),
        },
        4000,
    ),
    "plot_spread, histograms": lambda: plotting.plot_spread(spread(), true_w=1.0),
    "plot_spread, boxes": lambda: plotting.plot_spread(spread(), true_w=1.0, kind="box"),
    "plot_total_loss, l1": lambda: plotting.plot_total_loss(
        2.0, [1.0, 2.0, 2.5, 6.0], loss="l1", true_w=1.0
    ),
    "plot_total_loss, l2": lambda: plotting.plot_total_loss(
        2.0, [1.0, 2.0, 2.5, 6.0], loss="l2", true_w=1.0
    ),
    "plot_total_loss, huber": lambda: plotting.plot_total_loss(
        2.0, [1.0, 2.0, 2.5, 6.0], loss="huber", true_w=1.0
    ),
    "plot_fits": phone_fits,
    "the explorer (l1l2.widgets)": lambda: widgets.explorer(epochs=2, noise=5.0).figure,
    "the apple explorer (l1l2.widgets)": lambda: widgets.apple_explorer().figure,
}


def figure_of(drawn: object) -> Figure:
    if isinstance(drawn, Figure):
        return drawn
    first = np.ravel(np.asarray(drawn, dtype=object))[0]
    return first.figure  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(FIGURES))
def test_no_legend_covers_what_the_figure_draws(name: str) -> None:
    assert_no_legend_covers_data(figure_of(FIGURES[name]()))


def test_a_legend_zoomed_onto_after_drawing_moves_off_the_data() -> None:
    # A chapter may zoom after the plotting function returned (chapter 11 does): the legend is
    # placed when the figure is drawn, on the final limits.
    left, right = plotting.plot_experiment(rates(), true_w=1.0, loss_scale="symlog")
    right.set_xlim(0, 50)
    right.set_ylim(-30.0, 50.0)
    assert_no_legend_covers_data(left.figure)


def test_the_check_sees_a_legend_over_a_line() -> None:
    # The check itself bites: a legend forced onto a line that crosses the whole panel.
    (ax,) = plotting.new_axes(1, width=4.0)
    ax.plot([0.0, 1.0], [0.5, 0.5], label="across")
    ax.plot([0.0, 1.0], [0.0, 1.0], label="diagonal")
    legend = ax.legend(loc="center")
    ax.figure.canvas.draw()
    legend.set_loc("center")  # put it back where the test wants it, after the placement
    assert covered(ax)


def test_an_empty_legend_over_the_data_moves_too() -> None:
    (ax,) = plotting.new_axes(1, width=3.0, height=2.0)
    xs = np.linspace(0.0, 1.0, 50)
    for shift in np.linspace(0.0, 1.0, 12):  # lines everywhere: no free spot in the panel
        ax.plot(xs, np.full_like(xs, shift))
        ax.plot(np.full_like(xs, shift), xs)
    ax.legend(handles=[], loc="center", title="nothing")
    assert_no_legend_covers_data(ax.figure)
