"""The interactive explorers of :mod:`l1l2.widgets`, driven from code as a reader's clicks would."""

from __future__ import annotations

import html
import importlib.util
import math
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # before pyplot: draw off screen

import matplotlib.pyplot as plt
import numpy as np
import pytest

from l1l2 import _source, data, experiments, gd, losses, plotting, schedules, widgets
from l1l2._source import Status
from l1l2.experiments import SOURCE
from l1l2.widgets import _canvas

PREDICTIONS = ("prediction_1", "prediction_2", "prediction_3")
CONTROLS = (
    "loss", "noise", "lr", "schedule", "decay", "rate", "w0", "epochs", "batch_size", "seed"
)  # fmt: skip


def artist(ax, gid: str):
    """The one artist of ``ax`` drawn with this id."""
    found = [a for a in (*ax.lines, *ax.patches) if a.get_gid() == gid]
    assert len(found) == 1, (gid, found)
    return found[0]


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def lines(ex: widgets.Explorer) -> dict[str, np.ndarray]:
    """The data drawn: loss and w per update, and the heights of the true-w and settle marks."""
    left, right = ex.figure.axes
    loss_line = artist(left, "loss")
    w_line, true_line, settle_line = (artist(right, gid) for gid in ("w", "true_w", "settle"))
    return {
        "loss": np.asarray(loss_line.get_ydata(), dtype=float),
        "loss_x": np.asarray(loss_line.get_xdata(), dtype=float),
        "w": np.asarray(w_line.get_ydata(), dtype=float),
        "w_x": np.asarray(w_line.get_xdata(), dtype=float),
        "true_w": np.asarray(true_line.get_ydata(), dtype=float),
        "settle": np.asarray(settle_line.get_ydata(), dtype=float),
    }


def reference_fit(
    *,
    loss: str = "l1",
    noise: float = 0.05,
    lr: float = 0.01,
    schedule: str = "constant",
    decay: float = 0.0005,
    rate: float = 0.999,
    w0: float = SOURCE.w0,
    epochs: int = SOURCE.epochs,
    batch_size: int = SOURCE.batch_size,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, gd.History]:
    """The run the explorer should draw, computed straight from the package."""
    x, y = data.linear(SOURCE.n, x=SOURCE.x, w=SOURCE.true_w, noise=noise, rng=seed)
    lr_t: float | schedules.Schedule = lr
    if schedule == "inverse_time":
        lr_t = schedules.inverse_time(lr, decay=decay)
    elif schedule == "exponential":
        lr_t = schedules.exponential(lr, rate=rate)
    history = gd.fit(
        x, y, loss=loss, w0=w0, lr=lr_t, batch_size=batch_size, epochs=epochs,
        reduction=SOURCE.reduction,
    )  # fmt: skip
    return x, y, history


@pytest.fixture
def ex() -> widgets.Explorer:
    return widgets.explorer()


# ---------------------------------------------------------------------------------------------
# The explorer's parts
# ---------------------------------------------------------------------------------------------


def test_explorer_has_the_ten_controls_and_two_panels(ex):
    assert tuple(ex.controls) == CONTROLS
    left, right = ex.figure.axes
    assert left.get_xlabel() == right.get_xlabel() == "update (mini-batch step)"
    assert right.get_ylabel() == "estimate of w"
    assert lines(ex)["true_w"].tolist() == [1.0, 1.0]


def test_default_explorer_draws_the_source_experiment_with_abs_l1(ex):
    x, y, history = reference_fit()
    drawn = lines(ex)
    np.testing.assert_array_equal(drawn["loss"], history.loss)
    np.testing.assert_array_equal(drawn["w"], history.w)
    np.testing.assert_array_equal(drawn["w_x"], np.arange(201))
    assert drawn["settle"][0] == pytest.approx(gd.minimizer(x, y, loss="l1"))
    assert "median-based" in ex.message


# Each control moves to a new value (after `setup`, where the control only matters then).
CHANGES = [
    ("loss", "l2", {}),
    ("noise", 5.0, {}),
    ("lr", 0.003, {}),
    ("schedule", "inverse_time", {"lr": 0.1}),
    ("decay", 0.05, {"schedule": "inverse_time"}),
    ("rate", 0.98, {"schedule": "exponential"}),
    ("w0", -7.5, {}),
    ("epochs", 35, {}),
    ("batch_size", 5, {}),
    ("seed", 7, {}),
]


@pytest.mark.parametrize(("name", "value", "setup"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_control_changes_what_is_drawn(ex, name, value, setup):
    for other, other_value in setup.items():
        ex.controls[other].value = other_value
    before = lines(ex)
    ex.controls[name].value = value  # the figure is redrawn before this returns
    after = lines(ex)
    changed = [
        key
        for key in ("loss", "w", "settle")
        if before[key].shape != after[key].shape or not np.array_equal(before[key], after[key])
    ]
    assert changed, f"setting {name} to {value!r} changed nothing in the figure"
    _, _, history = reference_fit(**{**setup, name: value})
    np.testing.assert_array_equal(after["w"], history.w)


SETTINGS = [
    {"loss": "signed"},
    {"loss": "l2", "noise": 5.0, "seed": 3},
    {"loss": "huber", "noise": 5.0, "lr": 0.05, "batch_size": 1, "epochs": 7},
    {"loss": "l1", "lr": 0.02, "schedule": "inverse_time", "decay": 0.01, "w0": -30.0},
    {"loss": "l2", "lr": 0.1, "schedule": "exponential", "rate": 0.98, "noise": 2.0},
    {"loss": "l1", "batch_size": 20, "epochs": 200, "lr": 0.002},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_figure_data_equals_gd_fit_for_the_same_settings(ex, settings):
    for name, value in settings.items():
        ex.controls[name].value = value
    _, y, history = reference_fit(**settings)
    drawn = lines(ex)
    np.testing.assert_array_equal(drawn["loss"], history.loss)
    np.testing.assert_array_equal(drawn["loss_x"], np.arange(history.steps))
    np.testing.assert_array_equal(drawn["w"], history.w)
    np.testing.assert_array_equal(ex.history.lr, history.lr)
    np.testing.assert_array_equal(ex.y, y)


@pytest.mark.parametrize(("loss", "kind"), [("l1", "median"), ("l2", "mean"), ("huber", "Huber")])
def test_settle_mark_is_the_minimizer_of_the_loss(ex, loss, kind):
    ex.controls["noise"].value = 5.0
    ex.controls["loss"].value = loss
    x, y = ex.x, ex.y
    expected = gd.minimizer(x, y, loss=loss)
    assert lines(ex)["settle"][0] == pytest.approx(expected)
    if loss == "l2":
        assert expected == pytest.approx(np.mean(y) / 2.0)
    if loss == "l1":
        assert expected == pytest.approx(np.median(y) / 2.0)
    settle_line = artist(ex.figure.axes[1], "settle")
    assert settle_line.get_visible()
    assert any(kind in text for text in legend_texts(ex.figure.axes[1]))


def test_abs_l1_shades_its_flat_bottom_and_other_losses_do_not(ex):
    ex.controls["noise"].value = 5.0
    low, high = experiments.l1_interval(ex.x, ex.y)
    band = ex._band
    assert band.get_visible()
    assert band.get_y() == pytest.approx(low)
    assert band.get_y() + band.get_height() == pytest.approx(high)
    assert f"every w from {low:.4f} to {high:.4f}" in ex.message
    for loss in ("l2", "huber", "signed"):
        ex.controls["loss"].value = loss
        assert not band.get_visible()


def test_signed_loss_hides_the_settle_mark_and_says_why(ex):
    ex.controls["loss"].value = "signed"
    settle_line = artist(ex.figure.axes[1], "settle")
    assert not settle_line.get_visible()
    assert "no minimum" in ex.message
    assert ex.outcome is Status.NO_MINIMUM
    assert "no settle point (no minimum)" in legend_texts(ex.figure.axes[1])


def test_legend_and_colour_follow_the_loss(ex):
    ex.controls["loss"].value = "l2"
    left, right = ex.figure.axes
    assert legend_texts(left) == ["L2"]
    assert "L2" in legend_texts(right)
    assert artist(right, "w").get_color() == plotting.color_for("l2")
    assert artist(left, "loss").get_color() == plotting.color_for("l2")


def test_loss_panel_turns_symlog_when_the_loss_falls_by_decades(ex):
    left = ex.figure.axes[0]
    assert left.get_yscale() == "linear"  # abs L1 from w = 20 falls by less than a decade
    ex.controls["loss"].value = "l2"  # from about 2900 to about 0.01
    assert left.get_yscale() == "symlog"
    ex.controls["loss"].value = "l1"
    assert left.get_yscale() == "linear"


def test_updates_change_existing_artists_and_build_no_new_figure(ex):
    figures = plt.get_fignums()
    left, right = ex.figure.axes
    artists = (list(left.lines), list(right.lines), left.get_legend(), right.get_legend())
    for name, value, setup in CHANGES:
        for other, other_value in setup.items():
            ex.controls[other].value = other_value
        ex.controls[name].value = value
    assert ex.figure.axes == [left, right]
    assert (list(left.lines), list(right.lines), left.get_legend(), right.get_legend()) == artists
    assert plt.get_fignums() == figures


def test_lr_slider_drags_the_learning_rate(ex):
    ex.lr_slider.value = 0.001
    assert ex.controls["lr"].value == pytest.approx(0.001)
    assert ex.history.lr[0] == pytest.approx(0.001)
    ex.controls["lr"].value = 0.05
    assert ex.lr_slider.value == pytest.approx(0.05)


def test_only_the_chosen_schedules_parameter_box_is_enabled(ex):
    assert ex.controls["decay"].disabled
    assert ex.controls["rate"].disabled
    ex.controls["schedule"].value = "exponential"
    assert ex.controls["decay"].disabled
    assert not ex.controls["rate"].disabled
    ex.controls["schedule"].value = "inverse_time"
    assert not ex.controls["decay"].disabled
    assert ex.controls["rate"].disabled


def test_exponential_schedule_is_lr_times_rate_to_the_t(ex):
    ex.controls["rate"].value = 0.9
    ex.controls["schedule"].value = "exponential"
    t = np.arange(ex.history.steps)
    np.testing.assert_allclose(ex.history.lr, 0.01 * 0.9**t, rtol=1e-12)
    assert "0.9^t" in ex.message


# ---------------------------------------------------------------------------------------------
# Invalid values and divergence: messages, never exceptions
# ---------------------------------------------------------------------------------------------

INVALID = [
    ("lr", -0.01, "lr (learning rate) must be >= 0"),
    ("lr", math.nan, "lr (learning rate) must be finite"),
    ("decay", -1.0, "decay must be >= 0"),
    ("decay", math.nan, "decay must be finite"),
    ("seed", -1, "seed must be an integer >= 0"),
    ("epochs", 10**9, "epochs must be between 1 and 200 (the range of its slider)"),
    ("w0", 1000.0, "w0 (starting w) must be between -40 and 40"),
    ("noise", -1.0, "noise must be >= 0"),
    ("batch_size", 0, "batch_size must be an integer >= 1"),
]


@pytest.mark.parametrize(
    ("name", "value", "text"), INVALID, ids=[f"{n}={v}" for n, v, _ in INVALID]
)
def test_invalid_value_shows_a_message_instead_of_raising(ex, name, value, text):
    ex.controls["schedule"].value = "inverse_time"
    before = lines(ex)
    ex.controls[name].value = value  # must not raise
    assert text in ex.message
    assert html.escape(text) in ex.status.value
    assert "⚠" in ex.status.value
    after = lines(ex)
    np.testing.assert_array_equal(after["w"], before["w"])  # the last valid run stays


@pytest.mark.parametrize(
    ("name", "value", "text"), INVALID, ids=[f"{n}={v}" for n, v, _ in INVALID]
)
def test_a_control_and_the_constructor_reject_a_value_with_the_same_message(name, value, text):
    # One rule: the value that cannot start the explorer cannot run when set on a control, and
    # the control keeps it (no clamping) while the status says why.
    schedule = {"decay": "inverse_time"}.get(name, "constant")
    with pytest.raises(ValueError, match=re.escape(text)) as raised:
        widgets.explorer(schedule=schedule, **{name: value})
    ex = widgets.explorer(schedule=schedule)
    ex.controls[name].value = value
    assert str(raised.value) in ex.message
    assert ex.outcome is Status.CANNOT_RUN
    held = ex.controls[name].value
    assert held == value or (math.isnan(value) and math.isnan(held))


WRONG_TYPES = [
    ("epochs", 1.5, "epochs must be an integer, got 1.5"),
    ("lr", True, "lr (learning rate) must be a real number, got True"),
    ("noise", "loud", "noise must be a real number, got 'loud'"),
    ("seed", 2.0, "seed must be an integer, got 2.0"),
    ("loss", "l3", "loss must be one of 'signed', 'l1', 'l2', 'huber', got 'l3'"),
    ("schedule", "cosine", "schedule must be one of"),
]


@pytest.mark.parametrize(
    ("name", "value", "text"), WRONG_TYPES, ids=[f"{n}={v}" for n, v, _ in WRONG_TYPES]
)
def test_a_value_no_control_can_hold_raises_the_constructors_error(ex, name, value, text):
    with pytest.raises((TypeError, ValueError), match=re.escape(text)) as raised:
        widgets.explorer(**{name: value})
    before = ex.controls[name].value
    with pytest.raises(raised.type, match=re.escape(text)):
        ex.controls[name].value = value
    assert ex.controls[name].value == before


def test_decay_nan_does_not_block_the_constant_or_exponential_schedule(ex):
    ex.controls["decay"].value = math.nan
    assert ex.outcome is Status.SETTLES
    ex.controls["schedule"].value = "exponential"
    assert ex.outcome is Status.SETTLES
    ex.controls["schedule"].value = "inverse_time"
    assert ex.outcome is Status.CANNOT_RUN
    assert "decay must be finite" in ex.message
    assert widgets.explorer(decay=math.nan).outcome is Status.SETTLES


def test_rate_out_of_range_blocks_only_the_exponential_schedule(ex):
    ex.controls["rate"].value = 1.5
    assert ex.outcome is Status.SETTLES
    ex.controls["schedule"].value = "exponential"
    assert "rate must be <= 1" in ex.message


def test_valid_value_after_an_invalid_one_clears_the_message(ex):
    ex.controls["lr"].value = -1.0
    ex.controls["lr"].value = 0.02
    assert "Cannot run" not in ex.message
    assert "⚠" not in ex.status.value
    assert ex.history.lr[0] == pytest.approx(0.02)


def test_overflowing_run_says_it_diverged(ex):
    ex.controls["loss"].value = "l2"
    ex.controls["epochs"].value = 200
    ex.controls["lr"].value = 0.5  # far above the 0.125 at which L2 with batches of 2 settles
    assert bool(ex.history.diverged)
    assert ex.outcome is Status.DIVERGED
    assert "Diverged: the estimate overflowed" in ex.message
    assert "lr < 0.125" in ex.message
    assert "⚠" in ex.status.value
    assert ex.figure.axes[0].get_yscale() == "linear"
    ex.figure.canvas.draw()  # the huge values draw without warnings


def test_growing_run_says_it_is_diverging_before_it_overflows(ex):
    ex.controls["loss"].value = "l2"
    ex.controls["lr"].value = 0.2
    assert not bool(ex.history.diverged)
    assert ex.outcome is Status.DIVERGING
    assert "Diverging" in ex.message
    assert "⚠" in ex.status.value


def test_settling_run_does_not_mention_divergence(ex):
    ex.controls["loss"].value = "l2"
    assert ex.outcome is Status.SETTLES
    assert "iverg" not in ex.message
    assert "⚠" not in ex.status.value
    assert "the settle point is 0.99" in ex.message


def first_overflowing_update(lr: float, batch: int, updates: int) -> int | None:
    """The update (from 1) at which noise-free L2 descent from w0 = 20 overflows, in plain floats.

    With every x = 2 and y = 2, a batch of b samples has loss 4 b (w - 1)^2 and moves w - 1 by the
    factor 1 - 8 b lr, so the update overflows when that loss or the new w is infinite.
    """
    w = SOURCE.w0
    for k in range(1, updates + 1):
        loss = 4.0 * batch * (w - 1.0) ** 2 if abs(w - 1.0) < 1e154 else math.inf
        step = 8.0 * batch * lr * (w - 1.0)
        w_next = w - step
        if math.isinf(loss) or math.isinf(w_next) or math.isnan(w_next):
            return k
        w = w_next
    return None


@pytest.mark.parametrize(("lr", "batch"), [(0.5, 2), (1.0, 2), (0.3, 1), (0.05, 20), (2.0, 5)])
def test_the_update_where_a_run_overflowed_is_the_one_plain_arithmetic_finds(ex, lr, batch):
    ex.controls["noise"].value = 0.0
    ex.controls["loss"].value = "l2"
    ex.controls["batch_size"].value = batch
    ex.controls["epochs"].value = 200
    ex.controls["lr"].value = lr
    expected = first_overflowing_update(lr, batch, ex.history.steps)
    assert expected is not None
    assert _source.diverged_at(ex.history) == expected
    assert f"overflowed at update {expected} of {ex.history.steps}" in ex.message
    assert f"after {expected - 1} updates" in ex.message


# ---------------------------------------------------------------------------------------------
# Start values: keyword-only, checked
# ---------------------------------------------------------------------------------------------


def test_start_values_set_the_controls():
    ex = widgets.explorer(loss="huber", noise=5.0, lr=0.002, epochs=40, seed=4)
    assert ex.controls["loss"].value == "huber"
    assert ex.controls["lr"].value == 0.002
    _, _, history = reference_fit(loss="huber", noise=5.0, lr=0.002, epochs=40, seed=4)
    np.testing.assert_array_equal(lines(ex)["w"], history.w)


def test_unknown_start_value_is_a_type_error_naming_the_controls():
    with pytest.raises(TypeError, match=r"unknown control\(s\) 'colour'.*loss, noise, lr"):
        widgets.explorer(colour=0.1)


@pytest.mark.parametrize(
    ("start", "text"),
    [
        ({"loss": "l3"}, "loss must be one of 'signed', 'l1', 'l2', 'huber', got 'l3'"),
        ({"schedule": "cosine"}, "schedule must be one of"),
        ({"lr": -1.0}, r"lr \(learning rate\) must be >= 0"),
        ({"noise": 50.0}, r"noise must be between 0 and 10 \(the range of its slider\)"),
        ({"w0": 100.0}, r"w0 \(starting w\) must be between -40 and 40"),
        ({"epochs": 0}, "epochs must be an integer >= 1"),
        ({"rate": 0.0, "schedule": "exponential"}, "rate must be > 0"),
        ({"epochs": 500}, "epochs must be between 1 and 200"),
        ({"batch_size": 21}, "batch_size must be between 1 and 20"),
        ({"seed": -2}, "seed must be an integer >= 0"),
    ],
)
def test_bad_start_value_is_a_value_error(start, text):
    with pytest.raises(ValueError, match=text):
        widgets.explorer(**start)


def test_start_value_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="lr"):
        widgets.explorer(lr="fast")
    with pytest.raises(TypeError, match="epochs must be an integer"):
        widgets.explorer(epochs=2.5)


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


def test_explorer_displays_itself_as_a_widget_with_a_text_summary(ex):
    bundle = ex._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == ex.widget.model_id
    assert bundle["text/plain"].startswith("l1l2 explorer: abs L1, 200 updates")
    assert repr(ex) == bundle["text/plain"]


def test_without_ipympl_the_figure_is_shown_as_a_png_that_follows_the_controls(ex):
    assert ex._ipympl is None  # no kernel here: an Agg canvas
    image = ex.widget.children[-1]
    assert image.value == b""  # nothing encoded until the explorer is shown
    ex._repr_mimebundle_()
    first = bytes(image.value)
    assert first.startswith(b"\x89PNG")
    ex.controls["loss"].value = "l2"
    assert bytes(image.value) != first


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from ipympl's toolbar, not from us
def test_in_a_kernel_with_ipympl_the_figure_lives_on_a_live_canvas(monkeypatch):
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    monkeypatch.setattr(_canvas, "in_kernel", lambda: True)
    backend = matplotlib.get_backend()
    ex = widgets.explorer()  # imports ipympl, which would switch the session's backend
    assert matplotlib.get_backend() == backend
    canvas_class = sys.modules["ipympl.backend_nbagg"].Canvas
    assert isinstance(ex.figure.canvas, canvas_class)
    assert ex.widget.children[-1] is ex.figure.canvas
    ex.controls["loss"].value = "l2"
    _, _, history = reference_fit(loss="l2")
    np.testing.assert_array_equal(lines(ex)["w"], history.w)
    apple = widgets.apple_explorer()
    assert isinstance(apple.figure.canvas, canvas_class)


# ---------------------------------------------------------------------------------------------
# The apple explorer
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def apple() -> widgets.AppleExplorer:
    return widgets.apple_explorer()


def bar_heights(apple: widgets.AppleExplorer) -> tuple[list[float], list[float]]:
    l1_axes, l2_axes = apple.figure.axes
    return (
        [p.get_height() for p in l1_axes.patches if p.get_gid() == "l1"],
        [p.get_height() for p in l2_axes.patches if p.get_gid() == "l2"],
    )


def test_apple_explorer_starts_at_the_articles_example(apple):
    assert apple.predictions.tolist() == [90.0, 95.0, 105.0]
    assert apple.totals["l1"] == pytest.approx(20 / 3)
    assert apple.totals["l2"] == 50.0
    assert bar_heights(apple) == ([10.0, 5.0, 5.0], [100.0, 25.0, 25.0])
    assert "6.67" in apple.table.value
    assert "50.00" in apple.table.value


@pytest.mark.parametrize(
    "predictions", [(90, 95, 105), (100, 100, 100), (60, 140, 600), (120, 80, 0), (99, 101, 350)]
)
def test_apple_totals_equal_the_losses(apple, predictions):
    for name, value in zip(
        ("prediction_1", "prediction_2", "prediction_3"), predictions, strict=True
    ):
        apple.controls[name].value = value
    truth = np.full(3, 100.0)
    pred = np.asarray(predictions, dtype=float)
    assert apple.totals["l1"] == losses.l1(truth, pred)
    assert apple.totals["l2"] == losses.l2(truth, pred)
    absolute, squared = bar_heights(apple)
    np.testing.assert_array_equal(absolute, losses.l1(truth, pred, reduction="none"))
    np.testing.assert_array_equal(squared, losses.l2(truth, pred, reduction="none"))
    l1_axes, l2_axes = apple.figure.axes
    assert artist(l1_axes, "mean").get_ydata()[0] == apple.totals["l1"]
    assert artist(l2_axes, "mean").get_ydata()[0] == apple.totals["l2"]
    assert l2_axes.get_title() == f"L2 = mean error² = {apple.totals['l2']:.2f} apples²"
    assert f"{apple.totals['l2']:.2f}" in apple.table.value


def test_an_outlier_dominates_l2_but_not_l1(apple):
    apple.controls["prediction_3"].value = 500  # the third slider reaches far out
    absolute, squared = bar_heights(apple)
    assert squared[2] / sum(squared) > 0.99
    assert absolute[2] / sum(absolute) < 0.97
    assert apple.figure.axes[1].get_title() == "L2 = mean error² = 53375.00 apples²"
    assert "<td" in apple.table.value
    assert "100%" in apple.table.value  # the outlier's share of L2, rounded
    assert "96%" in apple.table.value  # its share of L1: 400 of 415 apples


def test_apple_explorer_checks_its_start_values():
    assert widgets.apple_explorer(prediction_3=300).totals["l1"] == pytest.approx(215 / 3)
    with pytest.raises(TypeError, match="prediction_1, prediction_2, prediction_3"):
        widgets.apple_explorer(prediction_4=1)
    with pytest.raises(ValueError, match="prediction_1 must be between 50 and 150 apples"):
        widgets.apple_explorer(prediction_1=400)
    with pytest.raises(TypeError, match="prediction_2 must be a real number"):
        widgets.apple_explorer(prediction_2="ninety")


def test_apple_explorer_displays_itself(apple):
    bundle = apple._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].endswith("L1 = 6.67 apples, L2 = 50.00 apples²")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (math.nan, "prediction_3 must be finite, got nan"),
        (math.inf, "prediction_3 must be finite, got inf"),
        (1000.0, "prediction_3 must be between 0 and 600 apples"),
    ],
)
def test_a_prediction_that_cannot_be_used_is_explained_not_raised(apple, value, text):
    apple.controls["prediction_3"].value = 300
    totals, heights = dict(apple.totals), bar_heights(apple)
    apple.controls["prediction_3"].value = value  # must not raise
    assert text in apple.message
    assert html.escape(text) in apple.table.value
    assert text in repr(apple)  # not the stale totals
    assert apple.totals == totals
    assert bar_heights(apple) == heights
    with pytest.raises(ValueError, match=re.escape(text)):
        widgets.apple_explorer(prediction_3=value)
    apple.controls["prediction_3"].value = 105
    assert apple.message == ""
    assert apple.totals["l2"] == 50.0


def test_a_prediction_that_is_not_a_number_raises_like_the_constructor(apple):
    with pytest.raises(TypeError, match="prediction_1 must be a real number, got 'ninety'"):
        apple.controls["prediction_1"].value = "ninety"
    assert apple.controls["prediction_1"].value == 90.0


# ---------------------------------------------------------------------------------------------
# The import boundary
# ---------------------------------------------------------------------------------------------


def test_the_core_package_imports_neither_matplotlib_nor_ipywidgets():
    code = (
        "import sys, l1l2, l1l2.gd, l1l2.losses, l1l2.data, l1l2.schedules;"
        "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_live_canvas_leaves_the_readers_matplotlib_backend_alone():
    # Importing ipympl switches the session to its backend; the explorer must switch it back, or
    # every later plt.show() in the notebook would become a live canvas instead of an image.
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    code = (
        "import matplotlib; matplotlib.use('svg');"
        "import matplotlib.pyplot as plt;"
        "from l1l2 import widgets; from l1l2.widgets import _canvas;"
        "_canvas.in_kernel = lambda: True;"
        "ex = widgets.explorer();"
        "print(type(ex.figure.canvas).__module__, matplotlib.get_backend(),"
        " type(plt.figure().canvas).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["ipympl.backend_nbagg", "svg", "FigureCanvasSVG"]


def test_in_a_real_kernel_figures_after_an_explorer_stay_inline_images():
    # The regression this guards: once ipympl was imported, plt.show() gave only "<Figure ...>".
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    cells = [
        "import matplotlib.pyplot as plt\nfrom l1l2 import widgets\nwidgets.explorer()",
        "fig, ax = plt.subplots(figsize=(2, 1))\n_ = ax.plot([0, 1])\nplt.show()",
        "print(type(widgets.apple_explorer().figure.canvas).__module__)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    explorer_out, figure_out, canvas_out = (cell.outputs for cell in nb.cells)
    assert "application/vnd.jupyter.widget-view+json" in explorer_out[0]["data"]
    assert explorer_out[0]["data"]["text/plain"].startswith("l1l2 explorer: abs L1")
    assert any("image/png" in out.get("data", {}) for out in figure_out)
    assert canvas_out[0]["text"].strip() == "ipympl.backend_nbagg"
