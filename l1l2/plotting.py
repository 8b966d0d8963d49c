"""The figures of the book, as small functions that draw into a matplotlib ``Axes``.

Every ``plot_*`` function takes ``ax=None`` (a new figure when omitted), returns the ``Axes`` (or an
array of them), labels every axis with its unit, adds a legend, and never calls ``plt.show()``.
Colours come from the Okabe-Ito palette, which stays distinct under the common colour-vision
deficiencies, and figures get an opaque white background so that they stay readable on a dark page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from l1l2._optional import require

try:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import Collection, PathCollection
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
_REFERENCE: Final = vocabulary.PALETTE["grey"]  # reference lines: the true w, zero, the samples
_DRAWABLE: Final = 1e300  # the largest magnitude a line draws (axis arithmetic overflows above)
_LOG_TOP: Final = 1e100  # the highest a logarithmic loss axis goes (its ticks overflow far above)


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
        Which palette colour a key that is not a loss name gets, an integer >= 0 (the palette
        repeats after seven colours).

    Examples
    --------
    >>> color_for("l2")
    '#E69F00'

    """
    position = _series_key(key, index)
    return LOSS_COLORS.get(key, _CYCLE[position % len(_CYCLE)])


def linestyle_for(key: str, index: int = 0) -> str | tuple[float, tuple[float, ...]]:
    """Return the book's line style for a loss name, or the ``index``-th of ``LINESTYLES``.

    Each loss keeps its style in every figure (its row of :mod:`l1l2.vocabulary`), so that
    its lines differ from the others' without colour too.

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


# -- The book's figure style: sizes and fonts, chosen here and nowhere else ----------------------
#
# A figure is drawn as wide as the text column it is shown in (about 680 CSS px on a desktop),
# at FIGURE_DPI pixels per inch, so that it is shown at the size it was drawn: a font of f points
# then appears at f * FIGURE_DPI / 72 CSS px, and the smallest text of the book (9 pt, ticks and
# legends) at 12.5 px. Panels share the column instead of adding their widths.

#: The width of every figure, in inches: the book's text column at ``FIGURE_DPI``.
COLUMN_WIDTH: Final = 6.5
#: Pixels per inch of the figures (and of their PNGs in the notebooks).
FIGURE_DPI: Final = 100
#: The default height of a figure with 1, 2, 3, ... panels, in inches (the last for more).
_HEIGHTS: Final = (4.0, 3.1, 2.7)
#: Font sizes in points: what the figures' text is drawn at (9 pt = 12.5 px at ``FIGURE_DPI``).
STYLE: Final[dict[str, float]] = {
    "font.size": 10.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "figure.titlesize": 11.0,
}
#: Line styles of the series of one panel, in the order they are drawn (with the colours of
#: the palette, so that series differ by colour and by line style).
LINESTYLES: Final = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)))
# A figure's PNG records the size of its smallest text (a tEXt chunk), so that a test of the
# rendered book can tell how large that text is shown on the page.
PNG_TEXT_KEY: Final = "l1l2 smallest text (pt)"


def _opaque(fig: Figure | object) -> None:
    if isinstance(fig, Figure):
        fig.patch.set_facecolor("white")
        fig.patch.set_alpha(1.0)


def smallest_text(fig: Figure) -> float:
    """Return the size in points of the smallest visible text of ``fig`` (ticks, legends, ...).

    Examples
    --------
    >>> ax = new_axes(1)[0]
    >>> smallest_text(ax.figure)
    9.0
    >>> plt.close(ax.figure)

    """
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


def _style_axes(ax: Axes) -> None:
    """Give ``ax`` the book's tick sizes and a colour-and-line-style cycle for its series."""
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])
    ax.title.set_fontsize(STYLE["axes.titlesize"])
    ax.xaxis.label.set_fontsize(STYLE["axes.labelsize"])
    ax.yaxis.label.set_fontsize(STYLE["axes.labelsize"])
    count = len(LINESTYLES)
    ax.set_prop_cycle(color=list(_CYCLE[:count]), linestyle=list(LINESTYLES))


def new_axes(
    ncols: int = 1,
    *,
    nrows: int = 1,
    width: float | None = None,
    height: float | None = None,
) -> NDArray[np.object_]:
    """Return ``ncols`` side-by-side Axes (per row) on a new figure as wide as the text column.

    The figure is ``COLUMN_WIDTH`` inches wide at ``FIGURE_DPI`` (its panels share that
    width), its text is sized by ``STYLE``, its series cycle through the palette and
    ``LINESTYLES``, and its background is opaque white.

    Parameters
    ----------
    ncols : int
        Number of panels side by side, at least 1.
    nrows : int
        Number of rows of panels, at least 1.
    width : float, optional
        Width of the whole figure in inches, at most ``COLUMN_WIDTH`` (the default): a wider
        figure would be shrunk to the column, and its text with it.
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
    for ax in panels:
        _style_axes(ax)
    return panels


def _finish(ax: Axes, *, grid: str = "both") -> Axes:
    """Give ``ax`` a grid and, if a series has a label, a legend (placed when drawn)."""
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=STYLE["legend.fontsize"])
    ax.grid(axis=grid, alpha=0.3)  # type: ignore[arg-type]
    return ax


# -- Legends that cover no data -----------------------------------------------------------------
#
# Where a legend goes is decided here, once for every figure of new_axes, when the figure is
# drawn: after the plotting functions and the chapter's own code have set the final limits and
# scales. A legend stays where it is if it covers nothing drawn in its panel; else it takes the
# first spot of _SPOTS inside the panel that covers nothing; else it goes below the panel, under
# its axis label, in as many columns as the panel is wide enough for. "Drawn" is every line (its
# segments, or its markers alone), scatter marker, bar, band, histogram outline and annotation.

#: The spots a legend may take inside its panel, in order of preference.
_SPOTS: Final = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "upper center",
    "lower center",
    "center left",
    "center right",
)
_LEGEND_GAP: Final = 0.06  # inches between the axis label and a legend placed below the panel


def _segments_cross(p0: NDArray[np.float64], p1: NDArray[np.float64], box: Bbox) -> bool:
    """Whether a segment ``p0[i]``-``p1[i]`` (display px) crosses ``box`` (Liang-Barsky)."""
    finite = np.all(np.isfinite(p0) & np.isfinite(p1), axis=1)
    p0, p1 = p0[finite], p1[finite]
    d = p1 - p0
    enter, leave = np.zeros(len(p0)), np.ones(len(p0))
    inside = np.ones(len(p0), dtype=bool)
    edges = (
        (-d[:, 0], p0[:, 0] - box.x0),
        (d[:, 0], box.x1 - p0[:, 0]),
        (-d[:, 1], p0[:, 1] - box.y0),
        (d[:, 1], box.y1 - p0[:, 1]),
    )
    for p, q in edges:
        inside &= (p != 0) | (q >= 0)  # parallel to this edge and outside it
        with np.errstate(divide="ignore", invalid="ignore"):
            t = q / p
        enter = np.where(p < 0, np.maximum(enter, t), enter)
        leave = np.where(p > 0, np.minimum(leave, t), leave)
    return bool(np.any(inside & (enter <= leave)))


def _points_in(points: NDArray[np.float64], box: Bbox, pad: float = 0.0) -> bool:
    """Whether a point (display px), grown by ``pad`` px, reaches into ``box``."""
    x, y = points[:, 0], points[:, 1]
    with np.errstate(invalid="ignore"):
        return bool(
            np.any(
                (x >= box.x0 - pad)
                & (x <= box.x1 + pad)
                & (y >= box.y0 - pad)
                & (y <= box.y1 + pad)
            )
        )


def _path_covers(xy: NDArray[np.float64], box: Bbox, *, area: bool, closed: bool = False) -> bool:
    """Whether the outline ``xy`` (display px), or its extent when ``area``, reaches ``box``."""
    xy = xy[np.all(np.isfinite(xy), axis=1)] if area else xy
    if len(xy) == 0:
        return False
    if area:
        low, high = xy.min(axis=0), xy.max(axis=0)
        return bool(
            low[0] <= box.x1 and high[0] >= box.x0 and low[1] <= box.y1 and high[1] >= box.y0
        )
    if closed:
        xy = np.vstack([xy, xy[:1]])
    return _points_in(xy, box) or _segments_cross(xy[:-1], xy[1:], box)


def _line_covers(line: Line2D, box: Bbox, px: float) -> bool:
    """Whether a line's segments (or its markers alone) reach into ``box`` (display px)."""
    xy = line.get_transform().transform(line.get_xydata())
    drawn = line.get_linestyle() not in ("None", "", " ")
    grown = box.padded(line.get_linewidth() * px / 2)
    marked = line.get_marker() not in ("None", "", " ", None)
    return (drawn and _path_covers(xy, grown, area=False)) or (
        marked and _points_in(xy, box, line.get_markersize() * px / 2)
    )


def _collection_covers(collection: Collection, box: Bbox, px: float) -> bool:
    """Whether scatter markers, vertical lines or filled areas reach into ``box``."""
    if isinstance(collection, PathCollection):  # scatter: a marker at each offset
        offsets = collection.get_offset_transform().transform(collection.get_offsets())
        size = float(np.sqrt(np.max(collection.get_sizes(), initial=36.0)))
        return _points_in(np.asarray(offsets), box, size * px / 2)
    transform = collection.get_transform()
    area = bool(np.any(np.asarray(collection.get_facecolor())[..., 3:] > 0))
    return any(
        _path_covers(transform.transform(path.vertices), box, area=area)
        for path in collection.get_paths()
    )


def _covers(ax: Axes, legend_box: Bbox, renderer: RendererBase) -> bool:
    """Whether ``legend_box`` (display px) covers anything drawn inside the panel ``ax``."""
    box = Bbox.intersection(legend_box, ax.bbox)
    if box is None:
        return False  # outside the panel: it covers nothing of it
    px = float(np.asarray(renderer.points_to_pixels(1.0)))  # display px in a point
    return (
        any(_line_covers(line, box, px) for line in ax.lines if line.get_visible())
        or any(_collection_covers(c, box, px) for c in ax.collections if c.get_visible())
        or any(
            _path_covers(
                patch.get_transform().transform(patch.get_path().vertices),
                box,
                area=patch.get_fill(),
                closed=True,
            )
            for patch in ax.patches
            if patch.get_visible()
        )
        or any(
            bool(text.get_text().strip()) and text.get_window_extent(renderer).overlaps(box)
            for text in ax.texts
            if text.get_visible()
        )
    )


def _below(ax: Axes, legend: Legend, renderer: RendererBase) -> float:
    """Replace ``legend`` by the same entries below the panel, under its axis label.

    Returns the height it takes there, in inches (the figure grows by it: _BookLayout).
    """
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
            title=legend.get_title().get_text() or None,
        )
        if ncols == 1 or placed.get_window_extent(renderer).width <= ax.bbox.width:
            break
    return float(placed.get_window_extent(renderer).height) / figure.dpi + _LEGEND_GAP


def _place_legends(figure: Figure) -> float:
    """Move each panel's legend off its data (see above); return the height it adds below.

    That is the height, in inches, of the legends moved below their panels (per row of
    panels, the tallest).
    """
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
    """Constrained layout, with every legend placed where it covers no data (see above).

    A legend moved below its panel makes the figure taller by its height, so that the panels
    keep their size (and the other legends their free spots).
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
    color: str | None,
    label: str | None,
    gid: str,
    run_labels: Sequence[str] = (),
) -> None:
    """Draw one trajectory, a few side by side (one series each), or many as one thin bundle."""
    values = drawable(values)
    if values.ndim == 1:
        ax.plot(steps, values, color=color, label=label, linewidth=1.6, gid=gid)
        return
    if values.shape[1] <= len(LINESTYLES):
        # A few runs: each its own series, in the next colour and line style of the axes.
        for k in range(values.shape[1]):
            name = run_labels[k] if k < len(run_labels) else f"run {k}"
            ax.plot(
                steps,
                values[:, k],
                label=name if label is None else f"{label}, {name}",
                linewidth=1.6,
                gid=gid,
            )
        return
    # Many runs: thin lines, one legend entry.
    alpha = max(0.08, min(0.8, 4.0 / values.shape[1]))
    for k in range(values.shape[1]):
        ax.plot(
            steps,
            values[:, k],
            color=color or _CYCLE[0],
            linestyle="-",
            alpha=alpha,
            linewidth=0.8,
            label=label if k == 0 else None,
            gid=gid,
        )


def _run_labels(h: History) -> list[str]:
    """Name the runs of a many-run history by their learning rate when that tells them apart."""
    if h.runs is None:
        return []
    rates = np.asarray(h.lr, dtype=np.float64).reshape(h.lr.shape[0], -1)
    if rates.shape[1] != h.runs or not np.all(rates == rates[:1]):
        return [f"run {k}" for k in range(h.runs)]  # shared or changing rates
    first = rates[0]
    if np.unique(first).size != first.size:
        return [f"run {k}" for k in range(h.runs)]
    return [f"lr = {rate:g}" for rate in first]


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
        ax.plot(
            r,
            _per_sample(name, delta, slope=slope)(zero, r, reduction="none"),
            color=color_for(name),
            linestyle=linestyle_for(name),
            linewidth=2,
            label=f"{label_for(name)}: {formulas[name]}",
            gid=name,
        )
    ax.set_xlabel("error r = prediction - truth (units of y)")
    ax.axhline(0.0, color=_REFERENCE, linewidth=0.6)


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
    positions = np.arange(truth.size)
    width = 0.38
    # Per loss: the penalty of each prediction, its bar label and hatch, its mean and dash.
    series = (
        ("l1", losses.l1(truth, pred, reduction="none"), f"|error| ({unit})", None, "--"),
        ("l2", losses.l2(truth, pred, reduction="none"), f"error² ({unit}²)", "//", ":"),
    )
    means = {"l1": "L1 = mean |error|", "l2": "L2 = mean error²"}
    for side, (name, values, label, hatch, _) in zip((-1, 1), series, strict=True):
        ax.bar(
            positions + side * width / 2,
            values,
            width,
            color=color_for(name),
            hatch=hatch,
            edgecolor="white" if hatch else None,
            label=label,
            gid=name,
        )
    for name, values, _, _, dash in series:
        mean = float(values.mean())
        ax.axhline(
            mean,
            color=color_for(name),
            linestyle=dash,
            label=f"{means[name]} = {mean:.2f}",
            gid=f"{name} mean",
        )
    ax.set_xticks(positions, [f"predicted {p:g}" for p in pred])
    ax.set_xlabel(f"prediction (truth: {', '.join(f'{t:g}' for t in np.unique(truth))} {unit})")
    ax.set_ylabel(f"penalty ({unit} for L1, {unit}² for L2)")
    return _finish(ax, grid="y")


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
    return _finish(ax)


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
        color=color,
        label=label,
        gid=field,
        run_labels=_run_labels(h) if run is None else (),
    )
    ax.set_xlabel("update (mini-batch step)")
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
        Draw the true w as a reference line (grey, dash-dot-dot).
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
    shade = None if band is None else _pair(band, "band", equal=True)
    ax = _trajectory(_check_history(history), "w", run=run, color=color, label=label, ax=ax)
    if shade is not None:
        low, high = shade
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
    return _finish(ax)


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


def _cycle_keys(panels: Iterable[Axes], keys: list[str]) -> None:
    """Give each key the next series of ``panels`` in its colour and line style, in order."""
    for ax in panels:  # a loss keeps its own colour and style; other keys take the palette's
        ax.set_prop_cycle(
            color=[color_for(key, i) for i, key in enumerate(keys)],
            linestyle=[linestyle_for(key, i) for i, key in enumerate(keys)],
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
    if axes is None:
        panels = new_axes(2)
    else:
        panels = np.asarray(axes, dtype=object)
        if panels.shape != (2,) or not all(isinstance(a, Axes) for a in panels):
            raise ArgumentTypeError("axes", f"axes must be a pair of matplotlib Axes, got {axes!r}")
    left, right = panels
    _cycle_keys(panels, list(histories))
    for key, history in histories.items():
        label = label_for(key)
        plot_loss(_check_history(history, f"histories[{key!r}]"), label=label, ax=left)
        plot_w(history, label=label, ax=right)
    _references(right, true_w=true_w, settle=None)
    _finish(right)
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
    true_w : float, optional
        Draw the true w as a grey dash-dot-dot line.
    kind : {"hist", "box"}
        Overlaid step histograms, or box plots side by side.
    bins : int or sequence of float
        Histogram bins (``kind="hist"``); shared by all entries.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    label : str
        The name of the values on their axis (the x axis of a histogram, the y axis of box
        plots). Pass ``"settle point of w"`` for closed-form minimisers, which are not the
        final estimates of a descent.

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
    return _finish(ax)


def _sample_ticks(ax: Axes, ratios: NDArray[np.float64], total: NDArray[np.float64]) -> None:
    """Mark each sample's own best weight y / x as a tick just below the total-loss curve."""
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


def _w_window(w_range: object, points: list[float]) -> tuple[float, float]:
    """Return ``w_range`` checked, or a window around ``points`` with a margin of 15%."""
    if w_range is None:
        low, high = min(points), max(points)
        pad = 0.15 * (high - low) if high > low else 1.0
        return low - pad, high + pad
    return _pair(w_range, "w_range", equal=False)


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
        Draw the true w as a grey dash-dot-dot line.
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
    check_choice(loss, "loss", vocabulary.SETTLING, why="the signed loss has no minimum")
    d = check_scalar(delta, "delta", low=0.0, low_open=True)
    truth = None if true_w is None else check_scalar(true_w, "true_w")
    ax = _axes(ax)
    ratios = targets / inputs
    settle = float(gd.minimizer(inputs, targets, loss=loss, delta=d))
    low, high = _w_window(w_range, [*ratios.tolist(), settle, *([] if truth is None else [truth])])
    w = np.linspace(low, high, 1601)
    predictions = w[:, np.newaxis] * inputs
    per_sample = _per_sample(loss, d)(
        np.broadcast_to(targets, predictions.shape), predictions, reduction="none"
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
        _flat_bottom(ax, inputs, targets)
    _sample_ticks(ax, ratios, total)
    _reference_line(ax, "settle", settle, vertical=True)
    if truth is not None:
        _reference_line(ax, "true_w", truth, vertical=True)
    squared = " squared" if loss == "l2" else ""
    ax.set_xlim(low, high)
    ax.set_xlabel("w")
    ax.set_ylabel(f"total loss over {targets.size} samples (units of y{squared})")
    return _finish(ax)


def _flat_bottom(ax: Axes, x: NDArray[np.float64], y: NDArray[np.float64]) -> None:
    """Shade abs L1's flat bottom (:func:`l1l2.experiments.l1_interval`) if wider than a point."""
    low, high = (float(end) for end in experiments.l1_interval(x, y))
    if high > low:
        ax.axvspan(
            low,
            high,
            color=color_for("l1"),
            alpha=0.15,
            label=f"flat bottom [{low:.3g}, {high:.3g}]",
            gid="band",
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
    r"""Draw the data and the line :math:`\hat y = b + \beta x` of each fit, with a legend.

    Parameters
    ----------
    X : array_like
        The one feature the lines were fitted on, shape ``(n,)`` or ``(n, 1)``.
    y : array_like
        The targets, shape ``(n,)``.
    fits : Fit or sequence of Fit
        Any number of one-feature fits of :func:`l1l2.regression.solve`. Each line spans the
        range of ``X`` in the colour and line style of its loss; a second fit with the same
        loss (another Huber :math:`\delta`, say) takes the next style of ``LINESTYLES``.
    xlabel, ylabel : str
        The axis labels, with their units (default ``"x"`` and ``"y"``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with the data (``gid="data"``) and one line per fit (``gid="fit-<loss>"``).

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
    x, target = as_float_array(X, "X"), as_float_array(y, "y")
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
    for fit in chosen:
        if fit.coef.size != 1:
            raise ArgumentValueError(
                "fits", f"every fit must have one feature to draw as a line, got {fit!r}"
            )
    ax = _axes(ax)
    ax.scatter(x, target, color=OKABE_ITO["black"], s=16, zorder=3, label="data", gid="data")
    grid = np.array([x.min(), x.max()])
    seen: dict[str, int] = {}
    for fit in chosen:
        repeat = seen.get(fit.loss, 0)
        seen[fit.loss] = repeat + 1
        ax.plot(
            grid,
            fit.intercept + float(fit.coef[0]) * grid,
            color=color_for(fit.loss),
            linestyle=(
                linestyle_for(fit.loss) if repeat == 0 else LINESTYLES[repeat % len(LINESTYLES)]
            ),
            linewidth=1.8,
            label=_fit_label(fit),
            gid=f"fit-{fit.loss}",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _finish(ax)
