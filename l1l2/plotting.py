"""The figures of the book, as small functions that draw into a matplotlib ``Axes``.

Every ``plot_*`` function takes ``ax=None`` (a new figure when omitted), returns the ``Axes`` (or an
array of them), labels every axis with its unit, adds a legend, and never calls ``plt.show()``.
Colours come from the Okabe-Ito palette, which stays distinct under the common colour-vision
deficiencies, and figures get an opaque white background so that they stay readable on a dark page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from l1l2 import experiments, gd, losses, vocabulary
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    as_float_array,
    as_xy,
    check_int,
    check_scalar,
)
from l1l2.gd import History
from l1l2.schedules import Schedule

__all__ = [
    "LOSS_COLORS",
    "LOSS_LABELS",
    "OKABE_ITO",
    "color_for",
    "label_for",
    "new_axes",
    "plot_experiment",
    "plot_gradients",
    "plot_loss",
    "plot_lr",
    "plot_penalties",
    "plot_penalty_bars",
    "plot_spread",
    "plot_total_loss",
    "plot_w",
]

#: The Okabe-Ito palette (Okabe & Ito, 2008), safe for colour-blind readers: the colours of
#: :data:`l1l2.vocabulary.PALETTE` but its grey.
OKABE_ITO: Final[dict[str, str]] = {k: v for k, v in vocabulary.PALETTE.items() if k != "grey"}

#: One colour per loss, the same in every figure of the book (:data:`l1l2.vocabulary.LOSSES`).
LOSS_COLORS: Final[dict[str, str]] = {name: row.color for name, row in vocabulary.LOSSES.items()}

#: How the book names each loss in legends (:data:`l1l2.vocabulary.LOSSES`).
LOSS_LABELS: Final[dict[str, str]] = {name: row.label for name, row in vocabulary.LOSSES.items()}

_CYCLE: Final = vocabulary.CYCLE
_REFERENCE: Final = vocabulary.PALETTE["grey"]  # reference lines: the true w, zero, the samples
_DRAWABLE: Final = 1e300  # the largest magnitude a line draws (axis arithmetic overflows above)
_LOG_TOP: Final = 1e100  # the highest a logarithmic loss axis goes (its ticks overflow far above)


def color_for(key: str, index: int = 0) -> str:
    """Return the book's colour for a loss name, or the ``index``-th palette colour otherwise.

    Parameters
    ----------
    key : str
        A loss name (``"l1"``, ...) or any other label.
    index : int
        Which palette colour a key that is not a loss name gets, an integer >= 0 (the palette
        repeats after seven colours).

    Examples
    --------
    >>> color_for("l2")
    '#E69F00'

    """
    position = check_int(index, "index", low=0)
    if not isinstance(key, str):
        raise ArgumentTypeError(
            "key", f"key must be a loss name or another label (a str), got {key!r}"
        )
    return LOSS_COLORS.get(key, _CYCLE[position % len(_CYCLE)])


def label_for(key: str) -> str:
    """Return the book's legend label for a loss name (other keys are returned unchanged).

    Examples
    --------
    >>> label_for("l1")
    'abs L1'

    """
    if not isinstance(key, str):
        raise ArgumentTypeError(
            "key", f"key must be a loss name or another label (a str), got {key!r}"
        )
    return LOSS_LABELS.get(key, key)


def _opaque(fig: Figure | object) -> None:
    if isinstance(fig, Figure):
        fig.patch.set_facecolor("white")
        fig.patch.set_alpha(1.0)


def new_axes(ncols: int = 1, *, width: float = 6.4, height: float = 4.0) -> NDArray[np.object_]:
    """Return ``ncols`` side-by-side Axes on a new figure with an opaque white background.

    Parameters
    ----------
    ncols : int
        Number of panels, at least 1.
    width, height : float
        Size of one panel in inches.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        One Axes per panel (an array even for one panel).

    Examples
    --------
    >>> axes = new_axes(2)
    >>> axes.shape
    (2,)
    >>> plt.close(axes[0].figure)

    """
    count = check_int(ncols, "ncols", low=1)
    w = check_scalar(width, "width", low=0.0, low_open=True)
    h = check_scalar(height, "height", low=0.0, low_open=True)
    fig, axes = plt.subplots(1, count, figsize=(w * count, h), layout="constrained", squeeze=False)
    _opaque(fig)
    return np.asarray(axes[0], dtype=object)


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        return new_axes(1)[0]  # type: ignore[no-any-return]
    if not isinstance(ax, Axes):
        raise ArgumentTypeError("ax", f"ax must be a matplotlib Axes or None, got {ax!r}")
    _opaque(ax.figure)
    return ax


def _loss_names(names: object) -> list[str]:
    """Return ``names`` as a list of loss names, or raise an error naming ``losses_to_show``."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ArgumentTypeError(
            "losses_to_show",
            f"losses_to_show must be a sequence of loss names such as ('l1', 'l2'), got {names!r}",
        )
    chosen = list(names)
    unknown = [name for name in chosen if name not in losses.LOSS_NAMES]
    if not chosen or unknown:
        raise ArgumentValueError(
            "losses_to_show",
            f"losses_to_show must name one or more of {', '.join(map(repr, losses.LOSS_NAMES))}, "
            f"got {names!r}",
        )
    return chosen


def _check_history(history: object, name: str = "history") -> History:
    if not isinstance(history, History):
        raise ArgumentTypeError(
            name, f"{name} must be an l1l2.gd.History (from l1l2.gd.fit), got {history!r}"
        )
    return history


def _select_run(
    values: NDArray[np.float64], run: int | None, runs: int | None
) -> NDArray[np.float64]:
    if runs is None or run is None:
        return values
    index = check_int(run, "run", low=0)
    if index >= runs:
        raise ArgumentValueError("run", f"run must be < {runs} (the number of runs), got {index}")
    return values[:, index]


def drawable(values: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Return ``values`` with NaN (a gap in the line) where matplotlib cannot place a point.

    That is a non-finite value (the batch loss of an update that overflowed) or one beyond
    :math:`\pm 10^{300}`, where the axis margins and ticks would overflow (a diverged run).
    """
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(values) <= _DRAWABLE, values, np.nan)


def _line(
    ax: Axes,
    steps: NDArray[np.float64],
    values: NDArray[np.float64],
    *,
    color: str,
    label: str | None,
    gid: str,
) -> None:
    values = drawable(values)
    if values.ndim == 1:
        ax.plot(steps, values, color=color, label=label, linewidth=1.6, gid=gid)
        return
    # Many runs: thin lines, one legend entry.
    alpha = max(0.08, min(0.8, 4.0 / values.shape[1]))
    for k in range(values.shape[1]):
        ax.plot(
            steps,
            values[:, k],
            color=color,
            alpha=alpha,
            linewidth=0.8,
            label=label if k == 0 else None,
            gid=gid,
        )


def plot_penalties(
    max_error: float = 10.0,
    *,
    losses_to_show: Sequence[str] = ("l1", "l2"),
    delta: float = 1.0,
    marks: Sequence[float] = (),
    ax: Axes | None = None,
) -> Axes:
    r"""Plot the per-sample penalty of each loss against the error :math:`r = \hat y - y`.

    Parameters
    ----------
    max_error : float
        The error axis runs from ``-max_error`` to ``max_error`` (> 0).
    losses_to_show : sequence of {"signed", "l1", "l2", "huber"}
        The losses to draw.
    delta : float
        The Huber threshold, when ``"huber"`` is shown.
    marks : sequence of float
        Errors at which to mark and annotate each loss's penalty (for example ``(2, 10)``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_penalties(10, marks=(2, 10))
    >>> ax.get_legend_handles_labels()[1]
    ['abs L1: |r|', 'L2: r²']
    >>> plt.close(ax.figure)

    """
    top = check_scalar(max_error, "max_error", low=0.0, low_open=True)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    formulas = {"signed": "r", "l1": "|r|", "l2": "r²", "huber": f"δ = {d:g}"}
    names = _loss_names(losses_to_show)
    mark_at = _marks(marks)
    ax = _axes(ax)
    _per_sample_curves(ax, names, top, d, slope=False, formulas=formulas, samples=401)
    for name in names:
        loss_fn, _ = losses.get(name)
        kwargs = {"delta": d} if name == "huber" else {}
        for m in mark_at:
            point = float(loss_fn(np.zeros(1), np.array([m]), reduction="sum", **kwargs))
            ax.plot([m], [point], "o", color=color_for(name), gid=f"mark {name}")
            ax.annotate(
                f"{point:g}",
                (m, point),
                textcoords="offset points",
                xytext=(6, -4),
                color=color_for(name),
            )
    ax.set_ylabel("penalty of one sample (units of y, or y² for L2)")
    ax.legend(loc="upper center")
    return ax


def _marks(marks: object) -> list[float]:
    """Return ``marks`` (a sequence of finite errors, possibly empty) as a list of floats."""
    if isinstance(marks, str) or not isinstance(marks, Iterable):
        raise ArgumentTypeError(
            "marks", f"marks must be a sequence of errors such as (2, 10), got {marks!r}"
        )
    values = list(marks)
    if not values:
        return []
    array = as_float_array(values, "marks")
    if array.ndim != 1:
        raise ArgumentValueError("marks", f"marks must be a flat sequence of errors, got {marks!r}")
    return [float(m) for m in array]


def _per_sample_curves(
    ax: Axes,
    names: Sequence[str],
    top: float,
    delta: float,
    *,
    slope: bool,
    formulas: Mapping[str, str],
    samples: int,
) -> None:
    """Draw each loss's per-sample penalty (or its slope) over errors from -top to top."""
    r = np.linspace(-top, top, samples)
    zero = np.zeros_like(r)
    for name in names:
        fn = losses.get(name)[1 if slope else 0]
        kwargs = {"delta": delta} if name == "huber" else {}
        ax.plot(
            r,
            fn(zero, r, reduction="none", **kwargs),
            color=color_for(name),
            linewidth=2,
            label=f"{label_for(name)}: {formulas[name]}",
            gid=name,
        )
    ax.set_xlabel("error r = prediction - truth (units of y)")
    ax.axhline(0.0, color=_REFERENCE, linewidth=0.6)
    ax.grid(alpha=0.3)


def plot_penalty_bars(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    unit: str = "apples",
    ax: Axes | None = None,
) -> Axes:
    """Plot each prediction's L1 and L2 penalty as bars, with the two means as dashed lines.

    Parameters
    ----------
    y_true, y_pred : array_like
        1-D targets and predictions of one length.
    unit : str
        The unit of ``y``, for the axis labels.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_penalty_bars([100, 100, 100], [90, 95, 105])
    >>> ax.get_legend() is not None
    True
    >>> plt.close(ax.figure)

    """
    truth = as_float_array(y_true, "y_true")
    pred = as_float_array(y_pred, "y_pred")
    if truth.ndim != 1 or truth.shape != pred.shape:
        raise ArgumentValueError(
            "y_pred",
            "y_true and y_pred must be 1-D of one length, got shapes "
            f"{truth.shape} and {pred.shape}",
        )
    ax = _axes(ax)
    absolute = losses.l1(truth, pred, reduction="none")
    squared = losses.l2(truth, pred, reduction="none")
    positions = np.arange(truth.size)
    width = 0.38
    ax.bar(
        positions - width / 2,
        absolute,
        width,
        color=color_for("l1"),
        label=f"|error| ({unit})",
        gid="l1",
    )
    ax.bar(
        positions + width / 2,
        squared,
        width,
        color=color_for("l2"),
        hatch="//",
        edgecolor="white",
        label=f"error² ({unit}²)",
        gid="l2",
    )
    ax.axhline(
        float(absolute.mean()),
        color=color_for("l1"),
        linestyle="--",
        label=f"L1 = mean |error| = {absolute.mean():.2f}",
        gid="l1 mean",
    )
    ax.axhline(
        float(squared.mean()),
        color=color_for("l2"),
        linestyle=":",
        label=f"L2 = mean error² = {squared.mean():.2f}",
        gid="l2 mean",
    )
    ax.set_xticks(positions, [f"predicted {p:g}" for p in pred])
    ax.set_xlabel(f"prediction (truth: {', '.join(f'{t:g}' for t in np.unique(truth))} {unit})")
    ax.set_ylabel(f"penalty ({unit} for L1, {unit}² for L2)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_loss(
    history: History,
    *,
    label: str | None = None,
    color: str | None = None,
    run: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot the batch loss before each update.

    Parameters
    ----------
    history : l1l2.gd.History
        A run (or many) from :func:`l1l2.gd.fit`.
    label : str, optional
        Legend label.
    color : str, optional
        Line colour; the first palette colour when omitted.
    run : int, optional
        For a many-run history, draw only this run (otherwise every run, thinly).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    """
    ax = _trajectory(_check_history(history), "loss", run=run, color=color, label=label, ax=ax)
    ax.set_ylabel("batch loss")
    if label is not None:
        ax.legend()
    return ax


def _trajectory(
    h: History,
    field: str,
    *,
    run: int | None,
    color: str | None,
    label: str | None,
    ax: Axes | None,
) -> Axes:
    """Draw ``h.loss`` or ``h.w`` against the update number (both kinds of trajectory figure)."""
    ax = _axes(ax)
    values: NDArray[np.float64] = getattr(h, field)
    steps = np.arange(values.shape[0], dtype=np.float64)
    _line(
        ax,
        steps,
        _select_run(values, run, h.runs),
        color=color or _CYCLE[0],
        label=label,
        gid=field,
    )
    ax.set_xlabel("update (mini-batch step)")
    ax.grid(alpha=0.3)
    return ax


def plot_w(
    history: History,
    *,
    true_w: float | None = None,
    settle: float | None = None,
    label: str | None = None,
    color: str | None = None,
    run: int | None = None,
    band: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot the estimate of w before the first update and after every update.

    Parameters
    ----------
    history : l1l2.gd.History
        A run (or many) from :func:`l1l2.gd.fit`.
    true_w : float, optional
        Draw the true w as a dashed reference line.
    settle : float, optional
        Draw the point where descent settles (:func:`l1l2.gd.minimizer`) as a dotted line.
    label : str, optional
        Legend label.
    color : str, optional
        Line colour; the first palette colour when omitted.
    run : int, optional
        For a many-run history, draw only this run (otherwise every run, thinly).
    band : (float, float), optional
        Shade the estimates between these two values, for example the flat bottom of the abs-L1
        loss (:func:`l1l2.experiments.l1_interval`), where every w settles equally well.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    """
    ax = _trajectory(_check_history(history), "w", run=run, color=color, label=label, ax=ax)
    if band is not None:
        if not isinstance(band, tuple) or len(band) != 2:
            raise ArgumentTypeError(
                "band", f"band must be a pair (low, high) of numbers, got {band!r}"
            )
        low, high = check_scalar(band[0], "band[0]"), check_scalar(band[1], "band[1]")
        if low > high:
            raise ArgumentValueError("band", f"band must have low <= high, got {band!r}")
        ax.axhspan(
            low,
            high,
            color=OKABE_ITO["reddish purple"],
            alpha=0.15,
            label=f"flat bottom [{low:.3g}, {high:.3g}]",
            gid="band",
        )
    _references(ax, true_w=true_w, settle=settle)
    ax.set_ylabel("estimate of w")
    if ax.get_legend_handles_labels()[1]:
        ax.legend()
    return ax


# The reference lines of the w plots: the true w, and where descent settles.
_REFERENCE_LINES: Final = {
    gid: {"color": row.color, "linestyle": row.linestyle, "linewidth": row.linewidth}
    for gid, row in vocabulary.REFERENCES.items()
}


def _reference_line(ax: Axes, gid: str, value: object, *, vertical: bool = False) -> None:
    """Draw the reference line ``gid`` (``"true_w"`` or ``"settle"``) at ``value`` across ``ax``."""
    number = check_scalar(value, gid)
    style = _REFERENCE_LINES[gid]
    label = vocabulary.REFERENCES[gid].label.format(number)
    draw = ax.axvline if vertical else ax.axhline
    draw(number, label=label, gid=gid, **style)  # type: ignore[arg-type]


def _references(ax: Axes, *, true_w: float | None, settle: float | None) -> None:
    if true_w is not None:
        _reference_line(ax, "true_w", true_w)
    if settle is not None:
        _reference_line(ax, "settle", settle)


def plot_experiment(
    histories: Mapping[str, History],
    *,
    true_w: float | None = 1.0,
    title: str | None = None,
    loss_scale: str = "linear",
    axes: Sequence[Axes] | NDArray[np.object_] | None = None,
) -> NDArray[np.object_]:
    """Plot loss per update (left) and estimate of w per update (right) for several runs.

    Parameters
    ----------
    histories : mapping of str to l1l2.gd.History
        One entry per line; keys that are loss names (``"l1"``, ``"l2"``, ...) get the book's
        colour and label for that loss, other keys are used as labels as they are.
    true_w : float or None
        Draw the true w on the right panel.
    title : str, optional
        A title over both panels.
    loss_scale : {"linear", "symlog", "log"}
        Scale of the loss axis; ``"symlog"`` shows a loss that goes negative and spans decades.
    axes : pair of matplotlib.axes.Axes, optional
        Where to draw; a new two-panel figure when omitted.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The two panels.

    Examples
    --------
    >>> from l1l2 import data, gd
    >>> x, y = data.linear(20)
    >>> runs = {name: gd.fit(x, y, loss=name, w0=20.0, lr=0.01, batch_size=2, epochs=2,
    ...                      reduction="sum") for name in ("l1", "l2")}
    >>> left, right = plot_experiment(runs)
    >>> right.get_ylabel()
    'estimate of w'
    >>> plt.close(left.figure)

    """
    if not isinstance(histories, Mapping) or not histories:
        raise ArgumentTypeError(
            "histories",
            f"histories must be a non-empty mapping of label to l1l2.gd.History, got {histories!r}",
        )
    if loss_scale not in ("linear", "symlog", "log"):
        raise ArgumentValueError(
            "loss_scale", f"loss_scale must be 'linear', 'symlog' or 'log', got {loss_scale!r}"
        )
    if axes is None:
        panels = new_axes(2)
    else:
        panels = np.asarray(axes, dtype=object)
        if panels.shape != (2,) or not all(isinstance(a, Axes) for a in panels):
            raise ArgumentTypeError("axes", f"axes must be a pair of matplotlib Axes, got {axes!r}")
    left, right = panels
    for index, (key, history) in enumerate(histories.items()):
        color, label = color_for(key, index), label_for(key)
        plot_loss(_check_history(history, f"histories[{key!r}]"), label=label, color=color, ax=left)
        plot_w(history, label=label, color=color, ax=right)
    _references(right, true_w=true_w, settle=None)
    right.legend()
    if loss_scale != "linear":
        largest = max(_largest_finite(h.loss) for h in histories.values())
        if largest > _LOG_TOP:
            # A diverged run reaches the largest floats, where a logarithmic axis's margins and
            # ticks overflow: the axis stops at 1e100 and the run leaves the panel at the top.
            left.margins(y=0.0)
        if loss_scale == "symlog":
            left.set_yscale("symlog", linthresh=1.0)
        else:
            left.set_yscale("log")
        if largest > _LOG_TOP:
            left.set_ylim(top=_LOG_TOP)
    if title is not None:
        left.figure.suptitle(title)
    return panels


def _largest_finite(values: NDArray[np.float64]) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def plot_lr(
    schedules: Mapping[str, Schedule],
    steps: int,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Plot learning-rate schedules over ``steps`` updates.

    Parameters
    ----------
    schedules : mapping of str to Schedule
        Label to schedule (from :mod:`l1l2.schedules`).
    steps : int
        Number of updates to show, at least 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from l1l2.schedules import inverse_time
    >>> ax = plot_lr({"inverse time": inverse_time(0.01, decay=1 / 2000)}, 4000)
    >>> ax.get_ylabel()
    'learning rate'
    >>> plt.close(ax.figure)

    """
    count = check_int(steps, "steps", low=1)
    if not isinstance(schedules, Mapping) or not schedules:
        raise ArgumentTypeError(
            "schedules",
            f"schedules must be a non-empty mapping of label to Schedule, got {schedules!r}",
        )
    ax = _axes(ax)
    t = np.arange(count, dtype=np.float64)
    for index, (label, schedule) in enumerate(schedules.items()):
        if not isinstance(schedule, Schedule):
            raise ArgumentTypeError(
                "schedules", f"schedules[{label!r}] must be an l1l2 Schedule, got {schedule!r}"
            )
        ax.plot(
            t,
            schedule(t),
            color=_CYCLE[index % len(_CYCLE)],
            linewidth=2,
            label=f"{label}: {schedule}",
            gid=str(label),
        )
    ax.set_xlabel("update (mini-batch step)")
    ax.set_ylabel("learning rate")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_spread(
    estimates: Mapping[str, ArrayLike],
    *,
    true_w: float | None = None,
    kind: str = "hist",
    bins: int | Iterable[float] = 40,
    ax: Axes | None = None,
) -> Axes:
    """Plot the spread of final estimates of w over many simulated data sets.

    Parameters
    ----------
    estimates : mapping of str to array_like
        Label (or loss name) to a 1-D array of estimates, one per data set.
    true_w : float, optional
        Draw the true w as a dashed line.
    kind : {"hist", "box"}
        Overlaid step histograms, or box plots side by side.
    bins : int or sequence of float
        Histogram bins (``kind="hist"``); shared by all entries.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ax = plot_spread({"l1": rng.normal(1, 0.2, 100), "l2": rng.normal(1, 0.1, 100)},
    ...                  true_w=1.0, kind="box")
    >>> ax.get_ylabel()
    'final estimate of w'
    >>> plt.close(ax.figure)

    """
    if not isinstance(estimates, Mapping) or not estimates:
        raise ArgumentTypeError(
            "estimates",
            f"estimates must be a non-empty mapping of label to array, got {estimates!r}",
        )
    if kind not in ("hist", "box"):
        raise ArgumentValueError("kind", f"kind must be 'hist' or 'box', got {kind!r}")
    arrays = {
        key: as_float_array(value, f"estimates[{key!r}]").ravel()
        for key, value in estimates.items()
    }
    ax = _axes(ax)
    colors = [color_for(key, i) for i, key in enumerate(arrays)]
    labels = [label_for(key) for key in arrays]
    if kind == "hist":
        edges: list[float]
        if isinstance(bins, Iterable):
            edges = as_float_array(list(bins), "bins").tolist()
        else:
            everything = np.concatenate(list(arrays.values()))
            count = check_int(bins, "bins", low=1) + 1
            edges = np.linspace(everything.min(), everything.max(), count).tolist()
        for values, color, label in zip(arrays.values(), colors, labels, strict=True):
            ax.hist(
                values,
                bins=edges,
                histtype="step",
                linewidth=2,
                color=color,
                label=f"{label} (std {values.std(ddof=1) if values.size > 1 else 0.0:.3g})",
                gid=label,
            )
        ax.set_xlabel("final estimate of w")
        ax.set_ylabel("number of data sets")
        if true_w is not None:
            value = check_scalar(true_w, "true_w")
            ax.axvline(
                value, color=_REFERENCE, linestyle="--", label=f"true w = {value:g}", gid="true_w"
            )
    else:
        parts = ax.boxplot(list(arrays.values()), patch_artist=True, showfliers=True)
        ax.set_xticks(np.arange(1, len(labels) + 1), labels)
        for box, median, color, label in zip(
            parts["boxes"], parts["medians"], colors, labels, strict=True
        ):
            box.set_facecolor(color)
            box.set_alpha(0.6)
            box.set_gid(f"box {label}")
            median.set_gid(f"median {label}")
        ax.set_ylabel("final estimate of w")
        ax.set_xlabel("loss")
        if true_w is not None:
            value = check_scalar(true_w, "true_w")
            ax.axhline(
                value, color=_REFERENCE, linestyle="--", label=f"true w = {value:g}", gid="true_w"
            )
    if ax.get_legend_handles_labels()[1]:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_gradients(
    max_error: float = 10.0,
    *,
    losses_to_show: Sequence[str] = ("l1", "l2", "huber"),
    delta: float = 1.0,
    ax: Axes | None = None,
) -> Axes:
    r"""Plot the slope of each loss's per-sample penalty against the error :math:`r = \hat y - y`.

    The slope :math:`\ell'(r)` is what one sample adds to the gradient (times its ``x``): a
    constant for signed L1, :math:`\operatorname{sign}(r)` for abs L1, :math:`2r` for L2 and
    :math:`\operatorname{clip}(r, -\delta, \delta)` for Huber.

    Parameters
    ----------
    max_error : float
        The error axis runs from ``-max_error`` to ``max_error`` (> 0).
    losses_to_show : sequence of {"signed", "l1", "l2", "huber"}
        The losses to draw.
    delta : float
        The Huber threshold, when ``"huber"`` is shown; marked by dotted lines.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_gradients(5.0, delta=2.0)
    >>> ax.get_legend_handles_labels()[1]
    ['abs L1: sign(r)', 'L2: 2r', 'Huber: clip(r, -2, 2)', 'r = ±δ']
    >>> plt.close(ax.figure)

    """
    top = check_scalar(max_error, "max_error", low=0.0, low_open=True)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    formulas = {
        "signed": "1",
        "l1": "sign(r)",
        "l2": "2r",
        "huber": f"clip(r, -{d:g}, {d:g})",
    }
    names = _loss_names(losses_to_show)
    ax = _axes(ax)
    _per_sample_curves(ax, names, top, d, slope=True, formulas=formulas, samples=801)
    if "huber" in names and d < top:
        for edge in (-d, d):
            ax.axvline(
                edge,
                color=_REFERENCE,
                linestyle=":",
                linewidth=1.2,
                label="r = ±δ" if edge > 0 else None,
                gid="delta",
            )
    ax.set_ylabel("slope of one sample's penalty (units of y; none for abs L1)")
    ax.legend(loc="upper left")
    return ax


def plot_total_loss(
    x: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    delta: float = 1.0,
    true_w: float | None = None,
    w_range: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    r"""Plot the total loss over one data set as a function of w, and where it is smallest.

    .. math:: L(w) = \sum_{i=1}^{n} \ell(w\,x_i - y_i)

    The samples appear as ticks at :math:`y_i / x_i` along the bottom, the minimiser
    (:func:`l1l2.gd.minimizer`, where descent settles) as a dotted line, and, for abs L1, the
    flat bottom (:func:`l1l2.experiments.l1_interval`) as a shaded band when it is wider than a
    point.

    Parameters
    ----------
    x : array_like
        Inputs, broadcastable to the shape of ``y``; none zero.
    y : array_like
        Targets of one data set, 1-D.
    loss : {"l1", "l2", "huber"}
        The loss.
    delta : float
        The Huber threshold, for ``loss="huber"``.
    true_w : float, optional
        Draw the true w as a dashed line.
    w_range : (float, float), optional
        The range of w to show; by default all samples, the minimiser and the true w, padded.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_total_loss(2.0, [1.0, 2.0, 2.5, 6.0], loss="l1", true_w=1.0)
    >>> ax.get_xlabel()
    'w'
    >>> plt.close(ax.figure)

    """
    inputs, targets = as_xy(x, y, max_ndim=1)
    if np.any(inputs == 0):
        raise ArgumentValueError(
            "x", "x must not hold zeros: a sample with x = 0 has no y / x to show"
        )
    if not isinstance(loss, str) or loss not in ("l1", "l2", "huber"):
        raise ArgumentValueError(
            "loss",
            f"loss must be 'l1', 'l2' or 'huber' (the signed loss has no minimum), got {loss!r}",
        )
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    if true_w is not None:
        true_w = check_scalar(true_w, "true_w")
    ax = _axes(ax)
    ratios = targets / inputs
    settle = float(gd.minimizer(inputs, targets, loss=loss, delta=d))
    if w_range is None:
        points = [*ratios.tolist(), settle] + ([] if true_w is None else [float(true_w)])
        low, high = min(points), max(points)
        pad = 0.15 * (high - low) if high > low else 1.0
        low, high = low - pad, high + pad
    else:
        if not isinstance(w_range, tuple) or len(w_range) != 2:
            raise ArgumentTypeError(
                "w_range", f"w_range must be a pair (low, high) of numbers, got {w_range!r}"
            )
        low, high = check_scalar(w_range[0], "w_range[0]"), check_scalar(w_range[1], "w_range[1]")
        if not low < high:
            raise ArgumentValueError("w_range", f"w_range must have low < high, got {w_range!r}")
    w = np.linspace(low, high, 1601)
    loss_fn, _ = losses.get(loss)
    kwargs = {"delta": d} if loss == "huber" else {}
    predictions = w[:, np.newaxis] * inputs
    per_sample = loss_fn(
        np.broadcast_to(targets, predictions.shape), predictions, reduction="none", **kwargs
    )
    total = np.asarray(per_sample, dtype=np.float64).sum(axis=1)
    color = color_for(loss)
    ax.plot(w, total, color=color, linewidth=2, label=f"total {label_for(loss)} loss", gid="total")
    if loss == "l1":
        flat_low, flat_high = experiments.l1_interval(inputs, targets)
        if float(flat_high) > float(flat_low):
            ax.axvspan(
                float(flat_low),
                float(flat_high),
                color=color,
                alpha=0.15,
                label=f"flat bottom [{float(flat_low):.3g}, {float(flat_high):.3g}]",
                gid="band",
            )
    bottom = float(total.min())
    span = float(total.max()) - bottom
    ax.plot(
        ratios,
        np.full(ratios.shape, bottom - 0.04 * span),
        linestyle="none",
        marker="|",
        markersize=12,
        color=_REFERENCE,
        label="samples, y / x",
        gid="samples",
    )
    _reference_line(ax, "settle", settle, vertical=True)
    if true_w is not None:
        _reference_line(ax, "true_w", true_w, vertical=True)
    squared = " squared" if loss == "l2" else ""
    ax.set_xlim(low, high)
    ax.set_xlabel("w")
    ax.set_ylabel(f"total loss over {targets.size} samples (units of y{squared})")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax
