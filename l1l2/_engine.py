r"""The one place where per-sample loss formulas are reduced fast; private to :mod:`l1l2`.

A *formula* is a per-sample function of the residual :math:`r = \hat y - y`, written with NumPy
in place: ``formula(r, delta, spare)`` overwrites ``r`` with :math:`\ell(r)` (or
:math:`\ell'(r)`) and returns it, using ``spare`` (an array shaped like ``r``) as scratch space
if it needs one. :mod:`l1l2.losses` writes each loss's formulas once; this module applies them:

- an array of up to ``BLOCK`` values in one go;
- a larger array in blocks of ``BLOCK`` values through two reused buffers, so the residual never
  exists in full and the cost stays close to one read of both inputs;
- when the float64 total overflows although the inputs are finite (``1.5e308`` twice has the
  finite mean ``1.5e308``), once more on inputs scaled by a power of two, using the formula's
  degree of homogeneity :math:`\ell_{s\delta}(s r) = s^k \ell_\delta(r)`. A result that is
  truly beyond float64 raises an error rather than returning ``inf``.

Inputs are validated by the caller except for finiteness, which costs nothing extra here: a
finite total proves finite inputs, and only a non-finite one pays for the check that names the
argument holding NaN or inf.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Final

import numpy as np

from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, Reduction, check_finite

#: ``formula(r, delta, spare) -> r``: a per-sample value or derivative, computed in place.
Formula = Callable[[FloatArray, float, FloatArray], FloatArray]

# Above this many values, a total is computed block by block in reused buffers of this many
# float64 values (512 KiB: they stay in cache, and a block is long enough that the Python work
# per block costs little; on 10^7 values 65,536 beat 16,384 and 32,768 and tied 131,072).
BLOCK: Final = 65_536
# The inputs of the careful path are scaled so that their largest magnitude is below 2**_ROOM:
# a square of such a value, summed 2**40 times, stays far below the float64 limit of 2**1024.
_ROOM: Final = 480
_SAFE: Final = 2.0**_ROOM
# Up to this many values, the inputs are first checked in Python floats (see _small_total).
SMALL: Final = 7


def _too_large(what: str) -> ArgumentValueError:
    return ArgumentValueError(
        "y_pred",
        f"y_pred is so far from y_true that {what} exceeds the float64 range (about 1.8e308); "
        "rescale y_true and y_pred",
    )


def _explain_nonfinite(truth: FloatArray, pred: FloatArray) -> None:
    """Raise the error that names the argument holding NaN or inf (if either does)."""
    check_finite(truth, "y_true")
    check_finite(pred, "y_pred")


def _small_total(truth: FloatArray, pred: FloatArray, formula: Formula, delta: float) -> float:
    """Return the sum of ``formula(pred - truth)`` for a few values, or NaN to say "go careful".

    Checking a few Python floats costs less than ``np.errstate``: when every residual is finite
    and below ``2**_ROOM`` in magnitude, no step of a formula of degree <= 2 can overflow or warn.
    """
    residuals = list(map(operator.sub, pred.ravel().tolist(), truth.ravel().tolist()))
    if not (sum(map(abs, residuals), 0.0) < _SAFE and delta < _SAFE):  # also False for NaN
        return math.nan
    r = np.array(residuals)
    # Added up in Python, one value after the other, as NumPy does for fewer than 8 values.
    return sum(formula(r, delta, np.empty_like(r)).tolist(), 0.0)


def _block_total(
    truth: FloatArray, pred: FloatArray, formula: Formula, delta: float, scale: float
) -> float:
    """Return the sum of ``formula((pred - truth) / scale)``, block by block."""
    t, p = truth.reshape(-1), pred.reshape(-1)
    size = p.size
    if size <= BLOCK and scale == 1.0:
        return float(np.add.reduce(formula(np.subtract(p, t), delta, np.empty(size))))
    residual, spare = np.empty(min(size, BLOCK)), np.empty(min(size, BLOCK))
    total = 0.0
    for start in range(0, size, BLOCK):
        stop = min(start + BLOCK, size)
        r, s = residual[: stop - start], spare[: stop - start]
        if scale == 1.0:
            np.subtract(p[start:stop], t[start:stop], out=r)
        else:  # scale first: the difference of the unscaled inputs may overflow
            np.divide(p[start:stop], scale, out=r)
            np.divide(t[start:stop], scale, out=s)
            r -= s
        total += float(np.add.reduce(formula(r, delta, s)))
    return total


def _scale_of(truth: FloatArray, pred: FloatArray) -> float:
    """Return the power of two that brings the largest input magnitude below ``2**_ROOM``."""
    largest = max(abs(float(a.min())) for a in (truth, pred))
    largest = max(largest, *(abs(float(a.max())) for a in (truth, pred)))
    return math.ldexp(1.0, max(math.frexp(largest)[1] - _ROOM, 0))


def _unscale(value: float, scale: float, degree: int) -> float:
    """Return ``value * scale**degree``, one factor at a time so no step overflows early."""
    for _ in range(degree):
        value *= scale
    return value


def reduce(
    truth: FloatArray,
    pred: FloatArray,
    formula: Formula,
    *,
    delta: float,
    degree: int,
    reduction: Reduction,
) -> float | FloatArray:
    """Return ``formula(pred - truth)`` reduced by ``reduction`` (a float, or an array).

    ``degree`` is the formula's degree of homogeneity (1 for ``|r|``, 2 for ``r**2``), used
    only when the plain computation overflows.
    """
    if reduction == "none":
        return per_sample(truth, pred, formula, delta=delta, degree=degree)
    size = pred.size
    total = _small_total(truth, pred, formula, delta) if size <= SMALL else math.nan
    if math.isnan(total):
        with np.errstate(over="ignore", invalid="ignore"):
            total = _block_total(truth, pred, formula, delta, 1.0)
    if not math.isfinite(total):
        _explain_nonfinite(truth, pred)
        # Finite inputs whose total overflowed: the mean (or even the sum) may still be finite.
        scale = _scale_of(truth, pred)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            total = _block_total(truth, pred, formula, delta / scale, scale)
            if reduction == "mean":
                total /= size
            total = _unscale(total, scale, degree)
        if not math.isfinite(total):
            raise _too_large(f"the {reduction} of the loss")
        return total
    return total / size if reduction == "mean" else total


def per_sample(
    truth: FloatArray,
    pred: FloatArray,
    formula: Formula,
    *,
    delta: float,
    degree: int,
    divide_by: int = 1,
) -> FloatArray:
    """Return ``formula(pred - truth) / divide_by`` as a new array shaped like ``pred``.

    A value that overflows although the inputs are finite (``2 * 1.5e308 / 2``) is computed
    again from halved inputs, with the formula's ``degree`` of homogeneity; a value that is
    truly beyond float64 raises an error.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        residual = np.subtract(pred, truth)
        # A derivative may map inf to a finite value (the sign of inf is 1): check the inputs
        # through the residual, before the formula overwrites it.
        if not np.isfinite(np.add.reduce(residual, axis=None)):
            _explain_nonfinite(truth, pred)
        values = formula(residual, delta, np.empty_like(residual))
        if divide_by != 1:
            values /= divide_by
        if np.isfinite(np.add.reduce(values, axis=None)):
            return values
        bad = ~np.isfinite(values)
    if bad.any():
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            half = np.subtract(pred[bad] / 2.0, truth[bad] / 2.0)
            redo = formula(half, delta / 2.0, np.empty_like(half))
            if divide_by != 1:
                redo /= divide_by
            for _ in range(degree):
                redo *= 2.0
        if not np.all(np.isfinite(redo)):
            raise _too_large("the loss or its gradient for some samples")
        values[bad] = redo
    return values
