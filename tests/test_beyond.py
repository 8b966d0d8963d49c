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

from l1l2 import data, experiments, gd, losses, plotting

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
        (2.0, np.ones((2, 3)), {"loss": "l1"}, ValueError, "y must be 1-D"),
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
