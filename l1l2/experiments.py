"""Many simulated data sets at once: where each loss settles, and how far from the true w.

One data set says little about which loss estimates :math:`w` better: its two estimates differ by
luck. :func:`compare` finds where each loss settles on every data set of a stack, and
:func:`spread` and :func:`table` measure how those estimates scatter around the true :math:`w`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import _engine, data, gd, losses
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    _show,
    as_float_array,
    as_xy,
    check_choice,
    check_int,
    check_scalar,
)

__all__ = [
    "NOISES",
    "SOURCE",
    "SPREAD_NAMES",
    "Comparison",
    "SourceExperiment",
    "compare",
    "experiment_data",
    "huber_interval",
    "l1_interval",
    "spread",
    "table",
]


@dataclass(frozen=True)
class SourceExperiment:
    """The w-estimation experiment of the source article, as one value.

    Twenty samples at :math:`x = 2` with true :math:`w = 1`; descent from :math:`w_0 = 20` on
    batches of two, each batch loss summed, learning rate 0.01, 20 epochs; Huber's delta is 1.

    Examples
    --------
    >>> SOURCE.n, SOURCE.x, SOURCE.true_w, SOURCE.w0, SOURCE.lr
    (20, 2.0, 1.0, 20.0, 0.01)
    """

    n: int = 20
    x: float = 2.0
    true_w: float = 1.0
    w0: float = 20.0
    batch_size: int = 2
    lr: float = 0.01
    reduction: Literal["mean", "sum"] = "sum"
    epochs: int = 20
    delta: float = 1.0


#: The source article's experiment, where every default of the command line and the explorers
#: comes from.
SOURCE: Final = SourceExperiment()

#: The noise levels :math:`\sigma` of the book's data sets (:func:`experiment_data`).
NOISES: Final = (0.0, 0.05, 5.0)


def experiment_data(
    noises: Sequence[float] = NOISES, *, rng: int = 4
) -> dict[float, tuple[FloatArray, FloatArray]]:
    r"""Return the book's data sets (:func:`l1l2.data.linear`), one per noise level, in order.

    Drawn one after the other from one generator, with the ``n``, ``x`` and true ``w`` of
    :data:`~l1l2.experiments.SOURCE`, as chapters 4 to 8 draw them (no noise draws nothing).

    Parameters
    ----------
    noises : sequence of float
        Noise levels :math:`\sigma \ge 0`, no repeats.
    rng : int
        Seed of the generator.

    Returns
    -------
    dict
        For each noise level, the pair ``(x, y)``.

    Examples
    --------
    >>> x, y = experiment_data((0.0, 5.0))[0.0]
    >>> float(x[0]), float(y[0])
    (2.0, 2.0)
    """
    if isinstance(noises, (str, bytes)) or not isinstance(noises, Sequence) or not noises:
        raise ArgumentTypeError(
            "noises", f"noises must be a non-empty sequence of numbers, got {_show(noises)}"
        )
    levels = [check_scalar(s, "noises", low=0.0) for s in noises]
    if len(set(levels)) != len(levels):
        raise ArgumentValueError("noises", f"noises must not repeat a value, got {_show(noises)}")
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        raise ArgumentTypeError("rng", f"rng must be an int seed, got {rng!r}")
    generator = np.random.default_rng(rng)
    return {
        s: data.linear(SOURCE.n, x=SOURCE.x, w=SOURCE.true_w, noise=s, rng=generator)
        for s in levels
    }


#: The statistics of :func:`spread`, in the order :func:`table` prints them.
SPREAD_NAMES: Final = ("mean", "std", "iqr", "mad", "mae")

# The column headers of table() that are not the statistic's name.
_HEADERS: Final = {"iqr": "IQR", "mad": "MAD", "mae": "mean |w_hat - w|"}


def spread(estimates: ArrayLike, *, true_w: float) -> dict[str, float]:
    """Summarise how estimates of w scatter, and how far they lie from the truth.

    A few wild estimates pull the standard deviation up, not the interquartile range or the
    median absolute deviation; the mean absolute error also counts a bias.

    Parameters
    ----------
    estimates : array_like
        One estimate per data set, at least two, finite.
    true_w : float
        The weight the data were drawn with.

    Returns
    -------
    dict of str to float
        ``"mean"``, ``"std"`` (``ddof=1``), ``"iqr"`` (:math:`Q_3 - Q_1`), ``"mad"`` (the median
        distance to the median) and ``"mae"`` (the mean distance to ``true_w``).

    Examples
    --------
    >>> stats = spread([0.0, 1.0, 2.0, 3.0, 10.0], true_w=1.0)
    >>> {name: round(value, 3) for name, value in stats.items()}
    {'mean': 3.2, 'std': 3.962, 'iqr': 2.0, 'mad': 1.0, 'mae': 2.6}
    """
    values = as_float_array(estimates, "estimates").ravel()
    if values.size < 2:
        raise ArgumentValueError(
            "estimates",
            f"estimates must hold at least 2 values to measure a spread, got {values.size}",
        )
    truth = check_scalar(true_w, "true_w")
    largest = max(float(np.max(np.abs(values))), abs(truth))
    # Scaled down by a power of two (exactly), so that no intermediate sum or square overflows.
    scale = _engine.power_of_two(largest)
    values, truth = values / scale, truth / scale
    q1, median, q3 = np.percentile(values, [25.0, 50.0, 75.0])
    stats = {
        "mean": float(np.mean(values)),
        "std": float(np.std(values, ddof=1)),
        "iqr": float(q3 - q1),
        "mad": float(np.median(np.abs(values - median))),
        "mae": float(np.mean(np.abs(values - truth))),
    }
    with np.errstate(over="ignore"):
        stats = {name: float(value * scale) for name, value in stats.items()}
    for name, value in stats.items():
        if not np.isfinite(value):
            raise ArgumentValueError(
                "estimates",
                f"estimates are so spread out that their {name} exceeds the float64 range "
                "(about 1.8e308); rescale them",
            )
    return stats


@dataclass(frozen=True, repr=False)
class Comparison:
    """The settle points of several losses on the same stack of data sets; prints as a table.

    Attributes
    ----------
    estimates : dict of str to numpy.ndarray
        Loss name to one estimate of w per data set.
    true_w : float
        The weight the data were drawn with.
    """

    estimates: dict[str, FloatArray]
    true_w: float

    @property
    def runs(self) -> int:
        """Number of data sets (0 when there are no estimates)."""
        return next((int(np.size(v)) for v in self.estimates.values()), 0)

    def stats(self) -> dict[str, dict[str, float]]:
        """Return the spread statistics of each loss's estimates, by loss name."""
        return {name: spread(values, true_w=self.true_w) for name, values in self.estimates.items()}

    def tighter(self, statistic: str = "mae") -> str:
        """Return the name of the loss whose estimates score lowest on ``statistic``.

        Parameters
        ----------
        statistic : {"std", "iqr", "mad", "mae"}
            The measure of spread to compare.
        """
        check_choice(statistic, "statistic", SPREAD_NAMES[1:])
        stats = self.stats()
        if not stats:
            raise ArgumentValueError(
                "statistic", "a Comparison without estimates has no tighter loss"
            )
        return min(stats, key=lambda name: stats[name][statistic])

    def __str__(self) -> str:
        return table({"": self})

    def __repr__(self) -> str:  # without dumping the estimates
        names = ", ".join(self.estimates)
        return f"Comparison(losses=[{names}], runs={self.runs}, true_w={self.true_w:g})"


def compare(
    x: ArrayLike,
    y: ArrayLike,
    *,
    true_w: float,
    losses: Sequence[str] = ("l1", "l2"),
    delta: float = 1.0,
) -> Comparison:
    """Find where descent on each loss settles (:func:`l1l2.gd.minimizer`), on every data set.

    Parameters
    ----------
    x, y : array_like
        Inputs, broadcastable to ``y``, and targets of shape ``(runs, n)`` with two or more runs.
    true_w : float
        The weight the data were drawn with.
    losses : sequence of {"l1", "l2", "huber"}
        The losses to compare, at least one, no repeats.
    delta : float
        The Huber threshold, for ``"huber"``.

    Returns
    -------
    Comparison
        The estimates, one per data set and loss.

    Examples
    --------
    >>> from l1l2 import data
    >>> x, y = data.linear(20, noise=5.0, runs=500, rng=0)
    >>> result = compare(x, y, true_w=1.0)
    >>> result
    Comparison(losses=[l1, l2], runs=500, true_w=1)
    >>> result.tighter("std")
    'l2'
    """
    y_arr = as_float_array(y, "y")
    if y_arr.ndim != 2 or y_arr.shape[0] < 2:
        raise ArgumentValueError(
            "y", f"y must have shape (runs, n) with at least 2 runs, got shape {y_arr.shape}"
        )
    truth = check_scalar(true_w, "true_w")
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    if not isinstance(losses, Sequence):
        raise ArgumentTypeError(
            "losses",
            f"losses must be a sequence of loss names such as ('l1', 'l2'), got {_show(losses)}",
        )
    names = [losses] if isinstance(losses, str) else list(losses)
    if not names or len(set(map(str, names))) != len(names):
        raise ArgumentValueError(
            "losses", f"losses must name at least one loss, without repeats, got {_show(losses)}"
        )
    for name in names:
        check_choice(name, "losses", gd.SETTLING, why="the signed loss never settles")
    estimates = {
        name: np.asarray(gd.minimizer(x, y_arr, loss=name, delta=d), dtype=np.float64)
        for name in names
    }
    return Comparison(estimates, truth)


def table(comparisons: Mapping[str, Comparison], *, digits: int = 3) -> str:
    """Format the spread of several comparisons as one plain-text table.

    Parameters
    ----------
    comparisons : mapping of str to Comparison
        A label (for example the kind of noise) to a :class:`Comparison`.
    digits : int
        Digits after the decimal point, from 0 to 20.

    Returns
    -------
    str
        One row per label and loss; columns mean, std, IQR, MAD and mean absolute error.

    Examples
    --------
    >>> from l1l2 import data
    >>> x, y = data.linear(20, noise=5.0, runs=500, rng=0)
    >>> print(table({"Gaussian": compare(x, y, true_w=1.0)}, digits=2))
    noise     loss    mean   std   IQR   MAD  mean |w_hat - w|
    Gaussian  abs L1  1.00  0.69  0.99  0.50              0.56
    Gaussian  L2      1.02  0.59  0.83  0.42              0.48
    """
    if not isinstance(comparisons, Mapping) or not comparisons:
        raise ArgumentTypeError(
            "comparisons",
            "comparisons must be a non-empty mapping of label to Comparison, got "
            f"{_show(comparisons)}",
        )
    places = check_int(digits, "digits", low=0, high=20)
    rows: list[list[str]] = []
    for label, comparison in comparisons.items():
        if not isinstance(comparison, Comparison):
            raise ArgumentTypeError(
                "comparisons",
                f"comparisons[{label!r}] must be an l1l2.experiments.Comparison, got "
                f"{_show(comparison)}",
            )
        for name, stats in comparison.stats().items():
            cells = [f"{stats[key]:.{places}f}" for key in SPREAD_NAMES]
            label_of = losses.LOSSES[name].label if name in losses.LOSSES else name
            rows.append([str(label), label_of, *cells])
    rows.insert(0, ["noise", "loss", *(_HEADERS.get(key, key) for key in SPREAD_NAMES)])
    if not any(row[0] for row in rows[1:]):  # no labels (a Comparison printed): no noise column
        rows = [row[1:] for row in rows]
    text_columns = len(rows[0]) - len(SPREAD_NAMES)  # left-aligned; the numbers right-aligned
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]
    lines = [
        "  ".join(
            cell.ljust(width) if i < text_columns else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines)


def l1_interval(x: ArrayLike, y: ArrayLike) -> tuple[float | FloatArray, float | FloatArray]:
    r"""Return the ends of the interval where the total abs-L1 loss is smallest.

    :math:`\sum_i \lvert w x_i - y_i\rvert = \sum_i \lvert x_i\rvert\,\lvert w - y_i/x_i\rvert`
    is flat between two weighted medians of the ratios :math:`y_i/x_i`: for one common
    :math:`x > 0` and an even :math:`n`, between the middle two of the sorted :math:`y_i/x`; for
    an odd :math:`n`, at the median alone. Descent on abs L1 can stop anywhere inside;
    :func:`l1l2.gd.minimizer` returns the midpoint.

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``; not all zero.
    y : array_like
        Targets: shape ``(n,)``, or ``(runs, n)`` for one interval per data set.

    Returns
    -------
    low, high : float or numpy.ndarray
        The ends of the interval (equal for a single point), one per data set for 2-D ``y``.

    Examples
    --------
    >>> l1_interval(2.0, [0.0, 2.0, 4.0, 10.0])
    (1.0, 2.0)
    >>> l1_interval(2.0, [0.0, 2.0, 10.0])
    (1.0, 1.0)
    """
    x_arr, y_arr = _interval_inputs(x, y)
    return _interval_ends(*_engine.weighted_median_interval(x_arr, y_arr), limit=np.inf)


def huber_interval(
    x: ArrayLike, y: ArrayLike, *, delta: float
) -> tuple[float | FloatArray, float | FloatArray]:
    r"""Return the ends of the interval where the total Huber loss is smallest.

    :math:`\sum_i \ell_\delta(w x_i - y_i)` is convex; its slope
    :math:`\sum_i \psi_\delta(w x_i - y_i)\,x_i`, with :math:`\psi_\delta(r)` the error clipped
    to :math:`[-\delta, \delta]`, rises wherever a sample with :math:`x_i \ne 0` has
    :math:`\lvert w x_i - y_i\rvert < \delta`. So the minimiser is a single point, except where
    no sample is within :math:`\delta` and the far pulls :math:`\pm\delta\,\lvert x_i\rvert`
    cancel: for one common :math:`x > 0`, an even :math:`n` and a :math:`\delta` smaller than half
    the gap between the middle two :math:`y_i`, every :math:`w` from
    :math:`(y_{(n/2)} + \delta)/x` to :math:`(y_{(n/2+1)} - \delta)/x`. That is abs L1's
    interval (:func:`l1_interval`) less :math:`\delta/x` at each end. Descent, and
    :func:`l1l2.gd.minimizer`, may stop anywhere inside.

    Parameters
    ----------
    x, y : array_like
        As for :func:`l1_interval`.
    delta : float
        The Huber threshold, > 0, in the units of ``y``.

    Returns
    -------
    low, high : float or numpy.ndarray
        As for :func:`l1_interval`.

    Examples
    --------
    >>> huber_interval(2.0, [0.0, 2.0, 4.0, 10.0], delta=0.5)
    (1.25, 1.75)
    >>> huber_interval(2.0, [0.0, 2.0, 4.0, 10.0], delta=2.0)
    (1.5, 1.5)
    """
    x_arr, y_arr = _interval_inputs(x, y)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        ends = _engine.huber_interval(x_arr, y_arr, d)
    # The bisection's bracket stops at the largest float64: an end there is beyond the range.
    return _interval_ends(*ends, limit=float(np.finfo(np.float64).max))


def _interval_inputs(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``x`` and ``y`` of an interval, checked: not all of a data set's ``x`` zero."""
    x_arr, y_arr = as_xy(x, y)
    if not np.all(np.any(x_arr != 0, axis=-1)):
        raise ArgumentValueError("x", "x must not be all zero: then every w fits equally well")
    return x_arr, y_arr


def _interval_ends(
    low: FloatArray, high: FloatArray, *, limit: float
) -> tuple[float | FloatArray, float | FloatArray]:
    """The ends, floats for one data set; refused unless every end is below ``limit`` in size."""
    if not (np.all(np.abs(low) < limit) and np.all(np.abs(high) < limit)):
        raise ArgumentValueError(
            "y",
            "y is so large compared with x that the interval exceeds the float64 range (about "
            "1.8e308); rescale x or y",
        )
    if low.ndim == 0:
        return float(low), float(high)
    return low, high
