r"""Lines that resist points of high leverage, and the regression quantile, for one feature.

Abs L1 caps the pull of a point far off in :math:`y`, not of one far off in :math:`x`
(:mod:`l1l2.regression`). :func:`theil_sen` and :func:`least_trimmed_squares` trade a little
efficiency for a high *breakdown point*, the smallest fraction of the data that, moved anywhere,
can move the line arbitrarily far. :func:`quantile_fit` and :func:`pinball` set the regression
quantile beside them. Each fits one feature with an intercept and returns a :class:`Line`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import losses, regression
from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, as_float_array, check_int

__all__ = [
    "THEIL_SEN_BREAKDOWN",
    "Line",
    "least_trimmed_squares",
    "pinball",
    "quantile_fit",
    "theil_sen",
]

#: The asymptotic breakdown point of the Theil-Sen slope, :math:`1 - 1/\sqrt2`.
THEIL_SEN_BREAKDOWN: Final = 1.0 - 1.0 / math.sqrt(2.0)

# Theil-Sen and least trimmed squares look at every pair of points.
_MAX_N: Final = 2_000
# Concentration steps of least trimmed squares from one start, at most (usually a handful).
_C_STEPS: Final = 50


@dataclass(frozen=True)
class Line:
    r"""A fitted line :math:`\hat y = b + a\,x`.

    Attributes
    ----------
    method : str
        ``"theil_sen"``, ``"lts"`` or ``"quantile"``.
    intercept : float
        :math:`b`, in units of ``y``.
    slope : float
        :math:`a`, in units of ``y`` per unit of ``x``.
    """

    method: str
    intercept: float
    slope: float

    def predict(self, x: ArrayLike) -> FloatArray:
        r"""Return :math:`b + a\,x` for new inputs ``x``."""
        inputs = as_float_array(x, "x", empty=True)
        prediction: FloatArray = self.intercept + self.slope * inputs
        return prediction


def _as_line_data(
    x: ArrayLike, y: ArrayLike, *, most: int | None = _MAX_N
) -> tuple[FloatArray, FloatArray]:
    """Return ``x`` and ``y`` as finite 1-D float arrays of one length, 2 to ``most`` points."""
    inputs = as_float_array(x, "x")
    targets = as_float_array(y, "y")
    for array, name in ((inputs, "x"), (targets, "y")):
        if array.ndim != 1:
            raise ArgumentValueError(
                name, f"{name} must have shape (n,), one value per point, got shape {array.shape}"
            )
    if inputs.size != targets.size:
        raise ArgumentValueError(
            "y", f"x and y must have one value per point, got {inputs.size} and {targets.size}"
        )
    if most is None and inputs.size < 2:
        raise ArgumentValueError("x", f"x must hold at least 2 points, got {inputs.size}")
    if most is not None and not 2 <= inputs.size <= most:
        raise ArgumentValueError(
            "x",
            f"x must hold between 2 and {most:,} points (every pair is used), got {inputs.size}",
        )
    if np.all(inputs == inputs[0]):  # not np.ptp: max - min can overflow
        raise ArgumentValueError(
            "x", f"x must hold at least two different values to fix a slope, got only {inputs[0]!r}"
        )
    return inputs, targets


def _exponent(*arrays: FloatArray) -> int:
    """The ``e`` with every value below ``2**e`` in size: dividing by ``2**e`` is exact."""
    largest = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrays)
    return math.frexp(largest)[1] if largest > 0.0 else 0


def _scaled(inputs: FloatArray, targets: FloatArray) -> tuple[FloatArray, FloatArray, int, int]:
    """``x`` and ``y`` divided by powers of two (exact) to below 1 in size, and the exponents.

    The estimators are equivariant: fitted to these, nothing overflows whatever the units.
    """
    ex, ey = _exponent(inputs), _exponent(targets)
    return np.ldexp(inputs, -ex), np.ldexp(targets, -ey), ex, ey


def _unscaled(method: str, intercept: float, slope: float, ex: int, ey: int) -> Line:
    """The line fitted to scaled data, in the units of the data; an error if beyond float64."""
    try:
        if not (math.isfinite(intercept) and math.isfinite(slope)):
            raise OverflowError
        b, a = math.ldexp(intercept, ey), math.ldexp(slope, ey - ex)
    except OverflowError:
        raise ArgumentValueError(
            "y",
            "the line through these x and y is beyond float64 (about 1.8e308): rescale x or y",
        ) from None
    return Line(method, b, a)


def theil_sen(x: ArrayLike, y: ArrayLike) -> Line:
    r"""Return the Theil-Sen line: the median of the slopes through every pair of points.

    .. math::

        a = \operatorname{median}_{i < j,\ x_i \ne x_j} \frac{y_j - y_i}{x_j - x_i},
        \qquad b = \operatorname{median}_i\,(y_i - a\,x_i)

    The median ignores how far the slopes through moved points move: the line stays bounded
    until half the pairs hold a moved point, :data:`THEIL_SEN_BREAKDOWN` of the points (Theil
    1950, Sen 1968). Pairs with equal :math:`x` are left out. (scikit-learn's
    ``TheilSenRegressor`` takes a spatial median instead, a different line.)

    Parameters
    ----------
    x, y : array_like
        Inputs and targets, shape ``(n,)``, finite, 2 to 2,000 points; ``x`` not constant.

    Returns
    -------
    Line
        ``method="theil_sen"``, the intercept and the slope.

    Examples
    --------
    Four points on :math:`y = 1 + 2x` and one far off, at the right edge: the line ignores it.

    >>> theil_sen([0.0, 1.0, 2.0, 3.0, 10.0], [1.0, 3.0, 5.0, 7.0, -50.0])
    Line(method='theil_sen', intercept=1.0, slope=2.0)
    """
    inputs, targets, ex, ey = _scaled(*_as_line_data(x, y))
    first, second = np.triu_indices(inputs.size, k=1)
    run = inputs[second] - inputs[first]
    keep = run != 0.0
    with np.errstate(all="ignore"):
        slopes = (targets[second] - targets[first])[keep] / run[keep]
        slope = float(np.median(slopes))
        intercept = float(np.median(targets - slope * inputs))
    return _unscaled("theil_sen", intercept, slope, ex, ey)


def least_trimmed_squares(x: ArrayLike, y: ArrayLike, *, h: int | None = None) -> Line:
    r"""Return the least-trimmed-squares line: least squares on the :math:`h` best-fitted points.

    .. math::

        \min_{b,\,a}\ \sum_{k=1}^{h} r_{(k)}^2, \qquad r_i = y_i - b - a\,x_i,

    where :math:`r_{(1)}^2 \le r_{(2)}^2 \le \dots` are the squared residuals in increasing
    order (Rousseeuw 1984): with the default :math:`h = \lfloor (n + 3)/2 \rfloor` the
    breakdown point is about 50%. The search starts from the line through every pair of points
    and improves each by concentration steps (least squares on the :math:`h` best-fitted points
    until they stop changing: FAST-LTS), then keeps the best; deterministic.

    Parameters
    ----------
    x, y : array_like
        Inputs and targets, shape ``(n,)``, finite, 2 to 2,000 points; ``x`` not constant.
    h : int, optional
        How many points the line fits, from 2 to ``n`` (``n`` gives least squares).

    Returns
    -------
    Line
        ``method="lts"``, the intercept and the slope.

    Examples
    --------
    >>> fit = least_trimmed_squares([0.0, 1.0, 2.0, 3.0, 4.0, 10.0],
    ...                             [1.0, 3.0, 5.0, 7.0, 9.0, -50.0])
    >>> round(fit.intercept, 9), round(fit.slope, 9)
    (1.0, 2.0)
    """
    inputs, targets, ex, ey = _scaled(*_as_line_data(x, y))
    n = inputs.size
    size = (n + 3) // 2 if h is None else check_int(h, "h", low=2, high=n)
    size = min(size, n)
    first, second = np.triu_indices(n, k=1)
    run = inputs[second] - inputs[first]
    keep = run != 0.0
    best = (math.inf, 0.0, 0.0)
    tried: set[bytes] = set()
    with np.errstate(all="ignore"):
        slopes = (targets[second] - targets[first])[keep] / run[keep]
        intercepts = targets[first][keep] - slopes * inputs[first][keep]
        for b0, a0 in zip(intercepts, slopes, strict=True):
            subset = _smallest(targets - b0 - a0 * inputs, size)
            for _ in range(_C_STEPS):
                key = subset.tobytes()
                if key in tried:
                    break
                tried.add(key)
                b, a = _least_squares(inputs[subset], targets[subset])
                objective = float(np.sum(np.sort((targets - b - a * inputs) ** 2)[:size]))
                if objective < best[0]:
                    best = (objective, b, a)
                subset = _smallest(targets - b - a * inputs, size)
    return _unscaled("lts", best[1], best[2], ex, ey)


def _smallest(residual: FloatArray, size: int) -> np.ndarray:
    """The indices of the ``size`` smallest absolute residuals, sorted (a subset's key)."""
    return np.sort(np.argsort(np.abs(residual), kind="stable")[:size])


def _least_squares(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Least squares on centred ``x``; a subset whose ``x`` are all equal gets a flat line."""
    xc = x - x.mean()
    spread = float(xc @ xc)
    slope = float(xc @ (y - y.mean())) / spread if spread > 0.0 else 0.0
    return float(y.mean() - slope * x.mean()), slope


def pinball(y_true: ArrayLike, y_pred: ArrayLike, *, quantile: float) -> float:
    r"""Return the total pinball (quantile) loss of predictions (:func:`l1l2.losses.pinball`).

    .. math:: \sum_i \rho_q(y_i - \hat y_i), \qquad
              \rho_q(r) = \max\bigl(q\,r,\ (q - 1)\,r\bigr)

    The constant that minimises it is a :math:`q`-quantile of ``y_true``; :math:`q = 1/2`
    gives half the abs-L1 total. The same as ``losses.pinball(..., reduction="sum")``.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, the same shape, finite.
    quantile : float
        :math:`q`, strictly between 0 and 1.

    Returns
    -------
    float
        The total.

    Examples
    --------
    >>> pinball([1.0, 2.0, 10.0], [2.0, 2.0, 2.0], quantile=0.9)
    7.3
    """
    return losses.pinball(y_true, y_pred, quantile=quantile, reduction="sum")


def quantile_fit(x: ArrayLike, y: ArrayLike, *, quantile: float) -> Line:
    r"""Return the exact regression quantile of one feature, as a :class:`Line`.

    .. math:: \min_{b,\,a}\ \sum_i \rho_q(y_i - b - a\,x_i)

    (:func:`pinball`), fitted by ``l1l2.regression.solve(x, y, loss="quantile",
    quantile=quantile)`` (Koenker and Bassett 1978), which reports in ``Fit.unique`` whether it
    is the only minimiser. With :math:`q = 1/2` it is an abs-L1 line.

    Parameters
    ----------
    x, y : array_like
        Inputs and targets, shape ``(n,)``, finite, at least 2 points; ``x`` not constant.
    quantile : float
        :math:`q`, from 1e-6 to 1 - 1e-6 (nearer 0 or 1, rounding decides the line).

    Returns
    -------
    Line
        ``method="quantile"``, the intercept and the slope.

    Examples
    --------
    >>> x, y = [0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 40.0]
    >>> quantile_fit(x, y, quantile=0.5)
    Line(method='quantile', intercept=0.0, slope=1.0)
    """
    inputs, targets = _as_line_data(x, y, most=None)
    q = losses.check_quantile(quantile)  # here too: None is a bad quantile, not a missing one
    fit = regression.solve(inputs, targets, loss="quantile", quantile=q)
    return Line("quantile", fit.intercept, fit.slope)
