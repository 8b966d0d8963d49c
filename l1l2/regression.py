# ruff: noqa: N803  (X and A: the matrix names of the linear-algebra literature and scikit-learn)
r"""Lines and planes through real data: ŷ = Xβ + b, with an intercept.

The rest of the package estimates one number, :math:`w` in :math:`\hat y = w\,x`. Here the model
has an intercept :math:`b` and one coefficient per feature, and the same three losses decide
which line is best, with a fourth, the pinball loss, for lines at any quantile:

- :func:`solve` returns the exact minimiser of the total loss
  :math:`\sum_i \ell(\hat y_i - y_i)` for ``"l2"`` (least squares), ``"l1"`` (least absolute
  deviations, a linear program), ``"huber"`` (a piecewise quadratic, minimised by Newton
  steps until the set of samples in the quadratic zone stops changing) and ``"quantile"`` (the
  regression quantile: abs L1's linear program, tilted).
- :func:`l1_lines` lists every line through two data points that minimises the total abs-L1
  loss: when there is more than one, every line in between minimises it too.
- :func:`descend` runs gradient descent on the same model, vectorised over runs: it is
  :func:`l1l2.gd.descend`, the package's one descent engine, and returns its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2 import _exact, losses, vocabulary
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentValueError,
    Reduction,
    as_float_array,
    check_bool,
    check_choice,
    check_scalar,
    frame_columns,
)
from l1l2.gd import History, descend

__all__ = ["DEFAULT_DELTA", "Fit", "Path", "descend", "l1_lines", "solve"]

#: Huber's threshold when none is given, in the units of ``y``.
DEFAULT_DELTA: Final = 1.0

SolveLoss = Literal["l1", "l2", "huber", "quantile"]
#: The losses :func:`solve` minimises: every loss of :data:`l1l2.vocabulary.LOSSES` with a
#: minimiser (:data:`l1l2.vocabulary.SOLVE_NAMES`).
SOLVE_LOSSES: Final[tuple[SolveLoss, ...]] = tuple(
    cast(SolveLoss, name) for name in vocabulary.SOLVE_NAMES
)
# The losses whose fit is abs L1's linear program (tilted for the quantile).
_LINEAR_PROGRAM: Final = ("l1", "quantile")
_REDUCTIONS: Final[tuple[Reduction, ...]] = ("mean", "sum")
# l1_lines checks every pair of samples: n^2 lines of n residuals each.
_MAX_PAIRS_N: Final = 2_000


# ---------------------------------------------------------------------------------------------
# The result of an exact fit
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class Fit:
    r"""The exact minimiser of a total loss over ŷ = Xβ + b.

    Immutable: the attributes cannot be set and ``coef`` is a read-only array. Two fits are
    equal when every attribute is, and a fit is hashable (by those values), so it can be a
    dictionary key or a set member.

    Attributes
    ----------
    loss : {"l1", "l2", "huber", "quantile"}
        The loss that was minimised.
    intercept : float
        :math:`b`; 0.0 when the fit had no intercept.
    coef : numpy.ndarray
        :math:`\beta`, one value per feature, shape ``(p,)``, read-only.
    total_loss : float
        :math:`\sum_i \ell(\hat y_i - y_i)` at the solution, with the book's losses
        (:math:`|r|`, :math:`r^2`, Huber's :math:`\tfrac12 r^2` inside :math:`\delta`, and the
        pinball loss :math:`\max((1 - q)\,r, -q\,r)`, which is half of :math:`|r|` at
        :math:`q = 1/2`).
    unique : bool
        Whether this is the only minimiser. Least squares is unique once the columns are
        independent (checked). The abs-L1 minimum need not be: the total is flat along a whole
        segment or polygon of lines, as the 1-D flat bottom between two middle samples was
        (see :func:`l1_lines` for a line). Huber is unique when the samples strictly inside its
        quadratic zone pin every coefficient; with a delta small against the residuals its
        minimum can be a region of lines like L1's, and ``unique`` is then ``False``. A
        regression quantile is like the abs-L1 fit: it need not be unique.
    delta : float or None
        The Huber threshold (the one chosen, for ``delta="auto"``), ``None`` for the others.
    feature_names : tuple of str or None
        The column names of ``X`` when it was a pandas DataFrame: :meth:`predict` then
        takes a frame's columns by these names.
    quantile : float or None
        The quantile :math:`q` of a ``"quantile"`` fit, ``None`` for the others.
    """

    loss: SolveLoss
    intercept: float
    coef: FloatArray
    total_loss: float
    unique: bool
    delta: float | None = None
    feature_names: tuple[str, ...] | None = None
    quantile: float | None = None

    def __post_init__(self) -> None:
        """Keep a private read-only copy of ``coef``, on an immutable ``bytes`` buffer.

        A read-only array that owns its memory can be made writable again
        (``setflags(write=True)``); a view of ``bytes`` cannot, so the fit and its hash stay.
        """
        values = np.array(self.coef, dtype=np.float64)
        coef = np.frombuffer(values.tobytes(), dtype=np.float64).reshape(values.shape)
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
            self.quantile,
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
        r"""Return Xβ + b for new inputs X of shape (m,) or (m, p).

        A pandas DataFrame is taken by column name when the fit was made on one; a frame with
        other columns is refused. A prediction beyond float64 is an error, not ``inf``; so is one
        that products ``x * coef`` below the smallest normal float64 (about 2.2e-308), rounded
        there, may have moved by more than a rounding.
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
        self._refuse_underflow(design, prediction)
        return prediction

    def _refuse_underflow(self, design: FloatArray, prediction: FloatArray) -> None:
        """Raise if products x * coef below the smallest normal float64 may move a prediction.

        Each such product is rounded (a subnormal, or 0) by up to half the smallest subnormal:
        a rounding or less unless the prediction is itself that small.
        """
        tiny = float(np.finfo(np.float64).tiny)
        near = np.flatnonzero(np.abs(prediction) < self.coef.size * tiny)
        if near.size == 0:
            return
        rows = design[near]
        with np.errstate(all="ignore"):
            products = rows * self.coef
        lost = np.count_nonzero((rows != 0.0) & (self.coef != 0.0) & (np.abs(products) < tiny), 1)
        small = np.abs(prediction[near])
        bad = small < lost * tiny
        if np.any(bad):
            i = int(near[np.argmax(bad)])
            raise ArgumentValueError(
                "X",
                f"the prediction for row {i} of this X ({prediction[i]:.6g}) is below or near the "
                f"smallest normal float64 ({tiny:.4g}), where it loses digits or becomes 0: "
                "rescale X",
            )

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
        if self.quantile is not None:
            delta += f", quantile={self.quantile:g}"
        return (
            f"Fit(loss={self.loss!r}{delta}, intercept={self.intercept:.6g}, coef={coef}, "
            f"total_loss={self.total_loss:.6g}, unique={self.unique})"
        )


def _frame_columns(X: object) -> tuple[str, ...] | None:
    """The column names of a pandas DataFrame (each once), else ``None``."""
    return frame_columns(X, "X")


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


def _check_quantile(loss: str, quantile: object) -> float | None:
    """The pinball loss's ``quantile``: required where the loss's row requires it, else refused."""
    takes = "quantile" in vocabulary.LOSSES[cast(SolveLoss, loss)].parameters
    if quantile is None:
        if takes:
            raise ArgumentValueError(
                "quantile",
                f"loss={loss!r} needs quantile=, a number strictly between 0 and 1 (0.5 gives "
                "the median line, the abs-L1 fit)",
            )
        return None
    if not takes:
        raise ArgumentValueError(
            "quantile",
            f"quantile applies to loss='quantile' only, got loss={loss!r}: leave it out, or "
            "pass loss='quantile'",
        )
    return losses.check_quantile(quantile)


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
    quantile: float | None = None,
) -> Fit:
    r"""Return the exact minimiser of the total loss of ŷ = Xβ + b.

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
    - ``"quantile"``, the pinball loss :math:`\rho_q(y - \hat y)`,
      :math:`\rho_q(u) = \max(q\,u, (q - 1)\,u)`: the regression quantile (Koenker and
      Bassett, 1978), at most a fraction :math:`q` of the samples below the fit and at most
      :math:`1 - q` above. As :math:`\rho_q(u) = \tfrac12(|u| + (2q - 1)\,u)`, it is the
      abs-L1 problem above with a linear term added: the same dual linear program with its
      right-hand side moved, :math:`A^\top d = (1 - 2q)\,A^\top\mathbf 1`, solved by the
      same exchange, band and HiGHS routes, through :math:`p + 1` data points. With
      :math:`q = 1/2` it is the abs-L1 fit and its total is half the abs-L1 total. Equivariant
      too, with one twist: ``solve(X, -y, quantile=1 - q)`` is the negated
      ``solve(X, y, quantile=q)`` (turning ``y`` upside down swaps the points above and below).

    Parameters
    ----------
    X : array_like or pandas.DataFrame
        Features, shape ``(n,)`` for one feature or ``(n, p)``; finite. Its columns (and the
        column of ones for the intercept) must be linearly independent, so ``n`` must be at
        least the number of coefficients. At most 2e7 values (rows times coefficients).
        A DataFrame's column names are kept in :attr:`Fit.feature_names`.
    y : array_like
        Targets, shape ``(n,)``; finite.
    loss : {"l1", "l2", "huber", "quantile"}
        The loss. The signed loss has no minimiser and is rejected.
    fit_intercept : bool
        Fit :math:`b` as well (otherwise :math:`b = 0`).
    delta : float or "auto"
        The Huber threshold, in units of ``y``, a number > 0; used by ``loss="huber"`` only.
        ``"auto"`` takes :math:`1.345\,\hat\sigma`, :math:`\hat\sigma` the median absolute
        residual of the abs-L1 fit divided by 0.6745 (a robust estimate of the noise's standard
        deviation; 1.345 gives 95% of least squares' efficiency on normal noise).
    quantile : float
        The quantile :math:`q` of ``loss="quantile"``, strictly between 0 and 1; required
        there, and refused with any other loss.

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

    The median line is the abs-L1 line, at half its total; the line of the 0.9 quantile leaves
    at most one point in ten above it, and here runs through the point far above:

    >>> solve(x, y, loss="quantile", quantile=0.5)
    Fit(loss='quantile', quantile=0.5, intercept=1, coef=[2.], total_loss=10.5, unique=True)
    >>> solve(x, y, loss="quantile", quantile=0.9).predict([4.0])
    array([30.])
    """
    names = _frame_columns(X)
    design, target = _as_xy(X, y)
    name = check_choice(
        loss, "loss", SOLVE_LOSSES, why="the signed loss has no minimiser: it falls without bound"
    )
    intercept_too = check_bool(fit_intercept, "fit_intercept")
    huber_delta = _check_delta(delta)
    q = _check_quantile(name, quantile)
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
    if name in _LINEAR_PROGRAM:
        return _linear_program_fit(name, design, target, data, quantile=q, names=names)
    fit_l2 = _exact.least_squares(data)  # and the check that the columns are independent

    scaled_delta = 1.0
    if name == "l2":
        beta, unique = fit_l2, True
    else:
        scaled_delta = (
            _exact.auto_delta(data) if huber_delta is None else huber_delta / data.y_scale
        )
        if not scaled_delta > 0.0:  # pragma: no cover - delta > 0 divided by a power of two
            scaled_delta = float(np.finfo(np.float64).tiny)
        beta, unique = _exact.solve_huber(data, scaled_delta, fit_l2)

    intercept, coef = data.unscale(beta)
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


def _linear_program_fit(
    name: SolveLoss,
    design: FloatArray,
    target: FloatArray,
    data: _exact.Standard,
    *,
    quantile: float | None,
    names: tuple[str, ...] | None,
) -> Fit:
    """The abs-L1 fit, or the regression quantile: abs L1's linear program, tilted.

    It starts from its own fit, so the columns are only checked (not fitted by least squares
    first); the answer passes through samples and is solved again through them in the units
    of the data.
    """
    _exact.check_independent(data)
    q = 0.5 if quantile is None else quantile
    beta, unique, rows = _exact.solve_l1(data, quantile=q)
    intercept, coef = _through_samples(design, target, data, beta, rows)
    if name == "l1":
        total = _total(name, data, beta, 1.0)
    else:  # the pinball loss max(q r, (q - 1) r) of r = y - y_pred, in standard units
        r = data.y - data.A @ beta
        total = float(np.sum(np.maximum(q * r, (q - 1.0) * r))) * data.y_scale
    return Fit(name, intercept, coef, total, unique, None, names, quantile)


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
    try:
        data = _exact.standardise(design, target, intercept=True)
    except ArgumentValueError as exc:
        raise _for_x(exc) from None
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
    try:
        result = np.array(
            [
                _line_through(design[:, 0], target, pair, data, line)
                for pair, line in zip(pairs, lines[first], strict=True)
            ],
            dtype=np.float64,
        )
    except ArgumentValueError as exc:
        raise _for_x(exc) from None
    order = np.lexsort((result[:, 0], result[:, 1]))
    sorted_lines: FloatArray = result[order]
    return sorted_lines


def _through_samples(
    X: FloatArray,
    y: FloatArray,
    data: _exact.Standard,
    beta: FloatArray,
    through: NDArray[np.intp] | None = None,
) -> tuple[float, FloatArray]:
    """The abs-L1 fit solved again, in the units of the data, through the samples it passes.

    Those are the rows ``through`` (when the solver knows them), else the k independent samples
    with the smallest residuals. Relative to the first of those samples (the nearest to the
    fit), the differences of the others pin the coefficients (for a line: the slope
    (y_j - y_i) / (x_j - x_i), rounded once, as a reader computes it). The fit from standard
    units (``data.unscale``, which raises when it is beyond float64) stands when that is not
    finite.
    """
    if through is None:
        nearest = _exact.nearest_first(data.A, data.y, beta)
        through = _exact.independent_rows(data.A, nearest, data.k)
    rows_a = data.A[through]
    residual = np.abs(data.y[through] - rows_a @ beta)
    size = np.abs(data.y[through]) + np.abs(rows_a) @ np.abs(beta) + 1e-300
    order = np.argsort(residual / size, kind="stable")
    rows, residual, size = through[order], residual[order], size[order]
    if rows.size != data.k or not np.all(residual <= 1e-9 * size):
        return data.unscale(beta)
    first, others = rows[0], rows[1:]
    with np.errstate(all="ignore"):
        if data.intercept:
            coef, info = _exact.solve_square(X[others] - X[first], y[others] - y[first])
            intercept = float(y[first] - X[first] @ coef)
        else:
            (coef, info), intercept = _exact.solve_square(X[rows], y[rows]), 0.0
    if info != 0 or not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        return data.unscale(beta)
    return intercept, np.asarray(coef, dtype=np.float64)


def _for_x(error: ArgumentValueError) -> ArgumentValueError:
    """An error of the fit's ``X`` (its column 0) said of ``l1_lines``'s argument ``x``."""
    message = re.sub(r"\bX\b", "x", str(error).replace("X column 0", "x"))
    return ArgumentValueError("x" if error.argument == "X" else error.argument, message)


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
    tiny = np.finfo(np.float64).tiny
    with np.errstate(all="ignore"):
        slope = (y[j] - y[i]) / (x[j] - x[i])
        intercept = y[i] - slope * x[i]
        # Below the smallest normal float64 a slope or its product with x has lost digits or
        # become 0: unscaling refuses those, naming the column.
        underflow = (y[j] != y[i] and abs(slope) < tiny) or (
            slope != 0.0 and x[i] != 0.0 and abs(slope * x[i]) < tiny
        )
    if np.isfinite(slope) and np.isfinite(intercept) and not underflow:
        return float(intercept), float(slope)
    b, coef = data.unscale(standard)
    return b, float(coef[0])


# ---------------------------------------------------------------------------------------------
# Gradient descent on the same model
# ---------------------------------------------------------------------------------------------


#: The record of a descent run, one for every model: :class:`l1l2.gd.History` (``coef``,
#: ``intercept``, ``loss``, ``lr``, ``diverged``), under the name this module used for it.
Path = History
