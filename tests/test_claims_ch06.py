"""The claims of chapter 06 (where descent settles), recomputed with plain NumPy.

Nothing here calls ``l1l2``: the data are drawn the way the chapter describes them (seed 4,
first 20 samples with sigma = 0.05, then 20 with sigma = 5, every x = 2, true w = 1) and the
descent loop, the medians and the flat bottom are written out again.
"""

import numpy as np
import pytest

X, N = 2.0, 20


def book_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    y_small = X + rng.normal(0.0, 0.05, N)
    y = X + rng.normal(0.0, 5.0, N)
    return y_small, y


def descend(y, *, loss, w0, lr, batch, steps):
    """Mini-batch descent on w x with the loss summed over each batch, batches in order."""
    w, path = w0, [w0]
    per_epoch = len(y) // batch
    for t in range(steps):
        k = t % per_epoch
        r = w * X - y[k * batch : (k + 1) * batch]
        g = np.sum((np.sign(r) if loss == "l1" else 2 * r) * X)
        w -= (lr(t) if callable(lr) else lr) * g
        path.append(w)
    return np.array(path)


def flat_bottom(y):
    readings = np.sort(y / X)
    return readings[len(y) // 2 - 1], readings[len(y) // 2]


def test_l2_settles_at_the_mean_and_l1_is_flat_between_the_middle_readings():
    _, y = book_data()
    low, high = flat_bottom(y)
    full = descend(y, loss="l2", w0=20.0, lr=0.01, batch=N, steps=100)
    assert full[-1] == pytest.approx(np.mean(y) / X, abs=1e-12)
    total = lambda w: np.sum(np.abs(w * X - y))  # noqa: E731
    inside = np.linspace(low, high, 7)
    assert np.ptp([total(w) for w in inside]) < 1e-9
    assert total(low - 1e-3) > total(low)
    assert total(high + 1e-3) > total(high)


def test_zero_is_in_the_subdifferential_exactly_on_the_flat_bottom():
    _, y = book_data()
    low, high = flat_bottom(y)
    for w in np.sort(y / X):  # the kinks
        below, above = np.sum(y < w * X), np.sum(y > w * X)
        left, right = X * (below - above - 1), X * (below - above + 1)
        assert (left <= 0 <= right) == (low <= w <= high)
    for w in np.linspace(-5.0, 5.0, 1001):  # between kinks the slope is the count difference
        if not np.any(np.isclose(w * X, y)):
            slope = X * (np.sum(y < w * X) - np.sum(y > w * X))
            assert (slope == 0) == (low < w < high)


def test_the_median_based_estimate_is_closer_on_the_book_data():
    _, y = book_data()
    gap_l2 = np.mean(y) / X - 1
    gap_l1 = np.median(y) / X - 1
    assert gap_l2 == pytest.approx(-0.514, abs=1e-3)
    assert gap_l1 == pytest.approx(-0.392, abs=1e-3)
    assert abs(gap_l1) < abs(gap_l2)


def test_minibatch_l2_averages_to_least_squares_over_an_epoch_and_a_smaller_rate_swings_less():
    _, y = book_data()
    fast = descend(y, loss="l2", w0=20.0, lr=0.01, batch=2, steps=200)[-10:]
    slow = descend(y, loss="l2", w0=20.0, lr=0.001, batch=2, steps=2000)[-10:]
    assert fast.mean() == pytest.approx(np.mean(y) / X, abs=1e-10)
    assert slow.mean() == pytest.approx(np.mean(y) / X, abs=1e-10)
    assert np.ptp(fast) > 0.4
    assert np.ptp(slow) < np.ptp(fast) / 5


def test_decaying_abs_l1_keeps_hopping_across_the_edge_it_comes_from():
    _, y = book_data()
    low, high = flat_bottom(y)
    decay = lambda t: 0.01 / (1 + t / 2000)  # noqa: E731
    above = descend(y, loss="l1", w0=20.0, lr=decay, batch=2, steps=20000)
    below = descend(y, loss="l1", w0=-20.0, lr=decay, batch=2, steps=20000)
    last_hop = 4 * decay(19999)
    assert abs(above[-1] - high) <= last_hop
    assert abs(below[-1] - low) <= last_hop
    assert above[-10:].min() < high < above[-10:].max()  # straddles the 11th reading


def test_full_batch_abs_l1_steps_are_two_eta_times_the_count_difference():
    _, y = book_data()
    path = descend(y, loss="l1", w0=20.0, lr=0.01, batch=N, steps=100)
    for w, step in zip(path[:-1], -np.diff(path), strict=True):
        difference = np.sum(w * X > y) - np.sum(w * X < y)
        assert step == pytest.approx(0.01 * X * difference, abs=1e-12)
    sizes = list(dict.fromkeys(np.round(np.abs(np.diff(path)), 2)))
    assert sizes[:4] == [0.4, 0.36, 0.24, 0.2]


def test_full_batch_abs_l1_stops_inside_only_when_a_step_lands_there():
    y_small, y = book_data()
    low, high = flat_bottom(y)
    here = descend(y, loss="l1", w0=20.0, lr=0.01, batch=N, steps=100)
    assert low <= here[-1] <= high
    assert here[-1] == pytest.approx(0.72, abs=1e-9)
    assert np.ptp(here[-10:]) == 0.0
    small_low, small_high = flat_bottom(y_small)
    assert small_high - small_low == pytest.approx(0.0038, abs=1e-4)
    swinging = descend(y_small, loss="l1", w0=20.0, lr=0.01, batch=N, steps=100)[-10:]
    assert swinging.min() == pytest.approx(0.8)
    assert swinging.max() == pytest.approx(1.2)
    assert not np.any((small_low <= swinging) & (swinging <= small_high))
    fast = descend(y, loss="l1", w0=20.0, lr=0.1, batch=N, steps=100)[-10:]
    assert fast.min() == pytest.approx(0.4)
    assert fast.max() == pytest.approx(0.8)


def test_one_moved_sample_shifts_the_mean_by_its_shift_over_n_x_and_the_median_by_one_reading():
    _, y = book_data()
    readings = np.sort(y / X)
    for shift in (100.0, 1e6):
        moved = y.copy()
        moved[np.argmin(moved)] += shift
        assert np.mean(moved) / X - np.mean(y) / X == pytest.approx(shift / (N * X))
        assert flat_bottom(moved) == pytest.approx((readings[10], readings[11]))


def test_odd_n_has_one_minimum_and_decaying_full_batch_descent_ends_on_it():
    _, y = book_data()
    y19 = y[:-1]
    path = descend(y19, loss="l1", w0=20.0, lr=lambda t: 0.01 / (1 + t / 20), batch=19, steps=5000)
    assert path[-1] == pytest.approx(np.median(y19) / X, abs=5e-5)


def test_the_gaps_are_of_the_order_of_the_standard_error():
    _, y = book_data()
    standard_error = 5.0 / (X * np.sqrt(N))
    assert standard_error == pytest.approx(0.559, abs=1e-3)
    for estimate in (np.mean(y) / X, np.median(y) / X):
        assert 0.5 < abs(estimate - 1) / standard_error < 1.0


def test_which_estimate_is_closer_changes_from_data_set_to_data_set():
    y = X + np.random.default_rng(6).normal(0.0, 5.0, (2000, N))
    median_closer = np.abs(np.median(y, axis=1) / X - 1) < np.abs(y.mean(axis=1) / X - 1)
    assert 0.3 < median_closer.mean() < 0.5  # often, but less often than the mean


def test_decaying_abs_l1_is_still_hopping_when_the_run_ends():
    # "comes to rest" would be wrong: over the last epoch w still moves, across the upper edge
    _, y = book_data()
    low, high = flat_bottom(y)
    decay = lambda t: 0.01 / (1 + t / 2000)  # noqa: E731
    path = descend(y, loss="l1", w0=20.0, lr=decay, batch=2, steps=20000)
    last_epoch = path[-10:]
    assert np.ptp(last_epoch) > 0.005
    assert np.count_nonzero(np.diff(path[-11:])) >= 2  # it moves in the last epoch
    assert last_epoch.min() == pytest.approx(0.7231, abs=5e-5)
    assert last_epoch.max() == pytest.approx(0.7303, abs=5e-5)
    assert last_epoch.min() < high < last_epoch.max()
    assert low == pytest.approx(0.4917, abs=5e-5)
