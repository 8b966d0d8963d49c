r"""Mini-batch gradient descent on the one-parameter model :math:`\hat y = w\,x`.

:func:`fit` runs the experiment of the book, for one data set or for many at once (vectorised over
runs), and returns a :class:`History`. :func:`minimizer` gives the point where descent settles,
in closed form for L2 (mean-based) and L1 (median-based).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2._validation import as_float_array, as_rng, as_xy, check_int, check_scalar
from l1l2.losses import KERNELS, LOSS_NAMES, FloatArray, GradFn, Kernel, LossFn
from l1l2.schedules import Schedule

__all__ = ["History", "fit", "minimizer"]

BoolArray = NDArray[np.bool_]
LossSpec = str | tuple[LossFn, GradFn]
Rate = float | ArrayLike | Schedule | Callable[[FloatArray], ArrayLike]
Seed = int | np.random.Generator | np.random.SeedSequence | None

_FIT_REDUCTIONS: Final = ("mean", "sum")


@dataclass(frozen=True, repr=False)
class History:
    """The trajectory of one descent run, or of many runs side by side.

    For a single run the arrays are 1-D; for ``runs`` runs they gain a last axis of that length.

    Attributes
    ----------
    w : numpy.ndarray
        The estimate before the first update and after every update: ``steps + 1`` rows.
    loss : numpy.ndarray
        The batch loss just before each update: ``steps`` rows. NaN once a run has diverged.
    lr : numpy.ndarray
        The learning rate used by each update: ``steps`` rows.
    diverged : bool or numpy.ndarray
        Whether the run overflowed. A diverged run stops changing at its last finite estimate.
    steps_per_epoch : int
        Updates per pass over the data.
    """

    w: FloatArray
    loss: FloatArray
    lr: FloatArray
    diverged: bool | BoolArray
    steps_per_epoch: int

    @property
    def steps(self) -> int:
        """Number of updates."""
        return int(self.loss.shape[0])

    @property
    def runs(self) -> int | None:
        """Number of runs side by side, or ``None`` for a single run."""
        return None if self.w.ndim == 1 else int(self.w.shape[1])

    @property
    def final_w(self) -> float | FloatArray:
        """The estimate after the last update (one per run)."""
        last = self.w[-1]
        return float(last) if np.ndim(last) == 0 else last

    def __repr__(self) -> str:
        """Summarise the run without dumping its arrays."""
        final = self.final_w
        if isinstance(final, float):
            tail = f"final_w={final:.6g}, diverged={bool(self.diverged)}"
        else:
            tail = (
                f"final_w: mean={np.mean(final):.6g}, std={np.std(final):.6g}, "
                f"diverged={int(np.count_nonzero(self.diverged))} of {final.size}"
            )
        runs = "" if self.runs is None else f"runs={self.runs}, "
        return f"History({runs}steps={self.steps}, {tail})"


def _as_batch(value: ArrayLike, name: str, *, nonnegative: bool = False) -> FloatArray:
    array = as_float_array(value, name)
    if array.ndim > 1:
        raise ValueError(
            f"{name} must be a number or a 1-D array (one per run), got shape {array.shape}"
        )
    if nonnegative and np.any(array < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return array


def _kernels(loss: object, delta: float) -> tuple[Kernel, Kernel]:
    if isinstance(loss, str):
        if loss not in KERNELS:
            raise ValueError(
                f"loss must be one of {', '.join(map(repr, LOSS_NAMES))} or a (loss, grad) pair "
                f"of callables, got {loss!r}"
            )
        return KERNELS[loss]
    if isinstance(loss, tuple) and len(loss) == 2 and all(callable(part) for part in loss):
        if delta != 1.0:
            raise ValueError(
                f"delta applies to loss='huber' only, got delta={delta!r} with a (loss, grad) "
                "pair: bind it into the pair instead, e.g. with functools.partial"
            )
        loss_fn, grad_fn = loss

        def value(r: FloatArray, _: float) -> FloatArray:
            return _per_sample(loss_fn, r)

        def deriv(r: FloatArray, _: float) -> FloatArray:
            return _per_sample(grad_fn, r)

        return value, deriv
    raise TypeError(
        f"loss must be a name ({', '.join(map(repr, LOSS_NAMES))}) or a (loss, grad) pair of "
        f"callables, got {loss!r}"
    )


def _per_sample(fn: LossFn | GradFn, r: FloatArray) -> FloatArray:
    """Call a public loss or gradient on the residual ``r``, giving NaN where ``r`` overflowed.

    The public functions reject non-finite input, but a residual overflows when its run diverges;
    the NaN lets :func:`fit` mark that run as diverged, as it does for the named losses.
    """
    finite = np.isfinite(r)
    if finite.all():
        return np.asarray(fn(np.zeros_like(r), r, reduction="none"), dtype=np.float64)
    out = np.array(
        fn(np.zeros_like(r), np.where(finite, r, 0.0), reduction="none"), dtype=np.float64
    )
    out[~finite] = np.nan
    return out


def _rates(lr: Rate, steps: int) -> FloatArray:
    """Return the learning rates as an array of shape ``(steps,)``, ``(runs,)`` or ``()``."""
    if callable(lr):
        raw = np.asarray(lr(np.arange(steps, dtype=np.float64)), dtype=np.float64)
        if steps and (raw.shape not in {(steps,), ()}):
            raise ValueError(
                f"lr schedule must return one rate per step, got shape {raw.shape} for {steps} "
                "steps"
            )
        if raw.size and (not np.all(np.isfinite(raw)) or np.any(raw < 0)):
            raise ValueError(f"lr schedule must give finite rates >= 0, got {lr!r}")
        return np.broadcast_to(raw, (steps,))[:, np.newaxis]
    return _as_batch(lr, "lr", nonnegative=True)[np.newaxis]


def _sum_rows(a: FloatArray) -> FloatArray:
    """Return ``a.sum(axis=0)`` for a ``(batch, runs)`` array, as a new array.

    NumPy adds the rows one after the other too, so the numbers are the same; for the few rows of
    a mini-batch, plain additions skip the reduction machinery, which costs more than the sums.
    """
    total: FloatArray
    if a.shape[0] > 4:
        total = a.sum(axis=0)
        return total
    total = a[0] + a[1] if a.shape[0] > 1 else a[0].copy()
    for row in a[2:]:
        total += row
    return total


def _all_finite(a: FloatArray, b: FloatArray) -> bool:
    """Return whether every value of ``a`` and ``b`` is finite, in one reduction each.

    A NaN or an infinity makes a sum non-finite; a sum of finite values rarely overflows, and if it
    does the caller only takes its careful path, which checks value by value.
    """
    return math.isfinite(float(np.add.reduce(a)) + float(np.add.reduce(b)))


def fit(
    x: ArrayLike,
    y: ArrayLike,
    *,
    loss: LossSpec,
    w0: ArrayLike,
    lr: Rate,
    batch_size: int,
    epochs: int,
    reduction: str = "mean",
    shuffle: bool = False,
    rng: Seed = None,
    delta: float = 1.0,
) -> History:
    r"""Fit :math:`\hat y = w\,x` by mini-batch gradient descent.

    Each update takes the next batch :math:`B` of samples and steps against the gradient of the
    batch loss :math:`L_B(w) = \sum_{i\in B} \ell(w x_i - y_i)` (divided by :math:`|B|` for
    ``reduction="mean"``):

    .. math:: w_{t+1} = w_t - \eta_t \sum_{i\in B} \ell'(w_t x_i - y_i)\, x_i

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``.
    y : array_like
        Targets: shape ``(n,)`` for one data set, ``(runs, n)`` for many at once.
    loss : {"signed", "l1", "l2", "huber"} or (loss, grad) pair
        The loss by name, or a pair of functions with the signature of :func:`l1l2.losses.l1`
        and :func:`l1l2.losses.l1_grad`.
    w0 : float or array_like
        The starting estimate, or one per run.
    lr : float, array_like or Schedule
        The learning rate: a number >= 0, one per run, or a schedule ``step -> rate``
        (see :mod:`l1l2.schedules`).
    batch_size : int
        Samples per update, at least 1 (the last batch of an epoch may be smaller).
    epochs : int
        Passes over the data, at least 0.
    reduction : {"mean", "sum"}
        Whether the batch loss averages or adds up the per-sample losses. The source experiment
        adds them up.
    shuffle : bool
        Take the batches in a new random order every epoch (the same order for every run).
        Otherwise they are taken in order.
    rng : int, numpy.random.Generator or None
        Seed or generator for the shuffling.
    delta : float
        The Huber threshold, used by ``loss="huber"`` only.

    Returns
    -------
    History
        The estimate, batch loss and learning rate of every update. A run whose estimate or loss
        overflows stops there, is marked ``diverged``, and raises no NumPy warnings.

    Examples
    --------
    The source experiment without noise: L2 from w = 20 approaches 1 as 1 + 19 * 0.84**k.

    >>> from l1l2.data import linear
    >>> x, y = linear(20)
    >>> h = fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=20, reduction="sum")
    >>> h
    History(steps=200, final_w=1, diverged=False)
    >>> round(float(h.w[1]), 2)
    16.96
    """
    x_arr, y_arr = as_xy(x, y)
    w_start = _as_batch(w0, "w0")
    batch = check_int(batch_size, "batch_size", low=1)
    n_epochs = check_int(epochs, "epochs", low=0)
    if not isinstance(reduction, str) or reduction not in _FIT_REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum' for fit, got {reduction!r}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    value, deriv = _kernels(loss, huber_delta)

    n = y_arr.shape[-1]
    starts = range(0, n, batch)
    steps = n_epochs * len(starts)
    rates = _rates(lr, steps)
    # A schedule is shared by every run: its (steps, 1) table adds no run axis.
    lr_runs = () if callable(lr) else rates.shape[1:]

    try:
        runs_shape = np.broadcast_shapes(y_arr.shape[:-1], w_start.shape, lr_runs)
    except ValueError:
        raise ValueError(
            "y, w0 and lr disagree on the number of runs: got y of shape "
            f"{y_arr.shape}, w0 of shape {w_start.shape} and lr of shape {lr_runs}"
        ) from None
    runs = runs_shape[0] if runs_shape else 1
    ys = np.broadcast_to(y_arr, (runs, n))
    xs = np.broadcast_to(x_arr, (runs, n))
    lr_table = np.ascontiguousarray(np.broadcast_to(rates, (steps, runs)))

    w_hist = np.empty((steps + 1, runs))
    loss_hist = np.empty((steps, runs))
    w = np.array(np.broadcast_to(w_start, (runs,)), dtype=np.float64)
    w_hist[0] = w
    alive = np.ones(runs, dtype=bool)
    generator = as_rng(rng) if shuffle else None

    def epoch_batches(order: NDArray[np.intp] | None) -> list[tuple[FloatArray, FloatArray]]:
        xe, ye = (xs, ys) if order is None else (xs[:, order], ys[:, order])
        return [
            (
                np.ascontiguousarray(xe[:, s : s + batch].T),
                np.ascontiguousarray(ye[:, s : s + batch].T),
            )
            for s in starts
        ]

    in_order = None if generator is not None else epoch_batches(None)
    scales = [1.0 / xb.shape[0] if reduction == "mean" else 1.0 for xb, _ in (in_order or [])]
    step = 0
    everyone_alive = True
    with np.errstate(all="ignore"):
        for _ in range(n_epochs):
            batches = in_order if generator is None else epoch_batches(generator.permutation(n))
            assert batches is not None
            for k, (xb, yb) in enumerate(batches):
                scale = scales[k] if scales else (1.0 / xb.shape[0] if reduction == "mean" else 1.0)
                residual = w * xb
                residual -= yb
                batch_loss = _sum_rows(value(residual, huber_delta))
                gradient = deriv(residual, huber_delta)
                gradient *= xb
                rate = lr_table[step] if scale == 1.0 else lr_table[step] * scale
                w_next = w - rate * _sum_rows(gradient)
                if scale != 1.0:
                    batch_loss *= scale
                if everyone_alive and _all_finite(w_next, batch_loss):
                    loss_hist[step] = batch_loss
                    w = w_next
                else:
                    ok = np.isfinite(w_next)
                    ok &= np.isfinite(batch_loss)
                    loss_hist[step] = np.where(alive, batch_loss, np.nan)
                    alive &= ok
                    everyone_alive = bool(alive.all())
                    w = np.where(alive, w_next, w)
                step += 1
                w_hist[step] = w

    diverged = ~alive
    if not runs_shape:
        return History(
            w_hist[:, 0], loss_hist[:, 0], lr_table[:, 0], bool(diverged[0]), len(starts)
        )
    return History(w_hist, loss_hist, lr_table, diverged, len(starts))


def minimizer(x: ArrayLike, y: ArrayLike, *, loss: str, delta: float = 1.0) -> float | FloatArray:
    r"""Return the weight that minimises the total loss over all samples: where descent settles.

    - ``"l2"``: least squares, :math:`w^\ast = \sum x_i y_i / \sum x_i^2`; with one common
      :math:`x` this is :math:`\bar y / x`, built on the **mean**.
    - ``"l1"``: the weighted median of :math:`y_i / x_i` with weights :math:`|x_i|`; with one
      common :math:`x` this is :math:`\operatorname{median}(y) / x`. Where a whole interval
      minimises (an even number of samples), its midpoint is returned, as :func:`numpy.median`
      does.
    - ``"huber"``: the root of the monotone derivative, found by bisection to machine precision.

    The signed loss has no minimiser (it falls without bound), so it is rejected.

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``; not all zero.
    y : array_like
        Targets: shape ``(n,)``, or ``(runs, n)`` for one answer per run.
    loss : {"l1", "l2", "huber"}
        The loss.
    delta : float
        The Huber threshold, for ``loss="huber"``.

    Returns
    -------
    float or numpy.ndarray
        The minimiser, one per run for 2-D ``y``.

    Examples
    --------
    >>> minimizer(2.0, [2.0, 2.2, 9.0], loss="l2")
    2.2
    >>> minimizer(2.0, [2.0, 2.2, 9.0], loss="l1")
    1.1
    """
    x_arr, y_arr = as_xy(x, y)
    if not np.all(np.any(x_arr != 0, axis=-1)):
        raise ValueError("x must not be all zero: then every w fits equally well")
    if loss == "l2":
        result = np.sum(x_arr * y_arr, axis=-1) / np.sum(x_arr * x_arr, axis=-1)
    elif loss == "l1":
        result = _weighted_median(y_arr, x_arr)
    elif loss == "huber":
        result = _huber_root(x_arr, y_arr, check_scalar(delta, "delta", low=0.0, low_open=True))
    else:
        raise ValueError(
            f"loss must be 'l1', 'l2' or 'huber' (the signed loss has no minimiser), got {loss!r}"
        )
    return float(result) if np.ndim(result) == 0 else np.asarray(result)


def _weighted_median(y: FloatArray, x: FloatArray) -> FloatArray:
    weights = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weights > 0, y / np.where(weights > 0, x, 1.0), 0.0)
    order = np.argsort(ratio, axis=-1, kind="stable")
    r_sorted = np.take_along_axis(ratio, order, axis=-1)
    w_sorted = np.take_along_axis(weights, order, axis=-1)
    cumulative = np.cumsum(w_sorted, axis=-1)
    half = 0.5 * cumulative[..., -1:]
    # First index where the cumulative weight reaches half the total.
    first = np.argmax(cumulative >= half * (1 - 1e-12), axis=-1)[..., np.newaxis]
    low = np.take_along_axis(r_sorted, first, axis=-1)[..., 0]
    c_first = np.take_along_axis(cumulative, first, axis=-1)[..., 0]
    # If exactly half the weight lies at or below `low`, every point up to the next ratio with
    # positive weight minimises; take the midpoint, as numpy.median does for equal weights.
    tie = np.isclose(c_first, half[..., 0], rtol=1e-12, atol=0.0)
    positive_after = (w_sorted > 0) & (np.arange(y.shape[-1]) > first)
    next_index = np.argmax(positive_after, axis=-1)[..., np.newaxis]
    high = np.take_along_axis(r_sorted, next_index, axis=-1)[..., 0]
    has_next = np.any(positive_after, axis=-1)
    return np.where(tie & has_next, 0.5 * (low + high), low)


def _huber_root(x: FloatArray, y: FloatArray, delta: float) -> FloatArray:
    def slope(w: FloatArray) -> FloatArray:
        r = w[..., np.newaxis] * x - y
        return np.asarray(np.sum(np.clip(r, -delta, delta) * x, axis=-1), dtype=np.float64)

    ratio = np.where(x != 0, y / np.where(x != 0, x, 1.0), 0.0)
    lo, hi = ratio.min(axis=-1), ratio.max(axis=-1)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        up = slope(mid) > 0
        lo, hi = np.where(up, lo, mid), np.where(up, mid, hi)
        if np.all(hi - lo <= 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(mid))):
            break
    return np.asarray(0.5 * (lo + hi), dtype=np.float64)
