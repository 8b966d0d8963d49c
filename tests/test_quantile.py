# ruff: noqa: N803, N806
"""The pinball (quantile) loss: its row of the table, its formula, and its exact fits.

The fits are checked against scikit-learn's QuantileRegressor (HiGHS on the primal linear
program) and SciPy's HiGHS on the tilted dual, by definition (every line through two points),
and for equivariance under rescaled and shifted columns and targets, y turned upside down
included (which maps q to 1 - q).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from fuzz_problems import problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from sklearn.linear_model import QuantileRegressor

from l1l2 import _source, cli, data, gd, losses, plotting, regression, robust, vocabulary

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def pinball_total(y: np.ndarray, prediction: np.ndarray, q: float) -> float:
    """The total pinball loss, written independently: q above the prediction, 1 - q below."""
    u = y - prediction
    return float(np.sum(np.where(u >= 0, q * u, (q - 1.0) * u)))


def heavy_tailed(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Features of different scales and offsets, and noise whose spread grows with them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 5.0, size=p) + rng.normal(size=p)
    noise = rng.standard_t(2, size=n) * (1.0 + np.abs(X[:, 0]))
    return X, 3.0 + X @ rng.normal(size=p) + noise


def sklearn_total(X: np.ndarray, y: np.ndarray, q: float, **options: object) -> float:
    theirs = QuantileRegressor(quantile=q, alpha=0.0, solver="highs", **options).fit(X, y)
    return pinball_total(y, theirs.predict(X), q)


def quantile(q: float) -> dict[str, object]:
    return {"loss": "quantile", "quantile": q}


# --- the row of the table and the consumers that read it ------------------------------------------


def test_the_pinball_row_is_a_row_like_the_others():
    row = vocabulary.LOSSES["quantile"]
    others = [r for name, r in vocabulary.LOSSES.items() if name != "quantile"]
    assert row.label == "pinball"
    assert row.value
    assert row.derivative
    assert row.settles
    assert row.color in vocabulary.PALETTE.values()
    assert row.color not in {r.color for r in others}
    assert row.linestyle not in {r.linestyle for r in others}
    assert row.dash == [8, 3, 2, 3, 2, 3]  # px, as the web charts draw it: "-." and one more dot
    assert row.dash not in [r.dash for r in others]
    assert row.required == ("quantile",)
    assert row.parameters == ("quantile",)
    assert not row.descent


def test_lists_of_losses_read_the_descent_and_settles_columns():
    assert vocabulary.LOSS_NAMES == ("signed", "l1", "l2", "huber")
    assert vocabulary.SETTLING == ("l1", "l2", "huber")
    assert vocabulary.SOLVE_NAMES == ("l1", "l2", "huber", "quantile")
    assert regression.SOLVE_LOSSES == vocabulary.SOLVE_NAMES
    assert tuple(losses.LOSSES) == tuple(vocabulary.LOSSES)
    assert losses.LOSS_NAMES == gd.LOSS_NAMES == vocabulary.LOSS_NAMES
    assert gd.SETTLING == vocabulary.SETTLING


def test_descent_refuses_the_pinball_loss_with_the_names_it_takes():
    listed = ", ".join(map(repr, vocabulary.LOSS_NAMES))
    with pytest.raises(ValueError, match=f"^loss must be one of {re.escape(listed)}, got"):
        gd.fit([1.0, 2.0], [1.0, 2.0], loss="quantile", w0=0.0, lr=0.1, batch_size=1, epochs=1)
    with pytest.raises(ValueError, match="loss must be one of"):
        gd.minimizer([1.0, 2.0], [1.0, 2.0], loss="quantile")
    with pytest.raises(ValueError, match=f"loss must be one of {re.escape(listed)}"):
        _source.run(loss="quantile", noise=0.0, lr=0.01, w0=20.0, epochs=1, batch_size=2, seed=0)


def test_the_command_lines_experiment_offers_the_losses_of_descent(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["experiment", "--loss", "quantile"])
    assert caught.value.code == 2
    listed = ", ".join(map(repr, vocabulary.LOSS_NAMES))
    assert f"invalid choice: 'quantile' (choose from {listed})" in capsys.readouterr().err


def test_plotting_draws_a_quantile_fit_in_the_rows_colour_style_and_label():
    import matplotlib.pyplot as plt  # noqa: PLC0415

    income, food = data.engel()
    fit = regression.solve(income, food, **quantile(0.9))
    row = vocabulary.LOSSES["quantile"]
    assert plotting.color_for("quantile") == row.color
    assert plotting.linestyle_for("quantile") == row.linestyle
    assert plotting.label_for("quantile") == row.label
    ax = plotting.plot_fits(income, food, [fit])
    try:
        (line,) = [a for a in ax.get_lines() if a.get_gid() == "fit-quantile"]
        assert line.get_color().upper() == row.color
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == ["data", "pinball (q = 0.9)"]
    finally:
        plt.close(ax.figure)


# --- the formula ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("q", [0.05, *QUANTILES, 0.99])
@pytest.mark.parametrize("shape", [(1,), (5,), (3, 4), (40, 2000)])
def test_pinball_value_and_derivative_match_a_numpy_expression(q, reduction, shape):
    rng = np.random.default_rng(0)
    y_true = rng.normal(10.0, 3.0, shape)
    y_pred = y_true + rng.normal(0.0, 2.0, shape)
    y_pred.flat[0] = y_true.flat[0]  # one residual exactly 0
    r = y_pred - y_true
    value = np.where(r > 0, (1 - q) * r, -q * r)
    slope = np.select([r > 0, r < 0], [1 - q, -q], 0.0)
    divide = r.size if reduction == "mean" else 1
    got = losses.pinball(y_true, y_pred, quantile=q, reduction=reduction)
    grad = losses.pinball_grad(y_true, y_pred, quantile=q, reduction=reduction)
    np.testing.assert_allclose(grad, slope / divide, rtol=1e-15, atol=0)
    if reduction == "none":
        np.testing.assert_allclose(got, value, rtol=1e-15, atol=0)
    else:
        assert got == pytest.approx(value.sum() / divide, rel=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_at_one_half_the_pinball_loss_is_half_of_abs_l1_exactly(reduction):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=50), rng.normal(size=50)
    half = losses.pinball(y_true, y_pred, quantile=0.5, reduction=reduction)
    whole = losses.l1(y_true, y_pred, reduction=reduction)
    np.testing.assert_array_equal(np.multiply(half, 2.0), whole)
    grad = losses.pinball_grad(y_true, y_pred, quantile=0.5, reduction=reduction)
    np.testing.assert_array_equal(2.0 * grad, losses.l1_grad(y_true, y_pred, reduction=reduction))


def test_the_derivative_is_the_slope_of_the_value_and_zero_on_the_target():
    record = losses.LOSSES["quantile"]
    assert record.uses_quantile
    assert not record.uses_delta
    assert record.settle is None
    r, h, q = np.array([-3.0, -0.4, 0.3, 2.5]), 1e-6, 0.3
    value = losses.pinball(np.zeros(4), r, quantile=q, reduction="none")
    above = losses.pinball(np.zeros(4), r + h, quantile=q, reduction="none")
    below = losses.pinball(np.zeros(4), r - h, quantile=q, reduction="none")
    grad = losses.pinball_grad(np.zeros(4), r, quantile=q, reduction="none")
    np.testing.assert_allclose(grad, (above - below) / (2 * h), rtol=1e-8)
    assert np.all(value >= 0)
    assert losses.pinball_grad([1.0], [1.0], quantile=q, reduction="sum")[0] == 0.0
    # Degree 1 in r, with the same q: the engine's rescaling must not touch q.
    np.testing.assert_allclose(
        losses.pinball(np.zeros(4), 8.0 * r, quantile=q, reduction="none"), 8.0 * value
    )


def test_a_total_beyond_float64_is_rescaled_without_touching_the_quantile():
    got = losses.pinball([0.0, 0.0], [1.5e308, 1.5e308], quantile=0.25, reduction="mean")
    assert got == pytest.approx(0.75 * 1.5e308, rel=1e-15)
    with pytest.raises(ValueError, match="exceeds the float64 range"):
        losses.pinball([1e308, -1e308], [-1e308, 1e308], quantile=0.5, reduction="sum")


def test_robust_pinball_is_the_sum_of_the_one_definition():
    rng = np.random.default_rng(2)
    y, p = rng.normal(size=20), rng.normal(size=20)
    for q in QUANTILES:
        assert robust.pinball(y, p, quantile=q) == losses.pinball(y, p, quantile=q, reduction="sum")
        assert robust.pinball(y, p, quantile=q) == pytest.approx(pinball_total(y, p, q), rel=1e-13)
    assert losses.get("quantile") == (losses.pinball, losses.pinball_grad)


BAD_QUANTILES = [
    (0.0, ValueError, "quantile must be strictly between 0 and 1"),
    (1.0, ValueError, "quantile must be strictly between 0 and 1"),
    (-0.5, ValueError, "quantile must be strictly between 0 and 1"),
    (1.5, ValueError, "quantile must be strictly between 0 and 1"),
    (float("nan"), ValueError, "quantile must be finite"),
    (float("inf"), ValueError, "quantile must be finite"),
    (True, TypeError, "quantile must be a real number"),
    ("0.5", TypeError, "quantile must be a real number"),
    (None, TypeError, "quantile must be a real number"),
]


@pytest.mark.parametrize(("q", "kind", "match"), BAD_QUANTILES)
def test_a_bad_quantile_is_refused_everywhere_with_one_message(q, kind, match):
    calls = [
        lambda: losses.pinball([1.0], [2.0], quantile=q),
        lambda: losses.pinball_grad([1.0], [2.0], quantile=q),
        lambda: robust.pinball([1.0], [2.0], quantile=q),
        lambda: robust.quantile_fit([0.0, 1.0, 2.0], [0.0, 1.0, 5.0], quantile=q),
    ]
    if q is not None:  # for solve, None means "not given"
        calls.append(lambda: regression.solve([0.0, 1.0, 2.0], [0.0, 1.0, 5.0], **quantile(q)))
    for call in calls:
        with pytest.raises(kind, match=f"^{re.escape(match)}") as caught:
            call()
        assert caught.value.argument == "quantile"  # type: ignore[attr-defined]


def test_the_pinball_loss_needs_its_quantile_and_matching_shapes():
    with pytest.raises(TypeError, match="quantile"):
        losses.pinball([1.0], [2.0])  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="same shape"):
        losses.pinball([1.0, 2.0], [2.0], quantile=0.5)


# --- solve(loss="quantile"): arguments ----------------------------------------------------------


def test_solve_requires_the_quantile_for_the_pinball_loss():
    with pytest.raises(ValueError, match=r"^loss='quantile' needs quantile=") as caught:
        regression.solve([0.0, 1.0, 2.0], [0.0, 1.0, 5.0], loss="quantile")
    assert caught.value.argument == "quantile"


@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_solve_refuses_a_quantile_for_the_other_losses(loss):
    with pytest.raises(
        ValueError, match=f"^quantile applies to loss='quantile' only, got loss='{loss}'"
    ):
        regression.solve([0.0, 1.0, 2.0], [0.0, 1.0, 5.0], loss=loss, quantile=0.5)


def test_solve_lists_the_quantile_among_its_losses():
    with pytest.raises(ValueError, match=r"loss must be one of 'l1', 'l2', 'huber', 'quantile'"):
        regression.solve([0.0, 1.0, 2.0], [0.0, 1.0, 5.0], loss="signed")


# --- solve(loss="quantile"): exact ---------------------------------------------------------------


@pytest.mark.parametrize("q", QUANTILES)
def test_engel_quantile_lines_have_scikit_learns_total_pinball_loss(q):
    income, food = data.engel()
    fit = regression.solve(income, food, **quantile(q))
    best = sklearn_total(income[:, None], food, q)
    assert pinball_total(food, fit.predict(income), q) == pytest.approx(best, rel=1e-9)
    assert fit.total_loss == pytest.approx(best, rel=1e-9)
    assert (fit.loss, fit.quantile, fit.delta) == ("quantile", q, None)
    line = robust.quantile_fit(income, food, quantile=q)
    assert (line.intercept, line.slope) == (fit.intercept, fit.slope)


@pytest.mark.parametrize("q", QUANTILES)
@pytest.mark.parametrize(("n", "p", "seed"), [(41, 1, 0), (100, 1, 1), (100, 10, 2), (1000, 3, 3)])
def test_random_quantile_fits_have_scikit_learns_total_pinball_loss(n, p, seed, q):
    X, y = heavy_tailed(n, p, seed)
    fit = regression.solve(X, y, **quantile(q))
    best = sklearn_total(X, y, q)
    assert fit.total_loss == pytest.approx(best, rel=1e-9)
    assert pinball_total(y, fit.predict(X), q) == pytest.approx(fit.total_loss, rel=1e-12)
    # At most a fraction q of the samples below the fit, 1 - q above; the fit passes through
    # p + 1 of them.
    residual = y - fit.predict(X)
    on = np.abs(residual) <= 1e-9 * (np.abs(y) + np.abs(X) @ np.abs(fit.coef) + abs(fit.intercept))
    assert np.count_nonzero((residual < 0) & ~on) <= q * n
    assert np.count_nonzero((residual > 0) & ~on) <= (1 - q) * n
    assert np.count_nonzero(on) >= p + 1


@pytest.mark.parametrize("q", [0.1, 0.9])
def test_quantile_fit_without_intercept_matches_scikit_learn(q):
    X, y = heavy_tailed(200, 3, 4)
    fit = regression.solve(X, y, fit_intercept=False, **quantile(q))
    assert fit.intercept == 0.0
    best = sklearn_total(X, y, q, fit_intercept=False)
    assert fit.total_loss == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_many_rows_take_the_band_route_and_match_the_tilted_dual(q):
    # Above 5,000 rows solve works on a band of samples; the full dual LP is the reference:
    # max y^T d subject to A^T d = (1 - 2q) A^T 1, |d| <= 1, whose value is twice the total
    # minus (2q - 1) sum(y).
    X, y = heavy_tailed(8000, 3, 5)
    fit = regression.solve(X, y, **quantile(q))
    A = np.column_stack([np.ones(y.size), X])
    t = 2 * q - 1
    full = linprog(-y, A_eq=A.T, b_eq=-t * A.sum(axis=0), bounds=(-1, 1), method="highs")
    assert fit.total_loss == pytest.approx(0.5 * (-full.fun + t * y.sum()), rel=1e-9)


def test_at_one_half_the_quantile_fit_is_the_abs_l1_fit_at_half_its_total():
    for X, y in (data.engel(), heavy_tailed(300, 4, 6), data.belgian_phones()):
        l1 = regression.solve(X, y, loss="l1")
        median = regression.solve(X, y, **quantile(0.5))
        assert median.total_loss == 0.5 * l1.total_loss
        np.testing.assert_array_equal(median.coef, l1.coef)
        assert median.intercept == l1.intercept
        assert median.unique == l1.unique


@pytest.mark.parametrize("q", [0.2, 0.5, 0.7])
def test_quantile_fit_is_no_worse_than_any_line_through_two_points(q):
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 10.0, 25)
    y = x + rng.standard_t(2, 25) * (1 + x)
    fit = regression.solve(x, y, **quantile(q))
    best = pinball_total(y, fit.predict(x), q)
    for i, j in itertools.combinations(range(25), 2):
        a = (y[j] - y[i]) / (x[j] - x[i])
        assert best <= pinball_total(y, y[i] + a * (x - x[i]), q) * (1 + 1e-12)


def optimal_pair_lines(x: np.ndarray, y: np.ndarray, q: float) -> list[tuple[float, float, float]]:
    """Every distinct line through two samples with the smallest total pinball loss.

    As ``(total, intercept, slope)``: the same line through several pairs counts once.
    """
    lines = {}
    for i, j in itertools.combinations(range(x.size), 2):
        if x[i] != x[j]:
            a = (y[j] - y[i]) / (x[j] - x[i])
            b = y[i] - a * x[i]
            lines[round(b, 9), round(a, 9)] = (pinball_total(y, b + a * x, q), b, a)
    best = min(total for total, _, _ in lines.values())
    return [line for line in lines.values() if line[0] <= best + 1e-9 * max(best, 1.0)]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("q", [0.25, 0.5, 0.8])
def test_unique_says_whether_one_line_alone_is_best(seed, q):
    # The minimisers form a convex set whose corners are lines through two samples: the fit is
    # unique exactly when one such line is best. Small integer data make ties and flat bottoms.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 9))
    x = rng.integers(0, 4, n).astype(float)
    if np.all(x == x[0]):
        x[0] += 1.0
    y = rng.integers(0, 5, n).astype(float)
    fit = regression.solve(x, y, **quantile(q))
    best = optimal_pair_lines(x, y, q)
    assert fit.total_loss == pytest.approx(pinball_total(y, fit.predict(x), q), abs=1e-12)
    assert fit.total_loss == pytest.approx(min(t for t, _, _ in best), rel=1e-12, abs=1e-12)
    assert fit.unique == (len(best) == 1)


def test_the_four_corners_have_a_flat_bottom_for_the_median_but_not_for_the_quartile():
    x, y = np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.0, 2.0, 0.0, 2.0])
    assert not regression.solve(x, y, **quantile(0.5)).unique
    low = regression.solve(x, y, **quantile(0.25))
    assert low.unique
    assert (low.intercept, low.slope) == (0.0, 0.0)


# --- equivariance ---------------------------------------------------------------------------------


def small(n: int = 30, p: int = 2, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, 2.0 + X @ rng.normal(size=p) * 3.0 + rng.standard_t(2, size=n)


@pytest.mark.parametrize("q", [0.1, 0.3, 0.9])
@pytest.mark.parametrize("s", [1e-150, 1e-10, 3.7, 1e15, 1e150])
@pytest.mark.parametrize("a", [1e-150, 0.3, 1e150, -1e-150, -0.3, -1e150])
def test_rescaling_x_and_y_rescales_the_fit_and_turning_y_over_swaps_q(q, s, a):
    X, y = small()
    base = regression.solve(X, y, **quantile(q))
    mirrored = 1.0 - q if a < 0 else q
    fit = regression.solve(X * s, y * a, **quantile(mirrored))
    np.testing.assert_allclose(fit.coef * s / a, base.coef, rtol=1e-9)
    assert fit.intercept / a == pytest.approx(base.intercept, rel=1e-9)
    assert fit.total_loss / abs(a) == pytest.approx(base.total_loss, rel=1e-9)
    assert fit.unique == base.unique
    assert fit.quantile == mirrored


def test_turning_y_over_without_swapping_q_gives_another_line():
    X, y = small()
    up = regression.solve(X, y, **quantile(0.1))
    down = regression.solve(X, -y, **quantile(0.1))
    assert not np.allclose(down.coef, -up.coef, rtol=1e-3)


@pytest.mark.parametrize("q", [0.1, 0.75])
@pytest.mark.parametrize("shift", [1e3, 1e6, 1e8])
def test_shifting_x_and_y_moves_only_the_intercept(q, shift):
    X, y = small(40, 2, 2)
    base = regression.solve(X, y, **quantile(q))
    spread = np.ptp(X, axis=0)
    moved = X + shift * spread
    fit = regression.solve(moved, y + 1e6, **quantile(q))
    # The data as given: the shifted columns minus the shift, exactly, with their rounding.
    reference = regression.solve(moved - shift * spread, y, **quantile(q))
    assert fit.total_loss == pytest.approx(reference.total_loss, rel=1e-9)
    np.testing.assert_allclose(fit.coef, reference.coef, rtol=1e-6)
    np.testing.assert_allclose(fit.coef, base.coef, rtol=1e-6)
    assert fit.unique == base.unique


def primal_total(X: np.ndarray, y: np.ndarray, q: float) -> float:
    """The minimum total pinball loss with an intercept: HiGHS on the primal LP (as sklearn)."""
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    k = p + 1
    lp = linprog(
        np.r_[np.zeros(k), np.full(n, q), np.full(n, 1 - q)],
        A_eq=np.hstack([A, np.eye(n), -np.eye(n)]),
        b_eq=y,
        bounds=[(None, None)] * k + [(0, None)] * (2 * n),
        method="highs",
    )
    return pinball_total(y, A @ lp.x[:k], q)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    problems(),
    st.sampled_from(QUANTILES),
    st.lists(st.integers(-150, 150), min_size=3, max_size=3),
    st.integers(-150, 150),
    st.sampled_from([1.0, -1.0]),
    st.floats(0.5, 9.5),
)
def test_quantile_fits_match_highs_at_any_scale(  # noqa: PLR0917 - hypothesis's arguments
    problem: tuple[np.ndarray, np.ndarray],
    q: float,
    column_exponents: list[int],
    y_exponent: int,
    sign: float,
    mantissa: float,
) -> None:
    X0, y0 = problem
    p = X0.shape[1]
    s = mantissa * 10.0 ** np.array(column_exponents[:p], dtype=float)
    a = sign * mantissa * 10.0**y_exponent
    mirrored = 1.0 - q if a < 0 else q
    fit = regression.solve(X0 * s, y0 * a + 0.5 * a, **quantile(mirrored))
    ours = fit.total_loss / abs(a)
    theirs = primal_total(X0, y0, q)
    assert ours <= theirs * (1 + 1e-9) + 1e-12
    assert ours >= theirs * (1 - 1e-6) - 1e-9
    base = regression.solve(X0, y0, **quantile(q))
    assert ours == pytest.approx(base.total_loss, rel=1e-9, abs=1e-12)
    assert fit.unique == base.unique
    if base.unique:
        np.testing.assert_allclose(fit.coef * s / a, base.coef, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", ["l1", "l2", "quantile"])
def test_solve_checks_a_delta_and_leaves_it_to_huber(loss):
    # One call serves a loop over the losses (the book's chapters 9 and 10 fit that way).
    x, y = [0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 5.0, 4.0]
    q = 0.5 if loss == "quantile" else None
    plain = regression.solve(x, y, loss=loss, quantile=q)
    assert regression.solve(x, y, loss=loss, delta=0.3, quantile=q) == plain
    with pytest.raises(ValueError, match=r"^delta must be"):
        regression.solve(x, y, loss=loss, delta=-1.0, quantile=q)


def test_solve_takes_huber_delta_auto_by_default():
    x, y = [0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 5.0, 7.0, 30.0]
    assert regression.solve(x, y, loss="huber") == regression.solve(
        x, y, loss="huber", delta="auto"
    )


@pytest.mark.parametrize("q", [1e-7, 1e-11, 1 - 1e-7, 1 - 1e-11])
def test_solve_refuses_a_quantile_nearer_0_or_1_than_its_rounding_allows(q):
    # At q = 1e-11 the phone data's fit came out a flat line at 4.4 (total 1.09e-8) where the
    # line -53.09 + 1.086 year totals 8.7e-9: nearer 0 or 1 than 1e-6, rounding decides.
    year, calls = data.belgian_phones()
    with pytest.raises(
        ValueError, match=rf"^quantile={q!r} is within 1e-06 of {round(q)}"
    ) as caught:
        regression.solve(year, calls, loss="quantile", quantile=q)
    assert caught.value.argument == "quantile"


@pytest.mark.parametrize("q", [1e-6, 1e-5, 1 - 1e-6])
def test_solve_fits_quantiles_near_the_margin_as_a_linear_program_does(q):
    year, calls = data.belgian_phones()
    fit = regression.solve(year, calls, loss="quantile", quantile=q)
    n = year.size
    design = np.column_stack([np.ones(n), year])
    lp = linprog(
        np.r_[0.0, 0.0, np.full(n, q), np.full(n, 1.0 - q)],
        A_eq=np.hstack([design, np.eye(n), -np.eye(n)]),
        b_eq=calls,
        bounds=[(None, None)] * 2 + [(0.0, None)] * (2 * n),
        method="highs",
    )
    r = calls - design @ lp.x[:2]
    theirs = float(np.sum(np.maximum(q * r, (q - 1.0) * r)))
    assert fit.total_loss <= theirs * (1.0 + 1e-9)
