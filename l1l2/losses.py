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

Each loss is written once, as a :class:`Loss` record in :data:`LOSSES`: its per-sample value and
derivative side by side, and where descent on it settles. Every function of the package takes
what it needs from that record. ``"mean"`` divides by the number of values, for the loss and for
its gradient alike. The losses return a Python ``float`` for ``"mean"`` and ``"sum"`` and an
array for ``"none"``; the gradients always return an array shaped like ``y_pred``.

The formulas are written in place (``np.abs(r, out=r)``), so that a private engine can apply
them to a large array block by block in cache-sized buffers, without full-size temporaries: a
mean or sum costs about one read of both inputs, and is never slower than the plain NumPy
expression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import _engine, vocabulary
from l1l2._engine import Formula
from l1l2._typing import FloatArray
from l1l2._validation import (
    as_float_array,
    check_choice,
    check_reduction,
    check_same_shape,
    check_scalar,
)
from l1l2.vocabulary import LossName

__all__ = [
    "LOSSES",
    "LOSS_NAMES",
    "Loss",
    "LossName",
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

LOSS_NAMES: Final = vocabulary.LOSS_NAMES

#: ``settle(x, y, delta)``: the weight minimising the total loss of each row of ``y``.
Settle = Callable[[FloatArray, FloatArray, float], FloatArray]


@dataclass(frozen=True)
class Loss:
    r"""Everything the package knows of one loss, written once.

    Attributes
    ----------
    name : str
        ``"signed"``, ``"l1"``, ``"l2"`` or ``"huber"``.
    label : str
        The name the book gives it, for legends and tables.
    value, derivative : collections.abc.Callable
        The per-sample loss :math:`\ell(r)` and its derivative :math:`\ell'(r)` in the residual
        :math:`r = \hat y - y`, as ``formula(r, delta, spare) -> r``: computed in place on the
        array ``r``, with ``spare`` (shaped like ``r``) as scratch space.
    degree : int
        Degree of homogeneity: :math:`\ell_{s\delta}(s r) = s^k \ell_\delta(r)` for
        :math:`s > 0` (1 for signed and abs L1, 2 for L2 and Huber). It lets a mean whose sum
        overflows float64 be computed on scaled inputs.
    uses_delta : bool
        Whether the loss has the threshold ``delta`` (Huber only).
    settles : str or None
        Where a constant model settles under this loss, in words (``None``: it never settles).
    settle : collections.abc.Callable or None
        ``settle(x, y, delta)``: the weight :math:`w` minimising :math:`\sum_i \ell(w x_i - y_i)`
        for each row of ``y`` (finite, checked inputs). ``None`` for the signed loss, which
        falls without bound.
    """

    name: LossName
    label: str
    value: Formula
    derivative: Formula
    degree: int
    uses_delta: bool
    settles: str | None
    settle: Settle | None


# ---------------------------------------------------------------------------------------------
# The per-sample formulas, in place on the residual r (see Loss.value and Loss.derivative)
# ---------------------------------------------------------------------------------------------


def _signed_value(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return r  # r


def _signed_derivative(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    r[...] = 1.0  # 1
    return r


def _l1_value(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return np.abs(r, out=r)  # |r|


def _l1_derivative(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return np.sign(r, out=r)  # sign(r), 0 at 0


def _l2_value(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return np.square(r, out=r)  # r^2


def _l2_derivative(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return np.multiply(r, 2.0, out=r)  # 2 r


def _huber_value(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    # Both branches at once: m (|r| - m/2) with m = min(|r|, delta).
    a = np.abs(r, out=r)
    m = np.minimum(a, delta, out=spare)
    m *= -0.5
    a += m  # |r| - m/2
    m *= -2.0
    a *= m  # m (|r| - m/2)
    return a


def _huber_derivative(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
    return np.clip(r, -delta, delta, out=r)  # clip(r, -delta, delta)


def _loss(
    name: LossName, value: Formula, derivative: Formula, degree: int, settle: Settle | None
) -> Loss:
    """Return the record of the loss ``name``: its formulas here, its words from the vocabulary."""
    row = vocabulary.LOSSES[name]
    return Loss(
        name, row.label, value, derivative, degree, "delta" in row.defaults, row.settles or None,
        settle,
    )  # fmt: skip


#: Every loss by name, with its formulas (written above) next to its row of the vocabulary.
LOSSES: Final[dict[LossName, Loss]] = {
    "signed": _loss("signed", _signed_value, _signed_derivative, 1, None),
    "l1": _loss("l1", _l1_value, _l1_derivative, 1, _engine.settle_l1),
    "l2": _loss("l2", _l2_value, _l2_derivative, 2, _engine.settle_l2),
    "huber": _loss("huber", _huber_value, _huber_derivative, 2, _engine.settle_huber),
}


# ---------------------------------------------------------------------------------------------
# The public losses and gradients: check the input, then apply the record's formula
# ---------------------------------------------------------------------------------------------


def _evaluate(
    name: LossName,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    reduction: object,
    delta: object = 1.0,
    gradient: bool = False,
) -> float | FloatArray:
    loss = LOSSES[name]
    truth = as_float_array(y_true, "y_true", finite=False)
    pred = as_float_array(y_pred, "y_pred", finite=False)
    check_same_shape(truth, pred, ("y_true", "y_pred"))
    how = check_reduction(reduction)
    d = check_scalar(delta, "delta", low=0.0, low_open=True) if loss.uses_delta else 1.0
    if gradient:
        return _engine.per_sample(
            truth,
            pred,
            loss.derivative,
            delta=d,
            degree=loss.degree - 1,
            divide_by=pred.size if how == "mean" else 1,
        )
    return _engine.reduce(truth, pred, loss.value, delta=d, degree=loss.degree, reduction=how)


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
    return _evaluate("signed", y_true, y_pred, reduction=reduction)


@overload
def l1(
    y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["mean", "sum"] = ...
) -> float: ...
@overload
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L1 loss: mean(abs(y_pred - y_true)), the mean absolute error (MAE).

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
    return _evaluate("l1", y_true, y_pred, reduction=reduction)


@overload
def l2(
    y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["mean", "sum"] = ...
) -> float: ...
@overload
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L2 loss: mean((y_pred - y_true)²), the mean squared error (MSE), no factor one half.

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
    return _evaluate("l2", y_true, y_pred, reduction=reduction)


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
    r"""Huber loss: quadratic for residuals up to delta, linear beyond.

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
    return _evaluate("huber", y_true, y_pred, reduction=reduction, delta=delta)


def _gradient(
    name: LossName, y_true: ArrayLike, y_pred: ArrayLike, **options: object
) -> FloatArray:
    result = _evaluate(name, y_true, y_pred, gradient=True, **options)
    assert isinstance(result, np.ndarray)
    return result


def signed_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of the signed loss with respect to y_pred: a constant.

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
    return _gradient("signed", y_true, y_pred, reduction=reduction)


def l1_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of the L1 loss with respect to y_pred: the sign of the residual.

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
    return _gradient("l1", y_true, y_pred, reduction=reduction)


def l2_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    r"""Gradient of the L2 loss with respect to y_pred: twice the residual.

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
    return _gradient("l2", y_true, y_pred, reduction=reduction)


def huber_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean"
) -> FloatArray:
    r"""Gradient of the Huber loss with respect to y_pred: the residual, clipped at delta.

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
    return _gradient("huber", y_true, y_pred, reduction=reduction, delta=delta)


LossFn = Callable[..., "float | FloatArray"]
GradFn = Callable[..., FloatArray]

_PUBLIC: Final[dict[str, tuple[LossFn, GradFn]]] = {
    "signed": (signed, signed_grad),
    "l1": (l1, l1_grad),
    "l2": (l2, l2_grad),
    "huber": (huber, huber_grad),
}


def get(name: str) -> tuple[LossFn, GradFn]:
    """Return the (loss, gradient) pair of functions called name.

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
    return _PUBLIC[check_choice(name, "name", LOSS_NAMES)]
