# ruff: noqa: N803  (X and A: the matrix names of the linear-algebra literature and scikit-learn)
r"""Lines and planes through real data: ŷ = Xβ + b, with an intercept.

The rest of the package estimates one number, :math:`w` in :math:`\hat y = w\,x`. Here the same
losses, and the pinball loss of a quantile, decide which line is best: :func:`solve` returns the
exact minimiser, :func:`l1_lines` every abs-L1 line through two data points, and :func:`descend`
(:func:`l1l2.gd.descend`) runs gradient descent on the same model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import Any, Final, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2 import _exact, losses, vocabulary
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentValueError,
    as_float_array,
    check_bool,
    check_choice,
    check_scalar,
    frame_columns,
)
from l1l2.gd import History, descend

__all__ = ["Fit", "Path", "descend", "l1_lines", "solve"]

SolveLoss = Literal["l1", "l2", "huber", "quantile"]
# The closest a quantile of solve may come to 0 or 1. Nearer, the pinball totals of two lines
# differ by less than their rounding: at q = 1e-7, 2 of 60 random fits were 1e-7 above HiGHS's
# linear program; at 1e-10, 24 of 60, some by a factor.
_QUANTILE_MARGIN: Final = 1e-6
#: The losses :func:`solve` minimises: every loss of :data:`l1l2.vocabulary.LOSSES` with a
#: minimiser (:data:`l1l2.vocabulary.SOLVE_NAMES`).
SOLVE_LOSSES: Final[tuple[SolveLoss, ...]] = tuple(
    cast(SolveLoss, name) for name in vocabulary.SOLVE_NAMES
)
# The losses whose fit is abs L1's linear program (tilted for the quantile).
_LINEAR_PROGRAM: Final = ("l1", "quantile")
#: The most samples :func:`l1_lines` takes: it tries every pair, n^2 lines of n residuals each.
L1_LINES_MAX_N: Final = 2_000


@dataclass(frozen=True, repr=False, eq=False)
class Fit:
    r"""The exact minimiser of a total loss over ŷ = Xβ + b.

    Immutable (``coef`` is read-only), equal when every attribute is, and hashable.

    Attributes
    ----------
    loss : {"l1", "l2", "huber", "quantile"}
        The loss that was minimised.
    intercept : float
        :math:`b`; 0.0 when the fit had no intercept.
    coef : numpy.ndarray
        :math:`\beta`, one value per feature, shape ``(p,)``, read-only.
    total_loss : float
        :math:`\sum_i \ell(\hat y_i - y_i)` at the solution, with the book's losses.
    unique : bool
        Whether this is the only minimiser. Least squares always is; the abs-L1 and quantile
        minimum can be a whole segment or polygon of lines (see :func:`l1_lines`), and so can
        Huber's when delta is small against the residuals.
    delta : float or None
        The Huber threshold (the one chosen, for ``delta="auto"``), ``None`` for the others.
    feature_names : tuple of str or None
        The column names of ``X`` when it was a pandas DataFrame, by which :meth:`predict`
        takes a frame's columns.
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
        """Keep ``coef`` as a view of ``bytes``, which, unlike a read-only array, stays so."""
        values = np.array(self.coef, dtype=np.float64)
        coef = np.frombuffer(values.tobytes(), dtype=np.float64).reshape(values.shape)
        object.__setattr__(self, "coef", coef)

    def _key(self) -> tuple[object, ...]:
        values = (getattr(self, field.name) for field in fields(self))
        return tuple(v.tobytes() if isinstance(v, np.ndarray) else v for v in values)

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

        A DataFrame is taken by column name when the fit was made on one. A prediction beyond
        float64, or one that products below the smallest normal float64 may move, is an error.
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
        """Raise if products x * coef below the smallest normal float64 may move a prediction."""
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
        columns = frame_columns(X, "X")
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


def _names(columns: tuple[str, ...]) -> str:
    text = ", ".join(map(repr, columns))
    return f"[{text if len(text) <= 70 else text[:67] + '...'}]"


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
                f"loss={loss!r} needs quantile=, a number from 1e-6 to 1 - 1e-6 (0.5 gives "
                "the median line, the abs-L1 fit)",
            )
        return None
    if not takes:
        raise ArgumentValueError(
            "quantile",
            f"quantile applies to loss='quantile' only, got loss={loss!r}: leave it out, or "
            "pass loss='quantile'",
        )
    q = losses.check_quantile(quantile)
    if not _QUANTILE_MARGIN <= q <= 1.0 - _QUANTILE_MARGIN:
        raise ArgumentValueError(
            "quantile",
            f"quantile={q!r} is within {_QUANTILE_MARGIN:g} of {round(q)}: so near, the "
            "pinball totals of different lines differ by less than their rounding and the "
            f"exact fit cannot be told apart; use a quantile from {_QUANTILE_MARGIN:g} to "
            f"1 - {_QUANTILE_MARGIN:g}",
        )
    return q


def _check_delta(delta: object) -> float | None:
    """Huber's delta as a number > 0, or ``None`` for ``"auto"`` (the default)."""
    if delta is None or isinstance(delta, str):
        check_choice("auto" if delta is None else delta, "delta", ("auto",), why="or a number > 0")
        return None
    return check_scalar(delta, "delta", low=0.0, low_open=True)


def _total(
    name: str, data: _exact.Standard, beta: FloatArray, *, delta: float = 1.0, q: float = 0.5
) -> float:
    """The total loss, computed in standard units (no overflow, no cancellation) and scaled."""
    r = data.y - data.A @ beta
    if name == "l1":
        return float(np.sum(np.abs(r))) * data.y_scale
    if name == "quantile":  # the pinball loss max(q r, (q - 1) r) of r = y - y_pred
        return float(np.sum(np.maximum(q * r, (q - 1.0) * r))) * data.y_scale
    with np.errstate(over="ignore"):
        if name == "l2":
            # einsum's own loop: BLAS's dot would wake its threads for one number
            return float(np.einsum("i,i->", r, r)) * data.y_scale * data.y_scale
        return _exact.huber_total(data.A, data.y, beta, delta) * data.y_scale * data.y_scale


def solve(
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    fit_intercept: bool = True,
    delta: float | Literal["auto"] | None = None,
    quantile: float | None = None,
) -> Fit:
    r"""Return the exact minimiser of the total loss of ŷ = Xβ + b.

    .. math:: \min_{b,\,\beta}\ \sum_{i=1}^{n} \ell\bigl(x_i^\top\beta + b - y_i\bigr)

    The fit is equivariant: ``solve(X * s + t, y * a + c)`` has the coefficients
    ``coef * a / s`` (Huber with ``delta * |a|``), whatever the units.

    - ``"l2"``: least squares, by the normal equations (refined once) or QR.
    - ``"l1"``: least absolute deviations, the dual linear program :math:`\max_d\, y^\top d`
      subject to :math:`A^\top d = 0`, :math:`|d_i| \le 1` (:math:`A = [1, X]`), solved by
      exchanging the :math:`p + 1` samples the fit passes through (Barrodale and Roberts) or by
      HiGHS (:func:`scipy.optimize.linprog`).
    - ``"huber"``: Newton steps, until the minimum of the quadratic the total is while no
      sample crosses :math:`\pm\delta` keeps every sample on its side: the exact minimum.
    - ``"quantile"``: the regression quantile (Koenker and Bassett, 1978), minimising the
      pinball loss :math:`\rho_q(u) = \max(q\,u, (q - 1)\,u)`: the same linear program with
      :math:`A^\top d = (1 - 2q)\,A^\top\mathbf 1`; :math:`q = 1/2` is the abs-L1 fit.

    Parameters
    ----------
    X : array_like or pandas.DataFrame
        Features, shape ``(n,)`` or ``(n, p)``, finite, at most 2e7 values; its columns and
        the intercept's must be linearly independent. A DataFrame's column names are kept.
    y : array_like
        Targets, shape ``(n,)``; finite.
    loss : {"l1", "l2", "huber", "quantile"}
        The loss (the signed loss has no minimiser).
    fit_intercept : bool
        Fit :math:`b` as well (otherwise :math:`b = 0`).
    delta : float or "auto", optional
        The Huber threshold of ``loss="huber"``, in units of ``y`` (checked, and ignored by the
        other losses, so that one call serves a loop over losses).
        ``"auto"`` (the default) takes :math:`1.345\,\hat\sigma`, :math:`\hat\sigma` the abs-L1
        fit's median absolute residual over 0.6745 (95% efficiency): it scales with ``y``. Where
        the abs-L1 line is not unique, it is that of the line found, and a transformed copy of
        the data may find another: pass a number for a delta that only the units change.
    quantile : float
        :math:`q` of ``loss="quantile"`` (required there only), from 1e-6 to 1 - 1e-6.

    Returns
    -------
    Fit
        The intercept, coefficients, total loss, and whether the minimiser is unique.

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
    names = frame_columns(X, "X")
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
    data = _exact.standardise(design, target, intercept=intercept_too, robust_y=name != "l2")
    if name in _LINEAR_PROGRAM:
        return _linear_program_fit(name, design, target, data, quantile=q, names=names)
    beta = _exact.least_squares(data)  # and the check that the columns are independent
    unique, scaled_delta, chosen_delta = True, 1.0, None
    if name == "huber":
        scaled_delta = (
            _exact.auto_delta(data) if huber_delta is None else huber_delta / data.y_scale
        )
        tiny = float(np.finfo(np.float64).tiny)
        if scaled_delta < tiny and huber_delta is None:  # pragma: no cover - y's scale is robust
            scaled_delta = tiny
        elif scaled_delta < tiny:  # subnormal in y's units: delta would lose digits
            raise ArgumentValueError(
                "delta",
                f"delta={huber_delta!r} is below {tiny * data.y_scale:.3g}, too small against "
                "the spread of y to keep its digits in float64; so small a delta gives "
                "abs L1's line: pass loss='l1'",
            )
        beta, unique = _exact.solve_huber(data, scaled_delta, beta)
        chosen_delta = scaled_delta * data.y_scale if huber_delta is None else huber_delta
        if not math.isfinite(chosen_delta):
            raise ArgumentValueError(
                "y",
                "the automatic delta of these y (1.345 times their residual scale) is beyond "
                "float64 (about 1.8e308): rescale y, or pass delta",
            )
    intercept, coef = data.unscale(beta)
    total = _total(name, data, beta, delta=scaled_delta)
    return Fit(name, intercept, coef, total, unique, chosen_delta, names)


def _linear_program_fit(
    name: SolveLoss,
    design: FloatArray,
    target: FloatArray,
    data: _exact.Standard,
    *,
    quantile: float | None,
    names: tuple[str, ...] | None,
) -> Fit:
    """The abs-L1 fit or regression quantile, solved again in the units of the data."""
    _exact.check_independent(data)
    q = 0.5 if quantile is None else quantile
    beta, unique, rows = _exact.solve_l1(data, quantile=q)
    intercept, coef = _through_samples(design, target, data, beta, rows)
    total = _total(name, data, beta, q=q)
    return Fit(name, intercept, coef, total, unique, None, names, quantile)


def l1_lines(x: ArrayLike, y: ArrayLike) -> FloatArray:
    r"""Return every line through two data points that minimises the total abs-L1 loss.

    One row means the abs-L1 line is unique. Several rows are the corners of the convex
    polygon (or segment) of minimising lines: every line inside it fits exactly as well. All
    pairs of samples are tried, :math:`O(n^3)` work, so ``n`` is at most 2000.

    Parameters
    ----------
    x, y : array_like
        The samples, shape ``(n,)``, finite, with at least two distinct ``x``.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, 2)``: ``(intercept, slope)`` of each line, sorted by slope, then intercept.

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
    if n > L1_LINES_MAX_N:
        raise ArgumentValueError(
            "x", f"x must have at most {L1_LINES_MAX_N} samples for l1_lines, got {n}"
        )
    if np.ptp(design[:, 0]) == 0:
        raise ArgumentValueError(
            "x", "x must hold at least two distinct values: a vertical line has no slope"
        )
    # In standard units, so that nothing overflows and ties are decided relative to the data.
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
    """The abs-L1 fit solved again in the units of the data, through the samples it passes.

    Those are ``through``, else the k independent samples nearest to the fit. Relative to the
    nearest, the others pin the coefficients (a line's slope is rounded once, as a reader
    computes it); the fit from standard units stands when that is not finite.
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
    """The line through samples ``pair``, from the data when finite (rounded as a reader would)."""
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


#: The record of a descent run, one for every model: :class:`l1l2.gd.History` (``coef``,
#: ``intercept``, ``loss``, ``lr``, ``diverged``), under the name this module used for it.
Path = History
