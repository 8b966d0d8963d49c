"""``l1l2.experiments.huber_interval``: every weight where the total Huber loss is smallest.

Checked against the total written out with plain NumPy on a fine grid, against the ends of
:func:`l1l2.regression.solve`, on ties, on weighted data and on data rescaled by 1e-150 to 1e150.
"""

from __future__ import annotations

import numpy as np
import pytest

from l1l2 import experiments, gd, regression


@pytest.fixture(scope="module")
def book() -> tuple[np.ndarray, np.ndarray]:
    """The sigma = 5 data set of the book's experiment: 20 targets at x = 2."""
    x, y = experiments.experiment_data()[5.0]
    return np.broadcast_to(np.asarray(x, dtype=float), np.shape(y)).copy(), np.asarray(y)


def huber_total(w: np.ndarray, x: np.ndarray, y: np.ndarray, delta: float) -> np.ndarray:
    """The total Huber loss at each weight of ``w``, written out."""
    r = np.abs(w[:, np.newaxis] * x - y)
    return np.sum(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), axis=1)


# The flat minima the chapter and the chart show (sigma = 5 data), to four decimals; None: unique.
BOOK = {0.001: (0.4922, 0.7244), 0.1: (0.5417, 0.6749), 0.2: (0.5917, 0.6249), 1.0: None}


@pytest.mark.parametrize("delta", [0.001, 0.1, 0.2, 1.0, 5.0, 9.6])
def test_interval_holds_exactly_the_grid_points_of_smallest_total(book, delta) -> None:
    x, y = book
    low, high = experiments.huber_interval(x, y, delta=delta)
    grid = np.linspace(0.3, 0.9, 60_001)  # steps of 1e-5
    total = huber_total(grid, x, y, delta)
    best = total.min()
    flat = grid[total <= best * (1 + 1e-13)]  # summation error: about 1e-15
    assert flat.min() == pytest.approx(low, abs=2e-5)
    assert flat.max() == pytest.approx(high, abs=2e-5)
    ends = huber_total(np.array([low, high]), x, y, delta)
    assert np.all(ends <= best * (1 + 1e-13))
    assert ends[0] == pytest.approx(ends[1], rel=1e-14)
    # Just outside the interval the total rises.
    outside = huber_total(np.array([low - 1e-4, high + 1e-4]), x, y, delta)
    assert np.all(outside > ends)


@pytest.mark.parametrize("delta", sorted(BOOK))
def test_the_books_flat_minima_and_the_ends_of_solve(book, delta) -> None:
    x, y = book
    low, high = experiments.huber_interval(x, y, delta=delta)
    if BOOK[delta] is None:
        assert low == high
    else:
        assert (round(low, 4), round(high, 4)) == BOOK[delta]
    fit = regression.solve(x[:, np.newaxis], y, loss="huber", delta=delta, fit_intercept=False)
    assert low - 1e-12 <= fit.slope <= high + 1e-12
    assert fit.unique == (low == high)
    # gd.minimizer's point lies in the set too (to the last bits of its bisection).
    point = gd.minimizer(x, y, loss="huber", delta=delta)
    assert low * (1 - 1e-15) <= point <= high * (1 + 1e-15)


def test_at_delta_point_one_both_ends_give_the_same_total(book) -> None:
    x, y = book
    low, high = experiments.huber_interval(x, y, delta=0.1)
    totals = huber_total(np.array([low, high]), x, y, 0.1)
    assert totals == pytest.approx([7.8213006506] * 2, abs=1e-10)


def test_ends_are_the_middle_targets_moved_in_by_delta(book) -> None:
    x, y = book
    tiny = 0.001
    readings = np.sort(y / x)
    assert experiments.huber_interval(x, y, delta=tiny) == (
        readings[9] + tiny / 2.0,
        readings[10] - tiny / 2.0,
    )


@pytest.mark.parametrize(
    ("x", "y", "delta", "expected"),
    [
        (1.0, [0.0, 0.0, 4.0, 4.0], 1.0, (1.0, 3.0)),  # repeated targets
        (1.0, [0.0, 0.0, 4.0, 4.0], 2.0, (2.0, 2.0)),  # zones touching at w = 2: unique
        (1.0, [0.0, 4.0, 4.0], 1.0, (3.5, 3.5)),  # odd n: unique, pulled by delta
        ([1.0, 1.0, 2.0], [0.0, 0.0, 10.0], 0.5, (0.5, 4.75)),  # weights 1 + 1 against 2
        ([-1.0, -1.0, 2.0], [0.0, 0.0, 10.0], 0.5, (0.5, 4.75)),  # negative x: the same zones
        ([1.0, 1.0, 3.0], [0.0, 0.0, 10.0], 0.5, None),  # 1 + 1 against 3: unique
        ([1.0, 0.0, 1.0], [0.0, 99.0, 4.0], 1.0, (1.0, 3.0)),  # x = 0 adds nothing
    ],
)
def test_ties_weights_and_touching_zones(x, y, delta, expected) -> None:
    low, high = experiments.huber_interval(x, y, delta=delta)
    if expected is None:
        assert low == high
        xs = np.broadcast_to(np.asarray(x, dtype=float), np.shape(y))
        assert gd.minimizer(xs, y, loss="huber", delta=delta) == low
    else:
        assert (low, high) == expected


@pytest.mark.parametrize("exponent", [-150, -100, -50, -10, 10, 50, 100, 150])
def test_rescaled_data_give_the_same_interval(book, exponent) -> None:
    x, y = book
    s = 10.0**exponent
    for delta in (0.001, 0.1, 1.0):
        low, high = experiments.huber_interval(x, y, delta=delta)
        # x and y (and delta, in the units of y) rescaled: the same weights.
        both = experiments.huber_interval(x * s, y * s, delta=delta * s)
        assert both == pytest.approx((low, high), rel=1e-15)
        assert (both[0] == both[1]) == (low == high)
        # y alone rescaled: the weights rescale with it.
        scaled = experiments.huber_interval(x, y * s, delta=delta * s)
        assert scaled == pytest.approx((low * s, high * s), rel=1e-15)


def test_targets_near_the_float64_limit() -> None:
    top = 1.5e308
    low, high = experiments.huber_interval(1.0, [-top, -top, top, top], delta=1e307)
    assert (low, high) == (-top + 1e307, top - 1e307)


def test_interval_is_vectorised_over_runs(book) -> None:
    _, y = book
    rows = np.stack([y, y + 3.0, y[::-1] * 2.0])
    low, high = experiments.huber_interval(2.0, rows, delta=0.1)
    for k in range(3):
        assert (low[k], high[k]) == experiments.huber_interval(2.0, rows[k], delta=0.1)


@pytest.mark.parametrize(
    ("x", "y", "delta", "error", "match"),
    [
        (1.0, [1.0, 2.0], 0.0, ValueError, "delta must be"),
        (1.0, [1.0, 2.0], -1.0, ValueError, "delta must be"),
        (1.0, [1.0, 2.0], "1", TypeError, "delta"),
        (1.0, [1.0, 2.0], np.nan, ValueError, "delta"),
        (0.0, [1.0, 2.0], 1.0, ValueError, "x must not be all zero"),
        (1.0, [1.0, np.inf], 1.0, ValueError, "y must hold finite numbers"),
        (1.0, [], 1.0, ValueError, "y must not be empty"),
        (1e-300, [1e300, 2e300], 1.0, ValueError, "exceeds the float64 range"),
    ],
)
def test_rejects_bad_input(x, y, delta, error, match) -> None:
    with pytest.raises(error, match=match):
        experiments.huber_interval(x, y, delta=delta)
