# ruff: noqa: N803  (X and A: the matrix names of the linear-algebra literature and scikit-learn)
r"""Lines and planes through real data: :math:`\hat y = X\beta + b` with an intercept.

The rest of the package estimates one number, :math:`w` in :math:`\hat y = w\,x`. Here the model
has an intercept :math:`b` and one coefficient per feature, and the same three losses decide
which line is best:

- :func:`solve` returns the exact minimiser of the total loss
  :math:`\sum_i \ell(\hat y_i - y_i)` for ``"l2"`` (least squares), ``"l1"`` (least absolute
  deviations, a linear program) and ``"huber"`` (a piecewise quadratic, minimised by Newton
  steps until the set of samples in the quadratic zone stops changing).
- :func:`l1_lines` lists every line through two data points that minimises the total abs-L1
  loss: when there is more than one, every line in between minimises it too.
- :func:`descend` runs gradient descent on the same model, vectorised over runs, the way
  :func:`l1l2.gd.fit` does for :math:`w`; it returns a :class:`Path`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2 import _exact, losses
from l1l2._engine import Formula
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentValueError,
    Reduction,
    as_float_array,
    as_per_run,
    check_bool,
    check_choice,
    check_int,
    check_reduction,
    check_scalar,
)

__all__ = ["DEFAULT_DELTA", "Fit", "Path", "descend", "l1_lines", "solve"]

#: Huber's threshold when none is given, in the units of ``y``.
DEFAULT_DELTA: Final = 1.0

SolveLoss = Literal["l1", "l2", "huber"]
SOLVE_LOSSES: Final[tuple[SolveLoss, ...]] = ("l1", "l2", "huber")
_REDUCTIONS: Final[tuple[Reduction, ...]] = ("mean", "sum")
# l1_lines checks every pair of samples: n^2 lines of n residuals each.
_MAX_PAIRS_N: Final = 2_000


# ---------------------------------------------------------------------------------------------
# The result of an exact fit
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class Fit:
    r"""The exact minimiser of a total loss over :math:`\hat y = X\beta + b`.

    Immutable: the attributes cannot be set and ``coef`` is a read-only array. Two fits are
    equal when every attribute is, and a fit is hashable (by those values), so it can be a
    dictionary key or a set member.

    Attributes
    ----------
    loss : {"l1", "l2", "huber"}
        The loss that was minimised.
    intercept : float
        :math:`b`; 0.0 when the fit had no intercept.
    coef : numpy.ndarray
        :math:`\beta`, one value per feature, shape ``(p,)``, read-only.
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
        The Huber threshold (the one chosen, for ``delta="auto"``), ``None`` for the others.
    feature_names : tuple of str or None
        The column names of ``X`` when it was a pandas DataFrame: :meth:`predict` then
        takes a frame's columns by these names.
    """

    loss: SolveLoss
    intercept: float
    coef: FloatArray
    total_loss: float
    unique: bool
    delta: float | None = None
    feature_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        """Keep a private read-only copy of ``coef``."""
        coef = np.array(self.coef, dtype=np.float64)
        coef.setflags(write=False)
        object.__setattr__(self, "coef", coef)

    def _key(self) -> tuple[object, ...]:
        return (
            self.loss,
            self.intercept,
            self.coef.tobytes(),
            self.total_loss,
            self.unique,
            self.delta,
            self.feature_names,
        )

    def __eq__(self, other: object) -> bool:
        """Equal when every attribute is (the coefficients value by value)."""
        if not isinstance(other, Fit):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        """Hash of the attributes: a fit never changes, so its hash does not either."""
        return hash(self._key())

    @property
    def slope(self) -> float:
        """The slope of the line, the coefficient of a one-feature fit."""
        if self.coef.shape != (1,):
            raise ArgumentValueError(
                "X", f"slope needs a one-feature fit, this one has {self.coef.size} features in X"
            )
        return float(self.coef[0])

    def predict(self, X: ArrayLike) -> FloatArray:
        r"""Return :math:`X\beta + b` for new inputs ``X`` of shape ``(m,)`` or ``(m, p)``.

        A pandas DataFrame is taken by column name when the fit was made on one; a frame with
        other columns is refused. A prediction beyond float64 is an error, not ``inf``.
        """
        design = _as_design(self._by_name(X), "X")
        if design.shape[1] != self.coef.size:
            raise ArgumentValueError(
                "X",
                f"X must have {self.coef.size} column(s) like the data of the fit, "
                f"got shape {np.shape(X)}",
            )
        with np.errstate(all="ignore"):
            prediction: FloatArray = design @ self.coef + self.intercept
        if not np.all(np.isfinite(prediction)):
            raise ArgumentValueError(
                "X", "the prediction for this X is beyond float64 (about 1.8e308): rescale X"
            )
        return prediction

    def _by_name(self, X: ArrayLike) -> ArrayLike:
        """A DataFrame's columns in the order of the fit's ``feature_names``, as an array."""
        columns = _frame_columns(X)
        if columns is None or self.feature_names is None:
            return X
        if sorted(columns) != sorted(self.feature_names) or len(set(columns)) != len(columns):
            raise ArgumentValueError(
                "X",
                f"X must have the columns of the fit, {_names(self.feature_names)}, "
                f"got {_names(columns)}",
            )
        frame: Any = X
        return np.asarray(frame[list(self.feature_names)].to_numpy(), dtype=np.float64)

    def __repr__(self) -> str:
        """Show the fit's numbers in a line."""
        coef = np.array2string(self.coef, precision=6, separator=", ")
        delta = "" if self.delta is None else f", delta={self.delta:g}"
        return (
            f"Fit(loss={self.loss!r}{delta}, intercept={self.intercept:.6g}, coef={coef}, "
            f"total_loss={self.total_loss:.6g}, unique={self.unique})"
        )


def _frame_columns(X: object) -> tuple[str, ...] | None:
    """The column names of a pandas DataFrame (pandas is never imported), else ``None``."""
    if type(X).__module__.startswith("pandas") and hasattr(X, "columns"):
        return tuple(str(c) for c in X.columns)
    return None


def _names(columns: tuple[str, ...]) -> str:
    text = ", ".join(map(repr, columns))
    return f"[{text if len(text) <= 70 else text[:67] + '...'}]"


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


def _check_delta(delta: object) -> float | None:
    """Huber's delta as a number > 0, or ``None`` for ``"auto"``."""
    if isinstance(delta, str):
        check_choice(delta, "delta", ("auto",), why="or a number > 0")
        return None
    return check_scalar(delta, "delta", low=0.0, low_open=True)


def _total(name: str, data: _exact.Standard, beta: FloatArray, delta: float) -> float:
    """The total loss, computed in standard units (no overflow, no cancellation) and scaled."""
    r = data.y - data.A @ beta
    if name == "l1":
        return float(np.sum(np.abs(r))) * data.y_scale
    with np.errstate(over="ignore"):
        if name == "l2":
            # einsum's own loop: BLAS's dot would wake its threads for one number
            return float(np.einsum("i,i->", r, r)) * data.y_scale * data.y_scale
        return _exact.huber_total(data.A, data.y, beta, delta) * data.y_scale * data.y_scale


# ---------------------------------------------------------------------------------------------
# Exact solutions
# ---------------------------------------------------------------------------------------------


def solve(
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    fit_intercept: bool = True,
    delta: float | Literal["auto"] = DEFAULT_DELTA,
) -> Fit:
    r"""Return the exact minimiser of the total loss of :math:`\hat y = X\beta + b`.

    .. math:: \min_{b,\,\beta}\ \sum_{i=1}^{n} \ell\bigl(x_i^\top\beta + b - y_i\bigr)

    The fit is equivariant: ``solve(X * s + t, y * a + c)`` has the coefficients
    ``coef * a / s`` (Huber with ``delta * |a|``), whatever the units. Inside, each column is
    shifted by its median value and divided by a power of two near its spread (exact), and
    every tolerance is relative.

    - ``"l2"``, :math:`\ell(r) = r^2`: least squares on the centred, scaled columns: the
      normal equations plus one refinement step when those columns are well conditioned
      (condition number at most 1e4, where that is as accurate as QR), the QR factorisation
      otherwise.
    - ``"l1"``, :math:`\ell(r) = |r|`: least absolute deviations, the linear program
      :math:`\max_d\, y^\top d` subject to :math:`A^\top d = 0`, :math:`-1 \le d_i \le 1`
      (:math:`A = [1, X]`), the dual of the fit. Up to 5,000 rows the :math:`p + 1` samples
      the fit passes through are exchanged one at a time (Barrodale and Roberts) until the dual
      multipliers certify the optimum; otherwise, or when ties leave no certificate, HiGHS
      (:func:`scipy.optimize.linprog`) solves it, above 5,000 rows on a band of samples near a
      first fit. The solution passes exactly through :math:`p + 1` data points (two for a
      line), solved for exactly. It is median-like: as many residuals above as below, up to
      the points it passes through.
    - ``"huber"``, :math:`\ell(r) = \tfrac12 r^2` for :math:`|r| \le \delta`, else
      :math:`\delta(|r| - \tfrac12\delta)`: Newton steps with a backtracking line search from
      the least-squares fit. The total is quadratic as long as no sample crosses
      :math:`\pm\delta`, so the search stops when the minimum of the quadratic for the current
      split into inside, above and below leaves every sample in its zone: then the gradient is
      zero there, and that point is the minimum exactly (to rounding).

    Parameters
    ----------
    X : array_like or pandas.DataFrame
        Features, shape ``(n,)`` for one feature or ``(n, p)``; finite. Its columns (and the
        column of ones for the intercept) must be linearly independent, so ``n`` must be at
        least the number of coefficients. At most 2e7 values (rows times coefficients).
        A DataFrame's column names are kept in :attr:`Fit.feature_names`.
    y : array_like
        Targets, shape ``(n,)``; finite.
    loss : {"l1", "l2", "huber"}
        The loss. The signed loss has no minimiser and is rejected.
    fit_intercept : bool
        Fit :math:`b` as well (otherwise :math:`b = 0`).
    delta : float or "auto"
        The Huber threshold, in units of ``y``, a number > 0; used by ``loss="huber"`` only.
        ``"auto"`` takes :math:`1.345\,\hat\sigma`, :math:`\hat\sigma` the median absolute
        residual of the abs-L1 fit divided by 0.6745 (a robust estimate of the noise's standard
        deviation; 1.345 gives 95% of least squares' efficiency on normal noise).

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
    names = _frame_columns(X)
    design, target = _as_xy(X, y)
    name = check_choice(
        loss, "loss", SOLVE_LOSSES, why="the signed loss has no minimiser: it falls without bound"
    )
    intercept_too = check_bool(fit_intercept, "fit_intercept")
    huber_delta = _check_delta(delta)
    n, p = design.shape
    k = p + intercept_too
    if n < k:
        raise ArgumentValueError(
            "X",
            f"X has {n} row(s) for {p} feature(s){' and an intercept' if intercept_too else ''}: "
            f"a unique fit needs at least {k} rows",
        )
    if n * (k + 1) > _exact.MAX_CELLS:
        raise ArgumentValueError(
            "X",
            f"X is too large for an exact fit: {n:,} rows times {k + 1} columns (with y) is more "
            f"than {_exact.MAX_CELLS:.0e} values; fit a sample of the rows",
        )
    data = _exact.standardise(design, target, intercept=intercept_too)
    fit_l2 = _exact.least_squares(data)  # and the check that the columns are independent

    scaled_delta = 1.0
    if name == "l2":
        beta, unique = fit_l2, True
    elif name == "l1":
        beta, unique = _exact.solve_l1(data)
    else:
        scaled_delta = (
            _exact.auto_delta(data) if huber_delta is None else huber_delta / data.y_scale
        )
        if not scaled_delta > 0.0:  # pragma: no cover - delta > 0 divided by a power of two
            scaled_delta = float(np.finfo(np.float64).tiny)
        beta, unique = _exact.solve_huber(data, scaled_delta, fit_l2)

    intercept, coef = data.unscale(beta)
    if name == "l1":
        intercept, coef = _through_samples(design, target, data, beta, (intercept, coef))
    chosen_delta = None
    if name == "huber":
        chosen_delta = scaled_delta * data.y_scale if huber_delta is None else huber_delta
    return Fit(
        name,
        intercept,
        coef,
        _total(name, data, beta, scaled_delta),
        unique,
        chosen_delta,
        names,
    )


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
    n = design.shape[0]
    if n > _MAX_PAIRS_N:
        raise ArgumentValueError(
            "x", f"x must have at most {_MAX_PAIRS_N} samples for l1_lines, got {n}"
        )
    if np.ptp(design[:, 0]) == 0:
        raise ArgumentValueError(
            "x", "x must hold at least two distinct values: a vertical line has no slope"
        )
    # In standard units (exact shifts and power-of-two scales), so that no slope, intercept or
    # total overflows or underflows, and ties are decided relative to the data.
    data = _exact.standardise(design, target, intercept=True)
    xs, ys = data.A[:, 1], data.y
    i, j = np.triu_indices(n, k=1)
    keep = xs[i] != xs[j]
    i, j = i[keep], j[keep]
    slopes = (ys[j] - ys[i]) / (xs[j] - xs[i])
    intercepts = ys[i] - slopes * xs[i]
    totals = np.empty(slopes.size)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, slopes.size, chunk):
        stop = start + chunk
        fitted = intercepts[start:stop, None] + slopes[start:stop, None] * xs[None, :]
        totals[start:stop] = np.abs(ys[None, :] - fitted).sum(axis=1)
    best = totals.min()
    optimal = totals <= best + 1e-9 * max(best, 1e-12)
    lines = np.column_stack([intercepts, slopes])[optimal]
    # The same line through three or more collinear samples appears once per pair: keep one.
    _, first = np.unique(np.round(lines, 9), axis=0, return_index=True)
    pairs = np.column_stack([i, j])[optimal][first]
    result = np.array(
        [
            _line_through(design[:, 0], target, pair, data, line)
            for pair, line in zip(pairs, lines[first], strict=True)
        ],
        dtype=np.float64,
    )
    order = np.lexsort((result[:, 0], result[:, 1]))
    sorted_lines: FloatArray = result[order]
    return sorted_lines


def _through_samples(
    X: FloatArray,
    y: FloatArray,
    data: _exact.Standard,
    beta: FloatArray,
    unscaled: tuple[float, FloatArray],
) -> tuple[float, FloatArray]:
    """The abs-L1 fit solved again, in the units of the data, through the samples it passes.

    Relative to the first of those samples, the differences of the others pin the coefficients
    (for a line: the slope (y_j - y_i) / (x_j - x_i), rounded once, as a reader computes it).
    ``unscaled`` (the fit from standard units) stands when that is not finite.
    """
    residual = np.abs(data.y - data.A @ beta)
    size = np.abs(data.y) + np.abs(data.A) @ np.abs(beta) + 1e-300
    rows = _exact.independent_rows(data.A, np.argsort(residual / size), data.k)
    if rows.size != data.k or not np.all(residual[rows] <= 1e-9 * size[rows]):
        return unscaled
    first, others = rows[0], rows[1:]
    with np.errstate(all="ignore"):
        try:
            if data.intercept:
                coef = np.linalg.solve(X[others] - X[first], y[others] - y[first])
                intercept = float(y[first] - X[first] @ coef)
            else:
                coef, intercept = np.linalg.solve(X[rows], y[rows]), 0.0
        except np.linalg.LinAlgError:
            return unscaled
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        return unscaled
    return intercept, np.asarray(coef, dtype=np.float64)


def _line_through(
    x: FloatArray,
    y: FloatArray,
    pair: NDArray[np.intp],
    data: _exact.Standard,
    standard: FloatArray,
) -> tuple[float, float]:
    """The line through samples ``pair``: from the data when that is finite, else unscaled.

    From the data directly, the slope and intercept are rounded once each, as a reader would
    compute them; in standard units only when a difference overflows float64.
    """
    i, j = int(pair[0]), int(pair[1])
    with np.errstate(all="ignore"):
        slope = (y[j] - y[i]) / (x[j] - x[i])
        intercept = y[i] - slope * x[i]
    if np.isfinite(slope) and np.isfinite(intercept):
        return float(intercept), float(slope)
    b, coef = data.unscale(standard)
    return b, float(coef[0])


# ---------------------------------------------------------------------------------------------
# Gradient descent on the same model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Path:
    r"""The trajectory of descent on :math:`\hat y = X\beta + b`, one run or many side by side.

    The conventions of :class:`l1l2.gd.History`: ``steps + 1`` rows of parameters (before the
    first update and after each), ``steps`` rows of batch losses (NaN once a run diverged),
    and a run that overflows stops at its last finite parameters and is marked ``diverged``.
    For ``runs`` runs the arrays gain a run axis after the step axis.

    Attributes
    ----------
    intercept : numpy.ndarray
        Shape ``(steps + 1,)`` or ``(steps + 1, runs)``; zeros without an intercept.
    coef : numpy.ndarray
        Shape ``(steps + 1, p)`` or ``(steps + 1, runs, p)``.
    loss : numpy.ndarray
        The batch loss just before each update: ``(steps,)`` or ``(steps, runs)``.
    lr : numpy.ndarray
        The learning rate of each update, same shape as ``loss``.
    diverged : bool or numpy.ndarray
        Whether each run overflowed.
    steps_per_epoch : int
        Updates per pass over the data.
    """

    intercept: FloatArray
    coef: FloatArray
    loss: FloatArray
    lr: FloatArray
    diverged: bool | NDArray[np.bool_]
    steps_per_epoch: int

    @property
    def steps(self) -> int:
        """Number of updates."""
        return int(self.loss.shape[0])

    @property
    def runs(self) -> int | None:
        """Number of runs side by side, or ``None`` for a single run."""
        return None if self.intercept.ndim == 1 else int(self.intercept.shape[1])

    @property
    def final_intercept(self) -> float | FloatArray:
        """The intercept after the last update (one per run)."""
        last = self.intercept[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def final_coef(self) -> FloatArray:
        """The coefficients after the last update, ``(p,)`` or ``(runs, p)``."""
        last: FloatArray = self.coef[-1]
        return last

    def __repr__(self) -> str:
        """Summarise the run without dumping its arrays."""
        runs = "" if self.runs is None else f"runs={self.runs}, "
        if self.runs is None:
            coef = np.array2string(self.final_coef, precision=6, separator=", ")
            tail = (
                f"final_intercept={float(self.intercept[-1]):.6g}, final_coef={coef}, "
                f"diverged={bool(self.diverged)}"
            )
        else:
            tail = f"diverged={int(np.count_nonzero(self.diverged))} of {self.runs}"
        return f"Path({runs}steps={self.steps}, {tail})"


def _derivative(loss: losses.LossName, delta: float) -> Callable[[FloatArray], FloatArray]:
    """Per-sample derivative of the loss in the residual, with NaN where the residual overflowed."""
    return _per_sample(losses.LOSSES[loss].derivative, delta)


def _value(loss: losses.LossName, delta: float) -> Callable[[FloatArray], FloatArray]:
    """Per-sample loss of the residual, with NaN where the residual overflowed."""
    return _per_sample(losses.LOSSES[loss].value, delta)


def _per_sample(formula: Formula, delta: float) -> Callable[[FloatArray], FloatArray]:
    """Apply a loss record's in-place formula to a copy of ``r``, silently, as descent needs.

    A diverging run's residuals overflow: there the formula gives inf (which marks the run
    diverged) instead of the public losses' error, and a residual that is already not finite
    gives NaN.
    """

    def call(r: FloatArray) -> FloatArray:
        with np.errstate(all="ignore"):
            out = formula(np.array(r, dtype=np.float64), delta, np.empty_like(r))
        out[~np.isfinite(r)] = np.nan
        return out

    return call


def _rates(
    lr: ArrayLike | Callable[[FloatArray], ArrayLike], steps: int
) -> tuple[FloatArray, tuple[int, ...]]:
    """Return the rates, ``(steps, 1)`` for a schedule or ``(1, runs)``, and the run shape."""
    if callable(lr):
        raw = np.asarray(lr(np.arange(steps, dtype=np.float64)), dtype=np.float64)
        if steps and raw.shape not in {(steps,), ()}:
            raise ArgumentValueError(
                "lr", f"lr schedule must return one rate per step, got shape {raw.shape}"
            )
        if raw.size and (not np.all(np.isfinite(raw)) or np.any(raw < 0)):
            raise ArgumentValueError("lr", f"lr schedule must give finite rates >= 0, got {lr!r}")
        return np.broadcast_to(raw, (steps,))[:, np.newaxis], ()
    rates = as_per_run(lr, "lr", nonnegative=True)[np.newaxis]
    return rates, rates.shape[1:]


def descend(
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    lr: ArrayLike | Callable[[FloatArray], ArrayLike],
    epochs: int,
    coef0: ArrayLike = 0.0,
    intercept0: ArrayLike = 0.0,
    batch_size: int | None = None,
    fit_intercept: bool = True,
    reduction: str = "mean",
    delta: float = DEFAULT_DELTA,
) -> Path:
    r"""Fit :math:`\hat y = X\beta + b` by (mini-batch) gradient descent, many runs at once.

    Each update takes the next batch :math:`B` in order and steps against the gradient of the
    batch loss :math:`L_B = \sum_{i\in B}\ell(r_i)`, :math:`r_i = x_i^\top\beta + b - y_i`
    (divided by :math:`|B|` for ``reduction="mean"``):

    .. math::

        \beta \leftarrow \beta - \eta \sum_{i\in B} \ell'(r_i)\,x_i, \qquad
        b \leftarrow b - \eta \sum_{i\in B} \ell'(r_i)

    The step in :math:`\beta` is scaled by the size of the features: with raw years
    (:math:`x \approx 1960`) next to the intercept's column of ones, a rate small enough for
    :math:`\beta` barely moves :math:`b`. Centre (and scale) the features first.

    Parameters
    ----------
    X : array_like
        Features, ``(n,)`` for one feature or ``(n, p)``.
    y : array_like
        Targets, ``(n,)``, or ``(runs, n)`` for one data set per run.
    loss : {"signed", "l1", "l2", "huber"}
        The loss (the signed loss runs away, as in :func:`l1l2.gd.fit`).
    lr : float, array_like or callable
        A rate >= 0, one per run, or a schedule ``step -> rate`` from :mod:`l1l2.schedules`.
    epochs : int
        Passes over the data, at least 0.
    coef0 : float or array_like
        Starting coefficients: a number, ``(p,)``, or ``(runs, p)``.
    intercept0 : float or array_like
        Starting intercept, or one per run.
    batch_size : int, optional
        Samples per update; the whole data set (plain gradient descent) by default.
    fit_intercept : bool
        Whether the intercept is learned (otherwise it stays 0).
    reduction : {"mean", "sum"}
        Whether the batch loss averages or adds up the per-sample losses.
    delta : float
        The Huber threshold, for ``loss="huber"``.

    Returns
    -------
    Path
        Intercept, coefficients, batch loss and rate of every update.

    Examples
    --------
    >>> x, y = [-1.0, 0.0, 1.0], [1.0, 2.0, 3.0]
    >>> path = descend(x, y, loss="l2", lr=0.2, epochs=200)
    >>> round(path.final_intercept, 6), path.final_coef.round(6)
    (2.0, array([1.]))
    """
    design = _as_design(X, "X")
    target = as_float_array(y, "y")
    if not 1 <= target.ndim <= 2:
        raise ArgumentValueError(
            "y", f"y must have shape (n,) or (runs, n), got shape {target.shape}"
        )
    n, p = design.shape
    if target.shape[-1] != n:
        raise ArgumentValueError(
            "y",
            f"X and y must have one row per sample, got {n} rows in X and {target.shape[-1]} "
            "values per run in y",
        )
    name = check_choice(loss, "loss", losses.LOSS_NAMES)
    n_epochs = check_int(epochs, "epochs", low=0)
    batch = n if batch_size is None else check_int(batch_size, "batch_size", low=1)
    intercept_too = check_bool(fit_intercept, "fit_intercept")
    check_reduction(reduction, _REDUCTIONS)
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)

    starts = range(0, n, batch)
    steps = n_epochs * len(starts)
    rates, lr_runs = _rates(lr, steps)

    b0 = as_per_run(intercept0, "intercept0")
    beta0 = as_float_array(coef0, "coef0")
    if beta0.ndim == 0:
        beta0 = np.full(p, float(beta0))
    if beta0.shape[-1] != p or beta0.ndim > 2:
        raise ArgumentValueError(
            "coef0", f"coef0 must be a number, shape ({p},) or (runs, {p}), got shape {beta0.shape}"
        )
    try:
        runs_shape = np.broadcast_shapes(target.shape[:-1], b0.shape, beta0.shape[:-1], lr_runs)
    except ValueError:
        raise ArgumentValueError(
            "coef0" if beta0.ndim == 2 else "intercept0" if b0.ndim else "lr",
            f"y, coef0, intercept0 and lr disagree on the number of runs: got y {target.shape}, "
            f"coef0 {beta0.shape}, intercept0 {b0.shape}, lr {lr_runs}",
        ) from None
    runs = runs_shape[0] if runs_shape else 1
    ys = np.broadcast_to(target, (runs, n))
    lr_table = np.ascontiguousarray(np.broadcast_to(rates, (steps, runs)))
    value, deriv = _value(name, huber_delta), _derivative(name, huber_delta)

    coef_hist = np.empty((steps + 1, runs, p))
    b_hist = np.empty((steps + 1, runs))
    loss_hist = np.empty((steps, runs))
    beta = np.array(np.broadcast_to(beta0, (runs, p)), dtype=np.float64)
    b = np.array(np.broadcast_to(b0, (runs,)), dtype=np.float64)
    if not intercept_too:
        b[:] = 0.0
    coef_hist[0], b_hist[0] = beta, b
    alive = np.ones(runs, dtype=bool)
    step = 0
    with np.errstate(all="ignore"):
        for _ in range(n_epochs):
            for s in starts:
                xb, yb = design[s : s + batch], ys[:, s : s + batch]
                scale = 1.0 / xb.shape[0] if reduction == "mean" else 1.0
                residual = beta @ xb.T + b[:, np.newaxis] - yb  # (runs, batch)
                batch_loss = value(residual).sum(axis=1) * scale
                g = deriv(residual) * scale
                rate = lr_table[step]
                beta_next = beta - rate[:, np.newaxis] * (g @ xb)
                b_next = b - rate * g.sum(axis=1) if intercept_too else b
                ok = np.isfinite(batch_loss) & np.all(np.isfinite(beta_next), axis=1)
                ok &= np.isfinite(b_next)
                loss_hist[step] = np.where(alive, batch_loss, np.nan)
                alive &= ok
                beta = np.where(alive[:, np.newaxis], beta_next, beta)
                b = np.where(alive, b_next, b)
                step += 1
                coef_hist[step], b_hist[step] = beta, b

    diverged = ~alive
    if not runs_shape:
        return Path(
            b_hist[:, 0],
            coef_hist[:, 0],
            loss_hist[:, 0],
            lr_table[:, 0],
            bool(diverged[0]),
            len(starts),
        )
    return Path(b_hist, coef_hist, loss_hist, lr_table, diverged, len(starts))
