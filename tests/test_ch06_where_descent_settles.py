"""Chapter 06, where descent settles: the claims the chapter prints, re-computed with its seeds.

A change in ``l1l2`` that breaks a sentence of the chapter fails here, not only in nbval.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from chapter_data import DECAY, SIGMA, TRUE_W, N, X

from l1l2 import experiments, gd, losses, schedules


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
