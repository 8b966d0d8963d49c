"""What every ``plot_*`` function draws: the data of its lines, bars and fills.

nbval does not compare images, so these tests are what notices a figure that draws the wrong
numbers. Each expected value is computed here with plain NumPy from the definition (the loss
formulas, the schedules, the histogram counts), not with the function the figure calls.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot: draw off screen

import matplotlib.pyplot as plt
import numpy as np
import pytest

from l1l2 import data, gd, plotting, schedules
from l1l2.experiments import SOURCE


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def by_gid(ax, gid: str) -> list:
    return [a for a in (*ax.lines, *ax.patches) if a.get_gid() == gid]


def one(ax, gid: str):
    found = by_gid(ax, gid)
    assert len(found) == 1, (gid, [a.get_gid() for a in (*ax.lines, *ax.patches)])
    return found[0]


def ydata(artist) -> np.ndarray:
    return np.asarray(artist.get_ydata(), dtype=float)


def xdata(artist) -> np.ndarray:
    return np.asarray(artist.get_xdata(), dtype=float)


# Per-sample penalties and slopes of an error r = prediction - truth, written out here.
PENALTY = {
    "signed": lambda r, d: r,
    "l1": lambda r, d: np.abs(r),
    "l2": lambda r, d: r**2,
    "huber": lambda r, d: np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d)),
}
SLOPE = {
    "signed": lambda r, d: np.ones_like(r),
    "l1": lambda r, d: np.sign(r),
    "l2": lambda r, d: 2.0 * r,
    "huber": lambda r, d: np.clip(r, -d, d),
}


def source_run(loss: str = "l2", *, noise: float = 5.0, **kwargs: object) -> gd.History:
    x, y = data.linear(SOURCE.n, x=SOURCE.x, w=SOURCE.true_w, noise=noise, rng=3)
    settings = {
        "w0": SOURCE.w0, "lr": SOURCE.lr, "batch_size": SOURCE.batch_size, "epochs": 5,
        "reduction": SOURCE.reduction,
    } | kwargs  # fmt: skip
    return gd.fit(x, y, loss=loss, **settings)


# ---------------------------------------------------------------------------------------------
# Penalties and slopes
# ---------------------------------------------------------------------------------------------


def test_plot_penalties_draws_each_losss_formula_and_the_marks():
    delta = 2.0
    ax = plotting.plot_penalties(6.0, losses_to_show=tuple(PENALTY), delta=delta, marks=(1, 5))
    r = np.linspace(-6.0, 6.0, 401)
    for name, formula in PENALTY.items():
        curve = one(ax, name)
        np.testing.assert_allclose(xdata(curve), r)
        np.testing.assert_allclose(ydata(curve), formula(r, delta), rtol=1e-12, atol=1e-12)
        marks = by_gid(ax, f"mark {name}")
        assert [float(xdata(m)[0]) for m in marks] == [1.0, 5.0]
        np.testing.assert_allclose(
            [float(ydata(m)[0]) for m in marks], formula(np.array([1.0, 5.0]), delta)
        )


def test_plot_gradients_draws_each_slope_and_the_huber_edges():
    delta = 1.5
    ax = plotting.plot_gradients(4.0, losses_to_show=tuple(SLOPE), delta=delta)
    r = np.linspace(-4.0, 4.0, 801)
    for name, formula in SLOPE.items():
        curve = one(ax, name)
        np.testing.assert_allclose(xdata(curve), r)
        np.testing.assert_allclose(ydata(curve), formula(r, delta), atol=1e-12)
    edges = sorted(float(xdata(line)[0]) for line in by_gid(ax, "delta"))
    assert edges == [-delta, delta]


def test_plot_penalty_bars_draws_the_l1_and_l2_penalties_and_their_means():
    truth, pred = np.array([100.0, 100.0, 100.0]), np.array([90.0, 95.0, 130.0])
    ax = plotting.plot_penalty_bars(truth, pred)
    errors = pred - truth
    l1 = [bar.get_height() for bar in by_gid(ax, "l1")]
    l2 = [bar.get_height() for bar in by_gid(ax, "l2")]
    np.testing.assert_allclose(l1, np.abs(errors))
    np.testing.assert_allclose(l2, errors**2)
    # Each L1 bar sits left of its prediction's L2 bar, in the order of the predictions.
    l1_x = [bar.get_x() for bar in by_gid(ax, "l1")]
    l2_x = [bar.get_x() for bar in by_gid(ax, "l2")]
    assert l1_x == sorted(l1_x)
    assert all(a < b for a, b in zip(l1_x, l2_x, strict=True))
    np.testing.assert_allclose(ydata(one(ax, "l1 mean")), np.mean(np.abs(errors)))
    np.testing.assert_allclose(ydata(one(ax, "l2 mean")), np.mean(errors**2))


# ---------------------------------------------------------------------------------------------
# Trajectories
# ---------------------------------------------------------------------------------------------


def test_plot_loss_draws_the_batch_loss_before_each_update():
    history = source_run("l2")
    line = one(plotting.plot_loss(history, label="L2"), "loss")
    np.testing.assert_array_equal(xdata(line), np.arange(history.steps))
    # The batch loss before update k: the squared residuals of batch k (in order), summed.
    x, y = data.linear(SOURCE.n, x=SOURCE.x, w=SOURCE.true_w, noise=5.0, rng=3)
    k = np.arange(history.steps) % (SOURCE.n // SOURCE.batch_size)
    xb = x.reshape(-1, SOURCE.batch_size)[k]
    yb = y.reshape(-1, SOURCE.batch_size)[k]
    w_before = history.w[:-1, np.newaxis]
    np.testing.assert_allclose(ydata(line), ((w_before * xb - yb) ** 2).sum(axis=1), rtol=1e-12)


def test_plot_loss_draws_one_line_per_run_or_the_chosen_run():
    x, y = data.linear(SOURCE.n, noise=1.0, runs=4, rng=0)
    history = gd.fit(x, y, loss="l1", w0=5.0, lr=0.01, batch_size=2, epochs=2)
    lines = by_gid(plotting.plot_loss(history), "loss")
    assert len(lines) == 4
    for k, line in enumerate(lines):
        np.testing.assert_array_equal(ydata(line), history.loss[:, k])
    chosen = one(plotting.plot_loss(history, run=2), "loss")
    np.testing.assert_array_equal(ydata(chosen), history.loss[:, 2])


def test_plot_w_draws_w_the_references_and_the_band():
    history = source_run("l1")
    ax = plotting.plot_w(history, true_w=1.0, settle=0.9, band=(0.8, 1.1))
    w = one(ax, "w")
    np.testing.assert_array_equal(xdata(w), np.arange(history.steps + 1))
    np.testing.assert_array_equal(ydata(w), history.w)
    np.testing.assert_array_equal(ydata(one(ax, "true_w")), [1.0, 1.0])
    np.testing.assert_array_equal(ydata(one(ax, "settle")), [0.9, 0.9])
    band = one(ax, "band")
    assert band.get_y() == pytest.approx(0.8)
    assert band.get_y() + band.get_height() == pytest.approx(1.1)


def test_a_diverged_run_leaves_a_gap_where_its_values_cannot_be_drawn():
    history = source_run("l2", noise=0.0, lr=1.0, epochs=20)
    assert history.diverged
    loss = ydata(one(plotting.plot_loss(history), "loss"))
    finite = np.isfinite(history.loss) & (np.abs(history.loss) <= 1e300)
    np.testing.assert_array_equal(loss[finite], history.loss[finite])
    assert np.isnan(loss[~finite]).all()


def test_plot_experiment_draws_every_history_on_both_panels():
    runs = {name: source_run(name) for name in ("l1", "l2", "huber")}
    left, right = plotting.plot_experiment(runs, true_w=1.0)
    for name, history in runs.items():
        label = plotting.label_for(name)
        (loss,) = [line for line in by_gid(left, "loss") if line.get_label() == label]
        (w,) = [line for line in by_gid(right, "w") if line.get_label() == label]
        np.testing.assert_array_equal(ydata(loss), history.loss)
        np.testing.assert_array_equal(ydata(w), history.w)
        assert loss.get_color() == w.get_color() == plotting.color_for(name)
    np.testing.assert_array_equal(ydata(one(right, "true_w")), [1.0, 1.0])


@pytest.mark.parametrize("scale", ["log", "symlog"])
def test_plot_experiment_of_a_diverged_run_on_a_log_axis_draws_without_warnings(scale):
    history = source_run("l2", noise=0.0, lr=1.0, epochs=20)
    left, _ = plotting.plot_experiment({"l2": history}, loss_scale=scale)
    left.figure.canvas.draw()  # warnings are errors in the tests
    assert left.get_yscale() == scale
    assert left.get_ylim()[1] <= 1e100


# ---------------------------------------------------------------------------------------------
# Schedules, spread, total loss
# ---------------------------------------------------------------------------------------------


def test_plot_lr_draws_each_schedules_formula():
    chosen = {
        "constant": schedules.constant(0.02),
        "inverse time": schedules.inverse_time(0.01, decay=1 / 2000),
        "exponential": schedules.exponential(0.01, rate=0.999),
    }
    ax = plotting.plot_lr(chosen, 5000)
    t = np.arange(5000.0)
    expected = {
        "constant": np.full_like(t, 0.02),
        "inverse time": 0.01 / (1.0 + t / 2000),
        "exponential": 0.01 * 0.999**t,
    }
    for label, values in expected.items():
        line = one(ax, label)
        np.testing.assert_array_equal(xdata(line), t)
        np.testing.assert_allclose(ydata(line), values, rtol=1e-12)


def test_plot_spread_histogram_counts_are_numpys():
    rng = np.random.default_rng(4)
    estimates = {"l1": rng.normal(1.0, 0.3, 300), "l2": rng.normal(1.0, 0.1, 300)}
    ax = plotting.plot_spread(estimates, bins=12, true_w=1.0)
    everything = np.concatenate(list(estimates.values()))
    edges = np.linspace(everything.min(), everything.max(), 13)
    for name, values in estimates.items():
        outline = one(ax, plotting.label_for(name)).get_xy()
        counts, _ = np.histogram(values, bins=edges)
        np.testing.assert_array_equal(outline[1 : 2 * counts.size : 2, 1], counts)
        np.testing.assert_allclose(np.unique(outline[:, 0]), edges)
    np.testing.assert_array_equal(xdata(one(ax, "true_w")), [1.0, 1.0])


def test_plot_spread_box_draws_each_median_and_quartiles_without_true_w():
    rng = np.random.default_rng(5)
    estimates = {"l1": rng.normal(1.0, 0.3, 101), "l2": rng.normal(2.0, 0.1, 101)}
    ax = plotting.plot_spread(estimates, kind="box")  # no true_w: no legend, no warning
    for name, values in estimates.items():
        label = plotting.label_for(name)
        np.testing.assert_allclose(ydata(one(ax, f"median {label}")), np.median(values))
        box = one(ax, f"box {label}").get_path().vertices[:, 1]
        np.testing.assert_allclose(
            [box.min(), box.max()], np.percentile(values, [25, 75]), rtol=1e-12
        )
    assert ax.get_legend() is None


@pytest.mark.parametrize(("kind", "axis"), [("hist", "x"), ("box", "y")])
def test_plot_spread_names_its_values_final_estimates_unless_told_otherwise(kind, axis):
    # Chapters 07 and 08 pass closed-form settle points, which no descent produced.
    rng = np.random.default_rng(6)
    estimates = {"l1": rng.normal(1.0, 0.3, 50), "l2": rng.normal(1.0, 0.2, 50)}
    for label, expected in [(None, "final estimate of w"), ("settle point of w", None)]:
        options = {} if label is None else {"label": label}
        ax = plotting.plot_spread(estimates, kind=kind, true_w=1.0, **options)
        named = ax.get_xlabel() if axis == "x" else ax.get_ylabel()
        assert named == (expected or label)
        if kind == "hist":  # the legend still names the losses, not the axis
            legend = [text.get_text() for text in ax.get_legend().get_texts()]
            assert legend[0].startswith(plotting.label_for("l1"))
        plt.close(ax.figure)
    with pytest.raises(TypeError, match="label must be a string"):
        plotting.plot_spread(estimates, label=3)


@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_plot_total_loss_draws_the_sum_of_penalties_and_its_minimiser(loss):
    x = np.array([1.0, 2.0, 2.0, 3.0])
    y = np.array([1.5, 2.0, 5.0, 2.4])
    delta = 1.0
    ax = plotting.plot_total_loss(x, y, loss=loss, delta=delta, true_w=1.0)
    total = one(ax, "total")
    w = xdata(total)
    residuals = w[:, np.newaxis] * x - y
    expected = PENALTY[loss](residuals, delta).sum(axis=1)
    np.testing.assert_allclose(ydata(total), expected, rtol=1e-12, atol=1e-12)
    # The settle mark sits where the drawn total is smallest (up to the grid spacing).
    settle = float(xdata(one(ax, "settle"))[0])
    spacing = w[1] - w[0]
    fine = np.linspace(settle - 2 * spacing, settle + 2 * spacing, 2001)
    best = fine[np.argmin(PENALTY[loss](fine[:, np.newaxis] * x - y, delta).sum(axis=1))]
    assert settle == pytest.approx(best, abs=spacing / 100)
    if loss == "l2":
        assert settle == pytest.approx(np.sum(x * y) / np.sum(x * x), rel=1e-12)
    np.testing.assert_allclose(np.sort(xdata(one(ax, "samples"))), np.sort(y / x))
    np.testing.assert_array_equal(xdata(one(ax, "true_w")), [1.0, 1.0])


def test_plot_total_loss_shades_the_flat_bottom_of_abs_l1():
    y = np.array([1.0, 2.0, 2.5, 6.0])
    ax = plotting.plot_total_loss(2.0, y, loss="l1")
    band = one(ax, "band")
    middle = np.sort(y / 2.0)[1:3]  # with an even count, every w between the middle two fits
    np.testing.assert_allclose([band.get_x(), band.get_x() + band.get_width()], middle)
    settle = float(xdata(one(ax, "settle"))[0])
    assert settle == pytest.approx(middle.mean())


# ---------------------------------------------------------------------------------------------
# Bad arguments name themselves
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plotting.plot_penalties(marks=5), TypeError, r"marks must be a sequence.*got 5"),
        (lambda: plotting.plot_penalties(marks="ab"), TypeError, "marks must be a sequence"),
        (lambda: plotting.plot_penalties(marks=(1, "x")), TypeError, "marks must hold real"),
        (lambda: plotting.plot_penalties(marks=[[1, 2]]), ValueError, "marks must be a flat"),
        (lambda: plotting.plot_penalties(marks=(np.nan,)), ValueError, "marks must hold finite"),
        (lambda: plotting.color_for("x", index="a"), TypeError, "index must be an integer"),
        (lambda: plotting.color_for("x", index=-1), ValueError, "index must be an integer >= 0"),
        (lambda: plotting.color_for(3), TypeError, "key must be a loss name"),
        (lambda: plotting.label_for(None), TypeError, "key must be a loss name"),
    ],
)
def test_bad_plot_arguments_raise_an_error_naming_them(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_marks_accept_any_sequence_of_numbers():
    ax = plotting.plot_penalties(marks=np.array([2.0]))
    assert [float(xdata(m)[0]) for m in by_gid(ax, "mark l1")] == [2.0]
    assert by_gid(plotting.plot_penalties(marks=[]), "mark l1") == []
