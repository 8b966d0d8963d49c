"""The figures of the book, as small functions that draw into a matplotlib ``Axes``.

Every ``plot_*`` function takes ``ax`` (where to draw; a new figure of :func:`new_axes` when
omitted) and returns the ``Axes`` it drew on (or an array of them). It labels every axis with its
unit, adds a legend and never calls ``plt.show()``. Each loss keeps its colour, label and line
style of :mod:`l1l2.vocabulary` in every figure; the colours are the Okabe-Ito palette, which
stays distinct under the common colour-vision deficiencies. Figures are as wide as the book's
text column, on an opaque white background that stays readable on a dark page. A ``true_w``
argument draws the true w as a grey long-dashed reference line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2._optional import require

try:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox, ScaledTranslation
except ModuleNotFoundError:  # name the package and the pip line (l1l2._optional)
    require("plotting")
    raise

from l1l2 import experiments, gd, losses, regression, vocabulary
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    as_float_array,
    as_xy,
    check_choice,
    check_int,
    check_scalar,
)
from l1l2.gd import History
from l1l2.schedules import Schedule
from l1l2.vocabulary import LineStyle

__all__ = [
    "LOSS_COLORS",
    "LOSS_LABELS",
    "OKABE_ITO",
    "color_for",
    "label_for",
    "linestyle_for",
    "new_axes",
    "plot_experiment",
    "plot_fits",
    "plot_gradients",
    "plot_loss",
    "plot_lr",
    "plot_penalties",
    "plot_penalty_bars",
    "plot_spread",
    "plot_total_loss",
    "plot_w",
]

#: The Okabe-Ito palette (Okabe and Ito, 2008), safe for colour-blind readers, which is
#: :data:`l1l2.vocabulary.PALETTE` without its grey.
OKABE_ITO: Final[dict[str, str]] = {k: v for k, v in vocabulary.PALETTE.items() if k != "grey"}

#: One colour per loss, the same in every figure of the book (:data:`l1l2.vocabulary.LOSSES`).
LOSS_COLORS: Final[dict[str, str]] = {name: row.color for name, row in vocabulary.LOSSES.items()}

#: How the book names each loss in legends (:data:`l1l2.vocabulary.LOSSES`).
LOSS_LABELS: Final[dict[str, str]] = {name: row.label for name, row in vocabulary.LOSSES.items()}

_CYCLE: Final = vocabulary.CYCLE
_REFERENCE: Final = vocabulary.PALETTE["grey"]  # reference lines: zero, the samples, ±δ
_DRAWABLE: Final = 1e300  # the largest magnitude a line draws (axis arithmetic overflows above)
_LOG_TOP: Final = 1e100  # the highest a logarithmic loss axis goes (its ticks overflow far above)

# -- The book's figure style: sizes and fonts, chosen here and nowhere else ----------------------
#
# A figure is drawn as wide as the text column it is shown in (about 680 CSS px on a desktop) at
# FIGURE_DPI, so that it is shown at the size it was drawn: a font of f points appears at
# f * FIGURE_DPI / 72 CSS px, and the smallest text of the book (9 pt) at 12.5 px.

#: The width of every figure, in inches: the book's text column at ``FIGURE_DPI``.
COLUMN_WIDTH: Final = 6.5
#: Pixels per inch of the figures (and of their PNGs in the notebooks).
FIGURE_DPI: Final = 100
_HEIGHTS: Final = (4.0, 3.1, 2.7)  # inches a row of 1, 2, 3 (or more) panels is high by default
#: Font sizes in points of the figures' text.
STYLE: Final[dict[str, float]] = {
    "font.size": 10.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "figure.titlesize": 11.0,
}
#: The length of a legend's line handles, in font sizes: at Matplotlib's 2 a handle shows one
#: period of the true w's long dash ("— ·"), which looked like Huber's dash-dot; at 3 every line
#: style of the book shows two.
LEGEND_HANDLE_LENGTH: Final = 3.0
#: Line styles of the series of one panel, in the order they are drawn (beside the palette's
#: colours, so that series differ by colour and by line style).
LINESTYLES: Final = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)))
#: The PNG tEXt key that records a figure's smallest text size, for the test of the rendered book.
PNG_TEXT_KEY: Final = "l1l2 smallest text (pt)"


def _series_key(key: object, index: object) -> int:
    """Check a series' ``key`` (a str) and ``index`` (an integer >= 0); return the index."""
    position = check_int(index, "index", low=0)
    if not isinstance(key, str):
        raise ArgumentTypeError(
            "key", f"key must be a loss name or another label (a str), got {key!r}"
        )
    return position


def color_for(key: str, index: int = 0) -> str:
    """Return the book's colour for a loss name, or the ``index``-th palette colour otherwise.

    Parameters
    ----------
    key : str
        A loss name (``"l1"``, ...) or any other label.
    index : int
        Which palette colour a key that is not a loss name gets, >= 0 (cycling after seven).

    Examples
    --------
    >>> color_for("l2")
    '#E69F00'
    """
    position = _series_key(key, index)
    return LOSS_COLORS.get(key, _CYCLE[position % len(_CYCLE)])


def linestyle_for(key: str, index: int = 0) -> str | tuple[float, tuple[float, ...]]:
    """Return the book's line style for a loss name, or the ``index``-th of ``LINESTYLES``.

    Examples
    --------
    >>> linestyle_for("l2")
    '--'
    """
    position = _series_key(key, index)
    if key in vocabulary.LOSSES:
        return vocabulary.LOSSES[key].linestyle
    return LINESTYLES[position % len(LINESTYLES)]


def label_for(key: str) -> str:
    """Return the book's legend label for a loss name (other keys are returned unchanged).

    Examples
    --------
    >>> label_for("l1")
    'abs L1'
    """
    _series_key(key, 0)
    return LOSS_LABELS.get(key, key)


def _opaque(fig: Figure | object) -> None:
    if isinstance(fig, Figure):
        fig.patch.set_facecolor("white")
        fig.patch.set_alpha(1.0)


def smallest_text(fig: Figure) -> float:
    """Return the size in points of the smallest visible text of ``fig`` (ticks, legends, ...)."""
    fig.canvas.draw()  # tick labels exist once the figure has been drawn
    sizes = [
        float(t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure(root=True) is fig
    ]
    return min(sizes, default=0.0)


class _RecordingCanvas(FigureCanvasAgg):
    """The Agg canvas, whose PNGs record the figure's smallest text size (``PNG_TEXT_KEY``)."""

    def print_png(
        self,
        filename_or_obj: Any,
        *,
        metadata: dict[str, str] | None = None,
        pil_kwargs: dict[str, Any] | None = None,
        **_for_other_renderers: object,  # dpi, facecolor, ...: print_figure has applied them
    ) -> None:
        """Write the PNG as Agg does, with the size of the figure's smallest text recorded."""
        record = {PNG_TEXT_KEY: f"{smallest_text(self.figure):g}", **(metadata or {})}
        write = super().print_png
        write(filename_or_obj, metadata=record, pil_kwargs=pil_kwargs)  # type: ignore[no-untyped-call]


def new_axes(
    ncols: int = 1, *, nrows: int = 1, width: float | None = None, height: float | None = None
) -> NDArray[np.object_]:
    """Return ``ncols`` side-by-side Axes (per row) on a new figure as wide as the text column.

    The figure is in the book's style: text sized by ``STYLE``, series that cycle through the
    palette and ``LINESTYLES``, and legends placed off the data when it is drawn.

    Parameters
    ----------
    ncols, nrows : int
        Number of panels side by side, and of rows of them; at least 1 each.
    width : float, optional
        Width of the figure in inches, at most ``COLUMN_WIDTH`` (the default): a wider figure
        would be shrunk to the column, and its text with it.
    height : float, optional
        Height of the figure in inches; by default 4 a row for one panel, less for more.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        One Axes per panel, row after row (a flat array, even for one panel).

    Examples
    --------
    >>> axes = new_axes(2)
    >>> axes.shape
    (2,)
    >>> axes[0].figure.get_size_inches().tolist()
    [6.5, 3.1]
    >>> plt.close(axes[0].figure)
    """
    count = check_int(ncols, "ncols", low=1)
    rows = check_int(nrows, "nrows", low=1)
    w = COLUMN_WIDTH if width is None else check_scalar(width, "width", low=0.0, low_open=True)
    if w > COLUMN_WIDTH:
        raise ArgumentValueError(
            "width",
            f"width must be at most COLUMN_WIDTH = {COLUMN_WIDTH} inches (the text column the "
            f"figure is shown in; panels share it), got {width!r}",
        )
    default_height = rows * _HEIGHTS[min(count, len(_HEIGHTS)) - 1]
    h = default_height if height is None else check_scalar(height, "height", low=0.0, low_open=True)
    with plt.rc_context({**STYLE, "figure.dpi": FIGURE_DPI}):  # type: ignore[dict-item]
        fig, axes = plt.subplots(rows, count, figsize=(w, h), layout=_BookLayout(), squeeze=False)
    if type(fig.canvas) is FigureCanvasAgg:  # the inline backend's and Agg's, not a widget's
        _RecordingCanvas(fig)
    _opaque(fig)
    panels = np.asarray(axes, dtype=object).ravel()
    for ax in panels:  # ticks are made when drawn, outside rc_context: give them their size
        ax.tick_params(labelsize=STYLE["xtick.labelsize"])
        ax.set_prop_cycle(color=list(_CYCLE[: len(LINESTYLES)]), linestyle=list(LINESTYLES))
    return panels


def _finish(ax: Axes, *, grid: str = "both") -> Axes:
    """Give ``ax`` a grid and, if a series has a label, a legend (placed when drawn)."""
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=STYLE["legend.fontsize"], handlelength=LEGEND_HANDLE_LENGTH)
    ax.grid(axis=grid, alpha=0.3)  # type: ignore[arg-type]
    return ax


# -- Legends that cover no data -----------------------------------------------------------------
#
# A figure of new_axes places its legends when it is drawn (_BookLayout), after the plotting
# functions and the chapter's own code have set the final limits and scales. A legend stays where
# it is if it covers nothing drawn in its panel (a line's segments or markers, a scatter marker,
# bar, band, histogram outline or annotation); else it takes the first spot of _SPOTS that
# covers nothing; else it goes below the panel, in as many columns as the panel is wide enough for.

_SPOTS: Final = (
    "upper right", "upper left", "lower left", "lower right",
    "upper center", "lower center", "center left", "center right",
)  # fmt: skip
_LEGEND_GAP: Final = 0.06  # inches between the axis label and a legend placed below the panel


def _segments_cross(p0: NDArray[np.float64], p1: NDArray[np.float64], box: Bbox) -> bool:
    """Whether a segment ``p0[i]``-``p1[i]`` (display px) crosses ``box`` (Liang-Barsky)."""
    finite = np.all(np.isfinite(p0) & np.isfinite(p1), axis=1)
    p0, p1 = p0[finite], p1[finite]
    d = p1 - p0
    # The segment p0 + t d, 0 <= t <= 1, is inside the box where p t <= q at each of its edges.
    p = np.stack([-d[:, 0], d[:, 0], -d[:, 1], d[:, 1]])
    q = np.stack([p0[:, 0] - box.x0, box.x1 - p0[:, 0], p0[:, 1] - box.y0, box.y1 - p0[:, 1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = q / p
    enter = np.where(p < 0, t, 0.0).max(axis=0)
    leave = np.where(p > 0, t, 1.0).min(axis=0)
    inside = np.all((p != 0) | (q >= 0), axis=0)  # not parallel to an edge and outside it
    return bool(np.any(inside & (enter <= leave)))


def _points_in(points: NDArray[np.float64], box: Bbox) -> bool:
    """Whether a point (display px) lies in ``box``."""
    with np.errstate(invalid="ignore"):
        inside = np.all((points >= box.min) & (points <= box.max), axis=1)
    return bool(np.any(inside))


def _drawn(
    ax: Axes, renderer: RendererBase, px: float
) -> Iterator[tuple[str, NDArray[np.float64], float]]:
    """Yield what ``ax`` draws as (kind, display px, reach in px beyond them).

    The kind is ``"points"`` (markers), ``"line"``, ``"loop"`` (a closed outline) or ``"area"``.
    """
    for line in ax.lines:
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        if line.get_linestyle() not in ("None", "", " "):
            yield "line", xy, line.get_linewidth() * px / 2
        if line.get_marker() not in ("None", "", " ", None):
            yield "points", xy, line.get_markersize() * px / 2
    for collection in ax.collections:
        if not collection.get_visible():
            continue
        if isinstance(collection, PathCollection):  # scatter: a marker at each offset
            offsets = collection.get_offset_transform().transform(collection.get_offsets())
            size = float(np.sqrt(np.max(collection.get_sizes(), initial=36.0)))
            yield "points", np.asarray(offsets), size * px / 2
            continue
        kind = "area" if np.any(np.asarray(collection.get_facecolor())[..., 3:] > 0) else "line"
        transform = collection.get_transform()
        for path in collection.get_paths():
            yield kind, transform.transform(path.vertices), 0.0
    for patch in ax.patches:
        if patch.get_visible():
            xy = patch.get_transform().transform(patch.get_path().vertices)
            yield "area" if patch.get_fill() else "loop", xy, 0.0
    for text in ax.texts:
        if text.get_visible() and text.get_text().strip():
            yield "area", text.get_window_extent(renderer).get_points(), 0.0


def _reaches(kind: str, xy: NDArray[np.float64], box: Bbox) -> bool:
    """Whether a thing drawn, of a ``kind`` that _drawn yields, reaches into ``box``."""
    if kind == "points":
        return _points_in(xy, box)
    if kind == "area":  # its extent
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        return len(xy) > 0 and bool(Bbox([xy.min(axis=0), xy.max(axis=0)]).overlaps(box))
    if kind == "loop" and len(xy):
        xy = np.vstack([xy, xy[:1]])
    return _points_in(xy, box) or _segments_cross(xy[:-1], xy[1:], box)


def _covers(ax: Axes, legend_box: Bbox, renderer: RendererBase) -> bool:
    """Whether ``legend_box`` (display px) covers anything drawn inside the panel ``ax``."""
    box = Bbox.intersection(legend_box, ax.bbox)
    if box is None:
        return False  # outside the panel: it covers nothing of it
    px = float(np.asarray(renderer.points_to_pixels(1.0)))  # display px in a point
    return any(
        _reaches(kind, xy, box.padded(reach)) for kind, xy, reach in _drawn(ax, renderer, px)
    )


def _below(ax: Axes, legend: Legend, renderer: RendererBase) -> float:
    """Replace ``legend`` by the same entries below the panel; return the inches it takes."""
    figure = ax.get_figure(root=True)
    assert figure is not None
    under = ax.xaxis.get_tightbbox(renderer)
    bottom = ax.bbox.y0 if under is None else min(under.y0, ax.bbox.y0)
    drop = (ax.bbox.y0 - bottom) / figure.dpi + _LEGEND_GAP
    anchor = ax.transAxes + ScaledTranslation(0.0, -drop, figure.dpi_scale_trans)
    entries = zip(legend.legend_handles, legend.get_texts(), strict=True)
    handles, labels = [], []
    for handle, text in entries:
        if handle is not None:
            handles.append(handle)
            labels.append(text.get_text())
    size = legend.get_texts()[0].get_fontsize() if labels else STYLE["legend.fontsize"]
    for ncols in range(max(len(labels), 1), 0, -1):  # as many columns as the panel holds
        placed = ax.legend(
            handles,
            labels,
            ncols=ncols,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=anchor,
            fontsize=size,
            handlelength=LEGEND_HANDLE_LENGTH,
            title=legend.get_title().get_text() or None,
        )
        if ncols == 1 or placed.get_window_extent(renderer).width <= ax.bbox.width:
            break
    return float(placed.get_window_extent(renderer).height) / figure.dpi + _LEGEND_GAP


def _place_legends(figure: Figure) -> float:
    """Move each panel's legend off its data; return the inches added below (per row, the most)."""
    renderer = figure._get_renderer()  # type: ignore[attr-defined]  # what layout engines use
    below: dict[int, float] = {}
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        ax.get_xlim(), ax.get_ylim()  # bring pending autoscaling into the transforms
        best = legend._get_loc() == 0  # type: ignore[attr-defined]  # matplotlib's own search
        if not best and not _covers(ax, legend.get_window_extent(renderer), renderer):
            continue  # where it stands covers nothing
        legend.set_bbox_to_anchor(None)
        for spot in _SPOTS:
            legend.set_loc(spot)
            if not _covers(ax, legend.get_window_extent(renderer), renderer):
                break
        else:
            spec = ax.get_subplotspec()
            row = 0 if spec is None else spec.rowspan.start
            below[row] = max(below.get(row, 0.0), _below(ax, legend, renderer))
    return sum(below.values())


class _BookLayout(ConstrainedLayoutEngine):
    """Constrained layout that places every legend off the data.

    A legend moved below its panel makes the figure taller, so that the panels keep their size.
    """

    def execute(self, fig: Figure) -> Any:
        """Lay the figure out, place its legends, and lay it out again if one went below."""
        grid = super().execute(fig)
        for _ in range(len(fig.axes) + 1):
            taller = _place_legends(fig)
            if not taller:
                break
            width, height = fig.get_size_inches()
            fig.set_size_inches(width, height + taller, forward=False)
            grid = super().execute(fig)
        return grid


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


def drawable(values: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Return ``values`` with NaN (a gap in the line) where matplotlib cannot place a point.

    That is a non-finite value (the batch loss of an update that overflowed) or one beyond
    :math:`\pm 10^{300}`, where the axis margins and ticks would overflow (a diverged run).
    """
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(values) <= _DRAWABLE, values, np.nan)


def _run_labels(h: History) -> list[str]:
    """Name the runs of a many-run history by their learning rate when that tells them apart."""
    if h.runs is None:
        return []
    rates = np.asarray(h.lr, dtype=np.float64).reshape(h.lr.shape[0], -1)
    shared_or_changing = rates.shape[1] != h.runs or not np.all(rates == rates[:1])
    if shared_or_changing or np.unique(rates[0]).size != h.runs:
        return [f"run {k}" for k in range(h.runs)]
    return [f"lr = {rate:g}" for rate in rates[0]]


# Each loss's formula in the legends of plot_penalties and of plot_gradients (d: Huber's delta).
_FORMULAS: Final = {
    "signed": ("r", "1"),
    "l1": ("|r|", "sign(r)"),
    "l2": ("r²", "2r"),
    "huber": ("δ = {d:g}", "clip(r, -{d:g}, {d:g})"),
}


def plot_penalties(
    max_error: float = 10.0,
    *,
    losses_to_show: Sequence[str] = ("l1", "l2"),
    delta: float = 1.0,
    marks: Sequence[float] = (),
    ax: Axes | None = None,
) -> Axes:
    r"""Plot the per-sample penalty of each loss against the error r = prediction - truth.

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

    Examples
    --------
    >>> ax = plot_penalties(10, marks=(2, 10))
    >>> ax.get_legend_handles_labels()[1]
    ['abs L1: |r|', 'L2: r²']
    >>> plt.close(ax.figure)
    """
    top = check_scalar(max_error, "max_error", low=0.0, low_open=True)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    names = _loss_names(losses_to_show)
    mark_at = _marks(marks)
    ax = _axes(ax)
    _per_sample_curves(ax, names, top, d, slope=False)
    for name in names:
        for m in mark_at:
            point = float(_per_sample(name, d)(np.zeros(1), np.array([m]), reduction="sum"))
            ax.plot([m], [point], "o", color=color_for(name), gid=f"mark {name}")
            ax.annotate(
                f"{point:g}",
                (m, point),
                textcoords="offset points",
                xytext=(6, -4),
                color=color_for(name),
            )
    ax.set_ylabel("penalty of one sample (units of y, or y² for L2)")
    return _finish(ax)


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


def _per_sample(name: str, delta: float, *, slope: bool = False) -> Callable[..., Any]:
    """Return the loss ``name`` (or its slope) as a function, with Huber's ``delta`` bound."""
    fn = losses.get(name)[1 if slope else 0]
    return functools.partial(fn, delta=delta) if name == "huber" else fn


def _per_sample_curves(
    ax: Axes, names: Sequence[str], top: float, delta: float, *, slope: bool
) -> None:
    """Draw each loss's per-sample penalty (or its slope) over errors from -top to top."""
    r = np.linspace(-top, top, 801 if slope else 401)
    zero = np.zeros_like(r)
    for name in names:
        formula = _FORMULAS[name][slope].format(d=delta)
        ax.plot(
            r,
            _per_sample(name, delta, slope=slope)(zero, r, reduction="none"),
            color=color_for(name),
            linestyle=linestyle_for(name),
            linewidth=2,
            label=f"{label_for(name)}: {formula}",
            gid=name,
        )
    ax.set_xlabel("error r = prediction - truth (units of y)")
    ax.axhline(0.0, color=_REFERENCE, linewidth=0.6)


def plot_penalty_bars(
    y_true: ArrayLike, y_pred: ArrayLike, *, unit: str = "apples", ax: Axes | None = None
) -> Axes:
    """Plot each prediction's L1 and L2 penalty as bars, with the two means as dashed lines.

    Parameters
    ----------
    y_true, y_pred : array_like
        1-D targets and predictions of one length.
    unit : str
        The unit of ``y``, for the axis labels.

    Examples
    --------
    >>> ax = plot_penalty_bars([100, 100, 100], [90, 95, 105])
    >>> ax.get_legend() is not None
    True
    >>> plt.close(ax.figure)
    """
    truth, pred = as_float_array(y_true, "y_true"), as_float_array(y_pred, "y_pred")
    if truth.ndim != 1 or truth.shape != pred.shape:
        raise ArgumentValueError(
            "y_pred",
            "y_true and y_pred must be 1-D of one length, got shapes "
            f"{truth.shape} and {pred.shape}",
        )
    ax = _axes(ax)
    positions = np.arange(truth.size)
    _penalty_bars(ax, positions, truth, pred, unit)
    ax.set_xticks(positions, [f"predicted {p:g}" for p in pred])
    ax.set_xlabel(f"prediction (truth: {', '.join(f'{t:g}' for t in np.unique(truth))} {unit})")
    ax.set_ylabel(f"penalty ({unit} for L1, {unit}² for L2)")
    return _finish(ax, grid="y")


def _penalty_bars(
    ax: Axes,
    positions: NDArray[np.int_],
    truth: NDArray[np.float64],
    pred: NDArray[np.float64],
    unit: str,
) -> None:
    """Draw each prediction's L1 and L2 penalty as a pair of bars, and each loss's mean."""
    width = 0.38
    # Per loss: the side of its bars, their label and hatch, the label and dash of its mean.
    series = (
        ("l1", -1, f"|error| ({unit})", None, "L1 = mean |error|", "--"),
        ("l2", 1, f"error² ({unit}²)", "//", "L2 = mean error²", ":"),
    )
    penalties = {
        "l1": losses.l1(truth, pred, reduction="none"),
        "l2": losses.l2(truth, pred, reduction="none"),
    }
    for name, side, label, hatch, mean_label, dash in series:
        ax.bar(
            positions + side * width / 2,
            penalties[name],
            width,
            color=color_for(name),
            hatch=hatch,
            edgecolor="white" if hatch else None,
            label=label,
            gid=name,
        )
        mean = float(penalties[name].mean())
        ax.axhline(
            mean,
            color=color_for(name),
            linestyle=dash,
            label=f"{mean_label} = {mean:.2f}",
            gid=f"{name} mean",
        )


def plot_loss(
    history: History,
    *,
    label: str | None = None,
    color: str | None = None,
    linestyle: LineStyle | None = None,
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
    color, linestyle : optional
        Line colour and style of one run (for a loss, :func:`color_for` and
        :func:`linestyle_for`); the axes' next colour and style when omitted.
    run : int, optional
        For a many-run history, draw only this run (otherwise every run, thinly).
    """
    ax = _trajectory(
        _check_history(history),
        "loss",
        run=run,
        color=color,
        linestyle=linestyle,
        label=label,
        ax=ax,
    )
    ax.set_ylabel("batch loss")
    return _finish(ax)


def _trajectory(
    h: History,
    field: str,
    *,
    run: int | None,
    color: str | None,
    label: str | None,
    ax: Axes | None,
    linestyle: LineStyle | None = None,
) -> Axes:
    """Draw ``h.loss`` or ``h.w`` against the update number: one run, a few, or a bundle."""
    if linestyle is not None:
        try:
            Line2D([], [], linestyle=linestyle)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            raise ArgumentValueError(
                "linestyle",
                f"linestyle must be a Matplotlib line style ('-', '--', '-.', ':' or "
                f"(offset, (on, off, ...))), got {linestyle!r}",
            ) from None
    ax = _axes(ax)
    values = drawable(getattr(h, field))
    steps = np.arange(values.shape[0], dtype=np.float64)
    if run is not None and h.runs is not None:
        index = check_int(run, "run", low=0)
        if index >= h.runs:
            raise ArgumentValueError(
                "run", f"run must be < {h.runs} (the number of runs), got {index}"
            )
        values = values[:, index]
    ax.set_xlabel("update (mini-batch step)")
    if linestyle is not None and values.ndim > 1:
        raise ArgumentValueError(
            "linestyle",
            f"linestyle applies to one run; this history holds {values.shape[1]} runs, "
            "each drawn in a style of its own (choose one with run=)",
        )
    if values.ndim == 1:
        ax.plot(
            steps, values, color=color, linestyle=linestyle, label=label, linewidth=1.6, gid=field
        )
        return ax
    runs, names = values.shape[1], _run_labels(h)
    for k in range(runs):
        style: dict[str, Any]
        if runs <= len(LINESTYLES):  # each run its own series, in the axes' next colour and style
            name = names[k] if k < len(names) else f"run {k}"
            style = {"label": name if label is None else f"{label}, {name}", "linewidth": 1.6}
        else:  # many runs: thin lines, one legend entry
            style = {
                "color": color or _CYCLE[0],
                "linestyle": "-",
                "alpha": max(0.08, min(0.8, 4.0 / runs)),
                "linewidth": 0.8,
                "label": label if k == 0 else None,
            }
        ax.plot(steps, values[:, k], gid=field, **style)
    return ax


def plot_w(
    history: History,
    *,
    true_w: float | None = None,
    settle: float | None = None,
    label: str | None = None,
    color: str | None = None,
    linestyle: LineStyle | None = None,
    run: int | None = None,
    band: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot the estimate of w before the first update and after every update.

    Parameters
    ----------
    history, label, color, linestyle, run
        As for :func:`plot_loss`.
    settle : float, optional
        Draw the point where descent settles (:func:`l1l2.gd.minimizer`) as a dotted line.
    band : (float, float), optional
        Shade the estimates between these two values, for example the flat bottom of the abs-L1
        loss (:func:`l1l2.experiments.l1_interval`), where every w settles equally well.
    """
    shade = None if band is None else _pair(band, "band", equal=True)
    ax = _trajectory(
        _check_history(history), "w", run=run, color=color, linestyle=linestyle, label=label, ax=ax
    )
    if shade is not None:
        _flat_bottom(ax, *shade, color=OKABE_ITO["reddish purple"], vertical=False)
    if true_w is not None:
        _reference_line(ax, "true_w", true_w)
    if settle is not None:
        _reference_line(ax, "settle", settle)
    ax.set_ylabel("estimate of w")
    return _finish(ax)


def _flat_bottom(ax: Axes, low: float, high: float, *, color: str, vertical: bool) -> None:
    """Shade abs L1's flat bottom (or any band of w) from ``low`` to ``high`` across ``ax``."""
    shade = ax.axvspan if vertical else ax.axhspan
    label = f"flat bottom [{low:.3g}, {high:.3g}]"
    shade(low, high, color=color, alpha=0.15, label=label, gid="band")


def _reference_line(ax: Axes, gid: str, value: object, *, vertical: bool = False) -> None:
    """Draw the reference line ``gid`` (``"true_w"`` or ``"settle"``) at ``value`` across ``ax``."""
    number = check_scalar(value, gid)
    row = vocabulary.REFERENCES[gid]
    draw = ax.axvline if vertical else ax.axhline
    draw(
        number,
        label=row.label.format(number),
        gid=gid,
        color=row.color,
        linestyle=row.linestyle,
        linewidth=row.linewidth,
    )


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
    _labelled(histories, "histories", "l1l2.gd.History")
    if loss_scale not in ("linear", "symlog", "log"):
        raise ArgumentValueError(
            "loss_scale", f"loss_scale must be 'linear', 'symlog' or 'log', got {loss_scale!r}"
        )
    left, right = panels = _two_panels(axes, list(histories))
    for key, history in histories.items():
        label = label_for(key)
        plot_loss(_check_history(history, f"histories[{key!r}]"), label=label, ax=left)
        plot_w(history, label=label, ax=right)
    if true_w is not None:
        _reference_line(right, "true_w", true_w)
    _finish(right)
    if loss_scale != "linear":
        _log_loss_axis(left, loss_scale, [h.loss for h in histories.values()])
    if title is not None:
        left.figure.suptitle(title, fontsize=STYLE["figure.titlesize"])
    return panels


def _two_panels(axes: object, keys: list[str]) -> NDArray[np.object_]:
    """Return ``axes`` checked as a pair of Axes (a new figure's when None), styled for ``keys``."""
    panels = new_axes(2) if axes is None else np.asarray(axes, dtype=object)
    if panels.shape != (2,) or not all(isinstance(a, Axes) for a in panels):
        raise ArgumentTypeError("axes", f"axes must be a pair of matplotlib Axes, got {axes!r}")
    for ax in panels:  # a loss keeps its own colour and style; other keys take the palette's
        ax.set_prop_cycle(
            color=[color_for(key, i) for i, key in enumerate(keys)],
            linestyle=[linestyle_for(key, i) for i, key in enumerate(keys)],
        )
    return panels


def _log_loss_axis(ax: Axes, scale: str, losses_drawn: list[NDArray[np.float64]]) -> None:
    """Give the loss axis ``ax`` the ``"symlog"`` or ``"log"`` scale for ``losses_drawn``."""
    finite = [np.abs(v[np.isfinite(v)]) for v in losses_drawn]
    largest = max(float(v.max()) if v.size else 0.0 for v in finite)
    if largest > _LOG_TOP:
        # A diverged run reaches the largest floats, where a logarithmic axis's margins and
        # ticks overflow: the axis stops at 1e100 and the run leaves the panel at the top.
        ax.margins(y=0.0)
    if scale == "symlog":
        ax.set_yscale("symlog", linthresh=1.0)
    else:
        ax.set_yscale("log")
    if largest > _LOG_TOP:
        ax.set_ylim(top=_LOG_TOP)


def plot_lr(schedules: Mapping[str, Schedule], steps: int, *, ax: Axes | None = None) -> Axes:
    """Plot learning-rate schedules over ``steps`` updates.

    Parameters
    ----------
    schedules : mapping of str to Schedule
        Label to schedule (from :mod:`l1l2.schedules`).
    steps : int
        Number of updates to show, at least 1.

    Examples
    --------
    >>> from l1l2.schedules import inverse_time
    >>> ax = plot_lr({"inverse time": inverse_time(0.01, decay=1 / 2000)}, 4000)
    >>> ax.get_ylabel()
    'learning rate'
    >>> plt.close(ax.figure)
    """
    count = check_int(steps, "steps", low=1)
    _labelled(schedules, "schedules", "Schedule")
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
    return _finish(ax)


def plot_spread(
    estimates: Mapping[str, ArrayLike],
    *,
    true_w: float | None = None,
    kind: str = "hist",
    bins: int | Iterable[float] = 40,
    ax: Axes | None = None,
    label: str = "final estimate of w",
) -> Axes:
    """Plot the spread of final estimates of w over many simulated data sets.

    Parameters
    ----------
    estimates : mapping of str to array_like
        Label (or loss name) to a 1-D array of estimates, one per data set.
    kind : {"hist", "box"}
        Overlaid step histograms, or box plots side by side.
    bins : int or sequence of float
        Histogram bins (``kind="hist"``); shared by all entries.
    label : str
        The name of the values on their axis; ``"settle point of w"`` for closed-form
        minimisers, which are not the final estimates of a descent.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ax = plot_spread({"l1": rng.normal(1, 0.2, 100), "l2": rng.normal(1, 0.1, 100)},
    ...                  true_w=1.0, kind="box")
    >>> ax.get_ylabel()
    'final estimate of w'
    >>> plt.close(ax.figure)
    """
    arrays = {
        key: as_float_array(value, f"estimates[{key!r}]").ravel()
        for key, value in _labelled(estimates, "estimates", "array").items()
    }
    if kind not in ("hist", "box"):
        raise ArgumentValueError("kind", f"kind must be 'hist' or 'box', got {kind!r}")
    if not isinstance(label, str):
        raise ArgumentTypeError("label", f"label must be a string, got {label!r}")
    ax = _axes(ax)
    if kind == "hist":
        _histograms(ax, arrays, bins)
        ax.set_xlabel(label)
        ax.set_ylabel("number of data sets")
    else:
        _boxes(ax, arrays)
        ax.set_ylabel(label)
        ax.set_xlabel("loss")
    if true_w is not None:
        _reference_line(ax, "true_w", true_w, vertical=kind == "hist")
    return _finish(ax)


def _histograms(ax: Axes, arrays: Mapping[str, NDArray[np.float64]], bins: object) -> None:
    """Draw each entry as a step histogram in its loss's colour and style, on shared bins."""
    if isinstance(bins, Iterable):
        edges = as_float_array(list(bins), "bins").tolist()
    else:
        everything = np.concatenate(list(arrays.values()))
        count = check_int(bins, "bins", low=1) + 1
        edges = np.linspace(everything.min(), everything.max(), count).tolist()
    for index, (key, values) in enumerate(arrays.items()):
        spread = values.std(ddof=1) if values.size > 1 else 0.0
        ax.hist(
            values,
            bins=edges,
            histtype="step",
            linewidth=2,
            linestyle=linestyle_for(key, index),
            color=color_for(key, index),
            label=f"{label_for(key)} (std {spread:.3g})",
            gid=label_for(key),
        )


def _boxes(ax: Axes, arrays: Mapping[str, NDArray[np.float64]]) -> None:
    """Draw each entry as a box plot filled with its loss's colour, side by side."""
    parts = ax.boxplot(list(arrays.values()), patch_artist=True, showfliers=True)
    ax.set_xticks(np.arange(1, len(arrays) + 1), [label_for(key) for key in arrays])
    for index, (key, box, median) in enumerate(
        zip(arrays, parts["boxes"], parts["medians"], strict=True)
    ):
        box.set_facecolor(color_for(key, index))
        box.set_alpha(0.6)
        box.set_gid(f"box {label_for(key)}")
        median.set_gid(f"median {label_for(key)}")


def _labelled(values: object, name: str, what: str) -> Mapping[str, Any]:
    """Return ``values`` checked as a non-empty mapping of label to ``what``."""
    if not isinstance(values, Mapping) or not values:
        raise ArgumentTypeError(
            name, f"{name} must be a non-empty mapping of label to {what}, got {values!r}"
        )
    return values


def plot_gradients(
    max_error: float = 10.0,
    *,
    losses_to_show: Sequence[str] = ("l1", "l2", "huber"),
    delta: float = 1.0,
    ax: Axes | None = None,
) -> Axes:
    r"""Plot the slope of each loss's per-sample penalty against the error r = prediction - truth.

    The slope :math:`\ell'(r)` is what one sample adds to the gradient (times its ``x``).
    The parameters are those of :func:`plot_penalties`; Huber's ``delta`` is marked by dotted
    lines.

    Examples
    --------
    >>> ax = plot_gradients(5.0, delta=2.0)
    >>> ax.get_legend_handles_labels()[1]
    ['abs L1: sign(r)', 'L2: 2r', 'Huber: clip(r, -2, 2)', 'r = ±δ']
    >>> plt.close(ax.figure)
    """
    top = check_scalar(max_error, "max_error", low=0.0, low_open=True)
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    names = _loss_names(losses_to_show)
    ax = _axes(ax)
    _per_sample_curves(ax, names, top, d, slope=True)
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
    return _finish(ax)


def _pair(value: object, name: str, *, equal: bool) -> tuple[float, float]:
    """Return ``value`` checked as a pair (low, high) of numbers, low < high (<= if ``equal``)."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise ArgumentTypeError(
            name, f"{name} must be a pair (low, high) of numbers, got {value!r}"
        )
    low, high = check_scalar(value[0], f"{name}[0]"), check_scalar(value[1], f"{name}[1]")
    if high < low or (high == low and not equal):
        order = "<=" if equal else "<"
        raise ArgumentValueError(name, f"{name} must have low {order} high, got {value!r}")
    return low, high


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
    (:func:`l1l2.gd.minimizer`, where descent settles) as a dotted line, and abs L1's flat
    bottom (:func:`l1l2.experiments.l1_interval`) as a band when it is wider than a point.

    Parameters
    ----------
    x, y : array_like
        Inputs (none zero, broadcastable to the shape of ``y``) and targets of one data set, 1-D.
    loss : {"l1", "l2", "huber"}
        The loss; ``delta`` is Huber's threshold.
    w_range : (float, float), optional
        The range of w to show; by default all samples, the minimiser and the true w, padded.

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
    check_choice(loss, "loss", vocabulary.SETTLING, why="the signed loss has no minimum")
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    truth = None if true_w is None else check_scalar(true_w, "true_w")
    ax = _axes(ax)
    settle = float(gd.minimizer(inputs, targets, loss=loss, delta=d))
    if w_range is None:  # every sample's y / x, the minimiser and the true w, with 15% margins
        shown = [*(targets / inputs).tolist(), settle, *([] if truth is None else [truth])]
        low, high = min(shown), max(shown)
        pad = 0.15 * (high - low) if high > low else 1.0
        low, high = low - pad, high + pad
    else:
        low, high = _pair(w_range, "w_range", equal=False)
    _total_loss_curve(ax, inputs, targets, loss=loss, delta=d, w=np.linspace(low, high, 1601))
    _reference_line(ax, "settle", settle, vertical=True)
    if truth is not None:
        _reference_line(ax, "true_w", truth, vertical=True)
    squared = " squared" if loss == "l2" else ""
    ax.set_xlim(low, high)
    ax.set_xlabel("w")
    ax.set_ylabel(f"total loss over {targets.size} samples (units of y{squared})")
    return _finish(ax)


def _total_loss_curve(
    ax: Axes,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    loss: str,
    delta: float,
    w: NDArray[np.float64],
) -> None:
    """Draw the total loss over the samples at each ``w``, abs L1's flat bottom and each y / x."""
    predictions = w[:, np.newaxis] * x
    per_sample = _per_sample(loss, delta)(
        np.broadcast_to(y, predictions.shape), predictions, reduction="none"
    )
    total = np.asarray(per_sample, dtype=np.float64).sum(axis=1)
    ax.plot(
        w,
        total,
        color=color_for(loss),
        linestyle=linestyle_for(loss),
        linewidth=2,
        label=f"total {label_for(loss)} loss",
        gid="total",
    )
    if loss == "l1":
        low, high = (float(end) for end in experiments.l1_interval(x, y))
        if high > low:
            _flat_bottom(ax, low, high, color=color_for("l1"), vertical=True)
    # Each sample's own best weight, y / x, as a tick just below the curve.
    bottom = float(total.min())
    ax.plot(
        y / x,
        np.full(y.shape, bottom - 0.04 * (float(total.max()) - bottom)),
        linestyle="none",
        marker="|",
        markersize=12,
        color=_REFERENCE,
        label="samples, y / x",
        gid="samples",
    )


def _fit_list(fits: object) -> list[regression.Fit]:
    """Return ``fits`` (one Fit or an iterable of them) as a list, or raise naming ``fits``."""
    chosen = [fits] if isinstance(fits, regression.Fit) else fits
    if isinstance(chosen, Iterable) and not isinstance(chosen, str | bytes | Mapping):
        chosen = list(chosen)
        wrong = [fit for fit in chosen if not isinstance(fit, regression.Fit)]
        if chosen and not wrong:
            return chosen
    raise ArgumentTypeError(
        "fits",
        "fits must be an l1l2.regression.Fit (from l1l2.regression.solve) or a sequence of "
        f"one or more of them, got {fits!r}",
    )


def _one_feature(
    features: ArrayLike, y: ArrayLike, fits: list[regression.Fit]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``X`` as one flat feature and ``y``, checked to draw each of ``fits`` as a line."""
    x, target = as_float_array(features, "X"), as_float_array(y, "y")
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ArgumentValueError(
            "X", f"X must hold one feature, shape (n,) or (n, 1), to draw lines; got {x.shape}"
        )
    if target.shape != x.shape:
        raise ArgumentValueError(
            "y", f"y must have one value per row of X, shape {x.shape}, got shape {target.shape}"
        )
    for fit in fits:
        if fit.coef.size != 1:
            raise ArgumentValueError(
                "fits", f"every fit must have one feature to draw as a line, got {fit!r}"
            )
    return x, target


def _fit_label(fit: regression.Fit) -> str:
    delta = "" if fit.delta is None else f" (δ = {fit.delta:g})"
    quantile = "" if fit.quantile is None else f" (q = {fit.quantile:g})"
    return f"{label_for(fit.loss)}{delta}{quantile}"


def plot_fits(
    X: ArrayLike,  # noqa: N803 (the name regression.solve gives it)
    y: ArrayLike,
    fits: regression.Fit | Iterable[regression.Fit],
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    ax: Axes | None = None,
) -> Axes:
    r"""Draw the data (``gid="data"``) and the line :math:`\hat y = b + \beta x` of each fit.

    Parameters
    ----------
    X : array_like
        The one feature the lines were fitted on, shape ``(n,)`` or ``(n, 1)``.
    y : array_like
        The targets, shape ``(n,)``.
    fits : Fit or sequence of Fit
        One-feature fits of :func:`l1l2.regression.solve`. Each line (``gid="fit-<loss>"``)
        spans the range of ``X`` in the colour and line style of its loss; a second fit with
        the same loss (another Huber :math:`\delta`, say) takes the next of ``LINESTYLES``.
    xlabel, ylabel : str
        The axis labels, with their units (default ``"x"`` and ``"y"``).

    Examples
    --------
    >>> from l1l2 import data, regression
    >>> year, calls = data.belgian_phones()
    >>> fits = [regression.solve(year, calls, loss=loss) for loss in ("l1", "l2")]
    >>> ax = plot_fits(year, calls, fits, xlabel="year (19..)", ylabel="calls (millions)")
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['data', 'abs L1', 'L2']
    >>> plt.close(ax.figure)
    """
    chosen = _fit_list(fits)
    x, target = _one_feature(X, y, chosen)
    ax = _axes(ax)
    mark = vocabulary.REFERENCES["data"]
    ax.scatter(x, target, color=mark.color, s=16, zorder=3, label=mark.label, gid="data")
    grid = np.array([x.min(), x.max()])
    seen: dict[str, int] = {}
    for fit in chosen:
        repeat = seen.get(fit.loss, 0)
        seen[fit.loss] = repeat + 1
        style = linestyle_for(fit.loss) if repeat == 0 else LINESTYLES[repeat % len(LINESTYLES)]
        ax.plot(
            grid,
            fit.intercept + float(fit.coef[0]) * grid,
            color=color_for(fit.loss),
            linestyle=style,
            linewidth=1.8,
            label=_fit_label(fit),
            gid=f"fit-{fit.loss}",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _finish(ax)
