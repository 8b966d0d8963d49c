"""The colours, line styles and markers of every figure, read from what was drawn.

Each test draws a figure of :mod:`l1l2.plotting` or an explorer of :mod:`l1l2.widgets` and reads
its Matplotlib artists (``get_color``, ``get_linestyle``, ``get_marker``, bar and band face
colours, hatches, and the legend's own handles) against the book's vocabulary written out below
as literals: what the captions and alt texts tell the reader ("abs L1 (blue)", "L2 (orange)",
"Huber (green)", "the true w = 1 (long dashes)", "the settle point dotted", "hatched orange bars",
"a dashed blue and a dotted orange line for the L1 and L2 totals"), with the Okabe-Ito hex code
of each named colour. Nothing here asks the package for a colour, so a colour swapped in the
package, a dash turned into dots, or a marker changed fails a test here.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")  # before pyplot: draw off screen

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from l1l2 import cli, data, gd, plotting, schedules, widgets

# ---------------------------------------------------------------------------------------------
# The book's vocabulary, written out (not read from the package)
# ---------------------------------------------------------------------------------------------

# The Okabe-Ito colours the captions name.
BLUE = "#0072b2"  # abs L1; the first of several runs or schedules
ORANGE = "#e69f00"  # L2; the second
GREEN = "#009e73"  # Huber ("bluish green"); the third
VERMILLION = "#d55e00"  # signed L1
PURPLE = "#cc79a7"  # "reddish purple": the settle point, abs L1's flat bottom
BLACK = "#000000"  # the apple explorer's mean lines
GREY = "#555555"  # reference lines: the true w, r = 0, r = ±δ, the samples
WHITE = "#ffffff"  # every figure's background (readable on a dark page)


class Style(NamedTuple):
    """How one artist looks: colour, line style ('-', '--', ':', 'None' or a dash pattern
    ``(0, (on, off, ...))``) and marker."""

    color: str
    linestyle: str | tuple[float, tuple[float, ...]] = "-"
    marker: str = "None"


# One row per loss: the legend label and the colour of its curves, bars and runs.
LOSS = {
    "signed": ("signed L1", VERMILLION),
    "l1": ("abs L1", BLUE),
    "l2": ("L2", ORANGE),
    "huber": ("Huber", GREEN),
}
# The line style of each loss's curves wherever several series share a panel: abs L1 solid,
# L2 dashed, Huber dash-dotted, signed L1 dotted (a second cue beside the colour).
DASH = {"signed": ":", "l1": "-", "l2": "--", "huber": "-."}
# Several runs or schedules that are not losses take the palette and these styles in order.
FIRST_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE)
FIRST_DASHES = ("-", "--", "-.", ":")
# "the true w = 1 (long dashes)": dashes of 10 line widths, gaps of 4
TRUE_W = Style(GREY, (0, (10, 4)))
SETTLE = Style(PURPLE, ":")  # "the settle point dotted", "its centre (dotted)"
DELTA_EDGE = Style(GREY, ":")  # "Huber's slope ... up to delta (dotted lines)"
SAMPLE_TICKS = Style(GREY, "None", "|")  # the samples y / x along the bottom of the total loss
PENALTY_MARK = "o"  # the marked penalties of plot_penalties, in the loss's colour, no line


# ---------------------------------------------------------------------------------------------
# Reading what was drawn
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def hex_of(color: object) -> str:
    return to_hex(color, keep_alpha=False)  # type: ignore[arg-type]


def dash_pattern(line: Line2D) -> object:
    """The dashes a line is drawn with (a custom dash reports its style as '--' all the same)."""
    return line._unscaled_dash_pattern


def line_style(line: Line2D) -> Style:
    return Style(hex_of(line.get_color()), line.get_linestyle(), line.get_marker())


def assert_line(line: Line2D, want: Style) -> None:
    named = Line2D([], [], linestyle=want.linestyle)
    expected = Style(want.color, named.get_linestyle(), want.marker)
    assert line_style(line) == expected, (line.get_gid(), line.get_label())
    assert dash_pattern(line) == dash_pattern(named), (line.get_gid(), "dash pattern")


def drawn(ax, gid: str) -> list:
    found = [a for a in (*ax.lines, *ax.patches, *ax.collections) if a.get_gid() == gid]
    assert found, (gid, sorted({str(a.get_gid()) for a in (*ax.lines, *ax.patches)}))
    return found


def one_line(ax, gid: str) -> Line2D:
    (line,) = drawn(ax, gid)
    return line


def legend_entries(ax) -> dict[str, object]:
    """The legend's text to the handle drawn beside it."""
    legend = ax.get_legend()
    assert legend is not None
    return {
        text.get_text(): handle
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }


def assert_legend(ax, want: dict[str, Style]) -> None:
    """Every expected legend entry is there, and its handle looks like the artist it names."""
    entries = legend_entries(ax)
    for label, style in want.items():
        assert label in entries, (label, list(entries))
        handle = entries[label]
        if isinstance(handle, Line2D):
            assert_line(handle, style)
        else:
            assert isinstance(handle, Patch), (label, handle)
            # a filled patch (bar, band) by its face, an outline (step histogram) by its edge
            shown = handle.get_facecolor() if handle.get_fill() else handle.get_edgecolor()
            assert hex_of(shown) == style.color, label


def source_run(loss: str, **options: object) -> gd.History:
    x, y = data.linear(20, x=2.0, w=1.0, noise=5.0, rng=3)
    settings = {"w0": 20.0, "lr": 0.01, "batch_size": 2, "epochs": 3, "reduction": "sum"}
    return gd.fit(x, y, loss=loss, **(settings | options))


# ---------------------------------------------------------------------------------------------
# l1l2.plotting
# ---------------------------------------------------------------------------------------------


def test_new_axes_background_is_opaque_white():
    (ax,) = plotting.new_axes(1)
    assert hex_of(ax.figure.patch.get_facecolor()) == WHITE
    assert ax.figure.patch.get_alpha() == 1.0


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (plotting.plot_penalties, {"losses_to_show": tuple(LOSS), "marks": (2, 5)}),
        (plotting.plot_gradients, {"losses_to_show": tuple(LOSS), "delta": 2.0}),
    ],
    ids=["plot_penalties", "plot_gradients"],
)
def test_per_sample_curves_are_solid_in_each_losss_colour(function, kwargs):
    ax = function(6.0, **kwargs)
    for name, (label, colour) in LOSS.items():
        assert_line(one_line(ax, name), Style(colour, DASH[name]))
        (entry,) = [text for text in legend_entries(ax) if text.startswith(f"{label}: ")]
        assert_legend(ax, {entry: Style(colour, DASH[name])})


def test_plot_penalties_marks_are_dots_in_the_losss_colour_with_no_line():
    ax = plotting.plot_penalties(10.0, marks=(2, 10))
    for name in ("l1", "l2"):
        colour = LOSS[name][1]
        marks = drawn(ax, f"mark {name}")
        assert len(marks) == 2
        for mark in marks:
            assert line_style(mark) == Style(colour, "None", PENALTY_MARK)
        labels = [t for t in ax.texts if hex_of(t.get_color()) == colour]
        assert len(labels) == 2, name  # each marked value printed in the loss's colour


def test_plot_gradients_marks_plus_minus_delta_with_dotted_grey_lines():
    ax = plotting.plot_gradients(5.0, delta=2.0)
    edges = drawn(ax, "delta")
    assert len(edges) == 2
    for edge in edges:
        assert_line(edge, DELTA_EDGE)
    assert_legend(ax, {"r = ±δ": DELTA_EDGE})


def test_plot_penalty_bars_solid_blue_l1_hatched_orange_l2_dashed_and_dotted_means():
    ax = plotting.plot_penalty_bars([100, 100, 100], [90, 95, 105])
    l1_bars, l2_bars = drawn(ax, "l1"), drawn(ax, "l2")
    assert len(l1_bars) == len(l2_bars) == 3
    for bar in l1_bars:
        assert hex_of(bar.get_facecolor()) == BLUE
        assert not bar.get_hatch()
    for bar in l2_bars:
        assert hex_of(bar.get_facecolor()) == ORANGE
        assert bar.get_hatch() == "//"
    assert_line(one_line(ax, "l1 mean"), Style(BLUE, "--"))
    assert_line(one_line(ax, "l2 mean"), Style(ORANGE, ":"))
    assert_legend(
        ax,
        {
            "|error| (apples)": Style(BLUE),
            "error² (apples²)": Style(ORANGE),
            "L1 = mean |error| = 6.67": Style(BLUE, "--"),
            "L2 = mean error² = 50.00": Style(ORANGE, ":"),
        },
    )


@pytest.mark.parametrize("field", ["loss", "w"])
def test_a_trajectory_is_solid_blue_unless_a_colour_is_given(field):
    function = plotting.plot_loss if field == "loss" else plotting.plot_w
    history = source_run("l2")
    assert_line(one_line(function(history), field), Style(BLUE))
    ax = function(history, color=GREEN, label="mine")
    assert_line(one_line(ax, field), Style(GREEN))
    assert_legend(ax, {"mine": Style(GREEN)})


def test_a_few_runs_take_the_palette_and_its_styles_in_order():
    x, y = data.linear(20, x=2.0, noise=5.0, runs=4, rng=3)
    few = gd.fit(x, y, loss="l1", w0=20.0, lr=0.01, batch_size=2, epochs=2, reduction="sum")
    runs = drawn(plotting.plot_w(few), "w")
    assert len(runs) == 4
    for line, colour, dash in zip(runs, FIRST_COLOURS, FIRST_DASHES, strict=False):
        assert_line(line, Style(colour, dash))


def test_many_runs_are_thin_solid_lines_of_one_colour():
    x, y = data.linear(20, x=2.0, noise=5.0, runs=12, rng=3)
    many = gd.fit(x, y, loss="l1", w0=20.0, lr=0.01, batch_size=2, epochs=2, reduction="sum")
    runs = drawn(plotting.plot_w(many), "w")
    assert len(runs) == 12
    for line in runs:
        assert_line(line, Style(BLUE))


def test_plot_w_true_w_long_dashes_settle_dotted_band_purple():
    ax = plotting.plot_w(source_run("l1"), true_w=1.0, settle=0.75, band=(0.7, 0.8), label="l1")
    assert_line(one_line(ax, "true_w"), TRUE_W)
    assert_line(one_line(ax, "settle"), SETTLE)
    (band,) = drawn(ax, "band")
    assert hex_of(band.get_facecolor()) == PURPLE
    assert_legend(
        ax,
        {
            "true w = 1": TRUE_W,
            "settle point = 0.75": SETTLE,
            "flat bottom [0.7, 0.8]": Style(PURPLE),
        },
    )


def test_plot_experiment_draws_each_loss_in_its_colour_on_both_panels():
    runs = {name: source_run(name) for name in LOSS}
    left, right = plotting.plot_experiment(runs, true_w=1.0)
    for field, ax in (("loss", left), ("w", right)):
        lines = {line.get_label(): line for line in drawn(ax, field)}
        assert set(lines) == {label for label, _ in LOSS.values()}
        for name, (label, colour) in LOSS.items():
            assert_line(lines[label], Style(colour, DASH[name]))
            assert_legend(ax, {label: Style(colour, DASH[name])})
    assert_line(one_line(right, "true_w"), TRUE_W)
    assert_legend(right, {"true w = 1": TRUE_W})
    # Without colour the lines still differ: no two entries of a legend share a dash pattern.
    for ax in (left, right):
        patterns = [str(dash_pattern(handle)) for handle in legend_entries(ax).values()]
        assert len(set(patterns)) == len(patterns), patterns


def test_plot_experiment_gives_other_keys_the_palette_in_order():
    # "the blue (0.01) and orange (0.1) losses ..., the green (0.13) loss climbs"
    runs = {f"lr {lr}": source_run("l2", lr=lr) for lr in (0.01, 0.1, 0.13)}
    left, right = plotting.plot_experiment(runs, true_w=None)
    for ax, field in ((left, "loss"), (right, "w")):
        lines = {line.get_label(): line for line in drawn(ax, field)}
        for key, colour, dash in zip(runs, FIRST_COLOURS, FIRST_DASHES, strict=False):
            assert_line(lines[key], Style(colour, dash))


def test_plot_lr_draws_the_schedules_in_palette_order():
    # "Inverse-time decay (blue) ... Exponential decay (orange)"
    chosen = {
        "inverse time": schedules.inverse_time(0.01, decay=1 / 2000),
        "exponential": schedules.exponential(0.01, rate=0.9999),
        "constant": schedules.constant(0.01),
        "fast": schedules.inverse_time(0.01, decay=0.1),
        "slow": schedules.exponential(0.01, rate=0.99),
    }
    ax = plotting.plot_lr(chosen, 100)
    for key, colour, dash in zip(chosen, FIRST_COLOURS, FIRST_DASHES, strict=False):
        assert_line(one_line(ax, key), Style(colour, dash))
        (entry,) = [text for text in legend_entries(ax) if text.startswith(f"{key}: ")]
        assert_legend(ax, {entry: Style(colour, dash)})


def spread_estimates() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        name: rng.normal(1.0, 0.1 * (k + 1), 50) for k, name in enumerate(("l1", "l2", "huber"))
    }


def test_plot_spread_histograms_are_step_lines_in_each_losss_colour():
    ax = plotting.plot_spread(spread_estimates(), true_w=1.0, kind="hist")
    for name in ("l1", "l2", "huber"):
        label, colour = LOSS[name]
        (step,) = drawn(ax, label)
        assert hex_of(step.get_edgecolor()) == colour
        assert not step.get_fill()
        # the same dashes as a patch drawn with the loss's style (matplotlib's own conversion)
        dashes = Patch(linestyle=DASH[name])._unscaled_dash_pattern
        assert step._unscaled_dash_pattern == dashes
        (entry,) = [text for text in legend_entries(ax) if text.startswith(f"{label} (std ")]
        assert_legend(ax, {entry: Style(colour, DASH[name])})
    assert_line(one_line(ax, "true_w"), TRUE_W)
    assert_legend(ax, {"true w = 1": TRUE_W})


def test_plot_spread_boxes_are_filled_with_each_losss_colour():
    # "The blue abs-L1 and green Huber boxes sit just above the long-dashed line at w = 1"
    ax = plotting.plot_spread(spread_estimates(), true_w=1.0, kind="box")
    for name in ("l1", "l2", "huber"):
        label, colour = LOSS[name]
        (box,) = drawn(ax, f"box {label}")
        assert hex_of(box.get_facecolor()) == colour
    assert_line(one_line(ax, "true_w"), TRUE_W)


@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_plot_total_loss_curve_band_samples_settle_and_true_w(loss):
    ax = plotting.plot_total_loss(2.0, [1.0, 2.0, 2.5, 6.0], loss=loss, true_w=1.0)
    label, colour = LOSS[loss]
    assert_line(one_line(ax, "total"), Style(colour, DASH[loss]))
    assert line_style(one_line(ax, "samples")) == SAMPLE_TICKS
    assert_line(one_line(ax, "settle"), SETTLE)
    assert_line(one_line(ax, "true_w"), TRUE_W)
    want = {
        f"total {label} loss": Style(colour, DASH[loss]),
        "samples, y / x": SAMPLE_TICKS,
        "true w = 1": TRUE_W,
    }
    assert_legend(ax, want)
    (settle_entry,) = [text for text in legend_entries(ax) if text.startswith("settle point = ")]
    assert_legend(ax, {settle_entry: SETTLE})
    bands = [a for a in ax.patches if a.get_gid() == "band"]
    assert len(bands) == (loss == "l1")  # "the L1 total loss ... with a shaded flat bottom"
    for band in bands:
        assert hex_of(band.get_facecolor()) == colour


# ---------------------------------------------------------------------------------------------
# l1l2.widgets
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer() -> widgets.Explorer:
    return widgets.explorer(epochs=2)


@pytest.mark.parametrize("loss", ["l1", "l2", "huber", "signed"])
def test_explorer_draws_the_chosen_loss_in_its_colour_and_line_style(explorer, loss):
    explorer.controls["loss"].value = loss
    label, colour = LOSS[loss]
    left, right = explorer.figure.axes
    drawn_as = Style(colour, DASH[loss])  # the loss's line style, as in every figure
    assert_line(one_line(left, "loss"), drawn_as)
    assert_line(one_line(right, "w"), drawn_as)
    assert_line(one_line(right, "true_w"), TRUE_W)
    assert_line(one_line(right, "settle"), SETTLE)
    assert_legend(left, {label: drawn_as})
    entries = legend_entries(right)
    assert_legend(right, {label: drawn_as})
    true_entry = next(text for text in entries if text.startswith("true w"))
    settle_entry = next(text for text in entries if "settle point" in text)
    assert_legend(right, {true_entry: TRUE_W, settle_entry: SETTLE})


def test_explorer_shades_abs_l1s_flat_bottom_purple(explorer):
    explorer.controls["loss"].value = "l1"
    explorer.controls["noise"].value = 5.0
    (band,) = drawn(explorer.figure.axes[1], "flat_bottom")
    assert band.get_visible()
    assert hex_of(band.get_facecolor()) == PURPLE
    assert hex_of(explorer.figure.patch.get_facecolor()) == WHITE


def test_apple_explorer_blue_l1_bars_orange_l2_bars_and_dashed_black_means():
    apple = widgets.apple_explorer()
    l1_panel, l2_panel = apple.figure.axes
    for ax, name in ((l1_panel, "l1"), (l2_panel, "l2")):
        bars = drawn(ax, name)
        assert len(bars) == 3
        for bar in bars:
            assert hex_of(bar.get_facecolor()) == LOSS[name][1]
        assert_line(one_line(ax, "mean"), Style(BLACK, "--"))
    assert hex_of(apple.figure.patch.get_facecolor()) == WHITE


def test_every_legend_handle_shows_a_period_of_its_dash_and_the_next_dash():
    """At Matplotlib's handle length the true w's long dash showed as "— ·", like Huber's
    dash-dot: a handle must show a whole period of each line's pattern and at least half of
    the dash that starts the next ("— —", "—·—")."""
    runs = {name: source_run(name) for name in LOSS}
    _, right = plotting.plot_experiment(runs, true_w=1.0)
    legend = right.get_legend()
    handle_points = legend.handlelength * legend.get_texts()[0].get_fontsize()
    for text, handle in legend_entries(right).items():
        _, pattern = handle._dash_pattern  # scaled by the line width, in points
        if pattern is not None:
            shown = sum(pattern) + pattern[0] / 2
            assert shown <= handle_points + 1e-9, (text, pattern, handle_points)


@pytest.mark.parametrize(
    ("argv", "losses"),
    [
        (["fit", "--x", "year", "--y", "calls"], ["l1", "l2", "huber"]),
        (["experiment", "--loss", "l2", "--epochs", "3"], ["l2"]),
        (["experiment", "--loss", "l1", "--epochs", "3"], ["l1"]),
    ],
)
def test_the_command_lines_saved_figures_draw_each_loss_in_its_colour_and_style(
    argv: list[str], losses: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = []
    monkeypatch.setattr(cli, "_write_png", lambda figure, *_, **__: figures.append(figure) or 0)
    if argv[0] == "fit":
        year, calls = data.belgian_phones()
        csv = tmp_path / "phones.csv"
        csv.write_text(
            "year,calls\n"
            + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(year, calls, strict=True))
        )
        argv = ["fit", str(csv), *argv[1:]]
    assert cli.main([*argv, "--save", str(tmp_path / "figure.png")]) == 0
    (figure,) = figures
    for loss in losses:
        label, colour = LOSS[loss]
        lines = [
            line
            for ax in figure.axes
            for line in ax.get_lines()
            if str(line.get_label()).startswith(label)
        ]
        assert len(lines) == (1 if argv[0] == "fit" else 2), (loss, len(lines))
        for line in lines:
            assert_line(line, Style(colour, DASH[loss]))
    if argv[0] == "experiment":
        # The book's title size (11 pt), not Matplotlib's "large" (12 pt).
        assert figure.get_suptitle()
        assert figure._suptitle.get_fontsize() == 11.0
