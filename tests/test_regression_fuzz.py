# ruff: noqa: N803, N806
"""solve fuzzed: scaled, shifted, tied and heavy-tailed data against independent solvers.

Each example draws well-scaled data (X0, y0), transforms it to X0 * s + t, y0 * a + b with
column scales s and a from 1e-150 to 1e150 and shifts t up to 1e8 times the spread, and checks
the fit of the transformed data against an independent solver (SciPy's HiGHS on the primal LP
for L1, numpy's lstsq for L2, BFGS with the exact gradient for Huber) run on a rescaled copy of
the data as given, and against the fit of (X0, y0) (equivariance).
"""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_problems import problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize

from l1l2 import regression


def reference_total(loss: str, X: np.ndarray, y: np.ndarray, delta: float) -> float:
    """The minimum total loss with an intercept, by an independent solver."""
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    k = p + 1
    if loss == "l1":
        c = np.r_[np.zeros(k), np.ones(2 * n)]
        lp = linprog(
            c,
            A_eq=np.hstack([A, np.eye(n), -np.eye(n)]),
            b_eq=y,
            bounds=[(None, None)] * k + [(0, None)] * (2 * n),
            method="highs",
        )
        return float(np.abs(y - A @ lp.x[:k]).sum())
    beta = np.linalg.lstsq(A, y, rcond=None)[0]
    if loss == "l2":
        return float(((y - A @ beta) ** 2).sum())

    def objective(b: np.ndarray) -> tuple[float, np.ndarray]:
        r = y - A @ b
        m = np.minimum(np.abs(r), delta)
        return float(np.sum(m * (np.abs(r) - 0.5 * m))), -(A.T @ np.clip(r, -delta, delta))

    result = minimize(objective, beta, jac=True, method="BFGS", options={"gtol": 1e-12})
    return float(result.fun)


exponents = st.integers(-150, 150)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    problems(),
    st.sampled_from(["l1", "l2", "huber"]),
    st.lists(exponents, min_size=3, max_size=3),
    exponents,
    st.tuples(st.sampled_from([0.0, 1.0, 1e4, 1e8]), st.floats(0.5, 9.5)),
)
def test_solve_matches_independent_solvers_at_any_scale(
    problem: tuple[np.ndarray, np.ndarray],
    loss: str,
    column_exponents: list[int],
    y_exponent: int,
    shift_and_mantissa: tuple[float, float],
) -> None:
    shift, mantissa = shift_and_mantissa
    X0, y0 = problem
    p = X0.shape[1]
    s = mantissa * 10.0 ** np.array(column_exponents[:p], dtype=float)
    a = mantissa * 10.0**y_exponent
    spread = np.ptp(X0, axis=0)
    t = shift * spread * s
    delta0 = 0.7
    X = X0 * s + t
    y = y0 * a + 0.5 * a
    huber = loss == "huber"  # delta is Huber's only: in units of y, so it scales with a
    fit = regression.solve(X, y, loss=loss, **({"delta": delta0 * a} if huber else {}))

    # An independent solver on a rescaled copy of the data as given (X - t is exact here).
    Xr, yr = (X - t) / s, (y - 0.5 * a) / a
    power = 1 if loss == "l1" else 2
    ours = fit.total_loss / a**power
    theirs = reference_total(loss, Xr, yr, delta0)
    assert ours <= theirs * (1 + 1e-9) + 1e-12
    assert ours >= theirs * (1 - 1e-6) - 1e-9

    # Equivariance: the fit of the well-scaled data, transformed.
    base = regression.solve(X0, y0, loss=loss, **({"delta": delta0} if huber else {}))
    if shift == 0.0:
        assert ours == pytest.approx(base.total_loss, rel=1e-9, abs=1e-12)
        assert fit.unique == base.unique
        if base.unique:
            np.testing.assert_allclose(fit.coef * s / a, base.coef, rtol=1e-6, atol=1e-9)
    else:
        assert ours == pytest.approx(base.total_loss, rel=1e-6, abs=1e-9)
