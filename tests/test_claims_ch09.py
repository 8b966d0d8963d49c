"""The claims of chapter 9 (a line through real data), recomputed without l1l2.

Plain NumPy, SciPy and scikit-learn only, on the phone data in millions of calls, as R's MASS
package ships them (Rousseeuw and Leroy (1987), table 2, print the same figures in tens of
millions): each test asserts the direction and the size the chapter states in words.
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
        # "to a relative 1e-9": the larger relative error of intercept and slope
        assert int(np.argmax(err < 1e-9)) == pytest.approx(steps, abs=2)


def test_leverage_is_the_hat_value_and_grows_with_the_distance_from_the_middle_year() -> None:
    design = np.column_stack([np.ones(YEAR.size), YEAR])
    hat = np.diag(design @ np.linalg.solve(design.T @ design, design.T))
    centred = YEAR - YEAR.mean()
    assert hat == pytest.approx(1 / YEAR.size + centred**2 / np.sum(centred**2))
    assert hat.sum() == pytest.approx(2.0)
    order = np.argsort(np.abs(centred))
    assert np.all(np.diff(hat[order]) >= -1e-15)  # farther from the middle, more leverage


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


def robust_scale(residuals: np.ndarray) -> float:
    """1.4826 times the median absolute deviation."""
    return float(1.4826 * np.median(np.abs(residuals - np.median(residuals))))


def test_the_huber_scale_depends_on_which_abs_l1_line_it_starts_from(corners) -> None:
    lines, _ = corners
    scales = np.array([robust_scale(CALLS - b - a * YEAR) for b, a in lines])
    assert scales.min() == pytest.approx(1.769, abs=1e-3)
    assert scales.max() == pytest.approx(4.843, abs=1e-3)
    assert 1.345 * scales.min() == pytest.approx(2.38, abs=5e-3)
    assert 1.345 * scales.max() == pytest.approx(6.51, abs=5e-3)
    slopes = [huber_line(YEAR, CALLS, 1.345 * s)[1] for s in scales]
    assert min(slopes) == pytest.approx(1.474, abs=1e-3)
    assert max(slopes) == pytest.approx(1.887, abs=1e-3)
    # the chapter's scale is that of the corner through 1954 and 1962
    b, a = lines[np.isclose(lines[:, 1], 1.1875)][0]
    assert abs(CALLS[YEAR == 54][0] - b - a * 54) < 1e-9
    assert abs(CALLS[YEAR == 62][0] - b - a * 62) < 1e-9
    assert robust_scale(CALLS - b - a * YEAR) == pytest.approx(1.955, abs=1e-3)


def test_huber_moves_much_more_than_abs_l1_when_the_affected_years_come_back() -> None:
    x, y = YEAR[COUNTED], CALLS[COUNTED]
    h_clean, h_all = huber_line(x, y, 2.63)[1], huber_line(YEAR, CALLS, 2.63)[1]
    l1_clean, l1_all = lad(x, y)[1], 1.1875  # the corner the chapter reports
    assert h_clean == pytest.approx(1.085, abs=1e-3)
    assert h_all == pytest.approx(1.497, abs=1e-3)
    assert h_all / h_clean - 1 == pytest.approx(0.38, abs=0.005)
    assert h_all - h_clean == pytest.approx(0.41, abs=0.005)
    assert l1_clean == pytest.approx(1.125, abs=1e-3)
    assert l1_all / l1_clean - 1 < 0.06
    assert h_all - h_clean > 6 * (l1_all - l1_clean)


def test_huber_residuals_drift_across_the_counted_years() -> None:
    b, a = huber_line(YEAR, CALLS, 2.63)
    r = CALLS - b - a * YEAR
    assert r[0] == pytest.approx(3.5, abs=0.05)
    assert r[-3:].max() == pytest.approx(-6.3, abs=0.05)
    assert r[-3:].min() == pytest.approx(-8.3, abs=0.05)
    # 12 points within delta of the line: the Huber total is strictly convex there
    inside = np.abs(r) < 2.63
    assert np.count_nonzero(inside) == 12
    design = np.column_stack([np.ones(inside.sum()), YEAR[inside]])
    assert np.linalg.eigvalsh(design.T @ design).min() > 0


def test_least_squares_slope_is_a_weighted_average_of_slopes_from_the_centre() -> None:
    dx, dy = YEAR - YEAR.mean(), CALLS - CALLS.mean()
    weights = dx**2
    assert np.average(dy / dx, weights=weights) == pytest.approx(least_squares(YEAR, CALLS)[1])


def test_small_delta_huber_has_a_whole_region_of_minimisers(corners) -> None:
    lines, best = corners
    delta, n = 0.01, YEAR.size
    b0, a0 = lines.mean(axis=0)
    sign = np.sign(CALLS - b0 - a0 * YEAR)
    assert np.all(sign != 0)
    # lines whose residuals all keep their sign and exceed delta: s_i (y_i - b - a x_i) >= delta
    a_ub = np.column_stack([sign, sign * YEAR])
    b_ub = sign * CALLS - delta
    ends = []
    for direction in (1.0, -1.0):
        res = linprog([0.0, direction], A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * 2,
                      method="highs")  # fmt: skip
        assert res.status == 0
        ends.append(res.x)
    assert ends[0][1] == pytest.approx(1.158, abs=1e-3)
    assert ends[1][1] == pytest.approx(1.620, abs=1e-3)

    def huber_total(b: float, a: float) -> float:
        r = np.abs(CALLS - b - a * YEAR)
        return float(np.sum(np.where(r <= delta, 0.5 * r**2, delta * r - 0.5 * delta**2)))

    floor = best * delta - n * delta**2 / 2  # Huber >= delta |r| - delta^2 / 2, term by term
    assert floor == pytest.approx(844 * delta - 12 * delta**2)
    for b, a in ends:
        assert huber_total(b, a) == pytest.approx(floor, rel=1e-12)
    assert abs(ends[1][1] - ends[0][1]) > 0.4


def test_raw_year_bowl_axis_curvatures_and_eigenvalues() -> None:
    hessian = 2 * np.column_stack([np.ones(24), YEAR]).T @ np.column_stack([np.ones(24), YEAR]) / 24
    assert hessian[0, 0] == pytest.approx(2.0)
    assert hessian[1, 1] == pytest.approx(7660.3, abs=0.05)
    assert hessian[1, 1] / hessian[0, 0] == pytest.approx(3830, abs=0.5)
    values, vectors = np.linalg.eigh(hessian)
    assert values[1] / values[0] == pytest.approx(306_318, rel=1e-5)
    flat = vectors[:, 0] * np.sign(-vectors[0, 0])
    assert flat == pytest.approx([-0.99987, 0.01605], abs=1e-5)
    # the gap along the flat direction shrinks by (1 - lr lambda) per update: by e in 1/(lr lambda)
    lr = 2e-4
    steps = 1 / (lr * values[0])
    assert steps == pytest.approx(199_886, abs=1)
    assert (1 - lr * values[0]) ** steps == pytest.approx(np.exp(-1), rel=1e-4)


def test_huber_equals_half_l2_only_within_delta_and_agrees_with_ls_from_124() -> None:
    b2, a2 = least_squares(YEAR, CALLS)
    r = np.abs(CALLS - b2 - a2 * YEAR)
    assert r.max() == pytest.approx(124.2, abs=0.05)
    delta = 50.0
    huber = np.where(r <= delta, 0.5 * r**2, delta * r - 0.5 * delta**2)
    assert np.all(huber[r > delta] < 0.5 * r[r > delta] ** 2)
    assert np.any(r > delta)


def test_the_chosen_scale_is_about_twice_the_noise_of_the_counted_years() -> None:
    x, y = YEAR[COUNTED], CALLS[COUNTED]
    b, a = least_squares(x, y)
    r = y - b - a * x
    sd = np.sqrt(np.sum(r**2) / (r.size - 2))
    assert sd == pytest.approx(0.97, abs=0.005)
    assert 1.9 < 1.955 / sd < 2.1


def test_rousseeuw_and_leroy_print_the_calls_in_tens_of_millions() -> None:
    # their table 2 reads 0.44, 0.47, ..., 2.90: the book's figures divided by ten
    assert CALLS[0] / 10 == pytest.approx(0.44)
    assert CALLS[1] / 10 == pytest.approx(0.47)
    assert CALLS[-1] / 10 == pytest.approx(2.90)


def rlm_huber(x: np.ndarray, y: np.ndarray, k: float = 1.345) -> tuple[float, float, float, int]:
    """MASS::rlm's default fit, re-typed: IRLS with the MAD scale re-estimated at each step.

    Written with the weighted normal equations solved in closed form (not a least-squares
    routine), so that it shares no code with the chapter's loop.
    """

    def weighted_line(w: np.ndarray) -> tuple[float, float]:
        sw, sx, sy = w.sum(), (w * x).sum(), (w * y).sum()
        sxx, sxy = (w * x * x).sum(), (w * x * y).sum()
        slope = (sw * sxy - sx * sy) / (sw * sxx - sx**2)
        return (sy - slope * sx) / sw, slope

    b, a = weighted_line(np.ones_like(x))
    r = y - b - a * x
    for step in range(1, 201):
        s = np.median(np.abs(r)) / 0.6745
        u = np.abs(r) / s
        b, a = weighted_line(np.where(u <= k, 1.0, k / np.maximum(u, 1e-300)))
        new = y - b - a * x
        done = np.sqrt(np.sum((new - r) ** 2) / max(1e-20, np.sum(r**2))) <= 1e-4
        r = new
        if done:
            return b, a, s, step
    raise AssertionError("no convergence")


def test_rlm_gives_minus_102_6_plus_2_04_year_with_scale_9_0() -> None:
    b, a, s, steps = rlm_huber(YEAR, CALLS)
    assert b == pytest.approx(-102.6, abs=0.05)
    assert a == pytest.approx(2.04, abs=0.005)
    assert s == pytest.approx(9.03, abs=0.01)
    assert steps > 20  # more than rlm's default maxit
    # the book's fixed-scale line is another one
    assert a > 1.497 + 0.5


def test_with_rlms_final_delta_the_fixed_scale_huber_line_is_rlms_line() -> None:
    b, a, s, _ = rlm_huber(YEAR, CALLS)
    fixed_b, fixed_a = huber_line(YEAR, CALLS, 1.345 * s)
    assert fixed_a == pytest.approx(a, abs=0.005)
    assert fixed_b == pytest.approx(b, abs=0.2)
    assert s / 1.955 == pytest.approx(4.6, abs=0.05)
