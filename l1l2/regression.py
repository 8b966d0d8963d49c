# ruff: noqa: N803, N806  (X and A: the matrix names of the linear-algebra literature and scikit-learn)
r"""Lines and planes through real data: ŷ = Xβ + b, with an intercept.

The rest of the package estimates one number, :math:`w` in :math:`\hat y = w\,x`. Here the model
has an intercept :math:`b` and one coefficient per feature, and the same three losses decide
which line is best:

- :func:`solve` returns the exact minimiser of the total loss
  :math:`\sum_i \ell(\hat y_i - y_i)` for ``"l2"`` (least squares), ``"l1"`` (least absolute
  deviations, a linear program) and ``"huber"`` (a piecewise quadratic, minimised by Newton
  steps until the set of samples in the quadratic zone stops changing).
- :func:`l1_lines` lists every line through two data points that minimises the total abs-L1
  loss: when there is more than one, every line in between minimises it too.
- :func:`descend` runs gradient descent on the same model, vectorised over runs: it is
  :func:`l1l2.gd.descend`, the package's one descent engine, and returns its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2 import losses
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentValueError,
    Reduction,
    as_float_array,
    check_bool,
    check_choice,
    check_scalar,
)
from l1l2.gd import History, descend

__all__ = ["DEFAULT_DELTA", "Fit", "Path", "descend", "l1_lines", "solve"]

#: Huber's threshold when none is given, in the units of ``y``.
DEFAULT_DELTA: Final = 1.0

SolveLoss = Literal["l1", "l2", "huber"]
SOLVE_LOSSES: Final[tuple[SolveLoss, ...]] = ("l1", "l2", "huber")
_REDUCTIONS: Final[tuple[Reduction, ...]] = ("mean", "sum")
# l1_lines checks every pair of samples: n^2 lines of n residuals each.
_MAX_PAIRS_N: Final = 2_000
# Above this many samples the abs-L1 fit solves its LP on a band of samples near a first fit
# (at most _BAND_ROUNDS widenings) instead of on all of them.
_FULL_LP_N: Final = 5_000
_BAND_ROUNDS: Final = 8
# Newton steps of the Huber fit before it gives up on a certificate (a quarter of them from the
# least-squares start, the rest from the abs-L1 fit).
_HUBER_STEPS: Final = 200


# ---------------------------------------------------------------------------------------------
# The result of an exact fit
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Fit:
    r"""The exact minimiser of a total loss over ŷ = Xβ + b.

    Attributes
    ----------
    loss : {"l1", "l2", "huber"}
        The loss that was minimised.
    intercept : float
        :math:`b`; 0.0 when the fit had no intercept.
    coef : numpy.ndarray
        :math:`\beta`, one value per feature, shape ``(p,)``.
    total_loss : float
        :math:`\sum_i \ell(\hat y_i - y_i)` at the solution, with the book's losses
        (:math:`|r|`, :math:`r^2`, and Huber's :math:`\tfrac12 r^2` inside :math:`\delta`).
    unique : bool
        Whether this is the only minimiser. Least squares is unique once the columns are
        independent (checked). The abs-L1 minimum need not be: the total is flat along a whole
        segment or polygon of lines, as the 1-D flat bottom between two middle samples was
        (see :func:`l1_lines` for a line). Huber is unique when the samples strictly inside its
        quadratic zone pin every coefficient; with a delta small against the residuals its
        minimum can be a region of lines like L1's, and ``unique`` is then ``False``.
    delta : float or None
        The Huber threshold, ``None`` for the other losses.
    """

    loss: SolveLoss
    intercept: float
    coef: FloatArray
    total_loss: float
    unique: bool
    delta: float | None = None

    @property
    def slope(self) -> float:
        """The slope of the line, the coefficient of a one-feature fit."""
        if self.coef.shape != (1,):
            raise ArgumentValueError(
                "X", f"slope needs a one-feature fit, this one has {self.coef.size} features in X"
            )
        return float(self.coef[0])

    def predict(self, X: ArrayLike) -> FloatArray:
        r"""Return Xβ + b for new inputs X of shape (m,) or (m, p)."""
        design = _as_design(X, "X")
        if design.shape[1] != self.coef.size:
            raise ArgumentValueError(
                "X",
                f"X must have {self.coef.size} column(s) like the data of the fit, "
                f"got shape {np.shape(X)}",
            )
        prediction: FloatArray = design @ self.coef + self.intercept
        return prediction

    def __repr__(self) -> str:
        """Show the fit's numbers in a line."""
        coef = np.array2string(self.coef, precision=6, separator=", ")
        delta = "" if self.delta is None else f", delta={self.delta:g}"
        return (
            f"Fit(loss={self.loss!r}{delta}, intercept={self.intercept:.6g}, coef={coef}, "
            f"total_loss={self.total_loss:.6g}, unique={self.unique})"
        )


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------


def _as_design(X: ArrayLike, name: str) -> FloatArray:
    """Return ``X`` as a finite ``(n, p)`` float array (a 1-D ``X`` is one feature)."""
    array = as_float_array(X, name)
    if array.ndim == 1:
        return array[:, np.newaxis]
    if array.ndim != 2:
        raise ArgumentValueError(
            name, f"{name} must have shape (n,) for one feature or (n, p), got shape {array.shape}"
        )
    return array


def _as_xy(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    design = _as_design(X, "X")
    target = as_float_array(y, "y")
    if target.ndim != 1:
        raise ArgumentValueError("y", f"y must have shape (n,), got shape {target.shape}")
    if design.shape[0] != target.shape[0]:
        raise ArgumentValueError(
            "y",
            f"X and y must have one row per sample, got {design.shape[0]} rows in X and "
            f"{target.shape[0]} values in y",
        )
    return design, target


def _total(loss: str, y: FloatArray, prediction: FloatArray, delta: float) -> float:
    """The total loss with the package's own loss functions."""
    function = losses.get(loss)[0]
    if loss == "huber":
        return float(function(y, prediction, delta=delta, reduction="sum"))
    return float(function(y, prediction, reduction="sum"))


# ---------------------------------------------------------------------------------------------
# Exact solutions
# ---------------------------------------------------------------------------------------------


def solve(
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    fit_intercept: bool = True,
    delta: float = DEFAULT_DELTA,
) -> Fit:
    r"""Return the exact minimiser of the total loss of ŷ = Xβ + b.

    .. math:: \min_{b,\,\beta}\ \sum_{i=1}^{n} \ell\bigl(x_i^\top\beta + b - y_i\bigr)

    - ``"l2"``, :math:`\ell(r) = r^2`: least squares, by :func:`numpy.linalg.lstsq` on centred
      columns (never the normal equations). Built on means:
      :math:`b = \bar y - \bar x^\top\beta`.
    - ``"l1"``, :math:`\ell(r) = |r|`: least absolute deviations, the linear program
      :math:`\max_d\, y^\top d` subject to :math:`A^\top d = 0`, :math:`-1 \le d_i \le 1`
      (:math:`A = [1, X]`), the dual of the fit, solved by HiGHS
      (:func:`scipy.optimize.linprog`). The solution passes exactly through :math:`p + 1` data
      points (two for a line), found from the dual and solved for exactly. It is median-like:
      as many residuals above as below, up to the points it passes through.
    - ``"huber"``, :math:`\ell(r) = \tfrac12 r^2` for :math:`|r| \le \delta`, else
      :math:`\delta(|r| - \tfrac12\delta)`: Newton steps with a backtracking line search from
      the least-squares fit. The total is quadratic as long as no sample crosses
      :math:`\pm\delta`, so the search stops when the minimum of the quadratic for the current
      split into inside, above and below leaves every sample in its zone: then the gradient is
      zero there, and that point is the minimum exactly (to rounding).

    Parameters
    ----------
    X : array_like
        Features, shape ``(n,)`` for one feature or ``(n, p)``; finite. Its columns (and the
        column of ones for the intercept) must be linearly independent, so ``n`` must be at
        least the number of coefficients.
    y : array_like
        Targets, shape ``(n,)``; finite.
    loss : {"l1", "l2", "huber"}
        The loss. The signed loss has no minimiser and is rejected.
    fit_intercept : bool
        Fit :math:`b` as well (otherwise :math:`b = 0`).
    delta : float
        The Huber threshold, in units of ``y``, a number > 0; used by ``loss="huber"`` only.

    Returns
    -------
    Fit
        Intercept, coefficients, total loss, whether the minimiser is unique, and ``predict``.

    Examples
    --------
    Four points on a line and one far above it: least squares is pulled up, abs L1 is not.

    >>> x, y = [0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 5.0, 7.0, 30.0]
    >>> solve(x, y, loss="l2")
    Fit(loss='l2', intercept=-3.2, coef=[6.2], total_loss=176.4, unique=True)
    >>> solve(x, y, loss="l1")
    Fit(loss='l1', intercept=1, coef=[2.], total_loss=21, unique=True)
    """
    design, target = _as_xy(X, y)
    name = check_choice(
        loss, "loss", SOLVE_LOSSES, why="the signed loss has no minimiser: it falls without bound"
    )
    intercept_too = check_bool(fit_intercept, "fit_intercept")
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    n, p = design.shape
    k = p + intercept_too
    if n < k:
        raise ArgumentValueError(
            "X",
            f"X has {n} row(s) for {p} feature(s){' and an intercept' if intercept_too else ''}: "
            f"a unique fit needs at least {k} rows",
        )
    # Centred columns: the intercept decouples, and the problem is far better conditioned
    # (years around 1960 next to a column of ones are nearly collinear).
    shift = design.mean(axis=0) if intercept_too else np.zeros(p)
    centred = design - shift
    A = np.column_stack([np.ones(n), centred]) if intercept_too else centred
    rank = int(np.linalg.matrix_rank(A))
    if rank < k:
        what = "the columns of X and the column of ones" if intercept_too else "the columns of X"
        raise ArgumentValueError(
            "X",
            f"{what} must be linearly independent (rank {k}), got rank {rank}: drop repeated "
            "or constant columns",
        )

    if name == "l2":
        beta, unique = _solve_l2(A, target), True
    elif name == "l1":
        beta, unique = _solve_l1(A, target)
    else:
        beta, unique = _solve_huber(A, target, huber_delta)

    coef = np.array(beta[intercept_too:], dtype=np.float64)
    intercept = float(beta[0] - shift @ coef) if intercept_too else 0.0
    prediction = design @ coef + intercept
    return Fit(
        name,
        intercept,
        coef,
        _total(name, target, prediction, huber_delta),
        unique,
        huber_delta if name == "huber" else None,
    )


def _solve_l2(A: FloatArray, y: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.lstsq(A, y, rcond=None)[0], dtype=np.float64)


def _solve_l1(A: FloatArray, y: FloatArray) -> tuple[FloatArray, bool]:
    r"""Least absolute deviations by the dual linear program; return the fit and its uniqueness.

    The dual of :math:`\min_\beta \sum_i |y_i - a_i^\top\beta|` is
    :math:`\max_d y^\top d` with :math:`A^\top d = 0`, :math:`|d_i| \le 1`: n bounded
    variables and only k equality constraints, which HiGHS solves far faster than the primal's
    2n + 2k variables. The multipliers of the k constraints are :math:`-\beta`.

    For large n most samples are clearly above or below the fit, and their :math:`d_i` is
    known to be :math:`\pm 1`: fit a subsample first, keep only the samples nearest to that
    fit free, fix the others at the sign of their residual, and solve the much smaller LP;
    repeat with a wider band while a fixed sample ends up on the wrong side (Portnoy and
    Koenker, 1997). The answer satisfies the optimality conditions of the whole problem, so it
    is exact.
    """
    n, k = A.shape
    scale = float(np.max(np.abs(y))) or 1.0
    d: FloatArray | None = None
    if n > _FULL_LP_N:
        d, beta_lp = _l1_band(A, y, scale)
    if d is None:
        d, beta_lp = _l1_dual(A, y, np.zeros(k), scale)
    if d is None:  # pragma: no cover - the full dual LP is bounded and feasible (d = 0)
        raise RuntimeError("the abs-L1 linear program failed")

    # Polish: the solution passes through k data points. Take the k samples with the smallest
    # residuals that pin beta (independent rows) and solve for the line through them exactly.
    residual = y - A @ beta_lp
    order = np.argsort(np.abs(residual), kind="stable")
    chosen = _independent_rows(A, order, k)
    beta = np.asarray(np.linalg.solve(A[chosen], y[chosen]), dtype=np.float64)
    if np.sum(np.abs(y - A @ beta)) > np.sum(np.abs(residual)):  # pragma: no cover - safety
        beta = beta_lp
    return beta, _l1_unique(A, y, beta, d)


def _l1_dual(
    A: FloatArray, y: FloatArray, rhs: FloatArray, scale: float
) -> tuple[FloatArray | None, FloatArray]:
    """Solve max y^T d subject to A^T d = rhs, |d| <= 1; return d (None if infeasible), beta."""
    from scipy.optimize import linprog  # noqa: PLC0415 - SciPy is only needed here

    result = linprog(-y / scale, A_eq=A.T, b_eq=rhs, bounds=(-1.0, 1.0), method="highs-ds")
    if result.status != 0:
        return None, np.zeros(A.shape[1])
    beta = -np.asarray(result.eqlin.marginals, dtype=np.float64) * scale
    return np.asarray(result.x, dtype=np.float64), beta


def _l1_band(A: FloatArray, y: FloatArray, scale: float) -> tuple[FloatArray | None, FloatArray]:
    """The large-n route of :func:`_solve_l1`; ``None`` for d if it gives up (then: full LP)."""
    n, k = A.shape
    m = min(n, int(np.sqrt(k) * n ** (2.0 / 3.0)))
    sub = np.unique(np.linspace(0, n - 1, m).astype(np.intp))
    d_sub, beta = _l1_dual(A[sub], y[sub], np.zeros(k), scale)
    if d_sub is None:  # pragma: no cover - feasible (d = 0)
        return None, beta
    band = m
    tol = 1e-9 * scale
    for _ in range(_BAND_ROUNDS):
        residual = y - A @ beta
        free = np.zeros(n, dtype=bool)
        free[np.argpartition(np.abs(residual), band - 1)[:band]] = True
        sign = np.sign(residual)
        sign[free] = 0.0
        d_free, beta_new = _l1_dual(A[free], y[free], -(A[~free].T @ sign[~free]), scale)
        if d_free is not None:
            moved = y[~free] - A[~free] @ beta_new
            wrong = (np.sign(moved) != sign[~free]) & (np.abs(moved) > tol)
            if not wrong.any():
                sign[free] = d_free
                return sign, beta_new
            beta = beta_new
        if band == n:  # pragma: no cover - the full problem is always feasible
            break
        band = min(n, 2 * band)
    return None, beta


def _independent_rows(A: FloatArray, order: NDArray[np.intp], k: int) -> NDArray[np.intp]:
    """Return the first ``k`` rows in ``order`` that are linearly independent."""
    chosen: list[int] = []
    for i in order:
        trial = [*chosen, int(i)]
        if np.linalg.matrix_rank(A[trial]) == len(trial):
            chosen = trial
            if len(chosen) == k:
                break
    return np.asarray(chosen, dtype=np.intp)


def _l1_unique(A: FloatArray, y: FloatArray, beta: FloatArray, d: FloatArray) -> bool:
    r"""Whether :math:`\beta` is the only abs-L1 minimiser, from a dual solution ``d``.

    Complementary slackness with any dual optimum describes every primal optimum: a minimiser
    passes through the samples with :math:`|d_i| < 1`, keeps those with :math:`d_i = 1` on or
    below it (residual :math:`\ge 0`) and those with :math:`d_i = -1` on or above it. Near
    :math:`\beta` only the samples it passes through can bind, so :math:`\beta` is unique exactly
    when no direction :math:`s \ne 0` keeps all of those conditions: a few tiny LPs decide it.
    """
    from scipy.optimize import linprog  # noqa: PLC0415

    k = A.shape[1]
    residual = y - A @ beta
    tol = 1e-9 * max(1.0, float(np.max(np.abs(y))))
    on_line = np.abs(residual) <= tol
    inside = on_line & (np.abs(d) < 1.0 - 1e-9)
    if np.count_nonzero(on_line) == k and np.count_nonzero(inside) == k:
        return True  # k equalities with independent rows pin beta
    # s moves beta; a sample i on the line gets residual -a_i s.
    eq = A[inside]
    upper = np.vstack([A[on_line & ~inside & (d > 0)], -A[on_line & ~inside & (d < 0)]])
    for j in range(k):
        for sign in (1.0, -1.0):
            c = np.zeros(k)
            c[j] = -sign
            res = linprog(
                c,
                A_ub=upper if upper.size else None,
                b_ub=np.zeros(upper.shape[0]) if upper.size else None,
                A_eq=eq if eq.size else None,
                b_eq=np.zeros(eq.shape[0]) if eq.size else None,
                bounds=(-1.0, 1.0),
                method="highs",
            )
            if res.status == 0 and -res.fun > 1e-9:
                return False
    return True


def _solve_huber(A: FloatArray, y: FloatArray, delta: float) -> tuple[FloatArray, bool]:
    r"""Minimise the Huber total by Newton steps; stop when the exact answer is certified.

    With the samples split into zones (inside :math:`\pm\delta`, above, below), the total is
    a quadratic whose minimum solves
    :math:`A_Q^\top A_Q \beta = A_Q^\top y_Q + \delta(\sum_{\text{above}} a_i -
    \sum_{\text{below}} a_i)`. If the samples keep their zones at that point, its gradient
    is zero there and it is the minimum (unique, as :math:`A_Q` has full rank): the stopping
    rule. Otherwise step towards it with a backtracking line search, which lowers the convex
    total every time. A delta tiny against the residuals leaves too few samples inside; then
    the search restarts once from the abs-L1 fit, which Huber approaches as delta shrinks.
    """
    k = A.shape[1]
    ridge = 1e-8 * float(np.einsum("ij,ij->", A, A)) / k * np.eye(k)

    def total(beta: FloatArray) -> float:
        r = np.abs(y - A @ beta)
        m = np.minimum(r, delta)
        return float(np.sum(m * (r - 0.5 * m)))

    def zones(beta: FloatArray) -> tuple[FloatArray, NDArray[np.int8]]:
        r = y - A @ beta
        return r, (np.sign(r) * (np.abs(r) > delta)).astype(np.int8)  # -1 below, 0 in, +1 above

    def minimum_for(zone: NDArray[np.int8]) -> FloatArray | None:
        inside = zone == 0
        if np.count_nonzero(inside) < k or np.linalg.matrix_rank(A[inside]) < k:
            return None
        q, upper = np.linalg.qr(A[inside])
        pull = delta * (A[zone > 0].sum(axis=0) - A[zone < 0].sum(axis=0))
        return np.asarray(
            np.linalg.solve(upper, q.T @ y[inside] + np.linalg.solve(upper.T, pull)),
            dtype=np.float64,
        )

    beta = _solve_l2(A, y)
    value = total(beta)
    restarted = False
    for step_count in range(_HUBER_STEPS):
        r, zone = zones(beta)
        target = minimum_for(zone)
        if target is not None and np.array_equal(zones(target)[1], zone):
            # Unique when the samples strictly inside the zone pin every coefficient: the total is
            # then strictly convex around the answer. Samples exactly at |r| = delta do not: with
            # a tiny delta the minimum can be a whole region of lines, all at that boundary.
            strictly = np.abs(y - A @ target) < delta * (1.0 - 1e-9)
            return target, bool(np.linalg.matrix_rank(A[strictly]) == k)
        gradient = -(A.T @ np.clip(r, -delta, delta))
        if target is not None:
            step = target - beta
        else:  # too few samples inside: a damped Newton step
            inside = zone == 0
            step = np.linalg.solve(A[inside].T @ A[inside] + ridge, -gradient)
        t = 1.0
        trial, trial_value = beta, value
        while t > 1e-12:
            trial = beta + t * step
            trial_value = total(trial)
            if trial_value <= value + 1e-4 * t * float(gradient @ step):
                break
            t *= 0.5
        beta, value = trial, trial_value
        if step_count == _HUBER_STEPS // 4 and not restarted:
            restarted = True
            start = _solve_l1(A, y)[0]
            if total(start) < value:
                beta, value = start, total(start)
    # No certificate (a degenerate split): the best point found, flagged as possibly not unique.
    return beta, False


def l1_lines(x: ArrayLike, y: ArrayLike) -> FloatArray:
    r"""Return every line through two data points that minimises the total abs-L1 loss.

    Each row is ``(intercept, slope)``. One row means the abs-L1 line is unique. Several rows
    mean it is not: the total :math:`\sum_i |y_i - b - a x_i|` is convex in :math:`(b, a)`, so
    it takes its minimum on a convex set, and that set is the polygon (or segment) whose
    corners are the rows returned; every line inside it, such as the midpoint of two rows,
    fits exactly as well. Found by trying all pairs of samples, :math:`O(n^3)` work, so ``n``
    is limited to 2000.

    Parameters
    ----------
    x, y : array_like
        The samples, shape ``(n,)`` each, finite, with at least two distinct ``x``.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, 2)``: the intercept and slope of each minimising line through two samples,
        sorted by slope, then intercept.

    Examples
    --------
    Four points: every line through the middle of the two pairs fits equally well.

    >>> l1_lines([0.0, 0.0, 1.0, 1.0], [0.0, 2.0, 0.0, 2.0])
    array([[ 2., -2.],
           [ 0.,  0.],
           [ 2.,  0.],
           [ 0.,  2.]])
    """
    design, target = _as_xy(x, y)
    if design.shape[1] != 1:
        raise ArgumentValueError(
            "x", f"x must hold one feature, shape (n,), got shape {np.shape(x)}"
        )
    xs = design[:, 0]
    n = xs.size
    if n > _MAX_PAIRS_N:
        raise ArgumentValueError(
            "x", f"x must have at most {_MAX_PAIRS_N} samples for l1_lines, got {n}"
        )
    if np.ptp(xs) == 0:
        raise ArgumentValueError(
            "x", "x must hold at least two distinct values: a vertical line has no slope"
        )
    i, j = np.triu_indices(n, k=1)
    keep = xs[i] != xs[j]
    i, j = i[keep], j[keep]
    slopes = (target[j] - target[i]) / (xs[j] - xs[i])
    intercepts = target[i] - slopes * xs[i]
    totals = np.empty(slopes.size)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, slopes.size, chunk):
        stop = start + chunk
        fitted = intercepts[start:stop, None] + slopes[start:stop, None] * xs[None, :]
        totals[start:stop] = np.abs(target[None, :] - fitted).sum(axis=1)
    best = totals.min()
    tol = 1e-9 * max(best, float(np.abs(target).sum()) * 1e-6, 1e-300)
    lines = np.column_stack([intercepts, slopes])[totals <= best + tol]
    # The same line through three or more collinear samples appears once per pair: keep one.
    _, first = np.unique(np.round(lines, 9), axis=0, return_index=True)
    lines = lines[first]
    order = np.lexsort((lines[:, 0], lines[:, 1]))
    result: FloatArray = lines[order]
    return result


# ---------------------------------------------------------------------------------------------
# Gradient descent on the same model
# ---------------------------------------------------------------------------------------------


#: The record of a descent run, one for every model: :class:`l1l2.gd.History` (``coef``,
#: ``intercept``, ``loss``, ``lr``, ``diverged``), under the name this module used for it.
Path = History
