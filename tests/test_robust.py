"""Theil-Sen and least trimmed squares (l1l2.robust), against scikit-learn and by definition."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from sklearn.linear_model import QuantileRegressor, TheilSenRegressor

from l1l2 import data, regression, robust

FITS = [robust.theil_sen, robust.least_trimmed_squares]


def line_with_outliers(n: int, moved: int, *, rng: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points exactly on y = 2 + 3x, then ``moved`` of them sent far to the right and down."""
    generator = np.random.default_rng(rng)
    x = np.sort(generator.uniform(0.0, 10.0, n))
    y = 2.0 + 3.0 * x
    far = generator.choice(n, moved, replace=False)
    x[far] = generator.uniform(50.0, 100.0, moved)
    y[far] = generator.uniform(-500.0, -100.0, moved)
    return x, y


@pytest.mark.parametrize("moved", [0, 3, 6])
def test_theil_sen_equals_scikit_learns_on_a_line_with_fewer_outliers_than_it_resists(moved):
    # On exact data both ways of combining the pairs (the median of the slopes here, the
    # spatial median of the pair lines in scikit-learn) give the line itself.
    x, y = line_with_outliers(20, moved)
    ours = robust.theil_sen(x, y)
    theirs = TheilSenRegressor(
        random_state=0, max_subpopulation=10_000, tol=1e-12, max_iter=10_000
    ).fit(x[:, None], y)
    assert ours.slope == pytest.approx(theirs.coef_[0], abs=1e-6)
    assert ours.intercept == pytest.approx(theirs.intercept_, abs=1e-5)
    assert (ours.intercept, ours.slope) == pytest.approx((2.0, 3.0), abs=1e-12)


def test_theil_sen_slope_is_the_median_of_the_pairwise_slopes_by_definition():
    generator = np.random.default_rng(3)
    x, y = generator.normal(size=15), generator.standard_t(2, size=15)
    slopes = [(y[j] - y[i]) / (x[j] - x[i]) for i, j in itertools.combinations(range(15), 2)]
    fit = robust.theil_sen(x, y)
    assert fit.slope == pytest.approx(float(np.median(slopes)), rel=1e-14)
    assert fit.intercept == pytest.approx(float(np.median(y - fit.slope * x)), rel=1e-14)


def test_theil_sen_skips_pairs_with_equal_x():
    fit = robust.theil_sen([0.0, 0.0, 1.0, 2.0], [0.0, 5.0, 1.0, 2.0])
    # slopes 1, 2, -4, -3, 1 (the pair at x = 0 has none): median 1
    assert fit.slope == 1.0


def test_theil_sen_breakdown_is_about_29_percent():
    assert abs(robust.THEIL_SEN_BREAKDOWN - 0.29289) < 1e-5
    # 25% of the points sent far away: the slope stays 3; 40%: it follows them
    assert robust.theil_sen(*line_with_outliers(40, 10)).slope == pytest.approx(3.0, abs=1e-12)
    assert robust.theil_sen(*line_with_outliers(40, 16)).slope < 0.0


def test_least_squares_l1_and_huber_break_down_with_one_point_of_leverage():
    x, y = line_with_outliers(40, 0)
    x[-1], y[-1] = 1e4, -1e4  # one point, far enough to the right
    for loss in regression.SOLVE_LOSSES:
        options = {"quantile": 0.5} if loss == "quantile" else {}
        assert regression.solve(x, y, loss=loss, **options).slope < 0.0, loss
    for fit in FITS:
        assert fit(x, y).slope == pytest.approx(3.0, abs=1e-9), fit.__name__


def test_least_trimmed_squares_resists_40_percent_of_points_moved():
    x, y = line_with_outliers(40, 16)
    fit = robust.least_trimmed_squares(x, y)
    assert (fit.intercept, fit.slope) == pytest.approx((2.0, 3.0), abs=1e-9)


def test_least_trimmed_squares_with_every_point_is_least_squares():
    generator = np.random.default_rng(1)
    x, y = generator.normal(size=12), generator.normal(size=12)
    fit = robust.least_trimmed_squares(x, y, h=12)
    slope, intercept = np.polyfit(x, y, 1)
    assert (fit.intercept, fit.slope) == pytest.approx((intercept, slope), rel=1e-12)


def test_least_trimmed_squares_beats_random_subsets():
    # The objective (sum of the h smallest squared residuals) at the returned line is no larger
    # than at the least-squares line of any of 3,000 random subsets of h points.
    generator = np.random.default_rng(2)
    x = generator.normal(size=30)
    y = x + generator.standard_t(1, size=30)
    h = 16
    fit = robust.least_trimmed_squares(x, y, h=h)

    def objective(b, a):
        return np.sort((y - b - a * x) ** 2)[:h].sum()

    best = objective(fit.intercept, fit.slope)
    for _ in range(3000):
        subset = generator.choice(30, h, replace=False)
        a, b = np.polyfit(x[subset], y[subset], 1)
        assert best <= objective(b, a) + 1e-12


@pytest.mark.parametrize("fit", FITS)
def test_predict_is_intercept_plus_slope_times_x(fit):
    line = fit([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0])
    assert line.predict([10.0, -1.0]) == pytest.approx([21.0, -1.0])


@pytest.mark.parametrize("fit", FITS)
@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        ([1.0, 2.0], [1.0], "x and y must have one value per point, got 2 and 1"),
        ([[1.0, 2.0]], [1.0, 2.0], r"x must have shape \(n,\)"),
        ([1.0], [1.0], "between 2 and 2,000 points"),
        ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], "at least two different values"),
        ([1.0, np.nan], [1.0, 2.0], "x"),
        ([1.0, 2.0], [1.0, np.inf], "y"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_it(fit, x, y, match):
    with pytest.raises(ValueError, match=match):
        fit(x, y)


@pytest.mark.parametrize("h", [1, 6, 2.5])
def test_least_trimmed_squares_rejects_an_h_outside_2_to_n(h):
    with pytest.raises((ValueError, TypeError), match="h"):
        robust.least_trimmed_squares([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 4.0], h=h)


# -- regression quantiles ------------------------------------------------------------------------

QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9]


@pytest.mark.parametrize("q", QUANTILES)
def test_quantile_fit_has_scikit_learns_total_pinball_loss_on_engels_data(q):
    income, food = data.engel()
    ours = robust.quantile_fit(income, food, quantile=q)
    theirs = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(income[:, None], food)
    residual = food - theirs.predict(income[:, None])
    total = float(np.sum(np.maximum(q * residual, (q - 1) * residual)))
    assert robust.pinball(food, ours.predict(income), quantile=q) == pytest.approx(total, rel=1e-9)


@pytest.mark.parametrize("q", QUANTILES)
def test_quantile_fit_is_no_worse_than_any_line_through_two_points(q):
    generator = np.random.default_rng(5)
    x = generator.uniform(0.0, 10.0, 25)
    y = x + generator.standard_t(2, 25) * (1 + x)
    fit = robust.quantile_fit(x, y, quantile=q)
    best = robust.pinball(y, fit.predict(x), quantile=q)
    for i, j in itertools.combinations(range(25), 2):
        a = (y[j] - y[i]) / (x[j] - x[i])
        assert best <= robust.pinball(y, y[i] + a * (x - x[i]), quantile=q) * (1 + 1e-12)


def test_the_median_line_has_half_the_abs_l1_total():
    income, food = data.engel()
    median = robust.quantile_fit(income, food, quantile=0.5)
    l1 = regression.solve(income, food, loss="l1")
    assert 2 * robust.pinball(food, median.predict(income), quantile=0.5) == pytest.approx(
        l1.total_loss, rel=1e-12
    )


def test_pinball_weighs_residuals_above_by_q_and_below_by_one_minus_q():
    assert robust.pinball([3.0, 0.0], [1.0, 1.0], quantile=0.25) == pytest.approx(
        0.25 * 2 + 0.75 * 1
    )


@pytest.mark.parametrize("q", [0.0, 1.0, -0.5, 2.0])
def test_a_quantile_outside_0_to_1_is_rejected(q):
    with pytest.raises(ValueError, match="quantile"):
        robust.quantile_fit([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], quantile=q)
    with pytest.raises(ValueError, match="quantile"):
        robust.pinball([0.0], [1.0], quantile=q)


def test_pinball_rejects_predictions_of_another_shape():
    with pytest.raises(ValueError, match="same shape"):
        robust.pinball([0.0, 1.0], [1.0], quantile=0.5)


SCALE_X = np.arange(1.0, 9.0)
SCALE_Y = np.array([1.0, 2.2, 2.9, 4.1, 5.0, 5.8, 7.2, 30.0])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("scale", [1e-200, 1e200])
@pytest.mark.parametrize(
    "fit",
    [
        robust.theil_sen,
        robust.least_trimmed_squares,
        lambda x, y: robust.quantile_fit(x, y, quantile=0.5),
        lambda x, y: robust.quantile_fit(x, y, quantile=0.3),
    ],
    ids=["theil_sen", "lts", "quantile_0.5", "quantile_0.3"],
)
def test_robust_lines_are_equivariant_at_extreme_scales(
    fit: Callable[[np.ndarray, np.ndarray], robust.Line], scale: float
) -> None:
    # Squares of 1e-200 underflowed (LTS gave slope 0) and HiGHS's absolute tolerances lost
    # or refused y at 1e-200 and 1e200: the data are now scaled by powers of two inside.
    base = fit(SCALE_X, SCALE_Y)
    for sx, sy in ((scale, scale), (1.0, scale), (scale, 1.0)):
        line = fit(SCALE_X * sx, SCALE_Y * sy)
        assert line.slope == pytest.approx(base.slope * sy / sx, rel=1e-12)
        assert line.intercept == pytest.approx(base.intercept * sy, rel=1e-12, abs=1e-14 * sy)


def test_lts_slope_on_tiny_data_is_not_zero() -> None:
    line = robust.least_trimmed_squares(SCALE_X * 1e-200, SCALE_Y * 1e-200)
    assert line.slope == pytest.approx(1.035, rel=1e-12)


@pytest.mark.filterwarnings("error")
def test_theil_sen_near_the_largest_float_is_finite() -> None:
    line = robust.theil_sen([1e308, -1e308, 0.0], [1e308, -1e308, 0.0])
    assert (line.intercept, line.slope) == (0.0, 1.0)


@pytest.mark.filterwarnings("error")
def test_pinball_beyond_float64_is_an_error_and_scales_exactly() -> None:
    with pytest.raises(ValueError, match="exceeds the float64 range") as error:
        robust.pinball([1e308, -1e308], [-1e308, 1e308], quantile=0.5)
    assert error.value.argument == "y_pred"  # type: ignore[attr-defined]
    assert robust.pinball([1e308, -1e308], [0.0, 0.0], quantile=0.5) == 1e308
    y, p = np.array([1.0, 2.0, 10.0]), np.array([2.0, 2.0, 2.0])
    for scale in (1e-200, 1e200):
        assert robust.pinball(y * scale, p * scale, quantile=0.9) == pytest.approx(7.3 * scale)


@pytest.mark.filterwarnings("error")
def test_a_line_beyond_float64_is_an_error_not_inf() -> None:
    with pytest.raises(ValueError, match="beyond float64") as error:
        robust.theil_sen([0.0, 1e-300], [-1e300, 1e300])
    assert error.value.argument == "y"  # type: ignore[attr-defined]
