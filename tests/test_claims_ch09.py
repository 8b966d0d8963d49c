"""The claims of chapter 9 (a line through real data), recomputed without l1l2.

Plain NumPy, SciPy and scikit-learn only, on the phone data transcribed here from Rousseeuw and
Leroy (1987), table 2 (in millions of calls): each test asserts the direction and the size the
chapter states in words.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog, minimize
from sklearn.linear_model import QuantileRegressor

YEAR = np.arange(50.0, 74.0)
CALLS = np.array(
    [4.4, 4.7, 4.7, 5.9, 6.6, 7.3, 8.1, 8.8, 10.6, 12.0, 13.5, 14.9,
     16.1, 21.2, 119.0, 124.0, 142.0, 159.0, 182.0, 212.0, 43.0, 24.0, 27.0, 29.0]
)  # fmt: skip
COUNTED = (YEAR < 63) | (YEAR > 70)  # the 16 years in which calls, not minutes, were counted


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


def lad(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least absolute deviations as the primal LP: min sum(u + v), b + a x + u - v = y."""
    n = x.size
    c = np.r_[0.0, 0.0, np.ones(2 * n)]
    a_eq = np.hstack([np.ones((n, 1)), x[:, None], np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
    res = linprog(c, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs")
    assert res.status == 0
    return float(res.x[0]), float(res.x[1]), float(res.fun)


def l1_corners(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Every line through two points, the minimum total, and the lines that reach it."""
    lines = []
    for i, j in itertools.combinations(range(x.size), 2):
        a = (y[j] - y[i]) / (x[j] - x[i])
        lines.append((y[i] - a * x[i], a))
    lines_arr = np.array(lines)
    totals = np.abs(y - lines_arr[:, :1] - lines_arr[:, 1:] * x).sum(axis=1)
    best = totals.min()
    return lines_arr[totals <= best + 1e-9], float(best)


def huber_line(x: np.ndarray, y: np.ndarray, delta: float) -> tuple[float, float]:
    design = np.column_stack([np.ones_like(x), x - x.mean()])

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray]:
        r = y - design @ beta
        m = np.minimum(np.abs(r), delta)
        return float(np.sum(m * (np.abs(r) - 0.5 * m))), -(design.T @ np.clip(r, -delta, delta))

    res = minimize(objective, np.array([np.median(y), 0.0]), jac=True, method="BFGS",
                   options={"gtol": 1e-12, "maxiter": 10_000})  # fmt: skip
    b, a = res.x
    return float(b - a * x.mean()), float(a)


def gd_l2(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain full-batch descent on the mean squared error; intercept and slope after each step."""
    b, a = 0.0, 0.0
    bs, as_ = [b], [a]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            r = b + a * x - y
            b, a = b - lr * 2 * r.mean(), a - lr * 2 * (r * x).mean()
            if not (np.isfinite(a) and np.isfinite(b)):
                break
            bs.append(b)
            as_.append(a)
    return np.array(bs), np.array(as_)


@pytest.fixture(scope="module")
def corners() -> tuple[np.ndarray, float]:
    return l1_corners(YEAR, CALLS)


def test_least_squares_line_is_the_one_venables_and_ripley_publish() -> None:
    intercept, slope = least_squares(YEAR, CALLS)
    assert round(intercept, 3) == -260.059
    assert round(slope, 3) == 5.041


def test_l1_minimum_is_844_and_is_reached_by_six_lines_through_two_points(corners) -> None:
    lines, best = corners
    assert lad(YEAR, CALLS)[2] == pytest.approx(best, rel=1e-9)
    assert best == pytest.approx(844.0)
    assert len(lines) == 6
    assert lines[:, 1].min() == pytest.approx(1.157, abs=1e-3)
    assert lines[:, 1].max() == pytest.approx(1.622, abs=1e-3)
    # their average (any point of the polygon) fits equally well
    b, a = lines.mean(axis=0)
    assert np.abs(CALLS - b - a * YEAR).sum() == pytest.approx(844.0, rel=1e-12)
    # scikit-learn's solver lands on one of them
    q = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(YEAR[:, None], CALLS)
    assert any(np.allclose([q.intercept_, q.coef_[0]], line) for line in lines)


def test_robust_lines_follow_the_counted_years_and_least_squares_does_not(corners) -> None:
    lines, _ = corners
    b2, a2 = least_squares(YEAR, CALLS)
    l2_miss = np.median(np.abs(CALLS - b2 - a2 * YEAR)[COUNTED])
    assert l2_miss == pytest.approx(20.1, abs=0.05)
    misses = [np.median(np.abs(CALLS - b - a * YEAR)[COUNTED]) for b, a in lines]
    assert min(misses) == pytest.approx(0.51, abs=0.005)  # the corner through 1954 and 1962
    assert max(misses) == pytest.approx(3.09, abs=0.005)
    assert max(misses) < l2_miss / 6
    steep = lines[lines[:, 1] > 1.5]
    assert len(steep) == 2
    for b, a in steep:  # the two steepest corners pass through 1963
        assert abs(CALLS[YEAR == 63][0] - b - a * 63) < 1e-9
    bh, ah = huber_line(YEAR, CALLS, 2.63)
    huber_miss = np.median(np.abs(CALLS - bh - ah * YEAR)[COUNTED])
    assert huber_miss == pytest.approx(2.35, abs=0.01)
    assert l2_miss > 8 * huber_miss
    assert ah == pytest.approx(1.497, abs=1e-3)
    assert lines[:, 1].min() < ah < lines[:, 1].max()  # inside the abs-L1 band, far from 5.04


def test_l2_lies_below_the_first_three_years_and_above_the_other_counted_years() -> None:
    b, a = least_squares(YEAR, CALLS)
    r = CALLS - b - a * YEAR
    assert np.all(r[:3] > 0)
    assert np.all(r[3:13] < 0)
    assert np.all(r[20:] < 0)
    assert r[-1] == pytest.approx(-79.0, abs=0.05)


def test_without_the_affected_years_the_slopes_are_all_near_one_per_year() -> None:
    x, y = YEAR[COUNTED], CALLS[COUNTED]
    slopes = [least_squares(x, y)[1], lad(x, y)[1], huber_line(x, y, 2.63)[1]]
    assert all(1.0 < s < 1.2 for s in slopes)
    assert least_squares(YEAR, CALLS)[1] > 4 * max(slopes)


def test_the_reported_l1_line_balances_points_above_and_below(corners) -> None:
    lines, _ = corners
    for b, a in lines:
        r = CALLS - b - a * YEAR
        above, below = np.count_nonzero(r > 1e-9), np.count_nonzero(r < -1e-9)
        assert above + below == 22
        assert abs(above - below) <= 2
    reported = lines[np.isclose(lines[:, 1], 1.1875)][0]
    r = CALLS - reported[0] - reported[1] * YEAR
    assert (np.count_nonzero(r > 1e-9), np.count_nonzero(r < -1e-9)) == (12, 10)


def test_raw_years_make_descent_crawl_or_diverge_and_centring_cures_it() -> None:
    design = np.column_stack([np.ones(24), YEAR])
    curv = np.linalg.eigvalsh(2 * design.T @ design / 24)
    assert curv[1] / curv[0] == pytest.approx(306_318, rel=1e-5)
    assert 2 / curv[1] == pytest.approx(2.61e-4, rel=1e-3)
    b, a = gd_l2(YEAR, CALLS, 2e-4, 10_000)
    assert b.size == 10_001  # no overflow
    assert b[-1] == pytest.approx(-12.68, abs=0.01)
    assert a[-1] == pytest.approx(1.069, abs=1e-3)
    b_bad, _ = gd_l2(YEAR, CALLS, 3e-4, 10_000)
    assert b_bad.size < 10_001  # overflowed
    exact_b, exact_a = least_squares(YEAR, CALLS)
    xbar, sd = YEAR.mean(), YEAR.std()
    for x, lr, unit, steps in [(YEAR - xbar, 0.01, 1.0, 945), (YEAR - xbar, None, sd, 93)]:
        rate = 0.01 if lr is not None else 0.1
        bb, aa = gd_l2(x / unit, CALLS, rate, 2000)
        slope = aa / unit
        intercept = bb - slope * xbar
        err = np.maximum(
            np.abs(intercept - exact_b) / abs(exact_b), np.abs(slope - exact_a) / abs(exact_a)
        )
        assert int(np.argmax(err < 1e-9)) == pytest.approx(steps, abs=2)


def test_huber_slides_from_the_l1_band_to_least_squares(corners) -> None:
    lines, _ = corners
    assert lines[:, 1].min() <= huber_line(YEAR, CALLS, 0.01)[1] <= lines[:, 1].max()
    b2, a2 = least_squares(YEAR, CALLS)
    largest = np.abs(CALLS - b2 - a2 * YEAR).max()
    assert largest == pytest.approx(124.2, abs=0.05)
    b, a = huber_line(YEAR, CALLS, largest + 1.0)
    assert (b, a) == pytest.approx((b2, a2), rel=1e-7)
    assert huber_line(YEAR, CALLS, 50.0)[1] < a2 - 1.0  # below it before that


def test_exercise_a_far_x_outlier_moves_even_the_l1_slope() -> None:
    x, y = YEAR[COUNTED], CALLS[COUNTED]
    base_l1, base_l2 = lad(x, y)[1], least_squares(x, y)[1]
    end, middle = y.copy(), y.copy()
    end[x == 73] = 2.0
    middle[x == 58] = 2.0
    assert lad(x, end)[1] == pytest.approx(1.006, abs=1e-3)
    assert least_squares(x, end)[1] == pytest.approx(0.617, abs=1e-3)
    assert lad(x, middle)[1] == pytest.approx(base_l1, abs=1e-9)
    assert abs(least_squares(x, middle)[1] - base_l2) < 0.02


def test_exercise_l1_descent_stops_dead_inside_the_set(corners) -> None:
    lines, best = corners
    xbar, sd = YEAR.mean(), YEAR.std()
    x = (YEAR - xbar) / sd
    b = a = 0.0
    for _ in range(2000):
        s = np.sign(b + a * x - CALLS)
        b, a = b - 0.05 * s.mean(), a - 0.05 * (s * x).mean()
    slope = a / sd
    intercept = b - slope * xbar
    assert np.abs(CALLS - intercept - slope * YEAR).sum() == pytest.approx(best, rel=1e-12)
    assert not any(np.allclose([intercept, slope], line) for line in lines)
    s = np.sign(b + a * x - CALLS)
    assert s.mean() == 0.0
    assert (s * x).mean() == pytest.approx(0.0, abs=1e-15)
