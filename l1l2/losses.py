r"""Regression losses and their gradients with respect to the prediction.

Every loss takes the targets ``y_true`` and the predictions ``y_pred`` (array_like, of one
shape), in scikit-learn's order, and ``reduction`` as PyTorch has it: ``"mean"`` (the default)
or ``"sum"`` over all values, each a ``float``, or ``"none"``, an array of one value per sample.
The gradient of each loss (``l1_grad`` of ``l1``) takes the same arguments and returns an array
shaped like ``y_pred``, divided by the number of values for ``"mean"``. With the residual
:math:`r_i = \hat y_i - y_i`:

========  ============================================  =========================================
name      per-sample loss :math:`\ell(r)`               derivative :math:`\ell'(r)`
========  ============================================  =========================================
signed    :math:`r`                                     :math:`1`
l1        :math:`|r|`                                   :math:`\operatorname{sign}(r)`
l2        :math:`r^2`                                   :math:`2r`
huber     :math:`\tfrac12 r^2` if :math:`|r|\le\delta`  :math:`\mathrm{clip}(r, -\delta, \delta)`
          else :math:`\delta(|r| - \tfrac12\delta)`
quantile  :math:`\max\bigl((1 - q)\,r,\ -q\,r\bigr)`    :math:`1 - q` if :math:`r > 0`,
                                                        :math:`-q` if :math:`r < 0`, 0 at 0
========  ============================================  =========================================

Each loss is written once, as a :class:`Loss` record in :data:`LOSSES`, and every function of
the package takes what it needs from that record. The formulas work in place
(``np.abs(r, out=r)``) so that a private engine can apply them block by block in cache-sized
buffers, without full-size temporaries.
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
    ArgumentValueError,
    as_float_array,
    check_choice,
    check_reduction,
    check_same_shape,
    check_scalar,
)
from l1l2.vocabulary import AnyLossName, LossName

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
    "pinball",
    "pinball_grad",
    "signed",
    "signed_grad",
]

#: The losses of descent and of the one-weight chapters (:data:`l1l2.vocabulary.LOSS_NAMES`);
#: :data:`LOSSES` also holds the pinball loss, which only :func:`l1l2.regression.solve` fits.
LOSS_NAMES: Final = vocabulary.LOSS_NAMES

#: ``settle(x, y, delta)``: the weight minimising the total loss of each row of ``y``.
Settle = Callable[[FloatArray, FloatArray, float], FloatArray]

# The reductions to one number, for the overloads that return a float.
_MeanOrSum = Literal["mean", "sum"]


@dataclass(frozen=True)
class Loss:
    r"""Everything the package knows of one loss, written once.

    Attributes
    ----------
    name, label : str
        Its key in :data:`LOSSES`, and the name the book gives it in legends and tables.
    value, derivative : collections.abc.Callable
        :math:`\ell(r)` and :math:`\ell'(r)` as ``formula(r, parameter, spare) -> r``, computed
        in place on ``r`` with ``spare`` as scratch space (``parameter``: ``delta`` or ``q``).
    degree : int
        :math:`k` in :math:`\ell_{s\delta}(s r) = s^k \ell_\delta(r)` for :math:`s > 0`, so that
        a mean whose sum overflows float64 can be computed on scaled inputs.
    uses_delta, uses_quantile : bool
        Whether the loss takes Huber's ``delta`` or the pinball loss's ``quantile``.
    settles : str or None
        Where a constant model settles under this loss, in words (``None``: it never settles).
    settle : collections.abc.Callable or None
        ``settle(x, y, delta)``: the weight minimising :math:`\sum_i \ell(w x_i - y_i)` for each
        row of ``y``; ``None`` for the signed loss (no minimum) and the pinball loss (no descent).
    """

    name: AnyLossName
    label: str
    value: Formula
    derivative: Formula
    degree: int
    uses_delta: bool
    settles: str | None
    settle: Settle | None
    uses_quantile: bool = False


# The per-sample formulas, in place on the residual r (see Loss.value and Loss.derivative).


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


def _pinball_value(r: FloatArray, q: float, spare: FloatArray) -> FloatArray:
    np.multiply(r, -q, out=spare)  # -q r: a prediction below the target
    r *= 1.0 - q  # (1 - q) r: above it
    return np.maximum(spare, r, out=r)  # max((1 - q) r, -q r); +0.0 on the target


def _pinball_derivative(r: FloatArray, q: float, spare: FloatArray) -> FloatArray:
    np.greater(r, 0.0, out=spare)  # 1 above the target
    np.less(r, 0.0, out=r)  # 1 below it
    spare *= 1.0 - q
    r *= -q
    r += spare  # 1 - q above, -q below, 0 on it
    return r


def _loss(
    name: AnyLossName, value: Formula, derivative: Formula, degree: int, settle: Settle | None
) -> Loss:
    """Return the record of the loss ``name``: its formulas here, its words from the vocabulary."""
    row = vocabulary.LOSSES[name]
    return Loss(
        name, row.label, value, derivative, degree, "delta" in row.parameters,
        row.settles or None, settle, "quantile" in row.parameters,
    )  # fmt: skip


#: Every loss by name, with its formulas (written above) next to its row of the vocabulary.
LOSSES: Final[dict[str, Loss]] = {
    "signed": _loss("signed", _signed_value, _signed_derivative, 1, None),
    "l1": _loss("l1", _l1_value, _l1_derivative, 1, _engine.settle_l1),
    "l2": _loss("l2", _l2_value, _l2_derivative, 2, _engine.settle_l2),
    "huber": _loss("huber", _huber_value, _huber_derivative, 2, _engine.settle_huber),
    "quantile": _loss("quantile", _pinball_value, _pinball_derivative, 1, None),
}


def check_quantile(quantile: object) -> float:
    """Return ``quantile`` as a float strictly between 0 and 1, or raise: one check, one message."""
    q = check_scalar(quantile, "quantile")
    if not 0.0 < q < 1.0:
        raise ArgumentValueError(
            "quantile",
            f"quantile must be strictly between 0 and 1 (the fraction of the data below the "
            f"fit), got {q!r}",
        )
    return q


def _bound(formula: Formula, parameter: float) -> Formula:
    """Return ``formula`` with its parameter fixed, ignoring the ``delta`` the engine passes."""

    def bound(r: FloatArray, _delta: float, spare: FloatArray) -> FloatArray:
        return formula(r, parameter, spare)

    return bound


def _evaluate(
    name: AnyLossName,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    reduction: object,
    delta: object = 1.0,
    quantile: object = None,
    gradient: bool = False,
) -> float | FloatArray:
    """Check the arguments, then apply the formula of the loss ``name`` (or its derivative)."""
    loss = LOSSES[name]
    truth = as_float_array(y_true, "y_true", finite=False)
    pred = as_float_array(y_pred, "y_pred", finite=False)
    check_same_shape(truth, pred, ("y_true", "y_pred"))
    how = check_reduction(reduction)
    d = check_scalar(delta, "delta", low=0.0, low_open=True) if loss.uses_delta else 1.0
    value, derivative = loss.value, loss.derivative
    if loss.uses_quantile:
        # The quantile is not a scale: the engine may rescale delta, so it never sees q.
        q = check_quantile(quantile)
        value, derivative = _bound(value, q), _bound(derivative, q)
    if gradient:
        divide_by = pred.size if how == "mean" else 1
        return _engine.per_sample(
            truth, pred, derivative, delta=d, degree=loss.degree - 1, divide_by=divide_by
        )
    return _engine.reduce(truth, pred, value, delta=d, degree=loss.degree, reduction=how)


@overload
def signed(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: _MeanOrSum = ...) -> float: ...
@overload
def signed(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def signed(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""Signed error: the residual without an absolute value, the "L1" whose descent runs away.

    .. math:: L = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)

    It is not a distance: over-predictions cancel under-predictions, and making every prediction
    smaller always makes it smaller, without bound.

    Examples
    --------
    >>> signed([100, 100, 100], [90, 95, 105])
    -3.3333333333333335
    """
    return _evaluate("signed", y_true, y_pred, reduction=reduction)


@overload
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: _MeanOrSum = ...) -> float: ...
@overload
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l1(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L1 loss: mean(abs(y_pred - y_true)), the mean absolute error (MAE).

    .. math:: L_1 = \frac{1}{n}\sum_{i=1}^{n} \lvert y_i - \hat y_i \rvert

    Examples
    --------
    >>> round(l1([100, 100, 100], [90, 95, 105]), 2)
    6.67
    """
    return _evaluate("l1", y_true, y_pred, reduction=reduction)


@overload
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: _MeanOrSum = ...) -> float: ...
@overload
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: Literal["none"]) -> FloatArray: ...
def l2(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | FloatArray:
    r"""L2 loss: mean((y_pred - y_true)²), the mean squared error (MSE), no factor one half.

    .. math:: L_2 = \frac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2

    Examples
    --------
    >>> l2([100, 100, 100], [90, 95, 105])
    50.0
    """
    return _evaluate("l2", y_true, y_pred, reduction=reduction)


@overload
def huber(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = ..., reduction: _MeanOrSum = ...
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

    Parameters
    ----------
    delta : float
        Where the quadratic part turns linear; a finite number > 0.

    Examples
    --------
    >>> huber([0.0, 0.0], [0.5, 3.0], delta=1.0, reduction="none")
    array([0.125, 2.5  ])
    """
    return _evaluate("huber", y_true, y_pred, reduction=reduction, delta=delta)


@overload
def pinball(
    y_true: ArrayLike, y_pred: ArrayLike, *, quantile: float, reduction: _MeanOrSum = ...
) -> float: ...
@overload
def pinball(
    y_true: ArrayLike, y_pred: ArrayLike, *, quantile: float, reduction: Literal["none"]
) -> FloatArray: ...
def pinball(
    y_true: ArrayLike, y_pred: ArrayLike, *, quantile: float, reduction: str = "mean"
) -> float | FloatArray:
    r"""Pinball (quantile) loss: abs L1 tilted, so that its minimiser is a quantile.

    .. math::

        \ell_q(r) = \max\bigl((1 - q)\,r,\ -q\,r\bigr), \quad r = \hat y - y,
        \qquad L = \frac{1}{n}\sum_{i=1}^{n} \ell_q(\hat y_i - y_i)

    A prediction above the target costs :math:`1 - q` per unit, one below it :math:`q`: the
    constant that minimises the total is a :math:`q`-quantile of ``y_true``, and
    :math:`q = 1/2` gives half of abs L1. Chapter 10 writes it :math:`\rho_q(y - \hat y)` with
    :math:`\rho_q(u) = \max(q\,u,\ (q - 1)\,u)`. Only :func:`l1l2.regression.solve` fits it.

    Parameters
    ----------
    quantile : float
        :math:`q`, strictly between 0 and 1; there is no default.

    Examples
    --------
    Targets 1, 2 and 10, each predicted as 2: at q = 0.9 the miss of 8 below costs 0.9 per unit.

    >>> pinball([1.0, 2.0, 10.0], [2.0, 2.0, 2.0], quantile=0.9, reduction="none")
    array([0.1, 0. , 7.2])
    >>> pinball([1.0, 2.0, 10.0], [2.0, 2.0, 2.0], quantile=0.9, reduction="sum")
    7.3
    """
    return _evaluate("quantile", y_true, y_pred, reduction=reduction, quantile=quantile)


def _gradient(
    name: AnyLossName, y_true: ArrayLike, y_pred: ArrayLike, **options: object
) -> FloatArray:
    result = _evaluate(name, y_true, y_pred, gradient=True, **options)
    assert isinstance(result, np.ndarray)
    return result


def signed_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    """Gradient of the signed loss with respect to y_pred: 1, whatever the predictions.

    It never shrinks, so descent on the signed loss never stops.

    Examples
    --------
    >>> signed_grad([1.0, 1.0], [3.0, -3.0], reduction="sum")
    array([1., 1.])
    """
    return _gradient("signed", y_true, y_pred, reduction=reduction)


def l1_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    """Gradient of the L1 loss with respect to y_pred: the sign of the residual, 0 at 0.

    Its size is the same however close the prediction is.

    Examples
    --------
    >>> l1_grad([1.0, 1.0, 1.0], [3.0, 1.0, 0.5], reduction="sum")
    array([ 1.,  0., -1.])
    """
    return _gradient("l1", y_true, y_pred, reduction=reduction)


def l2_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> FloatArray:
    """Gradient of the L2 loss with respect to y_pred: twice the residual.

    It shrinks to zero as the prediction nears the target.

    Examples
    --------
    >>> l2_grad([1.0, 1.0], [3.0, 0.5], reduction="sum")
    array([ 4., -1.])
    """
    return _gradient("l2", y_true, y_pred, reduction=reduction)


def huber_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean"
) -> FloatArray:
    """Gradient of the Huber loss with respect to y_pred: the residual, clipped at delta.

    Like L2 near the target, like L1 (scaled by ``delta``) far from it.

    Examples
    --------
    >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -3.0], delta=1.0, reduction="sum")
    array([ 0.5,  1. , -1. ])
    """
    return _gradient("huber", y_true, y_pred, reduction=reduction, delta=delta)


def pinball_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, quantile: float, reduction: str = "mean"
) -> FloatArray:
    """Gradient of the pinball loss with respect to y_pred: 1 - q above the target, -q below.

    Zero on the target, as :func:`l1_grad` is; with :math:`q = 1/2` it is half of ``l1_grad``.

    Examples
    --------
    >>> pinball_grad([1.0, 1.0, 1.0], [3.0, 1.0, 0.5], quantile=0.25, reduction="sum")
    array([ 0.75,  0.  , -0.25])
    """
    return _gradient("quantile", y_true, y_pred, reduction=reduction, quantile=quantile)


LossFn = Callable[..., "float | FloatArray"]
GradFn = Callable[..., FloatArray]

_PUBLIC: Final[dict[str, tuple[LossFn, GradFn]]] = {
    "signed": (signed, signed_grad),
    "l1": (l1, l1_grad),
    "l2": (l2, l2_grad),
    "huber": (huber, huber_grad),
    "quantile": (pinball, pinball_grad),
}


def get(name: str) -> tuple[LossFn, GradFn]:
    """Return the (loss, gradient) pair of functions called name.

    Parameters
    ----------
    name : {"signed", "l1", "l2", "huber", "quantile"}
        A key of :data:`LOSSES` (``"quantile"`` gives :func:`pinball` and :func:`pinball_grad`).

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
    return _PUBLIC[check_choice(name, "name", tuple(LOSSES))]
