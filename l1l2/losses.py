r"""Regression losses and their gradients with respect to the prediction.

Arguments follow scikit-learn's order, truth first and prediction second; ``reduction`` follows
PyTorch (``"mean"``, ``"sum"`` or ``"none"``). With the residual :math:`r_i = \hat y_i - y_i`:

=========  ============================================  =========================================
name       per-sample loss :math:`\ell(r)`               derivative :math:`\ell'(r)`
=========  ============================================  =========================================
signed     :math:`r`                                     :math:`1`
l1         :math:`|r|`                                   :math:`\operatorname{sign}(r)`
l2         :math:`r^2`                                   :math:`2r`
huber      :math:`\tfrac12 r^2` if :math:`|r|\le\delta`  :math:`\mathrm{clip}(r, -\delta, \delta)`
           else :math:`\delta(|r| - \tfrac12\delta)`
=========  ============================================  =========================================

``"mean"`` divides by the number of values, for the loss and for its gradient alike. The losses
return a Python ``float`` for ``"mean"`` and ``"sum"`` and an array for ``"none"``; the gradients
always return an array shaped like ``y_pred``.

The functions avoid needless temporaries, so a mean or sum is as cheap as the plain NumPy
expression or cheaper at every size: a handful of values is added up in Python floats (NumPy's
per-call overhead is larger than the work), and a large array is processed in cache-sized blocks
through one reused buffer, so the residual never exists in full and the cost is close to one
read of both inputs.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2._validation import (
    Reduction,
    as_float_array,
    check_finite,
    check_reduction,
    check_same_shape,
    check_scalar,
)

__all__ = [
    "LOSSES",
    "LOSS_NAMES",
    "Loss",
    "get",
    "huber",
    "huber_grad",
    "l1",
    "l1_grad",
    "l2",
    "l2_grad",
    "signed",
    "signed_grad",
]

LossName = Literal["signed", "l1", "l2", "huber"]
LOSS_NAMES: Final[tuple[LossName, ...]] = ("signed", "l1", "l2", "huber")


@dataclass(frozen=True)
class Loss:
    """What the package knows of one loss: its name and the label the book gives it."""

    name: LossName
    label: str


#: Every loss by name, the one place where its label is written.
LOSSES: Final[dict[LossName, Loss]] = {
    "signed": Loss("signed", "signed L1"),
    "l1": Loss("l1", "abs L1"),
    "l2": Loss("l2", "L2"),
    "huber": Loss("huber", "Huber"),
}

FloatArray = NDArray[np.float64]

# Up to this many values, a mean or sum is computed on Python floats: a NumPy call costs about a
# microsecond whatever its size, more than the arithmetic on a few floats.
_SMALL: Final = 8
# Above this many values, a mean or sum is computed block by block in one buffer of this many
# float64 values (512 KiB: it stays in cache, and a block is long enough that the Python work
# per block costs little; on 10^7 values 65,536 beat 16,384 and 32,768 and tied 131,072).
_BLOCK: Final = 65_536
# Dot products run on at most this many values per call. OpenBLAS (which NumPy's wheels ship)
# splits a longer dot product over several threads; on a busy machine they wait for each other,
# and one call can take a hundred times longer than on one thread.
_DOT: Final = 8_192


# ---------------------------------------------------------------------------------------------
# Shared plumbing: validate once, compute the residual once, check finiteness on the cheap path.
# ---------------------------------------------------------------------------------------------


def _prepare(
    y_true: ArrayLike, y_pred: ArrayLike, reduction: object
) -> tuple[FloatArray, FloatArray, Reduction]:
    truth = as_float_array(y_true, "y_true", finite=False)
    pred = as_float_array(y_pred, "y_pred", finite=False)
    check_same_shape(truth, pred, ("y_true", "y_pred"))
    return truth, pred, check_reduction(reduction)


def _explain_nonfinite(truth: FloatArray, pred: FloatArray) -> None:
    """Raise the error that names the argument holding NaN or inf (if either does)."""
    check_finite(truth, "y_true")
    check_finite(pred, "y_pred")


def _finite_or_explain(value: float, truth: FloatArray, pred: FloatArray) -> float:
    # A finite total proves finite inputs; only a non-finite one pays for the detailed check.
    if not math.isfinite(value):
        _explain_nonfinite(truth, pred)
    return value


def _residual(truth: FloatArray, pred: FloatArray) -> FloatArray:
    """Return ``pred - truth`` as a fresh array, after checking both inputs are finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        residual = np.subtract(pred, truth)
        total = np.add.reduce(residual, axis=None)
    if not np.isfinite(total):
        _explain_nonfinite(truth, pred)
    return residual


def _reduce_array(values: FloatArray, reduction: Reduction) -> FloatArray:
    """Apply ``reduction`` to a per-sample gradient array, in place."""
    if reduction == "mean":
        values /= values.size
    return values


def _flat(a: FloatArray) -> FloatArray:
    return a.reshape(-1)


def _floats(truth: FloatArray, pred: FloatArray) -> tuple[list[float], list[float]]:
    """Return both inputs as flat lists of Python floats (for the few-values path)."""
    return truth.ravel().tolist(), pred.ravel().tolist()


def _blocks(truth: FloatArray, pred: FloatArray) -> Iterator[FloatArray]:
    """Yield ``pred - truth`` block by block, each written into the same reused buffer.

    Call it under ``np.errstate(over="ignore", invalid="ignore")``, and use each block before
    asking for the next.
    """
    t, p = _flat(truth), _flat(pred)
    size = p.size
    buffer = np.empty(min(size, _BLOCK))
    for start in range(0, size, _BLOCK):
        stop = min(start + _BLOCK, size)
        block = buffer[: stop - start]
        np.subtract(p[start:stop], t[start:stop], out=block)
        yield block


def _dot(a: FloatArray, b: FloatArray) -> float:
    """Return the dot product of two flat arrays, in single-threaded pieces of ``_DOT`` values."""
    size = a.size
    if size <= _DOT:
        return float(np.dot(a, b))
    total = 0.0
    for start in range(0, size, _DOT):
        total += float(np.dot(a[start : start + _DOT], b[start : start + _DOT]))
    return total


def _sum_huber(residual: FloatArray, clipped: FloatArray, delta: float) -> float:
    """Return the Huber total of ``residual``, using ``clipped`` (same size) as scratch space.

    With c = clip(r, -delta, delta) and m = min(|r|, delta), c * r = m * |r| and c * c = m * m
    exactly, so the total of m * (|r| - m / 2) is two dot products and needs no absolute value.
    """
    np.clip(residual, -delta, delta, out=clipped)
    total = 0.0
    for start in range(0, residual.size, _DOT):  # see _dot: single-threaded pieces
        c, r = clipped[start : start + _DOT], residual[start : start + _DOT]
        total += float(np.dot(c, r)) - 0.5 * float(np.dot(c, c))
    return total


def _sum_huber_blocks(truth: FloatArray, pred: FloatArray, delta: float) -> float:
    """Return the Huber total of ``pred - truth`` block by block, as :func:`_sum_huber` does.

    The hottest loop of the module, so the views of each block's dot-product pieces are made
    once, not per block. Call it under ``np.errstate(over="ignore", invalid="ignore")``.
    """
    t, p = _flat(truth), _flat(pred)
    size = p.size
    residual, clipped = np.empty(_BLOCK), np.empty(_BLOCK)
    pieces = [(clipped[i : i + _DOT], residual[i : i + _DOT]) for i in range(0, _BLOCK, _DOT)]
    total = 0.0
    whole = size - size % _BLOCK
    for start in range(0, whole, _BLOCK):
        np.subtract(p[start : start + _BLOCK], t[start : start + _BLOCK], out=residual)
        np.clip(residual, -delta, delta, out=clipped)
        for c, r in pieces:
            total += float(np.dot(c, r)) - 0.5 * float(np.dot(c, c))
    if whole < size:
        rest = size - whole
        np.subtract(p[whole:], t[whole:], out=residual[:rest])
        total += _sum_huber(residual[:rest], clipped[:rest], delta)
    return total


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------


@overload
def signed(
    y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["mean", "sum"] = ...
) -> float: ...
@overload
def signed(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def signed(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""Signed error: the residual without an absolute value, the "L1" whose descent runs away.

    .. math:: L = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)

    It is not a distance: over-predictions cancel under-predictions, and making every prediction
    smaller always makes it smaller, without bound.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        Average over all values, add them up, or return one value per sample.

    Returns
    -------
    float or numpy.ndarray
        The reduced loss, or the per-sample residuals for ``"none"``.

    Examples
    --------
    >>> signed([100, 100, 100], [90, 95, 105])
    -3.3333333333333335
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    # Sum the residuals, not sum(pred) - sum(truth): the difference of two large sums cancels
    # catastrophically (and overflows to NaN) when the predictions are close to large targets.
    size = pred.size
    if how != "none" and size <= _SMALL:
        t, p = _floats(truth, pred)
        total = sum(map(operator.sub, p, t), 0.0)
    elif how != "none" and size > _BLOCK:
        with np.errstate(over="ignore", invalid="ignore"):
            total = sum((float(np.add.reduce(block)) for block in _blocks(truth, pred)), 0.0)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            residual = np.subtract(pred, truth)
            total = float(np.add.reduce(residual, axis=None))
        if how == "none":
            _finite_or_explain(total, truth, pred)
            return residual
    _finite_or_explain(total, truth, pred)
    return total / size if how == "mean" else total


@overload
def l1(
    y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["mean", "sum"] = ...
) -> float: ...
@overload
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L1 loss, the mean absolute error (MAE) for ``reduction="mean"``.

    .. math:: L_1 = \frac{1}{n}\sum_{i=1}^{n} \lvert y_i - \hat y_i \rvert

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        Average over all values, add them up, or return one value per sample.

    Returns
    -------
    float or numpy.ndarray
        The reduced loss, or the per-sample absolute errors for ``"none"``.

    Examples
    --------
    >>> round(l1([100, 100, 100], [90, 95, 105]), 2)
    6.67
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    size = pred.size
    if how != "none" and size <= _SMALL:
        t, p = _floats(truth, pred)
        total = sum(map(abs, map(operator.sub, p, t)), 0.0)
    elif how != "none" and size > _BLOCK:
        with np.errstate(over="ignore", invalid="ignore"):
            total = 0.0
            for block in _blocks(truth, pred):
                np.abs(block, out=block)
                total += float(np.add.reduce(block))
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            residual = np.subtract(pred, truth)
            np.abs(residual, out=residual)
            total = float(np.add.reduce(residual, axis=None))
        if how == "none":
            _finite_or_explain(total, truth, pred)
            return residual
    _finite_or_explain(total, truth, pred)
    return total / size if how == "mean" else total


@overload
def l2(
    y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["mean", "sum"] = ...
) -> float: ...
@overload
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L2 loss, the mean squared error (MSE) for ``reduction="mean"``; no factor one half.

    .. math:: L_2 = \frac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        Average over all values, add them up, or return one value per sample.

    Returns
    -------
    float or numpy.ndarray
        The reduced loss, or the per-sample squared errors for ``"none"``.

    Examples
    --------
    >>> l2([100, 100, 100], [90, 95, 105])
    50.0
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    size = pred.size
    if how != "none" and size <= _SMALL:
        t, p = _floats(truth, pred)
        residuals = list(map(operator.sub, p, t))
        total = sum(map(operator.mul, residuals, residuals), 0.0)
    elif how != "none" and size > _BLOCK:
        with np.errstate(over="ignore", invalid="ignore"):
            total = sum((_dot(block, block) for block in _blocks(truth, pred)), 0.0)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            residual = np.subtract(pred, truth)
            if how == "none":
                np.square(residual, out=residual)
                _finite_or_explain(float(np.add.reduce(residual, axis=None)), truth, pred)
                return residual
            flat = _flat(residual)
            total = _dot(flat, flat)  # one fused pass, no squared temporary
    _finite_or_explain(total, truth, pred)
    return total / size if how == "mean" else total


@overload
def huber(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    delta: float = ...,
    reduction: Literal["mean", "sum"] = ...,
) -> float: ...
@overload
def huber(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = ..., reduction: Literal["none"]
) -> FloatArray: ...
def huber(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean"
) -> float | FloatArray:
    r"""Huber loss: quadratic for small residuals, linear beyond ``delta``.

    .. math::

        \ell_\delta(r) =
        \begin{cases}
            \tfrac12 r^2 & \lvert r\rvert \le \delta \\
            \delta\,(\lvert r\rvert - \tfrac12\delta) & \lvert r\rvert > \delta
        \end{cases}
        \qquad L = \frac{1}{n}\sum_{i=1}^{n} \ell_\delta(\hat y_i - y_i)

    With :math:`m = \min(\lvert r\rvert, \delta)` both branches are :math:`m(\lvert r\rvert -
    \tfrac12 m)`, which is how it is computed.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    delta : float
        Where the quadratic part turns linear; a finite number > 0.
    reduction : {"mean", "sum", "none"}
        Average over all values, add them up, or return one value per sample.

    Returns
    -------
    float or numpy.ndarray
        The reduced loss, or the per-sample losses for ``"none"``.

    Examples
    --------
    >>> huber([0.0, 0.0], [0.5, 3.0], delta=1.0, reduction="none")
    array([0.125, 2.5  ])
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    size = pred.size
    if how != "none" and size <= _SMALL:
        t, p = _floats(truth, pred)
        total = 0.0
        for a in map(abs, map(operator.sub, p, t)):
            m = a if a < d else d
            total += m * (a - 0.5 * m)
    elif how != "none" and size > _BLOCK:
        with np.errstate(over="ignore", invalid="ignore"):
            total = _sum_huber_blocks(truth, pred, d)
    elif how != "none":
        with np.errstate(over="ignore", invalid="ignore"):
            residual = _flat(np.subtract(pred, truth))
            total = _sum_huber(residual, np.empty_like(residual), d)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            absolute = np.subtract(pred, truth)
            np.abs(absolute, out=absolute)
            clipped = np.minimum(absolute, d)
            clipped *= -0.5
            absolute += clipped  # |r| - m/2
            clipped *= -2.0
            absolute *= clipped  # m (|r| - m/2)
            _finite_or_explain(float(np.add.reduce(absolute, axis=None)), truth, pred)
            return absolute
    _finite_or_explain(total, truth, pred)
    return total / size if how == "mean" else total


# ---------------------------------------------------------------------------------------------
# Gradients with respect to y_pred
# ---------------------------------------------------------------------------------------------


def signed_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of :func:`signed` with respect to ``y_pred``: a constant.

    .. math:: \frac{\partial L}{\partial \hat y_i} = \frac{1}{n}

    (1 for ``"sum"`` and ``"none"``). It never shrinks, whatever the predictions: descent on the
    signed loss never stops.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        The reduction of the loss being differentiated.

    Returns
    -------
    numpy.ndarray
        One value per element of ``y_pred``.

    Examples
    --------
    >>> signed_grad([1.0, 1.0], [3.0, -3.0], reduction="sum")
    array([1., 1.])
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    _residual(truth, pred)
    return _reduce_array(np.ones_like(pred), how)


def l1_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of :func:`l1` with respect to ``y_pred``: the sign of the residual.

    .. math::

        \frac{\partial L_1}{\partial \hat y_i} = \frac{1}{n}\operatorname{sign}(\hat y_i - y_i)

    with :math:`\operatorname{sign}(0) = 0`. Its size is the same however close the prediction is.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        The reduction of the loss being differentiated.

    Returns
    -------
    numpy.ndarray
        One value per element of ``y_pred``.

    Examples
    --------
    >>> l1_grad([1.0, 1.0, 1.0], [3.0, 1.0, 0.5], reduction="sum")
    array([ 1.,  0., -1.])
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    residual = _residual(truth, pred)
    np.sign(residual, out=residual)
    return _reduce_array(residual, how)


def l2_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of :func:`l2` with respect to ``y_pred``: twice the residual.

    .. math:: \frac{\partial L_2}{\partial \hat y_i} = \frac{2}{n}(\hat y_i - y_i)

    It shrinks to zero as the prediction nears the target.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    reduction : {"mean", "sum", "none"}
        The reduction of the loss being differentiated.

    Returns
    -------
    numpy.ndarray
        One value per element of ``y_pred``.

    Examples
    --------
    >>> l2_grad([1.0, 1.0], [3.0, 0.5], reduction="sum")
    array([ 4., -1.])
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    residual = _residual(truth, pred)
    residual *= 2.0
    return _reduce_array(residual, how)


def huber_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean"
) -> FloatArray:
    r"""Gradient of :func:`huber` with respect to ``y_pred``: the residual, clipped at ``delta``.

    .. math:: \frac{\partial L}{\partial \hat y_i} = \frac{1}{n}\operatorname{clip}(\hat y_i - y_i,
        -\delta, \delta)

    Like L2 near the target, like L1 (scaled by ``delta``) far from it.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of one shape.
    delta : float
        Where the quadratic part turns linear; a finite number > 0.
    reduction : {"mean", "sum", "none"}
        The reduction of the loss being differentiated.

    Returns
    -------
    numpy.ndarray
        One value per element of ``y_pred``.

    Examples
    --------
    >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -3.0], delta=1.0, reduction="sum")
    array([ 0.5,  1. , -1. ])
    """
    truth, pred, how = _prepare(y_true, y_pred, reduction)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    residual = _residual(truth, pred)
    np.clip(residual, -d, d, out=residual)
    return _reduce_array(residual, how)


# ---------------------------------------------------------------------------------------------
# Element-wise kernels on the residual, for the descent loop (no validation: callers check once)
# ---------------------------------------------------------------------------------------------

Kernel = Callable[[FloatArray, float], FloatArray]


def _value_signed(r: FloatArray, delta: float) -> FloatArray:
    return r


def _deriv_signed(r: FloatArray, delta: float) -> FloatArray:
    return np.ones_like(r)


def _value_l1(r: FloatArray, delta: float) -> FloatArray:
    return np.abs(r)


def _deriv_l1(r: FloatArray, delta: float) -> FloatArray:
    return np.sign(r)


def _value_l2(r: FloatArray, delta: float) -> FloatArray:
    return np.square(r)


def _deriv_l2(r: FloatArray, delta: float) -> FloatArray:
    return 2.0 * r


def _value_huber(r: FloatArray, delta: float) -> FloatArray:
    a = np.abs(r)
    m = np.minimum(a, delta)
    return m * (a - 0.5 * m)


def _deriv_huber(r: FloatArray, delta: float) -> FloatArray:
    return np.clip(r, -delta, delta)


KERNELS: Final[dict[str, tuple[Kernel, Kernel]]] = {
    "signed": (_value_signed, _deriv_signed),
    "l1": (_value_l1, _deriv_l1),
    "l2": (_value_l2, _deriv_l2),
    "huber": (_value_huber, _deriv_huber),
}

LossFn = Callable[..., "float | FloatArray"]
GradFn = Callable[..., FloatArray]

_PUBLIC: Final[dict[str, tuple[LossFn, GradFn]]] = {
    "signed": (signed, signed_grad),
    "l1": (l1, l1_grad),
    "l2": (l2, l2_grad),
    "huber": (huber, huber_grad),
}


def get(name: str) -> tuple[LossFn, GradFn]:
    """Return the ``(loss, gradient)`` pair called ``name``.

    Parameters
    ----------
    name : {"signed", "l1", "l2", "huber"}
        The loss's name.

    Returns
    -------
    tuple of callables
        The loss function and its gradient with respect to ``y_pred``.

    Examples
    --------
    >>> loss, grad = get("l2")
    >>> loss([0.0], [3.0])
    9.0
    """
    try:
        return _PUBLIC[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"loss must be one of {', '.join(map(repr, LOSS_NAMES))}, got {name!r}"
        ) from None
