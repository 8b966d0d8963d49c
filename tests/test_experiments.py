"""``l1l2.experiments``: the spread of estimates over many data sets, the comparison of losses,
its printed table, and the interval where abs L1 settles.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from l1l2 import data, experiments, gd, losses


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
