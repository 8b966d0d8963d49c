# ruff: noqa: N803, N806
"""Exact fits and descent for y = X·coef + intercept, checked against scikit-learn and SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize
from sklearn.linear_model import HuberRegressor, LinearRegression, QuantileRegressor

from l1l2 import data, gd, regression, schedules
from l1l2._exact import _column_extremes


def heavy_tailed(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 5.0, size=p) + rng.normal(size=p)
    y = 3.0 + X @ rng.normal(size=p) + rng.standard_t(2, size=n)
    return X, y


def l1_total(X: np.ndarray, y: np.ndarray, intercept: float, coef: np.ndarray) -> float:
    return float(np.abs(y - X @ coef - intercept).sum())


def huber_total(r: np.ndarray, delta: float) -> float:
    a = np.abs(r)
    return float(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)).sum())


# --- least squares ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p", "seed"), [(30, 1, 0), (200, 5, 1), (500, 10, 2)])
def test_l2_matches_linear_regression(n: int, p: int, seed: int) -> None:
    X, y = heavy_tailed(n, p, seed)
    ours = regression.solve(X, y, loss="l2")
    theirs = LinearRegression().fit(X, y)
    assert ours.intercept == pytest.approx(theirs.intercept_, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(ours.coef, theirs.coef_, rtol=1e-9, atol=1e-9)
    assert ours.total_loss == pytest.approx(float(((y - theirs.predict(X)) ** 2).sum()), rel=1e-12)
    assert ours.unique


def test_l2_without_intercept_matches_linear_regression() -> None:
    X, y = heavy_tailed(100, 3, 3)
    ours = regression.solve(X, y, loss="l2", fit_intercept=False)
    theirs = LinearRegression(fit_intercept=False).fit(X, y)
    assert ours.intercept == 0.0
    np.testing.assert_allclose(ours.coef, theirs.coef_, rtol=1e-10)


def test_phone_least_squares_reproduces_venables_and_ripley() -> None:
    year, calls = data.belgian_phones()
    fit = regression.solve(year, calls, loss="l2")
    slope, intercept = np.polyfit(year, calls, 1)
    assert fit.intercept == pytest.approx(intercept, rel=1e-12)
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    # Modern Applied Statistics with S: intercept -260.059, slope 5.041 (rounded there).
    assert round(fit.intercept, 3) == -260.059
    assert round(fit.slope, 3) == 5.041


# --- least absolute deviations --------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p", "seed"), [(41, 1, 0), (300, 3, 1), (1000, 10, 2)])
def test_l1_objective_matches_quantile_regressor(n: int, p: int, seed: int) -> None:
    X, y = heavy_tailed(n, p, seed)
    ours = regression.solve(X, y, loss="l1")
    theirs = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X, y)
    best = l1_total(X, y, theirs.intercept_, theirs.coef_)
    assert ours.total_loss == pytest.approx(best, rel=1e-9)
    assert ours.total_loss == pytest.approx(l1_total(X, y, ours.intercept, ours.coef), rel=1e-12)


@pytest.mark.parametrize("outliers", [0.0, 0.2])
def test_l1_on_many_rows_matches_the_full_linear_program(outliers: float) -> None:
    # Above 5,000 rows solve works on a band of samples; the full dual LP is the reference.
    X, y = heavy_tailed(8000, 3, 12)
    rng = np.random.default_rng(13)
    y = y + 100.0 * (rng.random(y.size) < outliers) * (X[:, 0] > 0)
    fit = regression.solve(X, y, loss="l1")
    A = np.column_stack([np.ones(y.size), X])
    full = linprog(-y, A_eq=A.T, b_eq=np.zeros(4), bounds=(-1, 1), method="highs")
    assert fit.total_loss == pytest.approx(-full.fun, rel=1e-9)
    assert fit.total_loss == pytest.approx(l1_total(X, y, fit.intercept, fit.coef), rel=1e-12)


def test_l1_fit_passes_through_p_plus_one_points_and_splits_the_rest() -> None:
    X, y = heavy_tailed(101, 3, 4)
    fit = regression.solve(X, y, loss="l1")
    residual = y - fit.predict(X)
    on = np.abs(residual) < 1e-9 * np.abs(y).max()
    assert np.count_nonzero(on) == 4
    # median-like: as many above as below, up to the points the fit passes through
    assert abs(np.count_nonzero(residual > 0) - np.count_nonzero(residual < 0)) <= 4


def test_l1_beats_every_random_perturbation() -> None:
    X, y = heavy_tailed(60, 2, 5)
    fit = regression.solve(X, y, loss="l1")
    rng = np.random.default_rng(0)
    for _ in range(200):
        step = rng.normal(scale=1e-3, size=3)
        other = l1_total(X, y, fit.intercept + step[0], fit.coef + step[1:])
        assert other >= fit.total_loss - 1e-9


def test_l1_unique_for_odd_generic_data() -> None:
    X, y = heavy_tailed(31, 1, 6)
    fit = regression.solve(X, y, loss="l1")
    assert fit.unique
    assert regression.l1_lines(X[:, 0], y).shape == (1, 2)


def test_l1_not_unique_on_the_four_corners() -> None:
    x, y = [0.0, 0.0, 1.0, 1.0], [0.0, 2.0, 0.0, 2.0]
    fit = regression.solve(x, y, loss="l1")
    assert not fit.unique
    assert fit.total_loss == pytest.approx(4.0)


def test_l1_lines_span_a_set_of_equally_good_lines_on_the_phone_data() -> None:
    year, calls = data.belgian_phones()
    fit = regression.solve(year, calls, loss="l1")
    lines = regression.l1_lines(year, calls)
    assert not fit.unique
    assert len(lines) > 1
    totals = [l1_total(year[:, None], calls, b, np.array([a])) for b, a in lines]
    np.testing.assert_allclose(totals, fit.total_loss, rtol=1e-12)
    # any convex combination of the corners is as good (convexity), and nothing is better
    rng = np.random.default_rng(1)
    for _ in range(50):
        weights = rng.dirichlet(np.ones(len(lines)))
        b, a = weights @ lines
        assert l1_total(year[:, None], calls, b, np.array([a])) == pytest.approx(
            fit.total_loss, rel=1e-12
        )
    assert any(np.allclose([fit.intercept, fit.slope], line) for line in lines)
    theirs = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(year[:, None], calls)
    assert l1_total(year[:, None], calls, theirs.intercept_, theirs.coef_) == pytest.approx(
        fit.total_loss, rel=1e-9
    )


def test_l1_lines_agree_with_a_grid_search_of_the_minimum() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 15)
    y = 1 + 2 * x + rng.laplace(size=15)
    best = regression.l1_lines(x, y)
    grid_b, grid_a = np.meshgrid(np.linspace(-5, 7, 241), np.linspace(0, 4, 241))
    fitted = grid_b[..., None] + grid_a[..., None] * x
    grid_min = np.abs(y - fitted).sum(axis=-1).min()
    assert l1_total(x[:, None], y, best[0, 0], best[0, 1:]) <= grid_min + 1e-12


# --- Huber --------------------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.3, 1.0, 5.0])
@pytest.mark.parametrize(("n", "p", "seed"), [(50, 1, 0), (300, 4, 1)])
def test_huber_matches_a_general_purpose_minimiser(n: int, p: int, seed: int, delta: float) -> None:
    X, y = heavy_tailed(n, p, seed)
    fit = regression.solve(X, y, loss="huber", delta=delta)
    A = np.column_stack([np.ones(n), X])

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray]:
        r = y - A @ beta
        return huber_total(r, delta), -(A.T @ np.clip(r, -delta, delta))

    start = np.linalg.lstsq(A, y, rcond=None)[0]
    theirs = minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-10})
    assert fit.total_loss <= theirs.fun * (1 + 1e-12)
    assert fit.total_loss == pytest.approx(theirs.fun, rel=1e-9)
    np.testing.assert_allclose(
        np.r_[fit.intercept, fit.coef], theirs.x, rtol=1e-5, atol=1e-5 * np.abs(theirs.x).max()
    )
    # the gradient vanishes to rounding at the exact solution
    r = y - fit.predict(X)
    gradient = A.T @ np.clip(r, -delta, delta)
    assert np.abs(gradient).max() <= 1e-9 * np.abs(A).sum(axis=0).max() * delta


def test_huber_objective_matches_huber_regressor_at_its_scale() -> None:
    X, y = heavy_tailed(400, 3, 7)
    theirs = HuberRegressor(epsilon=1.35, alpha=0.0, max_iter=10_000, tol=1e-12).fit(X, y)
    # At a fixed scale s, HuberRegressor minimises sum s * H(r / s) = (2 / s) * Huber_delta(r)
    # with delta = epsilon * s: the same minimiser as ours.
    delta = 1.35 * theirs.scale_
    ours = regression.solve(X, y, loss="huber", delta=delta)
    their_total = huber_total(y - theirs.predict(X), delta)
    assert ours.total_loss <= their_total * (1 + 1e-12)
    assert ours.total_loss == pytest.approx(their_total, rel=1e-6)


def test_huber_bridges_l1_and_l2() -> None:
    X, y = heavy_tailed(51, 2, 8)
    l2 = regression.solve(X, y, loss="l2")
    huge = regression.solve(X, y, loss="huber", delta=1e6)
    np.testing.assert_allclose(huge.coef, l2.coef, rtol=1e-9)
    assert huge.intercept == pytest.approx(l2.intercept, rel=1e-9)
    l1 = regression.solve(X, y, loss="l1")
    tiny = regression.solve(X, y, loss="huber", delta=1e-6)
    l1_of_tiny = l1_total(X, y, tiny.intercept, tiny.coef)
    assert l1_of_tiny == pytest.approx(l1.total_loss, rel=1e-6)


# --- the result ---------------------------------------------------------------------------------


def test_fit_is_frozen_and_predicts() -> None:
    fit = regression.solve([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], loss="l2")
    np.testing.assert_allclose(fit.predict([3.0, 4.0]), [7.0, 9.0])
    with pytest.raises(AttributeError):
        fit.intercept = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="X must have 1 column"):
        fit.predict(np.ones((2, 2)))


def test_slope_needs_one_feature() -> None:
    X, y = heavy_tailed(20, 2, 9)
    with pytest.raises(ValueError, match="one-feature"):
        _ = regression.solve(X, y, loss="l2").slope


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "y", "options", "error", "match"),
    [
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], {}, ValueError, "X must hold finite"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], {}, ValueError, "y must hold finite"),
        ([], [], {}, ValueError, "X must not be empty"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], {}, ValueError, "3 rows in X and 2 values in y"),
        ([1.0], [1.0], {}, ValueError, "at least 2 rows"),
        ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], {}, ValueError, "linearly independent"),
        (np.ones((3, 2, 1)), [1.0, 2.0, 3.0], {}, ValueError, r"shape \(n,\)"),
        ([1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], {}, ValueError, r"y must have shape \(n,\)"),
        (["a", "b"], [1.0, 2.0], {}, TypeError, "X must hold real numbers"),
        ([1.0, 2.0], [1.0, 2.0], {"loss": "l3"}, ValueError, "loss must be one of"),
        ([1.0, 2.0], [1.0, 2.0], {"loss": "signed"}, ValueError, "no minimiser"),
        ([1.0, 2.0], [1.0, 2.0], {"loss": "huber", "delta": 0.0}, ValueError, "delta must be >"),
        ([1.0, 2.0], [1.0, 2.0], {"loss": "huber", "delta": -1}, ValueError, "got -1"),
        ([1.0, 2.0], [1.0, 2.0], {"fit_intercept": 1}, TypeError, "fit_intercept must be"),
    ],
)
def test_solve_rejects_bad_input(
    X: object, y: object, options: dict[str, object], error: type[Exception], match: str
) -> None:
    kwargs = {"loss": "l2", **options}
    with pytest.raises(error, match=match):
        regression.solve(X, y, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-100, 100, allow_nan=False), st.floats(-100, 100, allow_nan=False)),
        min_size=3,
        max_size=25,
        unique_by=lambda t: round(t[0], 3),
    ),
    st.sampled_from(["l1", "l2", "huber"]),
)
def test_solve_is_no_worse_than_any_line_through_two_points(
    points: list[tuple[float, float]], loss: str
) -> None:
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    if np.ptp(x) < 1e-3:
        return
    fit = regression.solve(x, y, loss=loss, **({"delta": 1.0} if loss == "huber" else {}))
    for i, j in [(0, 1), (1, 2), (0, len(x) - 1)]:
        slope = (y[j] - y[i]) / (x[j] - x[i])
        r = y - (y[i] + slope * (x - x[i]))
        other = {"l1": np.abs(r).sum(), "l2": (r**2).sum(), "huber": huber_total(r, 1.0)}[loss]
        assert fit.total_loss <= other * (1 + 1e-9) + 1e-9


# --- descent ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("loss", "lr"), [("l2", 0.01), ("huber", 0.03)])
def test_descent_on_centred_years_reaches_the_exact_fit(loss: str, lr: float) -> None:
    year, calls = data.belgian_phones()
    centred = year - year.mean()
    exact = regression.solve(
        centred, calls, loss=loss, **({"delta": 5.0} if loss == "huber" else {})
    )
    path = regression.descend(centred, calls, loss=loss, lr=lr, epochs=5000, delta=5.0)
    assert not path.diverged
    assert path.final_intercept == pytest.approx(exact.intercept, rel=1e-6)
    np.testing.assert_allclose(path.final_coef, exact.coef, rtol=1e-6)


def test_descent_on_raw_years_crawls_or_diverges() -> None:
    year, calls = data.belgian_phones()
    exact = regression.solve(year, calls, loss="l2")
    path = regression.descend(year, calls, loss="l2", lr=[1e-4, 1e-3], epochs=2000)
    assert list(path.diverged) == [False, True]
    assert abs(path.final_intercept[0] - exact.intercept) > 100.0  # nowhere near -260


def test_descent_runs_side_by_side_equal_runs_one_at_a_time() -> None:
    X, y = heavy_tailed(40, 3, 10)
    rates = np.array([0.001, 0.01, 0.05])
    together = regression.descend(X, y, loss="l1", lr=rates, epochs=30, batch_size=8)
    for k, rate in enumerate(rates):
        alone = regression.descend(X, y, loss="l1", lr=float(rate), epochs=30, batch_size=8)
        # equal up to the order in which BLAS adds the products
        np.testing.assert_allclose(together.coef[:, k], alone.coef, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(together.intercept[:, k], alone.intercept, rtol=1e-12)
        np.testing.assert_allclose(together.loss[:, k], alone.loss, rtol=1e-12)


def test_descent_with_one_feature_and_no_intercept_is_gd_fit() -> None:
    x, y = data.linear(20, noise=5.0, rng=3)
    ours = regression.descend(
        x,
        y,
        loss="l2",
        lr=0.01,
        epochs=20,
        coef0=20.0,
        batch_size=2,
        reduction="sum",
        fit_intercept=False,
    )
    theirs = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=20, reduction="sum")
    np.testing.assert_allclose(ours.coef[:, 0], theirs.w, rtol=1e-12)
    np.testing.assert_allclose(ours.loss, theirs.loss, rtol=1e-12)
    assert np.all(ours.intercept == 0.0)


def test_descent_history_shapes_and_schedule() -> None:
    X, y = heavy_tailed(10, 2, 11)
    path = regression.descend(
        X, y, loss="l2", lr=schedules.inverse_time(0.01, decay=0.1), epochs=3, batch_size=4
    )
    assert (path.steps, path.steps_per_epoch, path.runs) == (9, 3, None)
    assert (path.coef.shape, path.intercept.shape) == ((10, 2), (10,))
    np.testing.assert_allclose(path.lr, 0.01 / (1 + 0.1 * np.arange(9)))
    runs = regression.descend(X, np.stack([y, y + 1]), loss="l2", lr=0.01, epochs=3)
    assert (runs.runs, runs.coef.shape) == (2, (4, 2, 2))


def test_descent_marks_divergence_and_keeps_the_last_finite_estimate() -> None:
    year, calls = data.belgian_phones()
    path = regression.descend(year, calls, loss="l2", lr=0.01, epochs=500)
    assert path.diverged is True
    first_nan = int(np.argmax(np.isnan(path.loss)))
    assert np.all(np.isnan(path.loss[first_nan:]))
    assert np.all(np.isfinite(path.coef))
    assert np.all(np.isfinite(path.intercept))
    assert np.all(path.coef[first_nan + 1 :] == path.coef[first_nan])


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"loss": "l3"}, ValueError, "loss must be one of"),
        ({"lr": -0.1}, ValueError, "lr must be >= 0"),
        ({"epochs": -1}, ValueError, "epochs must be an integer >= 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
        ({"reduction": "none"}, ValueError, "reduction must be one of 'mean', 'sum', got 'none'"),
        ({"coef0": [1.0, 2.0]}, ValueError, r"coef0 must be a number, shape \(1,\)"),
        ({"lr": [0.1, 0.2], "intercept0": [0.0, 1.0, 2.0]}, ValueError, "disagree"),
        ({"delta": 0.0}, ValueError, "delta must be >"),
    ],
)
def test_descend_rejects_bad_input(
    options: dict[str, object], error: type[Exception], match: str
) -> None:
    kwargs = {"loss": "l2", "lr": 0.1, "epochs": 1, **options}
    with pytest.raises(error, match=match):
        regression.descend([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], **kwargs)  # type: ignore[arg-type]


def test_descend_rejects_mismatched_rows() -> None:
    with pytest.raises(ValueError, match="3 rows in X and 2 values"):
        regression.descend([1.0, 2.0, 3.0], [1.0, 2.0], loss="l2", lr=0.1, epochs=1)


def test_huber_with_a_tiny_delta_is_flagged_not_unique() -> None:
    # With every residual beyond delta on a region of L1-optimal lines, the Huber total there is
    # delta * (L1 minimum) - n * delta**2 / 2 on the whole region: no single minimiser.
    year, calls = data.belgian_phones()
    l1_minimum = regression.solve(year, calls, loss="l1").total_loss
    tiny = regression.solve(year, calls, loss="huber", delta=0.01)
    assert tiny.total_loss == pytest.approx(0.01 * l1_minimum - year.size * 0.01**2 / 2)
    assert not tiny.unique
    assert regression.solve(year, calls, loss="huber", delta=2.63).unique


def highs_l1_total(x: np.ndarray, y: np.ndarray) -> float:
    """The abs-L1 minimum of a line by HiGHS: the dual LP max y.d, [1, x]^T d = 0, |d| <= 1."""
    A = np.column_stack([np.ones(x.size), x])
    result = linprog(-y, A_eq=A.T, b_eq=np.zeros(2), bounds=(-1.0, 1.0), method="highs")
    assert result.status == 0
    return float(-result.fun)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (
            [-4, -0, 0, -4, 1, -3, 4, 1, 0, -2, -0, -8, -5, 2],
            [-14, 3, -5, -6, -1, -4, 8, -3, 4, 0, -0, -17, -10, 1e7],
        ),
        ([1, 2, 3, 4, 5], [1, 3, 2, 5, 1e9]),
    ],
)
def test_l1_fit_is_optimal_next_to_one_huge_outlier(x: list[float], y: list[float]) -> None:
    # One outlier used to swamp the scaled costs of the linear program: a line off the minimum
    # by 0.75 and 1, flagged unique. An outlier above the fit moving further out changes nothing.
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fit = regression.solve(xs, ys, loss="l1")
    best = highs_l1_total(xs, ys)
    assert fit.total_loss == pytest.approx(best, rel=1e-12)
    assert l1_total(xs[:, None], ys, fit.intercept, fit.coef) == pytest.approx(best, rel=1e-12)
    lines = regression.l1_lines(xs, ys)
    assert fit.unique == (lines.shape[0] == 1)
    nearer = ys.copy()
    nearer[-1] = 1e4
    near = regression.solve(xs, nearer, loss="l1")
    assert (near.intercept, near.coef[0], near.unique) == (fit.intercept, fit.coef[0], fit.unique)


@pytest.mark.parametrize("outlier", [1e7, 1e12])
def test_l1_total_matches_highs_with_a_huge_last_sample(outlier: float) -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(5, 20))
        x = rng.integers(-8, 9, size=n).astype(float)
        y = (2 * x + rng.integers(-5, 6, size=n)).astype(float)
        if np.ptp(x) == 0:
            continue
        y[-1] = outlier
        fit = regression.solve(x, y, loss="l1")
        assert fit.total_loss == pytest.approx(highs_l1_total(x, y), rel=1e-12)


@pytest.mark.parametrize("n", [1, 63, 64, 65, 1000, 4097])
@pytest.mark.parametrize("p", [1, 3, 10])
def test_column_extremes_equal_numpys(n: int, p: int) -> None:
    rng = np.random.default_rng(n * 31 + p)
    X = rng.standard_t(1, size=(n, p)) * 10.0 ** rng.integers(-200, 200, size=p)
    # The last row holds each column's maximum, then its minimum: the rows after the last
    # whole block of 64 must count.
    top = np.vstack([X, X.max(axis=0) * 2.0 + 1.0])
    bottom = np.vstack([X, X.min(axis=0) * 2.0 - 1.0])
    for matrix in (X, X[::2], np.asfortranarray(X), top, bottom):
        low, high = _column_extremes(matrix)
        np.testing.assert_array_equal(low, matrix.min(axis=0))
        np.testing.assert_array_equal(high, matrix.max(axis=0))
