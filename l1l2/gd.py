# ruff: noqa: N803  (X: the matrix name of the linear-algebra literature and scikit-learn)
r"""Mini-batch gradient descent on the one-parameter model ŷ = w x, and on lines and planes.

:func:`fit` runs the book's experiment for one data set or for many at once (vectorised over
runs) and returns a :class:`History`; :func:`descend` is the engine behind it, with several
features and an intercept. :func:`minimizer` gives the point where descent settles and
:func:`stability_limit` the largest learning rate for which descent near it does not blow up.
The losses' formulas come from :data:`l1l2.losses.LOSSES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2 import vocabulary
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

__all__ = [
    "MAX_FEATURE_UPDATES",
    "MAX_TERMS",
    "MAX_UPDATES",
    "History",
    "descend",
    "fit",
    "minimizer",
    "stability_limit",
]

BoolArray = NDArray[np.bool_]
LossSpec = LossName | tuple[LossFn, GradFn]
Rate = float | ArrayLike | Schedule | Callable[[FloatArray], ArrayLike]

_FIT_REDUCTIONS: Final = ("mean", "sum")
#: The losses that settle somewhere (the signed loss falls without bound).
SETTLING: Final = vocabulary.SETTLING
# The limits keep the largest run accepted to a few seconds; the book's longest is 50,000 updates.
#: The most updates one call runs. Each is a step of a Python loop, about 13 µs for one feature.
MAX_UPDATES: Final = 10**5
#: The most updates times features (each feature adds about 4 µs to an update).
MAX_FEATURE_UPDATES: Final = 5 * 10**5
#: The most gradient terms one call computes, updates times batch size times runs times features
#: (about 1 s per 10^8).
MAX_TERMS: Final = 10**8


def _last(a: FloatArray) -> float | FloatArray:
    """Return the last row of ``a``: a float for a single run."""
    last = np.asarray(a)[-1]
    return float(last) if np.ndim(last) == 0 else last


@dataclass(frozen=True, repr=False)
class History:
    """The trajectory of one descent run, or of many runs side by side.

    A run that overflows stops at its last finite parameters, records NaN losses from then on,
    and is marked ``diverged``.

    Attributes
    ----------
    coef : numpy.ndarray
        The coefficients before the first update and after each: ``(steps + 1, p)``, or
        ``(steps + 1, runs, p)``.
    loss : numpy.ndarray
        The batch loss just before each update: ``(steps,)`` or ``(steps, runs)``.
    lr : numpy.ndarray
        The learning rate of each update, shaped like ``loss``.
    diverged : bool or numpy.ndarray
        Whether each run overflowed.
    steps_per_epoch : int
        Updates per pass over the data.
    intercept : numpy.ndarray or None
        The intercept, shaped like ``coef`` without its last axis; ``None`` reads as zeros.
    fit_intercept : bool
        Whether the model has an intercept.
    """

    coef: FloatArray
    loss: FloatArray
    lr: FloatArray
    diverged: bool | BoolArray
    steps_per_epoch: int
    intercept: FloatArray | None = None
    fit_intercept: bool = False

    def __post_init__(self) -> None:
        """Read a missing intercept as zeros (a view: it costs no memory)."""
        if self.intercept is None:
            object.__setattr__(self, "intercept", np.broadcast_to(0.0, self.coef.shape[:-1]))

    @property
    def steps(self) -> int:
        """Number of updates."""
        return int(self.loss.shape[0])

    @property
    def runs(self) -> int | None:
        """Number of runs side by side, or ``None`` for a single run."""
        return None if self.coef.ndim == 2 else int(self.coef.shape[1])

    @property
    def w(self) -> FloatArray:
        r"""The weight of :math:`\hat y = w\,x`: what :func:`fit` learns."""
        if self.coef.shape[-1] != 1 or self.fit_intercept:
            model = f"{self.coef.shape[-1]} coefficient(s)"
            model += " and an intercept" if self.fit_intercept else ""
            raise AttributeError(
                f"w is the weight of one feature without intercept; this run fitted {model}: "
                "read coef and intercept"
            )
        weight: FloatArray = self.coef[..., 0]
        return weight

    @property
    def final_w(self) -> float | FloatArray:
        """The weight after the last update (one per run)."""
        return _last(self.w)

    @property
    def final_coef(self) -> FloatArray:
        """The coefficients after the last update, ``(p,)`` or ``(runs, p)``."""
        last: FloatArray = self.coef[-1]
        return last

    @property
    def final_intercept(self) -> float | FloatArray:
        """The intercept after the last update (one per run)."""
        return _last(np.asarray(self.intercept))

    def __repr__(self) -> str:
        """Summarise the run without dumping its arrays."""
        runs = "" if self.runs is None else f"runs={self.runs}, "
        if self.runs is not None:
            final = self.final_coef[..., 0]
            what = "final_w" if self.coef.shape[-1] == 1 else "final_coef[0]"
            tail = (
                f"{what}: mean={np.mean(final):.6g}, std={np.std(final):.6g}, "
                f"diverged={int(np.count_nonzero(self.diverged))} of {final.size}"
            )
        elif self.coef.shape[-1] == 1 and not self.fit_intercept:
            tail = f"final_w={float(self.coef[-1, 0]):.6g}, diverged={bool(self.diverged)}"
        else:
            coef = np.array2string(self.final_coef, precision=6, separator=", ")
            tail = (
                f"final_intercept={self.final_intercept:.6g}, final_coef={coef}, "
                f"diverged={bool(self.diverged)}"
            )
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
    """Call a custom loss or gradient on the residual ``r``; NaN where ``r`` overflowed."""
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
        out[~finite] = np.nan  # so that the run is marked diverged
    return out


def _real_numbers(result: object, argument: str, rule: str, where: str = "") -> NDArray[Any]:
    """Return a custom function's result as an array; refuse anything but real numbers."""
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


def _all_finite(*arrays: FloatArray) -> bool:
    """Return whether every value of ``arrays`` is finite, in one reduction each."""
    # NaN and inf make a sum non-finite; should a sum of finite values overflow, the caller only
    # takes its careful path, which checks value by value.
    total = 0.0
    for a in arrays:
        total += float(np.add.reduce(a.ravel()))
    return math.isfinite(total)


def _and(names: list[str]) -> str:
    """Return ``"a, b and c"``."""
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class _Options:
    """The checked options of a descent run."""

    value: Formula
    derivative: Formula
    delta: float
    epochs: int
    mean: bool
    shuffle: bool
    rng: np.random.Generator


def _options(
    loss: object, *, epochs: object, reduction: object, shuffle: object, rng: object, delta: object
) -> _Options:
    """Check the options shared by :func:`descend` and :func:`fit`, with the same messages."""
    n_epochs = check_int(epochs, "epochs", low=0)
    how = check_reduction(reduction, _FIT_REDUCTIONS)
    shuffled = check_bool(shuffle, "shuffle")
    generator = as_rng(rng)  # checked even when unused: a wrong seed never passes silently
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    value, derivative = _formulas(loss, huber_delta)
    return _Options(value, derivative, huber_delta, n_epochs, how == "mean", shuffled, generator)


def _check_time(steps: int, epochs: int, *, samples: int, runs: int, features: int) -> None:
    """Refuse a run that would take more than seconds (:data:`MAX_UPDATES` and the others)."""
    if steps > MAX_UPDATES:
        raise ArgumentValueError(
            "epochs",
            f"epochs makes the run too long: {epochs:,} epochs of {steps // epochs:,} "
            f"update(s) are {steps:,} updates, at most {MAX_UPDATES:,} are allowed (a few "
            "seconds); make epochs smaller or batch_size larger",
        )
    if steps * features > MAX_FEATURE_UPDATES:
        raise ArgumentValueError(
            "epochs",
            f"epochs makes the run too long: {steps:,} updates of {features:,} features are "
            f"{steps * features:,} coefficient updates, at most {MAX_FEATURE_UPDATES:,} are "
            "allowed (a few seconds); make epochs smaller or batch_size larger",
        )
    terms = epochs * samples * runs * features
    if terms > MAX_TERMS:
        raise ArgumentValueError(
            "epochs",
            f"epochs makes the run too long: {epochs:,} passes over {samples:,} samples for "
            f"{runs:,} run(s) and {features} feature(s) are {terms:.3g} gradient terms, at most "
            f"{MAX_TERMS:.0e} are allowed (a few seconds); make epochs smaller",
        )


def _start(
    y: FloatArray,
    lr: object,
    *,
    coef: tuple[str, FloatArray],
    intercept: tuple[str, FloatArray] | None,
    steps: int,
    epochs: int,
    fit_intercept: bool,
) -> tuple[tuple[int, ...], FloatArray, FloatArray]:
    """Agree on the number of runs, refuse a run too large or too long, then read the rates.

    Return the runs' shape, the rates ``(steps, runs)`` (a view: a constant rate costs no table)
    and the start ``(p, runs)``: a row per coefficient, then the intercept's if it is fitted.
    """
    fixed = None if callable(lr) else as_per_run(lr, "lr", nonnegative=True, rows=steps)  # type: ignore[arg-type]
    table = fixed is not None and fixed.ndim == 2
    shapes = {"y": y.shape[:-1], coef[0]: coef[1].shape[:-1]}
    if intercept is not None:
        shapes[intercept[0]] = intercept[1].shape
    shapes["lr"] = () if fixed is None else fixed.shape[1:] if table else fixed.shape
    counts = {name: math.prod(shape) for name, shape in shapes.items()}
    many = max(counts, key=lambda name: counts[name])
    p = coef[1].shape[-1]
    check_size(
        (steps + 1) * counts[many] * (p + 1 + fit_intercept),
        "epochs" if steps >= counts[many] else many,
        what=f"the history of {steps:,} updates for {counts[many]:,} runs",
    )
    _check_time(steps, epochs, samples=y.shape[-1], runs=counts[many], features=p)
    try:
        runs_shape = np.broadcast_shapes(*shapes.values())
    except ValueError:
        blamed = next((name for name in list(shapes)[1:-1] if shapes[name]), "lr")
        got = [f"{name} of shape {y.shape if name == 'y' else s}" for name, s in shapes.items()]
        raise ArgumentValueError(
            blamed, f"{_and(list(shapes))} disagree on the number of runs: got {_and(got)}"
        ) from None
    runs = runs_shape[0] if runs_shape else 1
    rates = _scheduled(lr, steps) if fixed is None else fixed if table else fixed[np.newaxis]  # type: ignore[arg-type]
    rows = [np.broadcast_to(coef[1], (runs, p)).T]
    if fit_intercept and intercept is not None:
        rows.append(np.broadcast_to(intercept[1], (1, runs)))
    return runs_shape, np.broadcast_to(rates, (steps, runs)), np.concatenate(rows, dtype=np.float64)


def _batches(
    design: FloatArray, target: FloatArray, batch: int, order: NDArray[np.intp] | None
) -> list[tuple[list[FloatArray], FloatArray]]:
    """Return an epoch's batches: contiguous feature columns ``(batch, 1 or runs)`` and targets."""
    d, t = (design, target) if order is None else (design[:, order], target[order])
    return [
        ([np.ascontiguousarray(column[s : s + batch]) for column in d], t[s : s + batch].copy())
        for s in range(0, t.shape[0], batch)
    ]


def _step(
    params: FloatArray,
    batch: tuple[list[FloatArray], FloatArray],
    rate: FloatArray,
    options: _Options,
) -> tuple[FloatArray, FloatArray]:
    """Return the parameters after one update on ``batch``, and the batch loss before it."""
    # Overflow is left to the caller: it shows as inf or NaN.
    columns, yb = batch
    residual = params[0] * columns[0]  # (batch, runs): a column per run
    for j in range(1, len(columns)):
        residual += params[j] * columns[j]
    residual -= yb
    spare = np.empty_like(residual)
    batch_loss = options.value(residual.copy(), options.delta, spare).sum(axis=0)
    g = options.derivative(residual, options.delta, spare)
    if options.mean and yb.shape[0] != 1:
        rate = rate * (1.0 / yb.shape[0])
        batch_loss *= 1.0 / yb.shape[0]
    gradient = np.array([(g * column).sum(axis=0) for column in columns])
    return params - rate * gradient, batch_loss


def _loop(
    design: FloatArray,
    target: FloatArray,
    params: FloatArray,
    rates: FloatArray,
    options: _Options,
    *,
    batch: int,
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Run every update; return the histories of parameters and batch loss, and who diverged."""
    steps, runs = rates.shape
    params_hist = np.empty((steps + 1, runs, len(params)))  # as History keeps it
    loss_hist = np.empty((steps, runs))
    params_hist[0] = params.T
    alive = np.ones(runs, dtype=bool)
    everyone_alive = True
    in_order = None if options.shuffle else _batches(design, target, batch, None)
    step = 0
    with np.errstate(all="ignore"):
        for _ in range(options.epochs):
            order = None if in_order is not None else options.rng.permutation(target.shape[0])
            for pair in in_order or _batches(design, target, batch, order):
                params_next, batch_loss = _step(params, pair, rates[step], options)
                if everyone_alive and _all_finite(params_next, batch_loss):
                    loss_hist[step] = batch_loss
                    params = params_next
                else:  # the careful path: value by value, freezing the runs that overflow
                    loss_hist[step] = np.where(alive, batch_loss, np.nan)
                    alive &= np.isfinite(batch_loss) & np.all(np.isfinite(params_next), axis=0)
                    everyone_alive = bool(alive.all())
                    params = np.where(alive, params_next, params)
                step += 1
                params_hist[step] = params.T
    return params_hist, loss_hist, ~alive


def _run(
    design: FloatArray,
    y: FloatArray,
    lr: object,
    options: _Options,
    *,
    batch: int,
    coef: tuple[str, FloatArray],
    intercept: tuple[str, FloatArray] | None,
    fit_intercept: bool,
) -> History:
    """Run descent on checked inputs: the one engine behind :func:`descend` and :func:`fit`.

    ``design`` is ``(p, n, 1 or runs)``, a column of inputs per feature; ``coef`` and
    ``intercept`` are the starting values with the name of their argument.
    """
    n, p = y.shape[-1], coef[1].shape[-1]
    per_epoch = -(-n // batch)
    runs_shape, rates, params = _start(
        y,
        lr,
        coef=coef,
        intercept=intercept,
        steps=options.epochs * per_epoch,
        epochs=options.epochs,
        fit_intercept=fit_intercept,
    )
    if fit_intercept:  # the intercept is the weight of a column of ones
        design = np.concatenate([design, np.ones((1, n, 1))])
    target = np.ascontiguousarray(np.broadcast_to(y, (params.shape[1], n)).T)
    params_hist, loss_hist, diverged = _loop(design, target, params, rates, options, batch=batch)
    coef_hist, b_hist = params_hist[..., :p], params_hist[..., p] if fit_intercept else None
    if runs_shape:
        return History(coef_hist, loss_hist, rates, diverged, per_epoch, b_hist, fit_intercept)
    return History(  # a single run: no run axis
        coef_hist[:, 0],
        loss_hist[:, 0],
        rates[:, 0],
        bool(diverged[0]),
        per_epoch,
        None if b_hist is None else b_hist[:, 0],
        fit_intercept,
    )


def _as_design(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return ``X`` as a finite ``(n, p)`` array and ``y`` as ``(n,)`` or ``(runs, n)``."""
    design = as_float_array(X, "X")
    if design.ndim == 1:
        design = design[:, np.newaxis]
    if design.ndim != 2:
        raise ArgumentValueError(
            "X", f"X must have shape (n,) for one feature or (n, p), got shape {design.shape}"
        )
    target = as_float_array(y, "y")
    if not 1 <= target.ndim <= 2:
        raise ArgumentValueError(
            "y", f"y must have shape (n,) or (runs, n), got shape {target.shape}"
        )
    if target.shape[-1] != design.shape[0]:
        raise ArgumentValueError(
            "y",
            f"X and y must have one row per sample, got {design.shape[0]} rows in X and "
            f"{target.shape[-1]} values per run in y",
        )
    return design, target


def descend(
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: LossSpec,
    lr: Rate,
    epochs: int,
    coef0: ArrayLike = 0.0,
    intercept0: ArrayLike = 0.0,
    batch_size: int | None = None,
    fit_intercept: bool = True,
    reduction: str = "mean",
    shuffle: bool = False,
    rng: Seed = None,
    delta: float = 1.0,
) -> History:
    r"""Fit :math:`\hat y = X\beta + b` by (mini-batch) gradient descent, many runs at once.

    Each update takes the next batch :math:`B` and steps against the gradient of the batch loss
    :math:`\sum_{i\in B}\ell(r_i)`, :math:`r_i = x_i^\top\beta + b - y_i` (divided by :math:`|B|`
    for ``reduction="mean"``):

    .. math::

        \beta \leftarrow \beta - \eta_t \sum_{i\in B} \ell'(r_i)\,x_i, \qquad
        b \leftarrow b - \eta_t \sum_{i\in B} \ell'(r_i)

    The step in :math:`\beta` scales with the features: centre (and scale) them first, or a rate
    small enough for :math:`\beta` barely moves :math:`b`.

    Parameters
    ----------
    X : array_like
        Features, ``(n,)`` for one feature or ``(n, p)``.
    y : array_like
        Targets, ``(n,)``, or ``(runs, n)`` for one data set per run.
    loss : {"signed", "l1", "l2", "huber"} or (loss, grad) pair
        The loss by name, or a pair of functions with the signature of :func:`l1l2.losses.l1`
        and :func:`l1l2.losses.l1_grad`.
    lr : float, array_like or Schedule
        A rate >= 0, one per run, a table of shape ``(steps, runs)`` (a row per update), or a
        schedule ``step -> rate`` shared by every run (see :mod:`l1l2.schedules`).
    epochs : int
        Passes over the data, at least 0; a run beyond a history of 1 GiB,
        :data:`~l1l2.gd.MAX_UPDATES`, :data:`~l1l2.gd.MAX_FEATURE_UPDATES` or
        :data:`~l1l2.gd.MAX_TERMS` is refused up front.
    coef0, intercept0 : float or array_like
        Starting coefficients (a number, ``(p,)`` or ``(runs, p)``) and intercept (or one per run).
    batch_size : int, optional
        Samples per update (the last batch of an epoch may be smaller); all by default.
    fit_intercept : bool
        Whether the intercept is learned (otherwise there is none: it reads as 0).
    reduction : {"mean", "sum"}
        Whether the batch loss averages or adds up the per-sample losses.
    shuffle : bool
        Take the batches in a new random order every epoch (the same for every run).
    rng : int, numpy.random.Generator or None
        Seed or generator for the shuffling.
    delta : float
        The Huber threshold, for ``loss="huber"``.

    Returns
    -------
    History
        Coefficients, intercept, batch loss and rate of every update.

    Examples
    --------
    >>> x, y = [-1.0, 0.0, 1.0], [1.0, 2.0, 3.0]
    >>> path = descend(x, y, loss="l2", lr=0.2, epochs=200)
    >>> round(path.final_intercept, 6), path.final_coef.round(6)
    (2.0, array([1.]))
    """
    design, target = _as_design(X, y)
    options = _options(
        loss, epochs=epochs, reduction=reduction, shuffle=shuffle, rng=rng, delta=delta
    )
    n, p = design.shape
    batch = n if batch_size is None else check_int(batch_size, "batch_size", low=1)
    intercept_too = check_bool(fit_intercept, "fit_intercept")
    b0 = as_per_run(intercept0, "intercept0")
    beta0 = as_float_array(coef0, "coef0")
    if beta0.ndim == 0:
        beta0 = np.full(p, float(beta0))
    if beta0.shape[-1] != p or beta0.ndim > 2:
        raise ArgumentValueError(
            "coef0", f"coef0 must be a number, shape ({p},) or (runs, {p}), got shape {beta0.shape}"
        )
    return _run(
        design.T[:, :, np.newaxis],
        target,
        lr,
        options,
        batch=batch,
        coef=("coef0", beta0),
        intercept=("intercept0", b0),
        fit_intercept=intercept_too,
    )


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
    r"""Fit ŷ = w x by mini-batch gradient descent: the book's experiment.

    :func:`descend` with one feature and no intercept, where ``x`` may also differ from run to
    run. The source experiment adds up the per-sample losses (``reduction="sum"``):

    .. math:: w_{t+1} = w_t - \eta_t \sum_{i\in B} \ell'(w_t x_i - y_i)\, x_i

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``.
    y : array_like
        Targets: shape ``(n,)`` for one data set, ``(runs, n)`` for many at once.
    w0 : float or array_like
        The starting estimate, or one per run.
    batch_size : int
        Samples per update, at least 1 (the last batch of an epoch may be smaller).
    loss, lr, epochs, reduction, shuffle, rng, delta
        As in :func:`descend`.

    Returns
    -------
    History
        The estimate (``w``), batch loss and learning rate of every update. A run that overflows
        stops there, is marked ``diverged``, and raises no NumPy warnings.

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
    options = _options(
        loss, epochs=epochs, reduction=reduction, shuffle=shuffle, rng=rng, delta=delta
    )
    if x_arr.ndim == 2 and x_arr.strides[0] == 0:  # one x for every run
        x_arr = x_arr[0]
    design = x_arr[np.newaxis, :, np.newaxis] if x_arr.ndim == 1 else x_arr.T[np.newaxis]
    return _run(
        design,
        y_arr,
        lr,
        options,
        batch=batch,
        coef=("w0", w_start[..., np.newaxis]),
        intercept=None,
        fit_intercept=False,
    )


def minimizer(x: ArrayLike, y: ArrayLike, *, loss: str, delta: float = 1.0) -> float | FloatArray:
    r"""Return the weight that minimises the total loss over all samples: where descent settles.

    - ``"l2"``: least squares, :math:`w^\ast = \sum x_i y_i / \sum x_i^2`; with one common
      :math:`x` this is :math:`\bar y / x`, built on the **mean**.
    - ``"l1"``: the weighted median of :math:`y_i / x_i` with weights :math:`|x_i|`; with one
      common :math:`x`, :math:`\operatorname{median}(y) / x`. Where a whole interval minimises,
      its midpoint, as :func:`numpy.median` does.
    - ``"huber"``: the root of the monotone derivative, by bisection to machine precision.
      Where a whole interval minimises (for a small :math:`\delta`, between the zones
      :math:`\lvert w x_i - y_i\rvert < \delta`), one point of it:
      :func:`l1l2.experiments.huber_interval` gives its ends.

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``; not all zero.
    y : array_like
        Targets: shape ``(n,)``, or ``(runs, n)`` for one answer per run.
    loss : {"l1", "l2", "huber"}
        The loss (the signed loss falls without bound: it has no minimiser).
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
    why = "the signed loss has no minimiser: it falls without bound"
    record = LOSSES[check_choice(loss, "loss", SETTLING, why=why)]
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
    L2, 1 for Huber. The gap shrinks on every batch while :math:`\eta < 2 / (c\,\max_B S_B)`,
    over any order of the samples. Abs L1 and the signed loss take steps of bounded size: they
    never blow up.

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
        The Huber threshold: checked, but the limit does not depend on it.

    Returns
    -------
    float
        The limit, or ``math.inf``.

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
