"""Beyond the source articles: noise with heavy tails and outliers, the spread of the estimates
over many data sets, Huber, and the claims that chapters 06 to 08 print.

The first half tests the package functions those chapters use (``l1l2.data.linear``'s noise
options, ``l1l2.experiments``, the extra plots); the second half re-computes each chapter's
printed claims with the chapter's own seeds and asserts them, so that a change in ``l1l2`` that
breaks a sentence of the book fails here, not only in nbval.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from l1l2 import data, experiments, gd, losses, plotting, schedules

# ---------------------------------------------------------------------------------------------
# data.linear: noise families and outliers
# ---------------------------------------------------------------------------------------------


def test_linear_normal_noise_draws_what_it_always_drew():
    _, y = data.linear(6, x=2.0, w=1.0, noise=5.0, rng=11)
    expected = 2.0 + np.random.default_rng(11).normal(0.0, 5.0, size=6)
    np.testing.assert_array_equal(y, expected)


def test_linear_laplace_noise_has_mean_absolute_deviation_sigma():
    n, sigma = 40_000, 3.0
    x, y = data.linear(n, x=1.0, w=0.0, noise=sigma, distribution="laplace", rng=1)
    noise = y - 0.0 * x
    # For Laplace(0, b): E|z| = b, Var z = 2 b^2.
    assert np.mean(np.abs(noise)) == pytest.approx(sigma, rel=0.03)
    assert np.std(noise) == pytest.approx(math.sqrt(2.0) * sigma, rel=0.03)


def test_linear_student_t_noise_is_scaled_t():
    n, sigma, nu = 40_000, 2.0, 5.0
    _, y = data.linear(n, x=1.0, w=0.0, noise=sigma, distribution="student_t", df=nu, rng=2)
    # Var(sigma t_nu) = sigma^2 nu / (nu - 2); the median absolute value of t_5 is 0.7267.
    assert np.std(y) == pytest.approx(sigma * math.sqrt(nu / (nu - 2.0)), rel=0.05)
    assert np.median(np.abs(y)) == pytest.approx(sigma * 0.7267, rel=0.03)


def test_linear_student_t_with_few_degrees_of_freedom_has_heavy_tails():
    _, normal = data.linear(20_000, x=1.0, w=0.0, noise=1.0, rng=3)
    _, heavy = data.linear(20_000, x=1.0, w=0.0, noise=1.0, distribution="student_t", df=2, rng=3)
    assert np.max(np.abs(heavy)) > 10 * np.max(np.abs(normal))


def test_linear_outliers_move_some_samples_by_the_shift_and_leave_the_noise_alone():
    kwargs = {"x": 2.0, "w": 1.0, "noise": 5.0, "runs": 200, "rng": 4}
    _, clean = data.linear(20, **kwargs)
    _, dirty = data.linear(20, outliers=0.1, outlier_shift=50.0, **kwargs)
    moved = dirty - clean
    assert set(np.unique(np.round(moved, 9))) == {0.0, 50.0}
    assert np.mean(moved > 0) == pytest.approx(0.1, abs=0.015)
    counts = np.count_nonzero(moved, axis=1)
    assert counts.min() < counts.max()  # the number of outliers varies between data sets


@pytest.mark.parametrize(("fraction", "expected"), [(0.0, 2.0), (1.0, -8.0)])
def test_linear_outlier_fraction_zero_and_one(fraction, expected):
    _, y = data.linear(5, outliers=fraction, outlier_shift=-10.0, rng=0)
    np.testing.assert_array_equal(y, np.full(5, expected))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"distribution": "cauchy"}, ValueError, "distribution must be one of 'normal'"),
        ({"distribution": 3}, ValueError, "distribution must be one of"),
        ({"df": 0.0}, ValueError, "df must be > 0"),
        ({"df": "3"}, TypeError, "df must be a real number"),
        ({"outliers": 1.5}, ValueError, "outliers must be <= 1"),
        ({"outliers": -0.1}, ValueError, "outliers must be >= 0"),
        ({"outliers": None}, TypeError, "outliers must be a real number"),
        ({"outlier_shift": math.inf}, ValueError, "outlier_shift must be finite"),
    ],
)
def test_linear_rejects_bad_noise_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.linear(5, noise=1.0, rng=0, **kwargs)


# ---------------------------------------------------------------------------------------------
# experiments: spread, compare, table, l1_interval
# ---------------------------------------------------------------------------------------------


def test_spread_by_hand():
    stats = experiments.spread([0.0, 1.0, 2.0, 3.0, 10.0], true_w=1.0)
    assert stats["mean"] == pytest.approx(3.2)
    assert stats["std"] == pytest.approx(math.sqrt(62.8 / 4))  # squared deviations sum to 62.8
    assert stats["iqr"] == pytest.approx(2.0)  # quartiles 1 and 3
    assert stats["mad"] == pytest.approx(1.0)  # |values - 2| = 2, 1, 0, 1, 8
    assert stats["mae"] == pytest.approx(13.0 / 5)
    assert list(stats) == list(experiments.SPREAD_NAMES)


def test_spread_of_a_biased_but_tight_batch_has_small_std_and_large_error():
    stats = experiments.spread(np.full(10, 3.0) + np.linspace(-0.01, 0.01, 10), true_w=1.0)
    assert stats["std"] < 0.01
    assert stats["mae"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("estimates", "true_w", "error", "match"),
    [
        ([1.0], 1.0, ValueError, "at least 2 values"),
        ([1.0, np.nan], 1.0, ValueError, "estimates must hold finite numbers"),
        (["a", "b"], 1.0, TypeError, "estimates must hold real numbers"),
        ([1.0, 2.0], "1", TypeError, "true_w must be a real number"),
    ],
)
def test_spread_rejects_bad_input(estimates, true_w, error, match):
    with pytest.raises(error, match=match):
        experiments.spread(estimates, true_w=true_w)


def test_compare_gives_the_closed_form_minimiser_of_each_row():
    x, y = data.linear(20, noise=5.0, runs=30, rng=5)
    result = experiments.compare(x, y, true_w=1.0, losses=("l1", "l2", "huber"), delta=2.0)
    assert result.runs == 30
    np.testing.assert_allclose(result.estimates["l2"], y.mean(axis=1) / 2.0, rtol=1e-12)
    np.testing.assert_allclose(result.estimates["l1"], np.median(y, axis=1) / 2.0, rtol=1e-12)
    for k in (0, 17):
        assert result.estimates["huber"][k] == pytest.approx(
            gd.minimizer(x, y[k], loss="huber", delta=2.0)
        )
    assert repr(result) == "Comparison(losses=[l1, l2, huber], runs=30, true_w=1)"


def test_comparison_tighter_names_the_loss_with_the_smaller_statistic():
    result = experiments.Comparison(
        {"l1": np.array([0.0, 2.0]), "l2": np.array([0.9, 1.1])}, true_w=1.0
    )
    assert result.tighter() == "l2"
    assert result.tighter("std") == "l2"
    with pytest.raises(ValueError, match="statistic must be one of 'std'"):
        result.tighter("mean")


@pytest.mark.parametrize(
    ("y", "losses_", "error", "match"),
    [
        (np.ones(20), ("l1",), ValueError, r"y must have shape \(runs, n\) with at least 2 runs"),
        (np.ones((1, 20)), ("l1",), ValueError, "at least 2 runs"),
        (np.ones((3, 20)), ("signed",), ValueError, "the signed loss never settles"),
        (np.ones((3, 20)), ("l1", "l1"), ValueError, "without repeats"),
        (np.ones((3, 20)), (), ValueError, "at least one loss"),
        (np.ones((3, 20)), ("l3",), ValueError, "got 'l3'"),
    ],
)
def test_compare_rejects_bad_input(y, losses_, error, match):
    with pytest.raises(error, match=match):
        experiments.compare(2.0, y, true_w=1.0, losses=losses_)


def test_table_lists_every_noise_and_loss():
    x, y = data.linear(20, noise=5.0, runs=50, rng=6)
    text = experiments.table(
        {
            "Gaussian": experiments.compare(x, y, true_w=1.0),
            "again": experiments.compare(x, y, true_w=1.0, losses=("huber",)),
        },
        digits=2,
    )
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["noise", "loss"]
    assert [line.split()[0] for line in lines[1:]] == ["Gaussian", "Gaussian", "again"]
    assert "abs L1" in lines[1]
    assert "L2" in lines[2]
    assert "Huber" in lines[3]
    assert len({len(line) for line in lines[1:]}) == 1  # right-aligned columns


def test_str_of_a_comparison_is_a_table_without_the_noise_column():
    x, y = data.linear(20, noise=5.0, runs=50, rng=6)
    lines = str(experiments.compare(x, y, true_w=1.0)).splitlines()
    assert lines[0].split()[0] == "loss"
    assert lines[1].startswith("abs L1")


@pytest.mark.parametrize(
    ("comparisons", "digits", "error", "match"),
    [
        ({}, 3, TypeError, "non-empty mapping"),
        ({"a": 1.0}, 3, TypeError, r"comparisons\['a'\] must be an l1l2.experiments.Comparison"),
        (None, 3, TypeError, "comparisons must be"),
    ],
)
def test_table_rejects_bad_input(comparisons, digits, error, match):
    with pytest.raises(error, match=match):
        experiments.table(comparisons, digits=digits)


def test_table_rejects_negative_digits():
    x, y = data.linear(20, noise=5.0, runs=5, rng=6)
    with pytest.raises(ValueError, match="digits must be an integer >= 0"):
        experiments.table({"a": experiments.compare(x, y, true_w=1.0)}, digits=-1)


def test_l1_interval_is_between_the_middle_readings_for_even_n():
    _, y = data.linear(20, noise=5.0, rng=7)
    readings = np.sort(y / 2.0)
    low, high = experiments.l1_interval(2.0, y)
    assert (low, high) == (readings[9], readings[10])


def test_l1_interval_is_the_median_for_odd_n_and_flips_with_negative_x():
    _, y = data.linear(21, noise=5.0, rng=7)
    assert experiments.l1_interval(2.0, y) == (np.median(y) / 2.0,) * 2
    low, high = experiments.l1_interval(-2.0, y[:20])
    readings = np.sort(y[:20] / -2.0)
    assert (low, high) == (readings[9], readings[10])


def test_l1_interval_holds_the_minimisers_of_a_weighted_problem():
    rng = np.random.default_rng(8)
    x = rng.uniform(0.5, 3.0, 12)
    y = x + rng.normal(0.0, 1.0, 12)
    low, high = experiments.l1_interval(x, y)

    def total(w: float) -> float:
        return losses.l1(y, w * x, reduction="sum")

    grid = np.linspace(-3, 5, 4001)
    best = min(total(w) for w in grid)
    assert total(low) == pytest.approx(best, abs=1e-9) or total(low) <= best
    assert total(high) == pytest.approx(total(low), abs=1e-9)
    assert total(low - 1e-3) > total(low)
    assert total(high + 1e-3) > total(high)
    assert low <= gd.minimizer(x, y, loss="l1") <= high


def test_l1_interval_is_vectorised_over_runs():
    x, y = data.linear(10, noise=5.0, runs=4, rng=9)
    low, high = experiments.l1_interval(x, y)
    assert isinstance(low, np.ndarray)
    assert low.shape == (4,)
    for k in range(4):
        assert (low[k], high[k]) == experiments.l1_interval(x, y[k])
    assert np.all(low <= high)


@pytest.mark.parametrize(
    ("x", "y", "error", "match"),
    [
        (0.0, [1.0, 2.0], ValueError, "x must not be all zero"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError, "x must broadcast to the shape of y"),
        (1.0, np.ones((2, 2, 2)), ValueError, r"y must have shape \(n,\) or \(runs, n\)"),
        (1.0, [], ValueError, "y must not be empty"),
        (1.0, [1.0, np.inf], ValueError, "y must hold finite numbers"),
    ],
)
def test_l1_interval_rejects_bad_input(x, y, error, match):
    with pytest.raises(error, match=match):
        experiments.l1_interval(x, y)


# ---------------------------------------------------------------------------------------------
# plotting: total loss over w, the gradient curves, the band on plot_w
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_plot_total_loss_marks_the_settle_point(loss):
    x, y = data.linear(20, noise=5.0, rng=3)
    ax = plotting.plot_total_loss(x, y, loss=loss, true_w=1.0, delta=2.0)
    assert isinstance(ax, Axes)
    labels = ax.get_legend_handles_labels()[1]
    settle = gd.minimizer(x, y, loss=loss, delta=2.0)
    assert f"settle point = {settle:.4g}" in labels
    assert "true w = 1" in labels
    assert any(label.startswith("flat bottom") for label in labels) == (loss == "l1")
    curve = ax.get_lines()[0]
    w, total = curve.get_data()
    assert w[np.argmin(total)] == pytest.approx(settle, abs=(w[1] - w[0]) + 0.06 * (loss == "l1"))


@pytest.mark.usefixtures("close_figures")
def test_plot_total_loss_w_range_sets_the_axis():
    ax = plotting.plot_total_loss(2.0, [1.0, 2.0, 3.0], loss="l2", w_range=(-1.0, 3.0))
    assert ax.get_xlim() == (-1.0, 3.0)


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize(
    ("x", "y", "kwargs", "error", "match"),
    [
        (2.0, [1.0, 2.0], {"loss": "signed"}, ValueError, "the signed loss has no minimum"),
        (
            2.0,
            np.ones((2, 3)),
            {"loss": "l1"},
            ValueError,
            r"y must have shape \(n,\), got shape \(2, 3\)",
        ),
        ([0.0, 1.0], [1.0, 2.0], {"loss": "l1"}, ValueError, "x must not hold zeros"),
        (2.0, [1.0, 2.0], {"loss": "l1", "w_range": (1.0, 0.0)}, ValueError, "low < high"),
        (2.0, [1.0, 2.0], {"loss": "l1", "w_range": [0.0, 1.0]}, TypeError, "w_range must be"),
        (2.0, [1.0, 2.0], {"loss": "huber", "delta": 0.0}, ValueError, "delta must be > 0"),
    ],
)
def test_plot_total_loss_rejects_bad_input(x, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        plotting.plot_total_loss(x, y, **kwargs)


@pytest.mark.usefixtures("close_figures")
def test_plot_gradients_draws_each_slope():
    ax = plotting.plot_gradients(4.0, delta=1.5)
    lines = {line.get_label(): line for line in ax.get_lines()}
    r, huber_slope = lines["Huber: clip(r, -1.5, 1.5)"].get_data()
    np.testing.assert_allclose(huber_slope, np.clip(r, -1.5, 1.5))
    _, l2_slope = lines["L2: 2r"].get_data()
    np.testing.assert_allclose(l2_slope, 2 * r)
    assert "r = ±δ" in lines


@pytest.mark.usefixtures("close_figures")
def test_plot_w_shades_a_band():
    x, y = data.linear(20)
    h = gd.fit(x, y, loss="l2", w0=3.0, lr=0.01, batch_size=2, epochs=1, reduction="sum")
    ax = plotting.plot_w(h, band=(0.5, 1.5))
    assert "flat bottom [0.5, 1.5]" in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="low <= high"):
        plotting.plot_w(h, band=(2.0, 1.0))
    with pytest.raises(TypeError, match="band must be a pair"):
        plotting.plot_w(h, band=1.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Chapter 06, where descent settles: the book's data (x = 2, true w = 1, N = 20, sigma = 5),
# drawn as chapters 04 to 06 and 08 draw it: from np.random.default_rng(4), after a data set
# with sigma = 0.05.
# ---------------------------------------------------------------------------------------------

N, X, TRUE_W, SIGMA = 20, 2.0, 1.0, 5.0
DECAY = schedules.inverse_time(0.01, decay=1 / 2000)


def draw_book_data(rng):
    x, _ = data.linear(N, x=X, w=TRUE_W, noise=0.05, rng=rng)
    _, y = data.linear(N, x=X, w=TRUE_W, noise=SIGMA, rng=rng)
    return x, y


@pytest.fixture(scope="module")
def book_data():
    return draw_book_data(np.random.default_rng(4))


@pytest.fixture(scope="module")
def l1_decay_run(book_data):
    x, y = book_data
    return gd.fit(x, y, loss="l1", w0=20.0, lr=DECAY, batch_size=2, epochs=2000, reduction="sum")


def test_ch06_l2_settles_at_the_mean_and_l1_at_the_median(book_data):
    x, y = book_data
    assert gd.minimizer(x, y, loss="l2") == pytest.approx(np.mean(y) / X, abs=1e-12)
    assert gd.minimizer(x, y, loss="l1") == pytest.approx(np.median(y) / X, abs=1e-12)
    low, high = experiments.l1_interval(x, y)
    readings = np.sort(y / X)
    assert (low, high) == (readings[9], readings[10])
    # The numbers the chapter prints.
    assert gd.minimizer(x, y, loss="l2") == pytest.approx(0.4861, abs=5e-5)
    assert gd.minimizer(x, y, loss="l1") == pytest.approx(0.6083, abs=5e-5)
    assert (low, high) == (pytest.approx(0.4917, abs=5e-5), pytest.approx(0.7249, abs=5e-5))


def test_ch06_neither_estimate_is_the_true_w_and_the_gap_is_of_the_order_of_the_standard_error(
    book_data,
):
    x, y = book_data
    standard_error = SIGMA / (X * math.sqrt(N))
    assert standard_error == pytest.approx(0.559, abs=5e-4)
    gap_l2 = gd.minimizer(x, y, loss="l2") - TRUE_W
    gap_l1 = gd.minimizer(x, y, loss="l1") - TRUE_W
    assert gap_l2 == pytest.approx(-0.5139, abs=5e-5)
    assert gap_l1 == pytest.approx(-0.3917, abs=5e-5)
    assert abs(gap_l1) < abs(gap_l2) < 2 * standard_error  # on this data set the median is closer


def test_ch06_l2_descent_hops_but_its_epoch_average_is_the_least_squares_estimate(book_data):
    x, y = book_data
    run = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=20, reduction="sum")
    last = run.w[-run.steps_per_epoch :]
    least_squares = gd.minimizer(x, y, loss="l2")
    assert last.mean() == pytest.approx(least_squares, abs=1e-10)
    assert abs(run.final_w - least_squares) > 0.05  # the last estimate is not the settle point
    assert np.ptp(last) == pytest.approx(0.4822, abs=5e-5)  # printed: 0.2564 to 0.7386


def test_ch06_l1_descent_comes_to_rest_at_the_upper_edge_of_the_flat_bottom(
    book_data, l1_decay_run
):
    x, y = book_data
    low, high = experiments.l1_interval(x, y)
    last = l1_decay_run.w[-l1_decay_run.steps_per_epoch :]
    hop = 4 * l1_decay_run.lr[-1]  # a batch of two moves w by at most lr * (2 + 2)
    assert hop < 0.004
    assert low < last.min()
    assert last.max() <= high + 2 * hop  # hops straddling the 11th reading, the edge
    assert abs(l1_decay_run.final_w - high) < hop  # upper edge, not the midpoint
    assert abs(l1_decay_run.final_w - gd.minimizer(x, y, loss="l1")) > 0.05


def test_ch06_every_point_of_the_flat_bottom_has_the_same_total_l1_loss(book_data, l1_decay_run):
    x, y = book_data
    low, high = experiments.l1_interval(x, y)

    def total(w: float) -> float:
        return losses.l1(y, w * x, reduction="sum")

    best = total(gd.minimizer(x, y, loss="l1"))
    assert total(low) == pytest.approx(best, abs=1e-9)
    assert total(high) == pytest.approx(best, abs=1e-9)
    assert best == pytest.approx(79.213, abs=5e-4)
    assert 0 < total(l1_decay_run.final_w) - best < 0.01  # a hair above the edge, printed 79.220


def test_ch06_full_batch_descent_lands_exactly_or_stops_dead_in_the_flat_bottom(book_data):
    x, y = book_data
    full_l2 = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=N, epochs=100, reduction="sum")
    assert full_l2.final_w == pytest.approx(gd.minimizer(x, y, loss="l2"), abs=1e-12)
    full_l1 = gd.fit(x, y, loss="l1", w0=20.0, lr=0.01, batch_size=N, epochs=100, reduction="sum")
    low, high = experiments.l1_interval(x, y)
    assert low <= full_l1.final_w <= high
    assert full_l1.final_w == pytest.approx(0.72, abs=1e-9)
    assert np.all(full_l1.w[-11:] == full_l1.final_w)  # the gradient is exactly zero there


def test_ch06_exercise_start_below_stops_elsewhere_in_the_flat_bottom(book_data, l1_decay_run):
    x, y = book_data
    run = gd.fit(x, y, loss="l1", w0=-20.0, lr=DECAY, batch_size=2, epochs=2000, reduction="sum")
    low, high = experiments.l1_interval(x, y)
    assert low <= run.final_w <= high
    assert run.final_w < l1_decay_run.final_w - 0.05
    best = losses.l1(y, gd.minimizer(x, y, loss="l1") * x, reduction="sum")
    assert losses.l1(y, run.final_w * x, reduction="sum") == pytest.approx(best, abs=1e-9)


def test_ch06_exercise_one_far_sample_moves_the_mean_by_its_shift_over_n_x(book_data):
    x, y = book_data
    moved = y.copy()
    moved[np.argmin(moved)] += 100.0
    shift = gd.minimizer(x, moved, loss="l2") - gd.minimizer(x, y, loss="l2")
    assert shift == pytest.approx(100.0 / (N * X), abs=1e-12)
    readings = np.sort(y / X)
    assert experiments.l1_interval(x, moved) == (readings[10], readings[11])


def test_ch06_exercise_odd_n_has_a_single_settle_point(book_data):
    x, y = book_data
    low, high = experiments.l1_interval(x[:-1], y[:-1])
    assert low == high == np.median(y[:-1]) / X
    run = gd.fit(
        x[:-1],
        y[:-1],
        loss="l1",
        w0=20.0,
        lr=schedules.inverse_time(0.01, decay=1 / 20),
        batch_size=19,
        epochs=5000,
        reduction="sum",
    )
    assert run.final_w == pytest.approx(low, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# Chapter 07, a thousand data sets: L2 tighter under Gaussian noise, abs L1 tighter under heavy
# tails and outliers. The chapter's seed (7) and, to show it is no accident of one seed, two more.
# ---------------------------------------------------------------------------------------------

RUNS = 1000
NOISES = {
    "Gaussian": {"noise": SIGMA},
    "Laplace": {"noise": SIGMA / math.sqrt(2), "distribution": "laplace"},
    "Student t (df 2)": {"noise": SIGMA, "distribution": "student_t", "df": 2.0},
    "10% outliers": {"noise": SIGMA, "outliers": 0.1, "outlier_shift": 50.0},
}


def noise_stacks(rng):
    return {
        label: data.linear(N, x=X, w=TRUE_W, runs=RUNS, rng=rng, **options)
        for label, options in NOISES.items()
    }


@pytest.fixture(scope="module")
def ch07():
    rng = np.random.default_rng(7)
    stacks = noise_stacks(rng)
    results = {label: experiments.compare(x, y, true_w=TRUE_W) for label, (x, y) in stacks.items()}
    return rng, stacks, results


@pytest.mark.parametrize("seed", [7, 0, 1])
def test_ch07_l2_is_tighter_under_gaussian_noise_and_l1_under_heavy_tails_and_outliers(seed):
    stacks = noise_stacks(np.random.default_rng(seed))
    for label, (x, y) in stacks.items():
        result = experiments.compare(x, y, true_w=TRUE_W)
        winner = "l2" if label == "Gaussian" else "l1"
        for statistic in ("std", "iqr", "mad", "mae"):
            assert result.tighter(statistic) == winner, (seed, label, statistic)


def test_ch07_printed_table(ch07):
    _, _, results = ch07
    stats = {label: result.stats() for label, result in results.items()}
    expected = {  # (std, mean |error|) of abs L1 and L2, as the chapter prints them
        "Gaussian": {"l1": (0.670, 0.536), "l2": (0.564, 0.449)},
        "Laplace": {"l1": (0.477, 0.370), "l2": (0.569, 0.449)},
        "Student t (df 2)": {"l1": (0.798, 0.635), "l2": (1.733, 1.119)},
        "10% outliers": {"l1": (0.773, 0.671), "l2": (1.766, 2.498)},
    }
    for label, per_loss in expected.items():
        for loss, (std, mae) in per_loss.items():
            assert stats[label][loss]["std"] == pytest.approx(std, abs=5e-4)
            assert stats[label][loss]["mae"] == pytest.approx(mae, abs=5e-4)
    assert stats["10% outliers"]["l2"]["mean"] == pytest.approx(3.442, abs=5e-4)
    assert stats["10% outliers"]["l1"]["mean"] == pytest.approx(1.348, abs=5e-4)
    # The Gaussian ratio of standard deviations is near sqrt(pi / 2) = 1.253.
    ratio = stats["Gaussian"]["l1"]["std"] / stats["Gaussian"]["l2"]["std"]
    assert 1.1 < ratio < 1.35


def test_ch07_descent_and_closed_form_agree_on_a_thousand_data_sets(ch07):
    _, stacks, results = ch07
    x, y = stacks["Gaussian"]
    l2 = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=N, epochs=100, reduction="sum")
    np.testing.assert_allclose(l2.final_w, results["Gaussian"].estimates["l2"], rtol=0, atol=1e-12)
    l1 = gd.fit(
        x,
        y,
        loss="l1",
        w0=20.0,
        lr=schedules.exponential(0.01, rate=0.997),
        batch_size=N,
        epochs=1000,
        reduction="sum",
    )
    low, high = experiments.l1_interval(x, y)
    assert np.all((low <= l1.final_w) & (l1.final_w <= high))


def test_ch07_student_t_throws_some_l2_estimates_off_the_plot(ch07):
    _, _, results = ch07
    wild = results["Student t (df 2)"].estimates["l2"]
    assert np.count_nonzero((wild < -2.0) | (wild > 4.0)) == 44
    assert np.count_nonzero(np.abs(results["Student t (df 2)"].estimates["l1"] - 1) > 3) == 0


def test_ch07_exercises(ch07):
    rng = np.random.default_rng(7)
    noise_stacks(rng)  # the chapter's draws come first
    by_fraction = {}
    for fraction in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3):
        x, y = data.linear(
            N, x=X, w=TRUE_W, noise=SIGMA, runs=RUNS, rng=rng, outliers=fraction, outlier_shift=50.0
        )
        by_fraction[fraction] = experiments.compare(x, y, true_w=TRUE_W).stats()
    assert by_fraction[0.0]["l2"]["mae"] < by_fraction[0.0]["l1"]["mae"]
    for fraction in (0.02, 0.05, 0.1, 0.2, 0.3):
        assert by_fraction[fraction]["l1"]["mae"] < by_fraction[fraction]["l2"]["mae"]
    l1_errors = [by_fraction[f]["l1"]["mae"] for f in sorted(by_fraction)]
    assert l1_errors == sorted(l1_errors)  # abs L1's error grows too
    assert by_fraction[0.3]["l1"]["std"] > by_fraction[0.3]["l2"]["std"]

    ratios = []
    for n in (5, 20, 80, 320):
        x, y = data.linear(n, x=X, w=TRUE_W, noise=SIGMA, runs=4000, rng=rng)
        per_loss = experiments.compare(x, y, true_w=TRUE_W).stats()
        ratios.append(per_loss["l1"]["std"] / per_loss["l2"]["std"])
    assert all(r > 1.15 for r in ratios)
    assert ratios[-1] == pytest.approx(math.sqrt(math.pi / 2), abs=0.03)
    assert ratios[-1] > ratios[0]


# ---------------------------------------------------------------------------------------------
# Chapter 08, Huber: values and gradients, delta as the switch, the experiment re-run.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "loss", "slope"),
    [(0.5, 0.125, 0.5), (1.0, 0.5, 1.0), (3.0, 2.5, 1.0), (-3.0, 2.5, -1.0)],
)
def test_ch08_huber_values_and_gradients_with_delta_one(r, loss, slope):
    assert losses.huber([0.0], [r], delta=1.0, reduction="sum") == pytest.approx(loss)
    assert losses.huber_grad([0.0], [r], delta=1.0, reduction="sum")[0] == pytest.approx(slope)
    assert losses.l2([0.0], [r], reduction="sum") == pytest.approx(r * r)  # L2 charges 9 at 3


def test_ch08_exercise_by_hand():
    errors = np.array([1.0, -2.0])
    np.testing.assert_allclose(
        losses.huber(np.zeros(2), errors, delta=1.5, reduction="none"), [0.5, 1.875]
    )
    np.testing.assert_allclose(
        losses.huber_grad(np.zeros(2), errors, delta=1.5, reduction="none"), [1.0, -1.5]
    )


@pytest.mark.parametrize("delta", [0.5, 2.0, 7.0])
def test_ch08_huber_and_its_slope_are_continuous_at_delta(delta):
    eps = 1e-9
    below, at, above = delta - eps, delta, delta + eps
    values = [losses.huber([0.0], [r], delta=delta, reduction="sum") for r in (below, at, above)]
    slopes = [
        losses.huber_grad([0.0], [r], delta=delta, reduction="sum")[0] for r in (below, at, above)
    ]
    assert values == pytest.approx([delta**2 / 2] * 3, abs=1e-8)
    assert slopes == pytest.approx([delta] * 3, abs=1e-8)
    # Both pieces of the formula agree at |r| = delta.
    assert 0.5 * delta**2 == pytest.approx(delta * (delta - 0.5 * delta))


@pytest.fixture(scope="module")
def ch08():
    rng = np.random.default_rng(4)
    x, y_clean = data.linear(N, x=X, w=TRUE_W)
    _, y_noisy = draw_book_data(rng)
    return rng, x, y_clean, y_noisy


def test_ch08_uses_the_data_of_chapter_06(ch08, book_data):
    np.testing.assert_array_equal(ch08[3], book_data[1])


def test_ch08_experiment_with_huber(ch08):
    _, x, y_clean, y_noisy = ch08
    setup = {"w0": 20.0, "lr": 0.01, "batch_size": 2, "epochs": 20, "reduction": "sum"}
    clean = {
        name: gd.fit(x, y_clean, loss=name, delta=5.0, **setup) for name in ("l1", "l2", "huber")
    }
    assert clean["l1"].final_w == pytest.approx(12.0, abs=1e-9)  # 200 steps of 0.04
    assert np.flatnonzero(np.abs(clean["huber"].w - 1) < 0.05)[0] == 130
    assert np.flatnonzero(np.abs(clean["l2"].w - 1) < 0.05)[0] == 35
    assert clean["huber"].final_w == pytest.approx(1.0001, abs=5e-5)
    noisy = {name: gd.fit(x, y_noisy, loss=name, delta=5.0, **setup) for name in ("l2", "huber")}
    swing = {name: np.ptp(h.w[-10:]) for name, h in noisy.items()}
    assert swing["huber"] == pytest.approx(0.1766, abs=5e-5)
    assert swing["l2"] == pytest.approx(0.4822, abs=5e-5)
    # With delta = 1, Huber's far-out steps equal abs L1's: the same 200 updates.
    one = gd.fit(x, y_clean, loss="huber", delta=1.0, **setup)
    np.testing.assert_allclose(one.w, clean["l1"].w, rtol=0, atol=1e-12)


@pytest.fixture(scope="module")
def ch08_stacks(ch08):
    rng = ch08[0]
    noises = {key: NOISES[key] for key in ("Gaussian", "Student t (df 2)", "10% outliers")}
    return {
        label: data.linear(N, x=X, w=TRUE_W, runs=RUNS, rng=rng, **options)
        for label, options in noises.items()
    }


def test_ch08_huber_is_the_bridge_over_a_thousand_data_sets(ch08_stacks):
    mae = {}
    for label, (x, y) in ch08_stacks.items():
        stats = experiments.compare(
            x, y, true_w=TRUE_W, losses=("l1", "huber", "l2"), delta=1.345 * SIGMA
        ).stats()
        mae[label] = {loss: stats[loss]["mae"] for loss in stats}
        # Never far from the better of the two, never as bad as the worse one.
        assert mae[label]["huber"] < min(mae[label]["l1"], mae[label]["l2"]) + 0.025
        assert mae[label]["huber"] < max(mae[label]["l1"], mae[label]["l2"])
    assert mae["Gaussian"] == pytest.approx({"l1": 0.524, "huber": 0.443, "l2": 0.438}, abs=5e-4)
    assert mae["Student t (df 2)"] == pytest.approx(
        {"l1": 0.650, "huber": 0.624, "l2": 1.141}, abs=5e-4
    )
    assert mae["10% outliers"] == pytest.approx(
        {"l1": 0.679, "huber": 0.676, "l2": 2.634}, abs=5e-4
    )


def test_ch08_delta_sweeps_from_l1_to_l2(ch08_stacks):
    def huber_mae(label, delta):
        x, y = ch08_stacks[label]
        return experiments.compare(x, y, true_w=TRUE_W, losses=("huber",), delta=delta).stats()[
            "huber"
        ]["mae"]

    def mae(label, loss):
        x, y = ch08_stacks[label]
        return experiments.compare(x, y, true_w=TRUE_W, losses=(loss,)).stats()[loss]["mae"]

    for label in ch08_stacks:
        assert huber_mae(label, 0.5) == pytest.approx(mae(label, "l1"), abs=0.025)
    assert huber_mae("Gaussian", 20.0) == pytest.approx(mae("Gaussian", "l2"), abs=1e-3)
    assert huber_mae("10% outliers", 50.0) == pytest.approx(mae("10% outliers", "l2"), abs=0.02)
    # At delta = 5 (one noise standard deviation), the numbers of the chapter's prose.
    assert huber_mae("Gaussian", 5.0) == pytest.approx(0.448, abs=5e-4)
    assert huber_mae("Student t (df 2)", 5.0) == pytest.approx(0.616, abs=5e-4)
    assert huber_mae("10% outliers", 5.0) == pytest.approx(0.647, abs=5e-4)
    assert huber_mae("Student t (df 2)", 5.0) < mae("Student t (df 2)", "l1")
    assert huber_mae("10% outliers", 5.0) < mae("10% outliers", "l1")


def test_ch08_exercise_huber_settle_point_runs_from_the_median_to_the_mean(ch08):
    _, _, _, y = ch08
    low, high = experiments.l1_interval(X, y)
    least_squares = gd.minimizer(X, y, loss="l2")
    assert low <= gd.minimizer(X, y, loss="huber", delta=0.001) <= high
    largest = np.max(np.abs(least_squares * X - y))
    assert largest == pytest.approx(9.56, abs=5e-3)
    for delta in (20.0, 1000.0):  # beyond the largest error: exactly least squares
        assert gd.minimizer(X, y, loss="huber", delta=delta) == pytest.approx(
            least_squares, abs=1e-12
        )
    midpoint = gd.minimizer(X, y, loss="l1")
    for delta in (1.0, 5.0):  # in between the mean and the median-based midpoint, at neither
        w = gd.minimizer(X, y, loss="huber", delta=delta)
        assert least_squares + 0.01 < w < midpoint - 0.01


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0.0,), {}, ValueError, "max_error must be > 0"),
        ((5.0,), {"delta": -1.0}, ValueError, "delta must be > 0"),
        ((5.0,), {"losses_to_show": ("l3",)}, ValueError, "losses_to_show must name one or more"),
        ((5.0,), {"losses_to_show": "l1"}, TypeError, "losses_to_show must be a sequence"),
        (("5",), {}, TypeError, "max_error must be a real number"),
    ],
)
def test_plot_gradients_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plotting.plot_gradients(*args, **kwargs)
