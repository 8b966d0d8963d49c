"""Interactive explorers: move a control, watch the losses and the estimate respond.

:func:`explorer` runs the book's w-estimation experiment (:func:`l1l2.gd.fit` on
:func:`l1l2.data.linear`) and redraws its two panels whenever a control changes;
:func:`apple_explorer` shows how each prediction of the apple harvest adds to the L1 and L2 totals.

Both return an object that displays itself in Jupyter (JupyterLab or Notebook 7). Its
``controls`` are ordinary ipywidgets: setting a control's ``.value`` from code recomputes and
redraws before the assignment returns, so the explorers can be driven and tested without a browser.

Where the figure goes:

- In a Jupyter kernel with ``ipympl`` installed, the figure lives on an ipympl canvas: a live
  widget that the kernel redraws in place (``canvas.draw_idle()``), with pan and zoom.
- Elsewhere (no kernel, or no ipympl) the figure has a plain Agg canvas that draws at once; when
  the explorer is displayed, each redraw is also shown as a PNG in an ``ipywidgets.Image``.

A change never builds a new figure: it updates the data of the existing lines and bars, rescales
the axes, and asks the canvas to redraw. :func:`measure_latency` times that against one plain
``figure.canvas.draw()``.

This module needs the ``widgets`` extra (matplotlib, ipywidgets, ipympl); the numerical core of
:mod:`l1l2` never imports it.
"""

from __future__ import annotations

import html
import io
import math
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ipywidgets as ipw
import matplotlib
import numpy as np
from IPython import get_ipython
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from l1l2 import data, experiments, gd, losses, plotting, schedules
from l1l2._validation import check_int, check_scalar

__all__ = [
    "EXPERIMENT",
    "LATENCY_TOGGLES",
    "AppleExplorer",
    "Explorer",
    "Latency",
    "apple_explorer",
    "explorer",
    "measure_latency",
]

FloatArray = NDArray[np.float64]

#: The fixed part of the w-estimation experiment. Its 20 samples sit at x = 2 with true w = 1,
#: each batch loss is summed over the batch (as in the source article), and Huber's threshold is 1.
EXPERIMENT: Final[dict[str, Any]] = {
    "n": 20,
    "x": 2.0,
    "true_w": 1.0,
    "reduction": "sum",
    "delta": 1.0,
}

_CONTROL_NAMES: Final = (
    "loss",
    "noise",
    "lr",
    "schedule",
    "decay",
    "w0",
    "epochs",
    "batch_size",
    "seed",
)
_DEFAULTS: Final[dict[str, Any]] = {
    "loss": "l1",
    "noise": 0.05,
    "lr": 0.01,
    "schedule": "constant",
    "decay": 0.0005,
    "w0": 20.0,
    "epochs": 20,
    "batch_size": 2,
    "seed": 0,
}
#: The range of each slider; a start value outside it is an error, not silently clipped.
_RANGES: Final[dict[str, tuple[float, float]]] = {
    "noise": (0.0, 10.0),
    "w0": (-40.0, 40.0),
    "epochs": (1, 200),
    "batch_size": (1, 20),
}
_SCHEDULES: Final = ("constant", "inverse_time", "exponential")
_SCHEDULE_LABELS: Final = {
    "constant": "constant",
    "inverse_time": "inverse time: lr / (1 + decay·t)",
    "exponential": "exponential: lr · exp(-decay·t)",
}
_SETTLE_KIND: Final = {
    "l1": "median-based",
    "l2": "mean-based",
    "huber": f"Huber root, δ = {EXPERIMENT['delta']:g}",
}
_SETTLE_SHORT: Final = {"l1": "median", "l2": "mean", "huber": "Huber"}
# A run counts as diverging when it ends this many times farther from the settle point than it
# started (or than one unit, if it started closer), even before it overflows.
_GROWTH: Final = 1e3

_PREDICTIONS: Final = ("prediction_1", "prediction_2", "prediction_3")
_APPLE_RANGES: Final = {
    "prediction_1": (50.0, 150.0),
    "prediction_2": (50.0, 150.0),
    "prediction_3": (0.0, 600.0),  # wide: drag it far out to make an outlier
}

_SIGMA: Final = "\N{GREEK SMALL LETTER SIGMA}"
_STYLE: Final = {"description_width": "7.5em"}
_WARN: Final = plotting.OKABE_ITO["vermillion"]


# ---------------------------------------------------------------------------------------------
# Shared plumbing
# ---------------------------------------------------------------------------------------------


def _in_kernel() -> bool:
    """Return whether the code runs in a Jupyter kernel (where widgets have a front end)."""
    return getattr(get_ipython(), "kernel", None) is not None


def _ipympl_classes() -> tuple[Any, Any] | None:
    """Return ipympl's canvas and manager classes, or ``None`` without ipympl.

    Importing ipympl switches matplotlib's backend to ipympl for the whole session (its package
    calls ``matplotlib.use``); the explorers only want its canvas, so the reader's backend (the
    inline one, say) is put back.
    """
    previous = dict.__getitem__(matplotlib.rcParams, "backend")  # without resolving "auto"
    pyplot = sys.modules.get("matplotlib.pyplot")
    if isinstance(previous, str) and pyplot is not None:
        # Load the reader's backend now, under its own name, as pyplot would for its first
        # figure: the inline backend sets up its display hooks only when loaded as the backend.
        pyplot.switch_backend(previous)
    try:
        # Imported here: importing ipympl hooks into the running kernel.
        from ipympl.backend_nbagg import Canvas, FigureManager  # noqa: PLC0415
    except ImportError:
        return None
    if isinstance(previous, str) and dict.__getitem__(matplotlib.rcParams, "backend") != previous:
        matplotlib.use(previous)
    return Canvas, FigureManager


def _attach_canvas(figure: Figure) -> Any:
    """Give ``figure`` an ipympl canvas in a kernel with ipympl, else an Agg canvas.

    Returns the ipympl canvas (itself a widget) or ``None`` for the Agg canvas.
    """
    classes = _ipympl_classes() if _in_kernel() else None
    if classes is not None:
        canvas_class, manager_class = classes
        canvas = canvas_class(figure)
        with warnings.catch_warnings():
            # ipympl's toolbar passes its canvas on to traitlets, which warns about it.
            warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)
            manager_class(canvas, 0)  # ipympl needs a manager; it sets itself on the canvas
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.toolbar_position = "right"
        return canvas
    FigureCanvasAgg(figure)
    return None


def _check_initial(function: str, initial: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(initial) - set(allowed))
    if unknown:
        raise TypeError(
            f"{function}() got unknown control(s) {', '.join(map(repr, unknown))}; "
            f"the controls are {', '.join(allowed)}"
        )


class _Live:
    """A figure with controls: the part both explorers share (canvas, status, display)."""

    controls: dict[str, Any]
    figure: Figure
    status: Any
    widget: Any

    def _setup_canvas(self, figure: Figure) -> Any:
        self.figure = figure
        self._ipympl = _attach_canvas(figure)
        self._image: Any = None
        self._shown = False
        if self._ipympl is not None:
            return self._ipympl
        self._image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        return self._image

    def _redraw(self) -> None:
        """Redraw the figure from its (already updated) artists."""
        self.figure.canvas.draw_idle()  # Agg draws at once; ipympl asks the front end
        if self._image is not None and self._shown:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            self._image.value = buffer.getvalue()

    def _summary(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Display the controls and the figure in Jupyter; a text summary elsewhere."""
        if not self._shown:
            self._shown = True
            self._redraw()
        bundle: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = self._summary()
        return bundle

    def __repr__(self) -> str:
        """Return the one-line summary of what is shown."""
        return self._summary()


# ---------------------------------------------------------------------------------------------
# The w-estimation explorer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    loss: str
    noise: float
    schedule: schedules.Schedule
    w0: float
    epochs: int
    batch_size: int
    seed: int


def _settings(values: Mapping[str, object]) -> _Settings:
    """Check the control values; raise ValueError or TypeError naming the control."""
    loss = values["loss"]
    if not isinstance(loss, str) or loss not in losses.LOSS_NAMES:
        raise ValueError(
            f"loss must be one of {', '.join(map(repr, losses.LOSS_NAMES))}, got {loss!r}"
        )
    kind = values["schedule"]
    if not isinstance(kind, str) or kind not in _SCHEDULES:
        raise ValueError(
            f"schedule must be one of {', '.join(map(repr, _SCHEDULES))}, got {kind!r}"
        )
    lr = check_scalar(values["lr"], "lr (learning rate)", low=0.0)
    decay = check_scalar(values["decay"], "decay", low=0.0)
    if kind == "constant":
        schedule = schedules.constant(lr)
    elif kind == "inverse_time":
        schedule = schedules.inverse_time(lr, decay=decay)
    else:
        rate = math.exp(-decay)
        if rate == 0.0:
            raise ValueError(
                f"decay must be below 745 for the exponential schedule (exp(-decay) underflows "
                f"to 0), got {decay!r}"
            )
        schedule = schedules.exponential(lr, rate=rate)
    return _Settings(
        loss=loss,
        noise=check_scalar(values["noise"], "noise", low=0.0),
        schedule=schedule,
        w0=check_scalar(values["w0"], "w0 (starting w)"),
        epochs=check_int(values["epochs"], "epochs", low=1),
        batch_size=check_int(values["batch_size"], "batch_size", low=1),
        seed=check_int(values["seed"], "seed", low=0),
    )


def _make_controls(start: Mapping[str, Any]) -> dict[str, Any]:
    def common(description: str) -> dict[str, Any]:
        return {"description": description, "style": _STYLE}

    loss_options = [(plotting.label_for(name), name) for name in losses.LOSS_NAMES]
    low = {name: bounds[0] for name, bounds in _RANGES.items()}
    high = {name: bounds[1] for name, bounds in _RANGES.items()}
    return {
        "loss": ipw.Dropdown(options=loss_options, value=start["loss"], **common("loss")),
        "noise": ipw.FloatSlider(
            value=start["noise"],
            min=low["noise"],
            max=high["noise"],
            step=0.05,
            readout_format=".2f",
            **common(f"noise {_SIGMA}"),
        ),
        "lr": ipw.FloatText(value=start["lr"], step=0.001, **common("learning rate")),
        "schedule": ipw.Dropdown(
            options=[(_SCHEDULE_LABELS[k], k) for k in _SCHEDULES],
            value=start["schedule"],
            **common("schedule"),
        ),
        "decay": ipw.FloatText(value=start["decay"], step=0.0001, **common("decay")),
        "w0": ipw.FloatSlider(
            value=start["w0"], min=low["w0"], max=high["w0"], step=0.5, **common("start w₀")
        ),
        "epochs": ipw.IntSlider(
            value=start["epochs"], min=low["epochs"], max=high["epochs"], **common("epochs")
        ),
        "batch_size": ipw.IntSlider(
            value=start["batch_size"],
            min=low["batch_size"],
            max=high["batch_size"],
            **common("batch size"),
        ),
        "seed": ipw.IntText(value=start["seed"], **common("noise seed")),
    }


class Explorer(_Live):
    """The w-estimation experiment with live controls; build one with :func:`explorer`.

    Attributes
    ----------
    controls : dict of str to ipywidgets widget
        ``"loss"``, ``"noise"``, ``"lr"``, ``"schedule"``, ``"decay"``, ``"w0"``, ``"epochs"``,
        ``"batch_size"``, ``"seed"``. Setting a control's ``.value`` recomputes and redraws
        before the assignment returns.
    lr_slider : ipywidgets.FloatLogSlider
        A logarithmic slider that drags ``controls["lr"]`` between 1e-5 and 1.
    figure : matplotlib.figure.Figure
        Two panels: the batch loss per update (symmetric log scale) and w per update, with the
        true w (dashed) and the settle point (dotted, :func:`l1l2.gd.minimizer`) marked.
    status : ipywidgets.HTML
        What the run did (final w, settle point, divergence), or why the controls cannot run.
    message : str
        The status as plain text.
    history : l1l2.gd.History
        The run shown in the figure (the last valid settings).
    x, y : numpy.ndarray
        The data of that run.
    widget : ipywidgets.VBox
        Controls, status and figure together: what the explorer displays.
    """

    def __init__(self, start: Mapping[str, Any]) -> None:
        self.controls = _make_controls(start)
        self.lr_slider = ipw.FloatLogSlider(
            value=min(max(float(start["lr"]), 1e-5), 1.0),
            base=10,
            min=-5,
            max=0,
            step=0.01,
            readout=False,
            description="drag lr",
            style=_STYLE,
        )
        self.status = ipw.HTML()
        self.message = ""
        self._syncing = False

        figure = Figure(figsize=(8.6, 3.7))
        figure.patch.set_facecolor("white")
        # A fixed layout: constrained layout would cost about as much as the rest of a redraw.
        figure.subplots_adjust(left=0.085, right=0.985, bottom=0.13, top=0.87, wspace=0.22)
        view = self._setup_canvas(figure)
        self._build_figure(_settings(start))

        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.lr_slider.observe(self._on_slider, names="value")
        self.controls["decay"].disabled = start["schedule"] == "constant"

        c = self.controls
        columns = [
            ipw.VBox([c["loss"], c["schedule"], c["decay"]]),
            ipw.VBox([c["lr"], self.lr_slider, c["noise"]]),
            ipw.VBox([c["w0"], c["epochs"], c["batch_size"], c["seed"]]),
        ]
        self.widget = ipw.VBox([ipw.HBox(columns), self.status, view])

    # -- computing ------------------------------------------------------------------------------

    def _values(self) -> dict[str, object]:
        return {name: control.value for name, control in self.controls.items()}

    def _run(self, s: _Settings) -> tuple[FloatArray, FloatArray, gd.History, float | None]:
        x, y = data.linear(
            EXPERIMENT["n"], x=EXPERIMENT["x"], w=EXPERIMENT["true_w"], noise=s.noise, rng=s.seed
        )
        history = gd.fit(
            x,
            y,
            loss=s.loss,
            w0=s.w0,
            lr=s.schedule,
            batch_size=s.batch_size,
            epochs=s.epochs,
            reduction=EXPERIMENT["reduction"],
            delta=EXPERIMENT["delta"],
        )
        settle = None
        if s.loss != "signed":
            settle = float(gd.minimizer(x, y, loss=s.loss, delta=EXPERIMENT["delta"]))
        return x, y, history, settle

    # -- drawing --------------------------------------------------------------------------------

    def _build_figure(self, s: _Settings) -> None:
        self.x, self.y, self.history, settle = self._run(s)
        left, right = self.figure.subplots(1, 2)
        color, label = plotting.color_for(s.loss), plotting.label_for(s.loss)
        plotting.plot_loss(self.history, label=label, color=color, ax=left)
        true_w = EXPERIMENT["true_w"]
        plotting.plot_w(
            self.history,
            true_w=true_w,
            settle=true_w if settle is None else settle,
            label=label,
            color=color,
            ax=right,
        )
        self._loss_line: Line2D = left.lines[0]
        self._w_line: Line2D
        self._settle_line: Line2D
        self._w_line, _, self._settle_line = right.lines
        # Abs L1's flat bottom: every w between the two middle targets / x fits equally well.
        self._band = right.axhspan(
            0.0, 1.0, color=plotting.OKABE_ITO["reddish purple"], alpha=0.15, linewidth=0
        )
        # Legends above the panels: they never cover a curve, and need no search for a free spot.
        above = {"ncols": 3, "frameon": False, "fontsize": 9, "columnspacing": 1.2}
        self._legends = (
            left.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), **above),
            right.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), **above),
        )
        self._axes: tuple[Axes, Axes] = (left, right)
        self._show(s, settle)

    def _show(self, s: _Settings, settle: float | None) -> None:
        h = self.history
        self._loss_line.set_data(np.arange(h.steps, dtype=np.float64), h.loss)
        self._w_line.set_data(np.arange(h.steps + 1, dtype=np.float64), h.w)
        color, label = plotting.color_for(s.loss), plotting.label_for(s.loss)
        for line, legend in zip((self._loss_line, self._w_line), self._legends, strict=True):
            line.set_color(color)
            line.set_label(label)
            handle = legend.legend_handles[0]
            if isinstance(handle, Line2D):
                handle.set_color(color)
            legend.get_texts()[0].set_text(label)
        if settle is None:
            self._settle_line.set_visible(False)
            text = "no settle point (no minimum)"
        else:
            self._settle_line.set_ydata([settle, settle])
            self._settle_line.set_visible(True)
            text = f"settle point {settle:.4g} ({_SETTLE_SHORT[s.loss]})"
        self._legends[1].get_texts()[2].set_text(text)
        self._flat: tuple[float, float] | None = None
        if s.loss == "l1":
            low, high = (float(end) for end in experiments.l1_interval(self.x, self.y))
            self._flat = (low, high)
            self._band.set_y(low)
            self._band.set_height(high - low)
        self._band.set_visible(self._flat is not None)
        left = self._axes[0]
        scale = _loss_scale(h.loss)
        if left.get_yscale() != scale:
            if scale == "symlog":
                left.set_yscale("symlog", linthresh=1.0)
                left.set_ylabel("batch loss (symmetric log scale)")
            else:
                left.set_yscale("linear")
                left.set_ylabel("batch loss")
        for ax in self._axes:
            ax.relim(visible_only=True)
            ax.autoscale_view()
        self._redraw()
        self._set_status(self._describe(s, settle), problem=False)

    # -- status ---------------------------------------------------------------------------------

    def _describe(self, s: _Settings, settle: float | None) -> str:
        h = self.history
        final = float(h.w[-1])
        head = (
            f"{plotting.label_for(s.loss)}, {h.steps} updates ({h.steps_per_epoch} per epoch), "
            f"{s.schedule}: final w = {final:.6g}"
        )
        if s.loss == "signed":
            return (
                f"{head}. Signed L1 has no minimum: every update lowers w by "
                f"lr·Σx over the batch, so w runs off and the loss goes negative without bound."
            )
        assert settle is not None
        start_gap = max(abs(s.w0 - settle), 1.0)
        if bool(h.diverged):
            lost = np.flatnonzero(np.isnan(h.loss))
            last = int(lost[0]) if lost.size else h.steps
            return (
                f"{head}. Diverged: the estimate overflowed at update {last}. "
                f"{self._stability_hint(s)}"
            )
        if abs(final - settle) > _GROWTH * start_gap:
            return (
                f"{head}. Diverging: w ends {abs(final - settle):.3g} away from the settle point "
                f"{settle:.4g}. {self._stability_hint(s)}"
            )
        if self._flat is not None:
            low, high = self._flat
            where = (
                f"the settle point is {settle:.4f} (median-based: every w from {low:.4f} to "
                f"{high:.4f}, shaded, fits equally well, and the mark is the midpoint)"
            )
        else:
            where = f"the settle point is {settle:.4f} ({_SETTLE_KIND[s.loss]})"
        return f"{head}; {where}, the true w is {EXPERIMENT['true_w']:g}."

    def _stability_hint(self, s: _Settings) -> str:
        # Near the minimum an update multiplies w - w* by 1 - lr·c·Σx² over the batch, where
        # c = 2 for L2 and 1 for Huber: stable while lr < 2 / (c·Σx²).
        curvature = {"l2": 2.0, "huber": 1.0}.get(s.loss)
        if curvature is None:
            return "Try a smaller learning rate."
        batch = min(s.batch_size, EXPERIMENT["n"])
        limit = 2.0 / (curvature * batch * EXPERIMENT["x"] ** 2)
        return (
            f"With batches of {batch}, {plotting.label_for(s.loss)} settles only for "
            f"lr < {limit:.3g}."
        )

    def _set_status(self, text: str, *, problem: bool) -> None:
        self.message = text
        escaped = html.escape(text)
        if problem or "iverg" in text:
            self.status.value = f'<span style="color:{_WARN}"><b>⚠</b> {escaped}</span>'
        else:
            self.status.value = f"<span>{escaped}</span>"

    def _summary(self) -> str:
        return f"l1l2 explorer: {self.message}"

    # -- events ---------------------------------------------------------------------------------

    def update(self) -> None:
        """Recompute from the controls and redraw; show a message instead if they cannot run.

        Every control change calls this; call it directly to time one recompute-and-redraw.
        """
        try:
            s = _settings(self._values())
            x, y, history, settle = self._run(s)
        except (TypeError, ValueError) as error:
            self._set_status(
                f"Cannot run these settings: {error}. The figure still shows the last valid run.",
                problem=True,
            )
            return
        self.x, self.y, self.history = x, y, history
        self._show(s, settle)

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if change["owner"] is self.controls["schedule"]:
            self.controls["decay"].disabled = change["new"] == "constant"
        if change["owner"] is self.controls["lr"] and not self._syncing:
            self._follow_lr(change["new"])
        self.update()

    def _follow_lr(self, value: object) -> None:
        """Move the log slider to a typed learning rate it can show."""
        if isinstance(value, float) and 1e-5 <= value <= 1.0:
            self._syncing = True
            try:
                self.lr_slider.value = value
            finally:
                self._syncing = False

    def _on_slider(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.controls["lr"].value = float(f"{change['new']:.3g}")
        finally:
            self._syncing = False


def _loss_scale(loss: FloatArray) -> str:
    """Return ``"symlog"`` for a loss that falls by decades, ``"linear"`` otherwise.

    A diverged run stays linear: its values reach the largest floats, whose symmetric-log limits
    overflow.
    """
    finite = np.abs(loss[np.isfinite(loss)])
    if finite.size == 0 or finite.max() > 1e100:
        return "linear"
    tail = float(np.median(np.abs(loss[-max(1, loss.size // 10) :])))  # NaN if it diverged
    return "symlog" if finite.max() > 100.0 * max(tail, 1.0) else "linear"


def explorer(**initial: Any) -> Explorer:
    r"""Return an interactive explorer of the w-estimation experiment.

    The experiment: 20 samples at :math:`x = 2` with true :math:`w = 1` and Gaussian noise,
    fitted by mini-batch descent on the batch loss summed over the batch (see
    :data:`EXPERIMENT` and :func:`l1l2.gd.fit`):

    .. math:: w_{t+1} = w_t - \eta_t \sum_{i \in B_t} \ell'(w_t x_i - y_i)\, x_i

    Parameters
    ----------
    **initial
        Start values of the controls, by name (keyword only); the others start as in the
        source experiment:

        - ``loss``: ``"signed"``, ``"l1"`` (default), ``"l2"`` or ``"huber"``;
        - ``noise``: the standard deviation of the noise, 0 to 10 (0.05);
        - ``lr``: the learning rate, >= 0 (0.01);
        - ``schedule``: ``"constant"`` (default), ``"inverse_time"`` for
          lr / (1 + decay·t), or ``"exponential"`` for lr·exp(-decay·t);
        - ``decay``: >= 0 (0.0005), used by the two decaying schedules;
        - ``w0``: the starting w, -40 to 40 (20);
        - ``epochs``: 1 to 200 (20); ``batch_size``: 1 to 20 (2);
        - ``seed``: the seed of the noise, an integer >= 0 (0).

    Returns
    -------
    Explorer
        Displays itself in Jupyter; see :class:`Explorer` for its parts.

    Raises
    ------
    TypeError
        For an unknown control name, or a value of the wrong type.
    ValueError
        For a value the control cannot take.

    Examples
    --------
    >>> ex = explorer(loss="l2", noise=5.0)
    >>> ex.controls["lr"].value = 0.001
    >>> float(ex.history.lr[0])
    0.001
    >>> ex.controls["lr"].value = -1.0
    >>> print(ex.message)
    Cannot run these settings: lr (learning rate) must be >= 0, got -1.0. The figure still
    shows the last valid run.
    """
    _check_initial("explorer", initial, _CONTROL_NAMES)
    start = {**_DEFAULTS, **initial}
    _settings(start)  # types and signs first, with the same messages the status shows
    for name, (low, high) in _RANGES.items():
        value = check_scalar(start[name], name)
        if not low <= value <= high:
            raise ValueError(
                f"{name} must be between {low:g} and {high:g} (the range of its slider), "
                f"got {start[name]!r}"
            )
    return Explorer(start)


# ---------------------------------------------------------------------------------------------
# The apple-harvest explorer
# ---------------------------------------------------------------------------------------------


class AppleExplorer(_Live):
    """Three predictions of the apple harvest on sliders; build one with :func:`apple_explorer`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.FloatSlider
        ``"prediction_1"``, ``"prediction_2"`` (50 to 150 apples) and ``"prediction_3"``
        (0 to 600 apples: drag it far out to make an outlier).
    figure : matplotlib.figure.Figure
        Two panels, each in its own unit: every prediction's L1 penalty :math:`|e|` (apples) and
        L2 penalty :math:`e^2` (apples²) as bars, the total (the mean) as a dashed line and in the
        panel's title.
    table : ipywidgets.HTML
        Every error with its two penalties and its share of each total, and the totals.
    totals : dict of str to float
        ``"l1"`` (mean absolute error, apples) and ``"l2"`` (mean squared error, apples²).
    widget : ipywidgets.VBox
        Sliders, table and figure together.
    """

    def __init__(self, start: Mapping[str, float]) -> None:
        self.y_true, _ = data.apple_harvest()
        self.controls = {
            name: ipw.FloatSlider(
                value=start[name],
                min=_APPLE_RANGES[name][0],
                max=_APPLE_RANGES[name][1],
                step=1.0,
                readout_format=".0f",
                description=f"prediction {k + 1}",
                style=_STYLE,
            )
            for k, name in enumerate(_PREDICTIONS)
        }
        self.table = ipw.HTML()
        self.status = self.table
        self.totals: dict[str, float] = {}
        figure = Figure(figsize=(8.4, 3.3))
        figure.patch.set_facecolor("white")
        figure.subplots_adjust(left=0.095, right=0.985, bottom=0.16, top=0.9, wspace=0.28)
        view = self._setup_canvas(figure)
        positions = np.arange(len(_PREDICTIONS), dtype=np.float64)
        self._panels: dict[str, tuple[Axes, BarContainer, Line2D]] = {}
        for ax, name, unit in zip(
            figure.subplots(1, 2), ("l1", "l2"), ("apples", "apples²"), strict=True
        ):
            color = plotting.color_for(name)
            bars = ax.bar(positions, np.zeros_like(positions), width=0.6, color=color)
            mean = ax.axhline(0.0, color=plotting.OKABE_ITO["black"], linestyle="--", linewidth=1.2)
            ax.set_ylabel(f"penalty ({unit})")
            ax.set_xlabel(f"prediction (truth: {self.y_true[0]:g} apples)")
            ax.grid(axis="y", alpha=0.3)
            self._panels[name] = (ax, bars, mean)
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.update()
        sliders = ipw.VBox(list(self.controls.values()))
        self.widget = ipw.VBox([ipw.HBox([sliders, self.table]), view])

    @property
    def predictions(self) -> FloatArray:
        """The three predictions on the sliders, in apples."""
        return np.array([self.controls[name].value for name in _PREDICTIONS], dtype=np.float64)

    def update(self) -> None:
        """Recompute the penalties and totals from the sliders, and redraw."""
        pred = self.predictions
        penalties = {
            "l1": losses.l1(self.y_true, pred, reduction="none"),
            "l2": losses.l2(self.y_true, pred, reduction="none"),
        }
        self.totals = {"l1": losses.l1(self.y_true, pred), "l2": losses.l2(self.y_true, pred)}
        ticks = [f"predicted {p:g}" for p in pred]
        titles = {
            "l1": f"L1 = mean |error| = {self.totals['l1']:.2f} apples",
            "l2": f"L2 = mean error² = {self.totals['l2']:.2f} apples²",
        }
        for name, (ax, bars, mean) in self._panels.items():
            for rect, height in zip(bars.patches, penalties[name], strict=True):
                rect.set_height(float(height))
            mean.set_ydata([self.totals[name], self.totals[name]])
            ax.set_title(titles[name], fontsize=10)
            ax.set_xticks(np.arange(pred.size), ticks)
            ax.relim()
            ax.autoscale_view()
        self._redraw()
        self.table.value = self._table(pred, penalties["l1"], penalties["l2"])

    def _table(self, pred: FloatArray, absolute: FloatArray, squared: FloatArray) -> str:
        def share(part: float, whole: NDArray[np.float64]) -> str:
            total = float(whole.sum())
            return f"{100.0 * part / total:.0f}%" if total > 0 else "-"

        rows = "".join(
            f"<tr><td>{p:g}</td><td>{p - t:+g}</td><td>{a:g}</td><td>{share(a, absolute)}</td>"
            f"<td>{q:g}</td><td>{share(q, squared)}</td></tr>"
            for p, t, a, q in zip(pred, self.y_true, absolute, squared, strict=True)
        )
        l1, l2 = self.totals["l1"], self.totals["l2"]
        head = "".join(
            f"<th>{h}</th>"
            for h in ("prediction", "error", "|error|", "share of L1", "error²", "share of L2")
        )
        return (
            (
                f"<table><tr>{head}</tr>{rows}</table>"
                f"<p>L1 = mean |error| = <b>{l1:.2f}</b> apples; "
                f"L2 = mean error² = <b>{l2:.2f}</b> apples² "
                f"(its root, {math.sqrt(l2):.2f} apples, is on the scale of L1)</p>"
            )
            .replace("<td>", '<td style="padding: 0 0.8em; text-align: right">')
            .replace("<th>", '<th style="padding: 0 0.8em">')
        )

    def _summary(self) -> str:
        pred = ", ".join(f"{p:g}" for p in self.predictions)
        return (
            f"l1l2 apple explorer: predictions {pred} (truth 100): "
            f"L1 = {self.totals['l1']:.2f} apples, L2 = {self.totals['l2']:.2f} apples²"
        )


def apple_explorer(**initial: Any) -> AppleExplorer:
    r"""Return an explorer of the apple harvest: three predictions and their L1 and L2 penalties.

    The truth is 100 apples (:func:`l1l2.data.apple_harvest`); the totals are the mean absolute
    and the mean squared error (:func:`l1l2.losses.l1`, :func:`l1l2.losses.l2`):

    .. math:: L_1 = \frac13 \sum_{i=1}^{3} |y_i - \hat y_i|, \qquad
              L_2 = \frac13 \sum_{i=1}^{3} (y_i - \hat y_i)^2

    Parameters
    ----------
    **initial
        Start values, keyword only: ``prediction_1`` (90) and ``prediction_2`` (95), from 50
        to 150 apples, and ``prediction_3`` (105), from 0 to 600 apples.

    Returns
    -------
    AppleExplorer
        Displays itself in Jupyter; see :class:`AppleExplorer` for its parts.

    Raises
    ------
    TypeError
        For an unknown name, or a value that is not a number.
    ValueError
        For a value outside its slider's range.

    Examples
    --------
    >>> ex = apple_explorer()
    >>> round(ex.totals["l1"], 2), ex.totals["l2"]
    (6.67, 50.0)
    >>> ex.controls["prediction_3"].value = 400
    >>> ex.totals["l2"]
    30041.666666666668
    """
    _check_initial("apple_explorer", initial, _PREDICTIONS)
    defaults = dict(zip(_PREDICTIONS, data.apple_harvest()[1].tolist(), strict=True))
    start = {**defaults, **initial}
    for name in _PREDICTIONS:
        low, high = _APPLE_RANGES[name]
        value = check_scalar(start[name], name)
        if not low <= value <= high:
            raise ValueError(
                f"{name} must be between {low:g} and {high:g} apples (the range of its slider), "
                f"got {value!r}"
            )
        start[name] = value
    return AppleExplorer(start)


# ---------------------------------------------------------------------------------------------
# Latency
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    """How long a control change takes to reach the figure, next to one plain redraw.

    Attributes
    ----------
    update_s : float
        Median seconds from setting a control's ``.value`` to the figure redrawn.
    slowest_s : float
        The largest per-control median, seconds.
    draw_s : float
        Median seconds of one plain ``figure.canvas.draw()`` of the same figure.
    per_control : dict of str to float
        Median seconds for each control that was changed.
    """

    update_s: float
    slowest_s: float
    draw_s: float
    per_control: dict[str, float]

    @property
    def ratio(self) -> float:
        """Return ``update_s / draw_s``, the cost of one change in plain redraws (2 at most)."""
        return self.update_s / self.draw_s


#: The two values each control moves between when its latency is measured (book experiment).
LATENCY_TOGGLES: Final[dict[str, tuple[object, object]]] = {
    "loss": ("l2", "l1"),
    "noise": (5.0, 0.05),
    "lr": (0.005, 0.01),
    "schedule": ("inverse_time", "constant"),
    "w0": (10.0, 20.0),
    "epochs": (30, 20),
    "batch_size": (4, 2),
    "seed": (1, 0),
}


def measure_latency(*, repeats: int = 10, controls: Sequence[str] | None = None) -> Latency:
    """Time control changes of a fresh :func:`explorer` against plain redraws of its figure.

    Each change is timed from the assignment ``control.value = v`` until it returns, which on
    the Agg canvas used here includes recomputing, updating the artists and drawing the figure.
    Every change is followed by one timed plain ``figure.canvas.draw()``.

    Parameters
    ----------
    repeats : int
        Changes per control, at least 1; each control moves back and forth between two values
        of the source experiment.
    controls : sequence of str, optional
        The controls to move; by default every control except ``"decay"`` (which only matters
        with a decaying schedule).

    Returns
    -------
    Latency
        The medians and their ratio.

    Raises
    ------
    RuntimeError
        When run inside a Jupyter kernel with ipympl, where redraws happen in the front end.

    Examples
    --------
    >>> latency = measure_latency(repeats=2, controls=["lr"])
    >>> sorted(latency.per_control)
    ['lr']
    """
    count = check_int(repeats, "repeats", low=1)
    names = list(LATENCY_TOGGLES) if controls is None else list(controls)
    unknown = [name for name in names if name not in LATENCY_TOGGLES]
    if unknown or not names:
        raise ValueError(
            f"controls must name some of {', '.join(LATENCY_TOGGLES)}, got {controls!r}"
        )
    ex = explorer()
    if ex._ipympl is not None:
        raise RuntimeError("measure_latency needs the Agg canvas: run it outside a Jupyter kernel")
    canvas = ex.figure.canvas
    canvas.draw()  # warm the font and text caches
    per_control: dict[str, float] = {}
    updates: list[float] = []
    draws: list[float] = []
    for name in names:
        there, back = LATENCY_TOGGLES[name]
        times = []
        for k in range(count):
            start = time.perf_counter()
            ex.controls[name].value = there if k % 2 == 0 else back
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            canvas.draw()
            draws.append(time.perf_counter() - start)
        per_control[name] = float(np.median(times))
        updates += times
    return Latency(
        update_s=float(np.median(updates)),
        slowest_s=max(per_control.values()),
        draw_s=float(np.median(draws)),
        per_control=per_control,
    )
