# ruff: noqa: N806
"""Exact fits at any scale: equivariance, the audit's defects, and the Fit as a value."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from l1l2 import regression

LOSSES = ("l1", "l2", "huber")


def data(n: int = 30, p: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, 2.0 + X @ rng.normal(size=p) * 3.0 + rng.standard_t(2, size=n)


def total(loss: str, r: np.ndarray, delta: float) -> float:
    a = np.abs(r)
    if loss == "l1":
        return float(a.sum())
    if loss == "l2":
        return float((r**2).sum())
    return float(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)).sum())


# --- equivariance -------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("s", [1e-150, 1e-16, 1e-10, 3.7, 1e15, 1e150])
@pytest.mark.parametrize("a", [1e-150, 0.3, 1e150])
def test_rescaling_x_and_y_rescales_the_fit(loss: str, s: float, a: float) -> None:
    X, y = data(30, 2, 1)
    huber = loss == "huber"  # delta is Huber's only: in units of y, so it scales with a
    base = regression.solve(X, y, loss=loss, **({"delta": 1.5} if huber else {}))
    fit = regression.solve(X * s, y * a, loss=loss, **({"delta": 1.5 * a} if huber else {}))
    np.testing.assert_allclose(fit.coef * s / a, base.coef, rtol=1e-9)
    assert fit.intercept / a == pytest.approx(base.intercept, rel=1e-9)
    power = 1 if loss == "l1" else 2
    assert fit.total_loss / a**power == pytest.approx(base.total_loss, rel=1e-9)
    assert fit.unique == base.unique


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("shift", [1e3, 1e6, 1e8])
def test_shifting_x_and_y_moves_only_the_intercept(loss: str, shift: float) -> None:
    X, y = data(40, 2, 2)
    base = regression.solve(X, y, loss=loss)
    spread = np.ptp(X, axis=0)
    moved = X + shift * spread
    fit = regression.solve(moved, y + 1e6, loss=loss)
    # The data as given: the shifted columns minus the shift, exactly, with their rounding.
    given = moved - shift * spread
    reference = regression.solve(given, y, loss=loss)
    assert fit.total_loss == pytest.approx(reference.total_loss, rel=1e-9)
    np.testing.assert_allclose(fit.coef, reference.coef, rtol=1e-6)
    np.testing.assert_allclose(fit.coef, base.coef, rtol=1e-6)
    assert fit.unique == base.unique


def test_a_feature_in_other_units_gives_the_same_l1_fit() -> None:
    # The audit: times 1e-10, the L1 total was 63.99 instead of 29.84 and the slope 0.
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    y = 2 + 3 * x + rng.standard_t(2, size=30)
    base = regression.solve(x, y, loss="l1")
    tiny = regression.solve(x * 1e-10, y, loss="l1")
    assert tiny.total_loss == pytest.approx(base.total_loss, rel=1e-12)
    assert tiny.slope * 1e-10 == pytest.approx(base.slope, rel=1e-12)
    assert tiny.unique == base.unique


@pytest.mark.parametrize("scale", [1e15, 1e-16, 1e-300, 1e300])
def test_features_at_any_scale_are_accepted(scale: float) -> None:
    X, y = data(20, 3, 3)
    for loss in LOSSES:
        fit = regression.solve(X * scale, y, loss=loss)
        assert np.all(np.isfinite(fit.coef))


def test_years_next_to_the_intercept_are_accepted() -> None:
    years = np.arange(1950.0, 1974.0)
    y = 0.5 * (years - 1950) + np.sin(years)
    fit = regression.solve(years, y, loss="l1")
    centred = regression.solve(years - 1950, y, loss="l1")
    assert fit.total_loss == pytest.approx(centred.total_loss, rel=1e-12)


# --- degenerate data: refused, with the column named ---------------------------------------------


def test_a_constant_column_is_named() -> None:
    X, y = data(20, 3, 4)
    X[:, 1] = 0.1
    with pytest.raises(ValueError, match="X column 1 is constant"):
        regression.solve(X, y, loss="l1")


def test_a_dependent_column_is_named() -> None:
    X, y = data(20, 3, 5)
    X[:, 2] = 2.0 * X[:, 0]  # exactly dependent
    with pytest.raises(ValueError, match=r"X column 2 is a combination of .*X column 0"):
        regression.solve(X, y, loss="l2")


def test_a_zero_column_without_intercept_is_named() -> None:
    X, y = data(20, 2, 6)
    X[:, 0] = 0.0
    with pytest.raises(ValueError, match="X column 0 is zero"):
        regression.solve(X, y, loss="l2", fit_intercept=False)


@pytest.mark.parametrize("loss", LOSSES)
def test_errors_inside_solve_name_only_its_own_arguments(loss: str) -> None:
    cases = [
        ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]),
        ([0.0, 1.0], [-1.7e308, 1.7e308]),
        ([0.0, 1e-300, 2e-300], [0.0, 1e300, 1.7e308]),
    ]
    for X, y in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match=r"^(?!.*y_(pred|true))") as caught:
                regression.solve(X, y, loss=loss)
        assert getattr(caught.value, "argument", None) in {"X", "y"}


def test_unrepresentable_coefficients_are_an_error_not_inf() -> None:
    with pytest.raises(ValueError, match="beyond float64"):
        regression.solve([0.0, 1e-300, 2e-300], [0.0, 1e300, 2e300], loss="l2")


@pytest.mark.parametrize(
    ("options", "slope"),
    [({"loss": "l2"}, "2e-340"), ({"loss": "huber", "delta": 1e-170}, "5e-341")],
)
def test_coefficients_below_the_smallest_normal_float_are_refused_naming_the_column(
    options: dict[str, object], slope: str
) -> None:
    # The slope underflowed to 0, and the intercept came out +2e-170 instead of -2e-170.
    x, y = np.arange(5.0), np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    pattern = rf"X column 0 \(about {slope}\).*smallest normal"
    with pytest.raises(ValueError, match=pattern) as caught:
        regression.solve(x * 1e170, y * 1e-170, **options)  # type: ignore[arg-type]
    assert getattr(caught.value, "argument", None) == "X"


def test_subnormal_coefficients_are_refused() -> None:
    # A slope of 2e-320 has lost digits: the intercept came out -1.99996e-160.
    x, y = np.arange(5.0), np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    with pytest.raises(ValueError, match=r"X column 0 \(about 2e-320\)"):
        regression.solve(x * 1e160, y * 1e-160, loss="l2")


def test_an_intercept_from_products_below_the_smallest_normal_float_is_refused() -> None:
    # The slope (about 7e-24) is normal, but its products with x and the intercept are not.
    x = np.array([1.0, 2.0, 3.0]) * 1e-300
    y = np.array([0.0, 1.0, 3.0]) * 5e-324
    with pytest.raises(
        ValueError, match=r"intercept .* below or near the smallest normal"
    ) as caught:
        regression.solve(x, y, loss="l2")
    assert getattr(caught.value, "argument", None) == "y"


@pytest.mark.parametrize("loss", LOSSES)
def test_a_subnormal_intercept_added_from_exact_terms_stands(loss: str) -> None:
    # Halving every term of the intercept (against overflow) turned the shift 5e-324 into 0.
    fit = regression.solve([0.0, 1.0, 2.0], [5e-324] * 3, loss=loss)
    assert (fit.intercept, fit.coef[0]) == (5e-324, 0.0)
    assert fit.predict([7.0]) == 5e-324


def test_coefficients_near_the_smallest_normal_float_are_exact() -> None:
    x, y = np.arange(5.0), np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    fit = regression.solve(x * 1e150, y * 1e-150, loss="l2")
    assert fit.coef[0] == pytest.approx(2e-300, rel=1e-12)
    assert fit.intercept == pytest.approx(-2e-150, rel=1e-12)
    np.testing.assert_allclose(fit.predict([4e150]), [6e-150], rtol=1e-12)


def test_predict_below_the_smallest_normal_float_is_an_error() -> None:
    fit = regression.solve([0.0, 1.0, 2.0], [0.0, 1e-300, 2e-300], loss="l2")
    assert fit.predict([1e-7]) == pytest.approx(1e-307, rel=1e-12)
    with pytest.raises(ValueError, match=r"row 1 .* smallest normal") as caught:
        fit.predict([1.0, 1e-20])
    assert getattr(caught.value, "argument", None) == "X"


# --- l1_lines -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_l1_lines_scale_with_the_data(scale: float) -> None:
    x = np.array([0.0, 0.0, 1.0, 1.0])
    y = np.array([0.0, 2.0, 0.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lines = regression.l1_lines(x * scale, y * scale)
    np.testing.assert_allclose(lines / [scale, 1.0], regression.l1_lines(x, y), rtol=1e-12)


def test_l1_lines_below_the_smallest_normal_float_are_refused_naming_x() -> None:
    # The slope 1e-340 of the line through two samples came out 0 without a word.
    x, y = np.arange(4.0), np.array([0.0, 1.0, 0.0, 3.0])
    with pytest.raises(ValueError, match=r"coefficient of x \(about 1e-340\)") as caught:
        regression.l1_lines(x * 1e170, y * 1e-170)
    assert getattr(caught.value, "argument", None) == "x"


def test_l1_lines_near_the_largest_float() -> None:
    x = np.array([1.7e308, 1.6e308, 1.5e308, 1.4e308, 1.45e308])
    y = 0.5 * x + np.array([0.0, 1e306, -1e306, 0.0, 3e305])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lines = regression.l1_lines(x, y)
    assert lines.shape[0] >= 1
    fit = regression.solve(x, y, loss="l1")
    for intercept, slope in lines:
        r = (y - 0.5 * x) - ((slope - 0.5) * x + intercept)
        assert np.abs(r).sum() == pytest.approx(fit.total_loss, rel=1e-9)


# --- predict and the Fit as a value ---------------------------------------------------------------


def test_predict_beyond_float64_is_an_error_without_warnings() -> None:
    fit = regression.solve([0.0, 1.0, 2.0], [0.0, 1e300, 2e300], loss="l2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="beyond float64"):
            fit.predict([1e10])


def test_fit_arrays_are_read_only_and_fits_hash_by_value() -> None:
    X, y = data(30, 2, 7)
    fit = regression.solve(X, y, loss="l1")
    with pytest.raises(ValueError, match="read-only"):
        fit.coef[0] = 0.0
    again = regression.solve(X, y, loss="l1")
    assert fit == again
    assert hash(fit) == hash(again)
    assert len({fit, again, regression.solve(X, y, loss="l2")}) == 2


def test_fit_coef_cannot_be_made_writable_again() -> None:
    X, y = data(30, 2, 7)
    fit = regression.solve(X, y, loss="l1")
    before, key = fit.coef.copy(), hash(fit)
    with pytest.raises(ValueError, match="WRITEABLE"):
        fit.coef.setflags(write=True)
    with pytest.raises(ValueError, match="read-only"):
        fit.coef[0] = 99.0
    np.testing.assert_array_equal(fit.coef, before)
    assert hash(fit) == key
    empty = regression.Fit("l2", 0.0, np.zeros((0,)), 0.0, True)
    assert empty.coef.shape == (0,)
    assert not empty.coef.flags.writeable


def test_fit_does_not_alias_the_callers_array() -> None:
    coef = np.array([1.0, 2.0])
    fit = regression.Fit("l2", 0.0, coef, 0.0, True)
    coef[0] = 5.0
    assert fit.coef[0] == 1.0


class _Frame:
    """The part of a pandas DataFrame that solve and predict use (pandas is optional)."""

    __module__ = "pandas.core.frame"

    def __init__(self, columns: dict[str, list[float]]) -> None:
        self.columns = list(columns)
        self._data = columns

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return np.column_stack([self._data[c] for c in self.columns])

    def __getitem__(self, names: list[str]) -> _Frame:
        return _Frame({c: self._data[c] for c in names})

    def to_numpy(self) -> np.ndarray:
        return self.__array__()


def test_fit_remembers_frame_columns_and_reorders_or_refuses() -> None:
    X, y = data(30, 2, 8)
    frame = _Frame({"income": list(X[:, 0]), "age": list(X[:, 1])})
    fit = regression.solve(frame, y, loss="l2")
    assert fit.feature_names == ("income", "age")
    swapped = _Frame({"age": list(X[:, 1]), "income": list(X[:, 0])})
    np.testing.assert_allclose(fit.predict(swapped), fit.predict(X))
    with pytest.raises(ValueError, match=r"columns of the fit, \['income', 'age'\]"):
        fit.predict(_Frame({"income": list(X[:, 0]), "height": list(X[:, 1])}))


# --- delta="auto" -------------------------------------------------------------------------------


def test_auto_delta_is_1_345_times_the_normalised_mad_of_the_l1_residuals() -> None:
    from scipy.optimize import linprog  # noqa: PLC0415

    X, y = data(60, 2, 9)
    fit = regression.solve(X, y, loss="huber", delta="auto")
    # Independently: the L1 fit by the primal LP, then the median absolute residual.
    n, k = X.shape[0], X.shape[1] + 1
    A = np.column_stack([np.ones(n), X])
    c = np.r_[np.zeros(k), np.ones(2 * n)]
    A_eq = np.hstack([A, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * k + [(0, None)] * (2 * n)
    lp = linprog(c, A_eq=A_eq, b_eq=y, bounds=bounds, method="highs")
    r = y - A @ lp.x[:k]
    expected = 1.345 * np.median(np.abs(r)) / 0.6745
    assert fit.delta == pytest.approx(expected, rel=1e-9)
    assert fit.total_loss == pytest.approx(
        regression.solve(X, y, loss="huber", delta=expected).total_loss, rel=1e-12
    )


def test_auto_delta_scales_with_y() -> None:
    X, y = data(40, 1, 10)
    base = regression.solve(X, y, loss="huber", delta="auto")
    big = regression.solve(X, y * 1e100, loss="huber", delta="auto")
    assert big.delta == pytest.approx(base.delta * 1e100, rel=1e-9)
    assert big.slope == pytest.approx(base.slope * 1e100, rel=1e-9)


def test_delta_must_be_a_number_or_auto() -> None:
    with pytest.raises(ValueError, match=r"delta must be one of 'auto' \(or a number > 0\)"):
        regression.solve([0.0, 1.0, 2.0], [0.0, 1.0, 3.0], loss="huber", delta="mad")


# --- bounds -------------------------------------------------------------------------------------


def test_solve_refuses_a_problem_beyond_its_limit_before_starting() -> None:
    X = np.broadcast_to(np.arange(2.0), (10**7, 2))  # no memory: a view
    y = np.broadcast_to(1.0, (10**7,))
    with pytest.raises(ValueError, match=r"X is too large for an exact fit: 10,000,000 rows"):
        regression.solve(X, y, loss="l1")


@pytest.mark.parametrize("seed", range(3))
def test_l1_exchange_and_linear_program_agree_on_ties(seed: int) -> None:
    # Integer data: many samples on the fit, the case where the exchange has no certificate.
    from scipy.optimize import linprog  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(200, 2)).astype(float)
    y = rng.integers(0, 4, size=200).astype(float)
    fit = regression.solve(X, y, loss="l1")
    A = np.column_stack([np.ones(200), X])
    full = linprog(-y, A_eq=A.T, b_eq=np.zeros(3), bounds=(-1, 1), method="highs")
    assert fit.total_loss == pytest.approx(-full.fun, rel=1e-9)


class _DuplicateFrame:
    """A pandas-like frame whose column names may repeat (as a DataFrame's may)."""

    __module__ = "pandas.core.frame"

    def __init__(self, columns: list[object], values: np.ndarray) -> None:
        self.columns = columns
        self._values = values

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return self._values

    def to_numpy(self) -> np.ndarray:
        return self._values


@pytest.mark.parametrize(
    ("columns", "shown"),
    [
        (["income", "age", "income"], "2 columns named 'income'"),
        ([1, "1", 2], "2 columns named '1'"),
    ],
)
def test_a_frame_with_a_column_name_used_twice_is_refused_naming_it(
    columns: list[object], shown: str
) -> None:
    X, y = data(30, 3, 8)
    message = rf"^X has {shown}: its columns are kept and matched by name"
    with pytest.raises(ValueError, match=message):
        regression.solve(_DuplicateFrame(columns, X), y, loss="l2")
    fit = regression.solve(
        _Frame({"a": list(X[:, 0]), "b": list(X[:, 1]), "c": list(X[:, 2])}), y, loss="l1"
    )
    with pytest.raises(ValueError, match=message):
        fit.predict(_DuplicateFrame(columns, X))


@pytest.mark.parametrize("far", [1e12, 1e100, 1e300, -1e300, 1.7e308])
def test_huber_fit_is_the_same_however_far_one_outlier_lies(far: float) -> None:
    # Beyond delta a sample pulls the Huber total with its sign only, so every outlier far
    # beyond the others gives the same minimiser: the one with the outlier at 1e6.
    x = np.linspace(0.0, 1.0, 50)
    y = 2.0 * x + 0.01 * np.random.default_rng(0).normal(size=50)
    near, away = y.copy(), y.copy()
    near[7], away[7] = math.copysign(1e6, far), far
    reference = regression.solve(x, near, loss="huber", delta=1.0)
    fit = regression.solve(x, away, loss="huber", delta=1.0)
    assert fit.slope == pytest.approx(reference.slope, rel=1e-12)
    assert fit.intercept == pytest.approx(reference.intercept, rel=1e-12)
    assert fit.unique
    assert reference.unique
    assert fit.slope == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize("unit", [1.0, 1e-5, 1e-100, 1e-200])
@pytest.mark.parametrize("loss", ["l1", "huber", "quantile"])
def test_robust_fits_keep_the_other_samples_digits_beside_an_outlier_at_1_7e308(
    loss: str, unit: float
) -> None:
    # Divided by the full spread of y (1.7e308), samples of size 1e-100 fell below the smallest
    # normal float64: the Huber slope came out 1e99 times too large, the abs-L1 slope 7% off.
    # y's scale is now robust; at 1e-200 the digits cannot be kept, and the fit is refused.
    x = np.linspace(0.0, 1.0, 50)
    y = (2.0 * x + 0.01 * np.random.default_rng(0).normal(size=50)) * unit
    near, away = y.copy(), y.copy()
    near[7], away[7] = 1e6 * unit, 1.7e308
    options = {"huber": {"delta": unit}, "quantile": {"quantile": 0.3}}.get(loss, {})
    reference = regression.solve(x, near, loss=loss, **options)
    if unit == 1e-200:
        with pytest.raises(ValueError, match=r"y's farthest value lies 1.7e\+308 from its median"):
            regression.solve(x, away, loss=loss, **options)
        return
    fit = regression.solve(x, away, loss=loss, **options)
    assert fit.slope == pytest.approx(reference.slope, rel=1e-12)
    assert fit.intercept == pytest.approx(reference.intercept, rel=1e-12)
    assert fit.unique == reference.unique


@pytest.mark.parametrize("delta", [5e-324, 1e-310])
def test_a_huber_delta_below_float64s_normal_range_in_ys_units_is_refused(delta: float) -> None:
    x = np.linspace(0.0, 1.0, 20)
    with pytest.raises(ValueError, match=rf"delta={delta!r} is below .*pass loss='l1'"):
        regression.solve(x, 3.0 * x + np.sin(9.0 * x), loss="huber", delta=delta)


def _huber_total(x: list[float], y: list[float], b: float, w: float) -> float:
    r = np.abs(np.array(y) - b - w * np.array(x))
    m = np.minimum(r, 1.0)
    return float(np.sum(m * (r - m / 2)))


def test_huber_unique_counts_samples_at_delta_that_every_move_pushes_inside() -> None:
    # At the minimiser (b, w) = (1, 0) only the sample at x = 2 is strictly inside delta = 1;
    # three sit exactly at |r| = delta. Every move keeping the first on the line pushes one of
    # those inside, where the total curves up: the minimiser is unique.
    x, y = [1.0, 2.0, 1.0, 0.0, 0.0], [2.0, 1.0, 0.0, -1.0, 2.0]
    fit = regression.solve(x, y, loss="huber", delta=1.0)
    assert (fit.intercept, fit.slope) == (pytest.approx(1.0), pytest.approx(0.0, abs=1e-12))
    assert fit.unique
    for angle in np.linspace(0.0, 2.0 * np.pi, 73):
        moved = _huber_total(x, y, 1.0 + 1e-3 * np.cos(angle), 1e-3 * np.sin(angle))
        assert moved > fit.total_loss + 1e-9
    # Two samples at x = 1 far on either side: any slope between -9 and 4 gives the same total.
    x, y = [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 5.0, -10.0]
    fit = regression.solve(x, y, loss="huber", delta=1.0)
    assert not fit.unique
    assert _huber_total(x, y, 0.0, 2.0) == pytest.approx(fit.total_loss, rel=1e-15)


@pytest.mark.parametrize("scale", [1e-150, 1e-3, 1e150])
def test_auto_delta_scales_with_y_when_the_l1_fit_passes_through_most_samples(
    scale: float,
) -> None:
    # Two of three samples lie on the abs-L1 line: the median residual is rounding, which
    # differs with the scale; delta="auto" must not be made of it, but of y's own spread: 1e-9
    # of its median non-zero deviation from its median, 1.274.
    x = np.array([1.56654877, -0.09643216, 0.68037845])
    y = np.array([2.75372129, 0.20495332, 1.24278216])
    reference = regression.solve(x, y, loss="huber", delta="auto")
    scaled = regression.solve(x * scale, y * scale, loss="huber", delta="auto")
    assert reference.delta is not None
    assert scaled.delta is not None
    spread = np.median(np.abs(y - np.median(y))[np.abs(y - np.median(y)) > 0])
    assert reference.delta == pytest.approx(1.345e-9 * spread, rel=1e-12)
    assert scaled.delta == pytest.approx(reference.delta * scale, rel=1e-12)
    assert scaled.slope == pytest.approx(reference.slope, rel=1e-12)
    assert scaled.intercept == pytest.approx(reference.intercept * scale, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("scale", [1.0, 3.0, 1e-3, 7.1, -2.0])
def test_auto_delta_ignores_the_rounding_residual_of_the_sample_at_the_shift(scale: float) -> None:
    # The abs-L1 line 1 + 2x passes through three of the four points, so the median absolute
    # residual is 0 and delta is 1.345e-9 times the median of y's non-zero absolute deviations
    # from its median 3.5: of 2.5, 0.5, 0.5 and 3.5, 1.5. The point (1, 3) is the shift of the
    # standard units: its rounding residual (2e-16) was taken for a residual, and delta came
    # out 2.2e-16 (7.4e-17 with y times 3).
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 4.0, 7.0])
    fit = regression.solve(x, y * scale, loss="huber", delta="auto")
    assert fit.delta == pytest.approx(1.345e-9 * 1.5 * abs(scale), rel=1e-12)


@pytest.mark.parametrize("loss", ["l1", "huber", "quantile"])
def test_a_robust_scale_of_y_that_mostly_ties_with_its_median(loss: str) -> None:
    # Six of ten y at 0, three near 1e-100 and one at 1.7e308: their median deviation is 0, and
    # dividing by 2**-500 of the far value put 1e-170 below float64's range unrefused (the abs-L1
    # slope came out 0). The non-zero deviations' median keeps them, or the fit is refused.
    options = {"huber": {"delta": 1e-100}, "quantile": {"quantile": 0.5}}.get(loss, {})
    x = np.arange(10.0)
    for unit, kept in [(1e-100, True), (1e-170, False)]:
        y = np.zeros(10)
        y[6:9], y[9] = np.array([1.0, 2.0, 3.0]) * unit, 1.7e308
        near = y.copy()
        near[9] = 1e6 * unit  # as far above the line for a robust loss: the same fit
        if not kept:
            with pytest.raises(ValueError, match=r"^y's farthest value lies 1.7e\+308"):
                regression.solve(x, y, loss=loss, **options)
            continue
        fit, reference = (regression.solve(x, v, loss=loss, **options) for v in (y, near))
        assert fit.slope == pytest.approx(reference.slope, rel=1e-9)
        assert fit.intercept == pytest.approx(reference.intercept, rel=1e-9)
        if loss != "huber":  # the median line -0.8 + 0.4 x (units of 1e-100), found by hand
            assert fit.intercept == pytest.approx(-8e-101, rel=1e-9, abs=0.0)
            assert fit.slope == pytest.approx(4e-101, rel=1e-9, abs=0.0)


@pytest.mark.parametrize("scale", [1.0, 3.0, 1e-200])
def test_auto_delta_of_an_exact_fit_scales_with_y_and_the_fit_is_unique(scale: float) -> None:
    # Every delta gives the line through both points; "auto" was 1 in standard units, a power
    # of two that jumped with y's scale (and 3e-151 after the robust scale, unique=False).
    fit = regression.solve([0.0, 1.0], [0.0, scale], loss="huber")
    assert fit.delta == pytest.approx(1.345e-9 * 0.5 * scale, rel=1e-12)  # |y - 0.5 scale|
    assert fit.unique
    assert fit.slope == pytest.approx(scale, rel=1e-12)


def test_overflowing_intercepts_and_deltas_are_refused_not_raised_as_overflow() -> None:
    with pytest.raises(ValueError, match="beyond float64"):
        regression.solve(
            [3.0, 3.0, 2.0, 1.0], [1e100, -3e100, 1.7e308, -3e100], loss="quantile", quantile=0.9
        )
    with pytest.raises(ValueError, match=r"automatic delta of these y .* is beyond float64"):
        regression.solve(
            np.arange(5.0), [-1.7e308] * 3 + [1.7e308, 0.0], loss="huber", fit_intercept=False
        )


@pytest.mark.parametrize("far", [1e6, 1e300])
def test_auto_delta_where_most_samples_lie_on_the_line_gives_abs_l1s_line(far: float) -> None:
    # Nine of ten samples on y = 0 and one far above: the median residual of the abs-L1 line is
    # 0, so is the noise's robust scale. The mean absolute residual used then let the one
    # outlier set delta (168571 at 1e6) and Huber's line rose to 35119 - 3512 x, near L2's.
    x, y = np.arange(10.0), np.zeros(10)
    y[3] = far
    fit = regression.solve(x, y, loss="huber")
    assert fit.delta < 1e-8 * far
    assert abs(fit.intercept) < 1e-8 * far
    assert abs(fit.slope) < 1e-8 * far
