r"""Mini-batch gradient descent on the one-parameter model ŷ = w x.

:func:`fit` runs the experiment of the book, for one data set or for many at once (vectorised over
runs), and returns a :class:`History`. :func:`minimizer` gives the point where descent settles,
in closed form for L2 (mean-based) and L1 (median-based); :func:`stability_limit` the largest
learning rate for which descent near that point does not blow up. The losses' formulas come from
:data:`l1l2.losses.LOSSES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2._engine import Formula
from l1l2._typing import FloatArray, Seed
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    _holds_bool,
    _show,
    as_float_array,
    as_per_run,
    as_rng,
    as_xy,
    check_bool,
    check_choice,
    check_int,
    check_reduction,
    check_scalar,
    check_size,
)
from l1l2.losses import LOSS_NAMES, LOSSES, GradFn, LossFn, LossName
from l1l2.schedules import Schedule

__all__ = ["History", "fit", "minimizer", "stability_limit"]

BoolArray = NDArray[np.bool_]
LossSpec = LossName | tuple[LossFn, GradFn]
Rate = float | ArrayLike | Schedule | Callable[[FloatArray], ArrayLike]

_FIT_REDUCTIONS: Final = ("mean", "sum")
_NO_MINIMUM: Final = "the signed loss has no minimiser: it falls without bound"
#: The losses that settle somewhere (the signed loss falls without bound).
SETTLING: Final[tuple[LossName, ...]] = tuple(n for n in LOSS_NAMES if LOSSES[n].settle)


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


def _formulas(loss: object, delta: float) -> tuple[Formula, Formula]:
    """Return the per-sample value and derivative of ``loss`` (a name or a custom pair)."""
    if isinstance(loss, str):
        record = LOSSES[check_choice(loss, "loss", LOSS_NAMES)]
        return record.value, record.derivative
    if isinstance(loss, tuple) and len(loss) == 2 and all(callable(part) for part in loss):
        if delta != 1.0:
            raise ArgumentValueError(
                "delta",
                f"delta applies to loss='huber' only, got delta={delta!r} with a (loss, grad) "
                "pair: bind it into the pair instead, e.g. with functools.partial",
            )
        loss_fn, grad_fn = loss

        def value(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
            return _per_sample(loss_fn, r, "loss function")

        def derivative(r: FloatArray, delta: float, spare: FloatArray) -> FloatArray:
            return _per_sample(grad_fn, r, "gradient function")

        return value, derivative
    raise ArgumentTypeError(
        "loss",
        f"loss must be a name ({', '.join(map(repr, LOSS_NAMES))}) or a (loss, grad) pair of "
        f"callables, got {_show(loss)}",
    )


def _per_sample(fn: LossFn | GradFn, r: FloatArray, role: str) -> FloatArray:
    """Call a custom loss or gradient on the residual ``r``; NaN where ``r`` overflowed.

    The custom function must return one real number per sample for ``reduction="none"``; the
    NaN lets :func:`fit` mark a run whose residual overflowed as diverged.
    """
    finite = np.isfinite(r)
    every = bool(finite.all())
    result = fn(np.zeros_like(r), r if every else np.where(finite, r, 0.0), reduction="none")
    raw = _real_numbers(
        result, "loss", f"loss: the {role} must return real numbers for reduction='none'"
    )
    if raw.shape != r.shape:
        raise ArgumentValueError(
            "loss",
            f"loss: the {role} must return one value per sample for reduction='none' (shape "
            f"{r.shape}), got shape {raw.shape}",
        )
    out = np.array(raw, dtype=np.float64)
    if not every:
        out[~finite] = np.nan
    return out


def _real_numbers(result: object, argument: str, rule: str, where: str = "") -> NDArray[Any]:
    """Return what a custom function returned as an array, if it holds real numbers only.

    A ragged, masked, boolean, complex or object result raises an error naming ``argument``:
    ``rule``, then the dtype found, then ``where``.
    """
    try:
        raw = np.asarray(result)
    except (ValueError, TypeError):  # ragged
        raw = np.asarray(None)
    if raw.dtype.kind not in "iuf" or _holds_bool(result) or np.ma.isMaskedArray(result):
        raise ArgumentTypeError(argument, f"{rule}, got dtype {raw.dtype}{where}")
    return raw


def _scheduled(lr: Callable[[FloatArray], ArrayLike], steps: int) -> FloatArray:
    """Return the rates of a schedule at every step, shape ``(steps, 1)``, checked."""
    result = lr(np.arange(steps, dtype=np.float64))
    raw = _real_numbers(result, "lr", "lr schedule must return real numbers", f" from {_show(lr)}")
    if steps and (raw.shape not in {(steps,), ()}):
        raise ArgumentValueError(
            "lr",
            f"lr schedule must return one rate per step, got shape {raw.shape} for {steps} steps",
        )
    rates = np.array(np.broadcast_to(raw, (steps,)), dtype=np.float64)
    if rates.size and (not np.all(np.isfinite(rates)) or np.any(rates < 0)):
        raise ArgumentValueError("lr", f"lr schedule must give finite rates >= 0, got {_show(lr)}")
    return rates[:, np.newaxis]


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
    r"""Fit ŷ = w x by mini-batch gradient descent.

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
        The learning rate: a number >= 0, one per run, a table of shape ``(steps, runs)`` with
        one rate per update and run (a schedule of its own for each run), or a schedule
        ``step -> rate`` shared by every run (see :mod:`l1l2.schedules`).
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
    w_start = as_per_run(w0, "w0")
    batch = check_int(batch_size, "batch_size", low=1)
    n_epochs = check_int(epochs, "epochs", low=0)
    how = check_reduction(reduction, _FIT_REDUCTIONS)
    shuffled = check_bool(shuffle, "shuffle")
    generator = as_rng(rng)  # checked even when unused, so a wrong seed never passes silently
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    value, derivative = _formulas(loss, huber_delta)

    n = y_arr.shape[-1]
    starts = range(0, n, batch)
    steps = n_epochs * len(starts)
    # Refuse up front, before any allocation, a history that cannot fit: w and loss per update.
    fixed = None if callable(lr) else as_per_run(lr, "lr", nonnegative=True, rows=steps)
    table = fixed is not None and fixed.ndim == 2
    lr_count = 1 if fixed is None else (fixed.shape[1] if table else fixed.size)
    runs_by = {"y": y_arr.size // n, "w0": w_start.size, "lr": lr_count}
    many = max(runs_by, key=lambda name: runs_by[name])
    check_size(
        2 * (steps + 1) * runs_by[many],
        "epochs" if steps >= runs_by[many] else many,
        what=f"the history of {steps:,} updates for {runs_by[many]:,} runs",
    )
    # Rates as a table with a row per step, or one row used at every step.
    rates = _scheduled(lr, steps) if fixed is None else fixed if table else fixed[np.newaxis]  # type: ignore[arg-type]
    # A schedule is shared by every run: its (steps, 1) table adds no run axis.
    lr_runs = () if callable(lr) else rates.shape[1:]

    try:
        runs_shape = np.broadcast_shapes(y_arr.shape[:-1], w_start.shape, lr_runs)
    except ValueError:
        raise ArgumentValueError(
            "w0" if w_start.ndim else "lr",
            "y, w0 and lr disagree on the number of runs: got y of shape "
            f"{y_arr.shape}, w0 of shape {w_start.shape} and lr of shape {lr_runs}",
        ) from None
    runs = runs_shape[0] if runs_shape else 1
    ys = np.broadcast_to(y_arr, (runs, n))
    xs = np.broadcast_to(x_arr, (runs, n))
    per_step = callable(lr) or table

    w_hist = np.empty((steps + 1, runs))
    loss_hist = np.empty((steps, runs))
    w = np.array(np.broadcast_to(w_start, (runs,)), dtype=np.float64)
    w_hist[0] = w
    alive = np.ones(runs, dtype=bool)

    def epoch_batches(order: NDArray[np.intp] | None) -> list[tuple[FloatArray, FloatArray]]:
        xe, ye = (xs, ys) if order is None else (xs[:, order], ys[:, order])
        return [
            (
                np.ascontiguousarray(xe[:, s : s + batch].T),
                np.ascontiguousarray(ye[:, s : s + batch].T),
            )
            for s in starts
        ]

    in_order = None if shuffled else epoch_batches(None)
    scales = [1.0 / xb.shape[0] if how == "mean" else 1.0 for xb, _ in (in_order or [])]
    constant_rate = None if per_step else np.ascontiguousarray(np.broadcast_to(rates[0], (runs,)))
    step = 0
    everyone_alive = True
    with np.errstate(all="ignore"):
        for _ in range(n_epochs):
            batches = in_order if in_order is not None else epoch_batches(generator.permutation(n))
            for k, (xb, yb) in enumerate(batches):
                scale = scales[k] if scales else (1.0 / xb.shape[0] if how == "mean" else 1.0)
                residual = w * xb
                residual -= yb
                spare = np.empty_like(residual)
                batch_loss = _sum_rows(value(residual.copy(), huber_delta, spare))
                gradient = derivative(residual, huber_delta, spare)
                gradient *= xb
                base = rates[step] if constant_rate is None else constant_rate
                rate = base if scale == 1.0 else base * scale
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
    # The rates are recorded as a read-only view of the (copied) rates: a constant rate costs
    # no (steps, runs) table.
    lr_view = np.broadcast_to(rates, (steps, runs))
    if not runs_shape:
        return History(w_hist[:, 0], loss_hist[:, 0], lr_view[:, 0], bool(diverged[0]), len(starts))
    return History(w_hist, loss_hist, lr_view, diverged, len(starts))


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
    record = LOSSES[check_choice(loss, "loss", SETTLING, why=_NO_MINIMUM)]
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    if not np.all(np.any(x_arr != 0, axis=-1)):
        raise ArgumentValueError("x", "x must not be all zero: then every w fits equally well")
    assert record.settle is not None
    result = record.settle(x_arr, y_arr, d)
    if not np.all(np.isfinite(result)):
        raise ArgumentValueError(
            "y",
            "y is so large compared with x that the minimiser exceeds the float64 range (about "
            "1.8e308); rescale x or y",
        )
    return float(result) if np.ndim(result) == 0 else np.asarray(result)


def stability_limit(
    x: ArrayLike, *, loss: str, batch_size: int, reduction: str = "sum", delta: float = 1.0
) -> float:
    r"""Return the largest learning rate for which descent near the minimum does not blow up.

    Near the point where descent settles, an update on a batch :math:`B` multiplies the gap
    :math:`w - w^\ast` by :math:`1 - \eta\, c\, S_B`, with :math:`S_B = \sum_{i\in B} x_i^2`
    (divided by :math:`|B|` for ``reduction="mean"``) and :math:`c = \ell''` near zero: 2 for
    L2, 1 for Huber (inside its quadratic zone). The gap shrinks on every batch while

    .. math:: \eta < \frac{2}{c\,\max_B S_B},

    the largest batch sum taken over any order of the samples. Abs L1 and the signed loss have
    steps of bounded size (:math:`\eta \sum_{i\in B} |x_i|`): they never blow up, and the limit
    is infinite.

    Parameters
    ----------
    x : array_like
        The inputs of the data set, 1-D (a number stands for one sample).
    loss : {"signed", "l1", "l2", "huber"}
        The loss.
    batch_size : int
        Samples per update, at least 1.
    reduction : {"sum", "mean"}
        Whether the batch loss adds up or averages the per-sample losses.
    delta : float
        The Huber threshold (it does not change the limit, which holds inside the quadratic
        zone; checked like :func:`fit` checks it).

    Returns
    -------
    float
        The limit :math:`2 / (c \max_B S_B)`, or ``math.inf``.

    Examples
    --------
    The source experiment: batches of two at x = 2, summed, so :math:`S_B = 8`.

    >>> stability_limit([2.0] * 20, loss="l2", batch_size=2)
    0.125
    >>> stability_limit([2.0] * 20, loss="huber", batch_size=2)
    0.25
    """
    inputs = as_float_array(x, "x").ravel()
    name = check_choice(loss, "loss", LOSS_NAMES)
    batch = check_int(batch_size, "batch_size", low=1)
    how = check_reduction(reduction, _FIT_REDUCTIONS)
    check_scalar(delta, "delta", low=0.0, low_open=True)
    curvature = {"l2": 2.0, "huber": 1.0}.get(name)
    if curvature is None:
        return math.inf
    n = inputs.size
    largest = float(np.max(np.abs(inputs)))
    if largest == 0:
        raise ArgumentValueError("x", "x must not be all zero: then descent never moves")
    with np.errstate(under="ignore"):  # scaled: no overflow; tiny squares may underflow to 0
        squares = np.sort(np.square(inputs / largest))[::-1]
    top = np.cumsum(squares)  # the largest possible sum over a batch of k samples, k = 1..n
    sizes = {min(batch, n)} | ({n % batch} if n % batch else set())
    worst = max(top[k - 1] / (k if how == "mean" else 1) for k in sizes)
    with np.errstate(over="ignore", under="ignore"):
        return float(np.float64(2.0 / (curvature * worst)) / largest / largest)
