r"""Apply per-sample loss formulas fast and safely; private to :mod:`l1l2`.

A *formula* ``formula(r, delta, spare)`` overwrites the residual :math:`r = \hat y - y` with
:math:`\ell(r)` (or :math:`\ell'(r)`) and returns it, using ``spare`` as scratch space;
:mod:`l1l2.losses` writes each loss's formulas once. :func:`reduce` adds a large array up block by
block in two reused buffers, so the residual never exists in full. When a total overflows although
the inputs are finite, it is computed again on inputs scaled by a power of two (exact), using the
formula's degree of homogeneity :math:`\ell_{s\delta}(s r) = s^k \ell_\delta(r)`; a result truly
beyond float64 raises an error. Inputs are checked by the caller, except for finiteness: a finite
total proves finite inputs, and only a non-finite one pays for the check that names the argument.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.typing import NDArray

from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, Reduction, check_finite

#: ``formula(r, delta, spare) -> r``: a per-sample value or derivative, computed in place.
Formula = Callable[[FloatArray, float, FloatArray], FloatArray]

# Above this many values, a total is computed block by block in buffers of this many float64
# values (512 KiB: they stay in cache; on 10^7 values 65,536 beat 16,384 and 32,768).
BLOCK: Final = 65_536
#: The headroom of the careful path: values scaled below 2**ROOM can be squared and summed 2**40
#: times far below float64's 2**1024.
ROOM: Final = 480
_SAFE: Final = 2.0**ROOM
# The gentle scale of the careful path: inputs below 2**_GENTLE have a finite difference.
_GENTLE: Final = 1022
# Up to this many values, the inputs are first checked in Python floats (see _small_total).
SMALL: Final = 7


def _too_large(what: str) -> ArgumentValueError:
    return ArgumentValueError(
        "y_pred",
        f"y_pred is so far from y_true that {what} exceeds the float64 range (about 1.8e308); "
        "rescale y_true and y_pred",
    )


def _small_total(truth: FloatArray, pred: FloatArray, formula: Formula, delta: float) -> float:
    """Return the sum of ``formula(pred - truth)`` for a few values, or NaN to say "go careful"."""
    # Cheaper than np.errstate: with every residual finite and below 2**ROOM, no step of a
    # formula of degree <= 2 can overflow or warn.
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


def power_of_two(largest: float, room: int = ROOM) -> float:
    """Return the power of two (at least 1) that brings ``largest`` below ``2**room``."""
    return math.ldexp(1.0, max(math.frexp(largest)[1] - room, 0))


def row_exponent(a: FloatArray) -> NDArray[np.intc]:
    """Return, per row, the exponent e with the largest magnitude below 2**e (0 for zeros)."""
    exponent: NDArray[np.intc] = np.frexp(np.max(np.abs(a), axis=-1, keepdims=True))[1]
    return exponent


def _scaled_total(
    truth: FloatArray, pred: FloatArray, formula: Formula, *, delta: float, degree: int, mean: bool
) -> float:
    """Return the total (or mean) on scaled inputs.

    First by the smallest power of two that keeps the residual finite (``delta`` shrinks as
    little as possible: Huber with a tiny ``delta`` stays exact), then by the full headroom.
    """
    largest = max(abs(float(f(a))) for a in (truth, pred) for f in (np.min, np.max))
    total = math.inf
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for room in (_GENTLE, ROOM):
            scale = power_of_two(largest, room)
            total = _block_total(truth, pred, formula, delta / scale, scale)
            if mean:
                total /= pred.size
            for _ in range(degree):  # one factor at a time: no step overflows early
                total *= scale
            if math.isfinite(total):
                break
    return total


def reduce(
    truth: FloatArray,
    pred: FloatArray,
    formula: Formula,
    *,
    delta: float,
    degree: int,
    reduction: Reduction,
) -> float | FloatArray:
    """Return ``formula(pred - truth)`` reduced by ``reduction``, a formula of ``degree`` 1 or 2."""
    if reduction == "none":
        return per_sample(truth, pred, formula, delta=delta, degree=degree)
    size = pred.size
    total = _small_total(truth, pred, formula, delta) if size <= SMALL else math.nan
    if math.isnan(total):
        with np.errstate(over="ignore", invalid="ignore"):
            total = _block_total(truth, pred, formula, delta, 1.0)
    if not math.isfinite(total):
        check_finite(truth, "y_true")
        check_finite(pred, "y_pred")
        # Finite inputs whose total overflowed: the mean (or even the sum) may still be finite.
        total = _scaled_total(
            truth, pred, formula, delta=delta, degree=degree, mean=reduction == "mean"
        )
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
    again from halved inputs.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        residual = np.subtract(pred, truth)
        # A derivative may map inf to a finite value (the sign of inf is 1): check the inputs
        # through the residual, before the formula overwrites it.
        if not np.isfinite(np.add.reduce(residual, axis=None)):
            check_finite(truth, "y_true")
            check_finite(pred, "y_pred")
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


# Where each loss settles: the minimiser of sum_i loss(w x_i - y_i) over w, row by row, for any
# finite data (rows rescaled by powers of two, so that no sum overflows or underflows).


def settle_l2(x: FloatArray, y: FloatArray, delta: float) -> FloatArray:
    r"""Least squares, :math:`\sum x_i y_i / \sum x_i^2`: built on the mean."""
    ex, ey = row_exponent(x), row_exponent(y)
    xs, ys = np.ldexp(x, -ex), np.ldexp(y, -ey)
    with np.errstate(under="ignore"):
        ratio = np.sum(xs * ys, axis=-1) / np.sum(xs * xs, axis=-1)
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(np.ldexp(ratio, (ey - ex)[..., 0]), dtype=np.float64)


def weighted_median_interval(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    r"""Return, per row, the ends of the interval of weights minimising :math:`\sum|w x_i - y_i|`.

    The total is :math:`\sum_i \lvert x_i\rvert\,\lvert w - y_i/x_i\rvert`: flat between two
    weighted medians of the ratios :math:`y_i/x_i`. With the ratios sorted, the low end is the
    first ratio where the weight at or below it reaches the weight above it; when the two are
    equal, every point up to the next ratio minimises. Each row of ``x`` has a non-zero value.
    """
    weights = np.ldexp(np.abs(x), -row_exponent(x))  # scaled: the sums cannot overflow
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        ratio = np.where(weights > 0, y / np.where(weights > 0, x, 1.0), np.inf)
    order = np.argsort(ratio, axis=-1, kind="stable")  # zero weights (ratio inf) sort last
    r_sorted = np.take_along_axis(ratio, order, axis=-1)
    w_sorted = np.take_along_axis(weights, order, axis=-1)
    below = np.cumsum(w_sorted, axis=-1)  # weight at or below each sorted ratio
    above = np.zeros_like(below)  # weight strictly above it, summed from the other end
    above[..., :-1] = np.cumsum(w_sorted[..., :0:-1], axis=-1)[..., ::-1]
    first = np.argmax(below >= above, axis=-1)[..., np.newaxis]
    low = np.take_along_axis(r_sorted, first, axis=-1)[..., 0]
    tie = np.take_along_axis(below == above, first, axis=-1)[..., 0]
    after = np.minimum(first + 1, ratio.shape[-1] - 1)
    high = np.where(tie, np.take_along_axis(r_sorted, after, axis=-1)[..., 0], low)
    return low, high


def settle_l1(x: FloatArray, y: FloatArray, delta: float) -> FloatArray:
    """The midpoint of :func:`weighted_median_interval` (as :func:`numpy.median`): the median."""
    low, high = weighted_median_interval(x, y)
    with np.errstate(over="ignore", invalid="ignore"):  # -inf + inf: caught by the caller
        return np.asarray(0.5 * low + 0.5 * high, dtype=np.float64)


def settle_huber(x: FloatArray, y: FloatArray, delta: float) -> FloatArray:
    r"""The root of the non-decreasing slope :math:`\sum_i \ell'(w x_i - y_i)\,x_i`, bisected."""
    scaled_x = np.ldexp(x, -row_exponent(x))  # the slope's sign is all that matters: scale x

    def rising(w: FloatArray) -> FloatArray:
        r = w[..., np.newaxis] * x - y
        np.clip(r, -delta, delta, out=r)  # the Huber derivative
        r /= delta  # within [-1, 1]: the sum cannot overflow
        r *= scaled_x
        return np.asarray(np.sum(r, axis=-1) > 0)

    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        ratio = np.where(x != 0, y / np.where(x != 0, x, 1.0), np.nan)
        top = np.finfo(np.float64).max
        lo = np.clip(np.nanmin(ratio, axis=-1), -top, top)
        hi = np.clip(np.nanmax(ratio, axis=-1), -top, top)
        for _ in range(2100):  # at most: until the bracket holds two neighbouring floats
            mid = 0.5 * lo + 0.5 * hi
            up = rising(mid)
            new_lo, new_hi = np.where(up, lo, mid), np.where(up, mid, hi)
            if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
                break
            lo, hi = new_lo, new_hi
        return np.asarray(0.5 * lo + 0.5 * hi, dtype=np.float64)


def huber_interval(x: FloatArray, y: FloatArray, delta: float) -> tuple[FloatArray, FloatArray]:
    r"""Return, per row, the ends of the interval of weights minimising the total Huber loss.

    The slope :math:`\sum_i \psi_\delta(w x_i - y_i)\,x_i` is continuous, non-decreasing and
    rises wherever some sample with :math:`x_i \ne 0` is in its quadratic zone
    :math:`\lvert w x_i - y_i\rvert < \delta`, an open interval of :math:`w`. So the total is
    flat only on a gap between those zones, where every sample pulls :math:`\pm\delta |x_i|`: the
    gap after the :math:`k` lowest zones is flat when their :math:`|x_i|` add up, exactly
    (:func:`math.fsum`), to those of the others. Its ends are zone ends, :math:`(y_i \pm
    \delta) / x_i`, rounded once or twice. Elsewhere the minimiser is unique: the bisection of
    :func:`settle_huber`. Each row of ``x`` has a non-zero value.
    """
    point = settle_huber(x, y, delta)
    low, high = point.copy(), point.copy()
    xs, ys = np.broadcast_arrays(x, y)
    for index in np.ndindex(point.shape):
        ends = _flat_gap(xs[index], ys[index], delta)
        if ends is not None:
            low[index], high[index] = ends
    return low, high


def _flat_gap(x: FloatArray, y: FloatArray, delta: float) -> tuple[float, float] | None:
    """Return the ends of the flat gap between the Huber zones of one data set, or ``None``."""
    keep = x != 0  # a sample with x = 0 adds nothing to the slope
    x, y = x[keep], y[keep]
    with np.errstate(over="ignore", under="ignore"):
        minus, plus = y - delta, y + delta
        if np.all(np.isfinite(minus)) and np.all(np.isfinite(plus)):
            minus, plus = minus / x, plus / x
        else:  # y near 1.8e308: the ends from quartered values, exact up to the last rounding
            minus = 4.0 * ((y / 4.0 - delta / 4.0) / x)
            plus = 4.0 * ((y / 4.0 + delta / 4.0) / x)
    left, right = np.minimum(minus, plus), np.maximum(minus, plus)
    order = np.argsort(left, kind="stable")
    left, right = left[order], right[order]
    # |x_i| scaled by a power of two (exact): the sums cannot overflow.
    weight = np.ldexp(np.abs(x[order]), -row_exponent(x)[..., 0])
    reach = np.maximum.accumulate(right)  # the highest zone end among the k lowest zones
    # A gap after the k lowest zones (k = 1 .. n-1) runs from reach[k-1] to left[k]; there the
    # slope is delta times (their weight - the others' weight).
    gaps = np.flatnonzero(left[1:] > reach[:-1]) + 1
    if gaps.size == 0:
        return None
    total = float(np.sum(weight))
    near = np.abs(2.0 * np.cumsum(weight)[gaps - 1] - total) <= weight.size * total * 2.0**-50
    values = weight.tolist()
    for k in gaps[near].tolist():  # decided exactly: math.fsum has no rounding error here
        if math.fsum(values[:k] + [-v for v in values[k:]]) == 0.0:
            return float(reach[k - 1]), float(left[k])
    return None
