"""The experiment explorer: the book's w-estimation experiment with a control for every setting."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import ipywidgets as ipw
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from l1l2 import _source, experiments, losses, plotting, schedules
from l1l2._source import Status
from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, check_choice, check_int, check_scalar
from l1l2.experiments import SOURCE
from l1l2.widgets import _canvas

CONTROL_NAMES: Final = (
    "loss",
    "noise",
    "lr",
    "schedule",
    "decay",
    "rate",
    "w0",
    "epochs",
    "batch_size",
    "seed",
)
DEFAULTS: Final[dict[str, object]] = {
    "loss": "l1",
    "noise": 0.05,
    "lr": SOURCE.lr,
    "schedule": "constant",
    "decay": _source.DEFAULT_DECAY,
    "rate": _source.DEFAULT_RATE,
    "w0": SOURCE.w0,
    "epochs": SOURCE.epochs,
    "batch_size": SOURCE.batch_size,
    "seed": 0,
}
#: The range of each slider: a value outside it cannot run, from the constructor or from code.
RANGES: Final[dict[str, tuple[float, float]]] = {
    "noise": (0.0, 10.0),
    "w0": (-40.0, 40.0),
    "epochs": (1, 200),
    "batch_size": (1, SOURCE.n),
}
# How the messages name a control whose name alone would be unclear.
_SHOWN_AS: Final = {"lr": "lr (learning rate)", "w0": "w0 (starting w)"}
_SCHEDULE_LABELS: Final = {
    "constant": "constant",
    "inverse_time": "inverse time: lr / (1 + decay·t)",
    "exponential": "exponential: lr · rate^t",
}
# Which schedule uses which parameter control.
_PARAMETER_OF: Final = {"inverse_time": "decay", "exponential": "rate"}
_SETTLE_KIND: Final = {
    "l1": "median-based",
    "l2": "mean-based",
    "huber": f"Huber root, δ = {SOURCE.delta:g}",
}
_SETTLE_SHORT: Final = {"l1": "median", "l2": "mean", "huber": "Huber"}
_SIGMA: Final = "\N{GREEK SMALL LETTER SIGMA}"
_WARN: Final = plotting.OKABE_ITO["vermillion"]


def check_control(name: str, value: object) -> object:
    """Return ``value`` as control ``name`` uses it, or raise the error that says why not.

    The one rule for a control's value, whether it comes from :func:`explorer`, a slider or
    code: a ``TypeError`` for a value of the wrong type, a ``ValueError`` for one that cannot run.
    """
    if name in ("loss", "schedule"):
        allowed = losses.LOSS_NAMES if name == "loss" else _source.SCHEDULE_KINDS
        return check_choice(value, name, allowed)
    shown = _SHOWN_AS.get(name, name)
    number: float
    if name in ("epochs", "batch_size", "seed"):
        number = check_int(value, shown, low=0 if name == "seed" else 1)
    elif name == "rate":
        number = check_scalar(value, shown, low=0.0, high=1.0, low_open=True)
    elif name in ("lr", "decay", "noise"):
        number = check_scalar(value, shown, low=0.0)
    else:
        number = check_scalar(value, shown)
    if name in RANGES:
        low, high = RANGES[name]
        if not low <= number <= high:
            raise ArgumentValueError(
                name,
                f"{shown} must be between {low:g} and {high:g} (the range of its slider), "
                f"got {value!r}",
            )
    return number


@dataclass(frozen=True)
class _Settings:
    loss: losses.LossName
    noise: float
    schedule: schedules.Schedule
    w0: float
    epochs: int
    batch_size: int
    seed: int


def _settings(values: Mapping[str, object]) -> _Settings:
    """Check the control values a run uses; raise ValueError or TypeError naming the control.

    A schedule's parameter is checked only when that schedule is chosen: the decay of the
    inverse-time schedule, the rate of the exponential one.
    """
    used = [name for name in CONTROL_NAMES if name not in ("decay", "rate")]
    v = {name: check_control(name, values[name]) for name in used}
    kind = str(v["schedule"])
    lr = float(v["lr"])  # type: ignore[arg-type]
    if kind == "inverse_time":
        schedule = schedules.inverse_time(lr, decay=float(check_control("decay", values["decay"])))  # type: ignore[arg-type]
    elif kind == "exponential":
        schedule = schedules.exponential(lr, rate=float(check_control("rate", values["rate"])))  # type: ignore[arg-type]
    else:
        schedule = schedules.constant(lr)
    return _Settings(
        loss=check_choice(v["loss"], "loss", losses.LOSS_NAMES),
        noise=float(v["noise"]),  # type: ignore[arg-type]
        schedule=schedule,
        w0=float(v["w0"]),  # type: ignore[arg-type]
        epochs=int(v["epochs"]),  # type: ignore[call-overload]
        batch_size=int(v["batch_size"]),  # type: ignore[call-overload]
        seed=int(v["seed"]),  # type: ignore[call-overload]
    )


def _make_controls(start: Mapping[str, Any]) -> dict[str, Any]:
    def common(name: str, description: str) -> dict[str, Any]:
        def check(value: object) -> object:
            return check_control(name, value)

        return {
            "check": check,
            "value": start[name],
            "description": description,
            "style": _canvas.STYLE,
        }

    def slider(name: str) -> dict[str, Any]:
        low, high = RANGES[name]
        return {"min": low, "max": high}

    loss_options = [(losses.LOSSES[name].label, name) for name in losses.LOSS_NAMES]
    schedule_options = [(_SCHEDULE_LABELS[k], k) for k in _source.SCHEDULE_KINDS]
    return {
        "loss": _canvas.Dropdown(options=loss_options, **common("loss", "loss")),
        "noise": _canvas.FloatSlider(
            step=0.05, readout_format=".2f", **slider("noise"), **common("noise", f"noise {_SIGMA}")
        ),
        "lr": _canvas.FloatText(step=0.001, **common("lr", "learning rate")),
        "schedule": _canvas.Dropdown(options=schedule_options, **common("schedule", "schedule")),
        "decay": _canvas.FloatText(step=0.0001, **common("decay", "decay d")),
        "rate": _canvas.FloatText(step=0.001, **common("rate", "rate r")),
        "w0": _canvas.FloatSlider(step=0.5, **slider("w0"), **common("w0", "start w₀")),
        "epochs": _canvas.IntSlider(**slider("epochs"), **common("epochs", "epochs")),
        "batch_size": _canvas.IntSlider(
            **slider("batch_size"), **common("batch_size", "batch size")
        ),
        "seed": _canvas.IntText(**common("seed", "noise seed")),
    }


def _artist(artists: list[Any], gid: str) -> Any:
    """Return the artist drawn with this id (the plotting functions give each one an id)."""
    found = [artist for artist in artists if artist.get_gid() == gid]
    if len(found) != 1:
        raise LookupError(f"expected one artist with gid {gid!r}, found {len(found)}")
    return found[0]


class Explorer(_canvas.Live):
    """The w-estimation experiment with live controls; build one with explorer().

    Attributes
    ----------
    controls : dict of str to ipywidgets widget
        ``"loss"``, ``"noise"``, ``"lr"``, ``"schedule"``, ``"decay"``, ``"rate"``, ``"w0"``,
        ``"epochs"``, ``"batch_size"``, ``"seed"``. Setting a control's ``.value`` recomputes and
        redraws before the assignment returns. A control keeps the value it is given (it is never
        clamped or rounded); a value that cannot run is explained in :attr:`status`, and a value
        of the wrong type raises a ``TypeError`` naming the control.
    lr_slider : ipywidgets.FloatLogSlider
        A logarithmic slider that drags ``controls["lr"]`` between 1e-5 and 1.
    figure : matplotlib.figure.Figure
        Two panels: the batch loss per update (symmetric log scale when it falls by decades) and
        w per update, with the true w (dash-dot-dot) and the settle point (dotted,
        :func:`l1l2.gd.minimizer`) marked.
    status : ipywidgets.HTML
        What the run did (final w, settle point, divergence), or why the controls cannot run.
    message : str
        The status as plain text.
    outcome : Status
        What the shown run did: settles, no minimum, diverging, diverged, or cannot run (the
        controls hold a value that cannot run; the figure shows the last valid run).
    history : l1l2.gd.History
        The run shown in the figure (the last valid settings).
    x, y : numpy.ndarray
        The data of that run.
    widget : ipywidgets.VBox
        Controls, status and figure together: what the explorer displays.
    """

    def __init__(self, start: Mapping[str, Any]) -> None:
        self.controls = _make_controls(start)
        lr = float(start["lr"])
        self.lr_slider = ipw.FloatLogSlider(
            value=min(max(lr, 1e-5), 1.0) if np.isfinite(lr) else 0.01,
            base=10,
            min=-5,
            max=0,
            step=0.01,
            readout=False,
            description="drag lr",
            style=_canvas.STYLE,
        )
        self.status = ipw.HTML()
        self.message = ""
        self.outcome = Status.SETTLES
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
        self._enable_parameters(str(start["schedule"]))

        c = self.controls
        columns = [
            ipw.VBox([c["loss"], c["schedule"], c["decay"], c["rate"]]),
            ipw.VBox([c["lr"], self.lr_slider, c["noise"]]),
            ipw.VBox([c["w0"], c["epochs"], c["batch_size"], c["seed"]]),
        ]
        self.widget = ipw.VBox([ipw.HBox(columns), self.status, view])

    # -- computing ------------------------------------------------------------------------------

    def _values(self) -> dict[str, object]:
        return {name: control.value for name, control in self.controls.items()}

    @staticmethod
    def _run(s: _Settings) -> _source.Run:
        return _source.run(
            loss=s.loss,
            noise=s.noise,
            lr=s.schedule,
            w0=s.w0,
            epochs=s.epochs,
            batch_size=s.batch_size,
            seed=s.seed,
        )

    # -- drawing --------------------------------------------------------------------------------

    def _build_figure(self, s: _Settings) -> None:
        result = self._run(s)
        self.x, self.y, self.history = result.x, result.y, result.history
        left, right = self.figure.subplots(1, 2)
        label = losses.LOSSES[s.loss].label
        color = plotting.color_for(s.loss)
        plotting.plot_loss(self.history, label=label, color=color, ax=left)
        plotting.plot_w(
            self.history,
            true_w=SOURCE.true_w,
            settle=SOURCE.true_w if result.settle is None else result.settle,
            label=label,
            color=color,
            ax=right,
        )
        self._loss_line: Line2D = _artist(left.lines, "loss")
        self._w_line: Line2D = _artist(right.lines, "w")
        self._settle_line: Line2D = _artist(right.lines, "settle")
        true_line: Line2D = _artist(right.lines, "true_w")
        # Abs L1's flat bottom: every w between the two middle targets / x fits equally well.
        self._band: Rectangle = right.axhspan(
            0.0, 1.0, color=plotting.OKABE_ITO["reddish purple"], alpha=0.15, linewidth=0
        )
        self._band.set_gid("flat_bottom")
        # Legends above the panels: they never cover a curve, and need no search for a free spot.
        above = {"ncols": 3, "frameon": False, "fontsize": 9, "columnspacing": 1.2}
        legends: tuple[Legend, Legend] = (
            left.legend(
                handles=[self._loss_line], loc="lower left", bbox_to_anchor=(0.0, 1.0), **above
            ),
            right.legend(
                handles=[self._w_line, true_line, self._settle_line],
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
                **above,
            ),
        )
        self._legend_texts: dict[str, Text] = {}
        self._legend_handles: dict[str, Any] = {}
        for legend, names in zip(legends, (("loss",), ("w", "true_w", "settle")), strict=True):
            self._legend_texts.update(zip(names, legend.get_texts(), strict=True))
            self._legend_handles.update(zip(names, legend.legend_handles, strict=True))
        self._trajectory_lines = {"loss": self._loss_line, "w": self._w_line}
        self._axes: tuple[Axes, Axes] = (left, right)
        self._show(s, result)

    def _show(self, s: _Settings, result: _source.Run) -> None:
        h = self.history
        self._loss_line.set_data(np.arange(h.steps, dtype=np.float64), plotting.drawable(h.loss))
        self._w_line.set_data(np.arange(h.steps + 1, dtype=np.float64), plotting.drawable(h.w))
        color = plotting.color_for(s.loss)
        style = plotting.linestyle_for(s.loss)  # the loss's line style, as in every figure
        label = losses.LOSSES[s.loss].label
        for name, line in self._trajectory_lines.items():
            for drawn in (line, self._legend_handles[name]):
                drawn.set_color(color)
                drawn.set_linestyle(style)
            line.set_label(label)
            self._legend_texts[name].set_text(label)
        settle = result.settle
        if settle is None:
            self._settle_line.set_visible(False)
            text = "no settle point (no minimum)"
        else:
            self._settle_line.set_ydata([settle, settle])
            self._settle_line.set_visible(True)
            text = f"settle point {settle:.4g} ({_SETTLE_SHORT[s.loss]})"
        self._settle_line.set_label(text)
        self._legend_texts["settle"].set_text(text)
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
        outcome = _source.outcome(result, w0=s.w0)
        self._set_status(self._describe(s, result, outcome), outcome.status)

    # -- status ---------------------------------------------------------------------------------

    def _describe(self, s: _Settings, result: _source.Run, outcome: _source.Outcome) -> str:
        h = self.history
        label = losses.LOSSES[s.loss].label
        head = (
            f"{label}, {h.steps} updates ({h.steps_per_epoch} per epoch), "
            f"{s.schedule}: final w = {outcome.final_w:.6g}"
        )
        settle = result.settle
        if outcome.status is Status.DIVERGED:
            return (
                f"{label}, {s.schedule}. Diverged: the estimate overflowed at update "
                f"{outcome.diverged_at} of {h.steps}; the last finite w = {outcome.final_w:.6g}, "
                f"after {outcome.updates} updates. {self._stability_hint(s)}"
            )
        if outcome.status is Status.NO_MINIMUM:
            return (
                f"{head}. Signed L1 has no minimum: every update lowers w by "
                f"lr·Σx over the batch, so w runs off and the loss goes negative without bound."
            )
        assert settle is not None
        if outcome.status is Status.DIVERGING:
            return (
                f"{head}. Diverging: w ends {outcome.distance:.3g} away from the settle point "
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
        return f"{head}; {where}, the true w is {SOURCE.true_w:g}."

    def _stability_hint(self, s: _Settings) -> str:
        batch = min(s.batch_size, SOURCE.n)
        limit = _source.stability_limit(
            s.loss, x=self.x, batch_size=batch, reduction=SOURCE.reduction
        )
        if limit is None:
            return "Try a smaller learning rate."
        label = losses.LOSSES[s.loss].label
        return f"With batches of {batch}, {label} settles only for lr < {limit:.3g}."

    def _set_status(self, text: str, outcome: Status) -> None:
        self.message = text
        self.outcome = outcome
        escaped = html.escape(text)
        if outcome.is_problem:
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
            result = self._run(s)
        except (TypeError, ValueError) as error:
            self._set_status(
                f"Cannot run these settings: {error}. The figure still shows the last valid run.",
                Status.CANNOT_RUN,
            )
            return
        self.x, self.y, self.history = result.x, result.y, result.history
        self._show(s, result)

    def _enable_parameters(self, kind: str) -> None:
        """Enable the parameter control of the chosen schedule, and disable the others."""
        for schedule_kind, name in _PARAMETER_OF.items():
            self.controls[name].disabled = kind != schedule_kind

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if change["owner"] is self.controls["schedule"]:
            self._enable_parameters(str(change["new"]))
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
    :data:`l1l2.experiments.SOURCE` and :func:`l1l2.gd.fit`):

    .. math:: w_{t+1} = w_t - \eta_t \sum_{i \in B_t} \ell'(w_t x_i - y_i)\, x_i

    Parameters
    ----------
    **initial
        Start values of the controls, by name (keyword only); the others start as in the
        source experiment:

        - ``loss``: ``"signed"``, ``"l1"`` (default), ``"l2"`` or ``"huber"``;
        - ``noise``: the standard deviation of the noise, 0 to 10 (0.05);
        - ``lr``: the learning rate :math:`\eta_0`, >= 0 (0.01);
        - ``schedule``: ``"constant"`` (default), ``"inverse_time"`` for
          :math:`\eta_0 / (1 + d\,t)`, or ``"exponential"`` for :math:`\eta_0\, r^t`;
        - ``decay``: :math:`d` >= 0 (0.0005), used by the inverse-time schedule only;
        - ``rate``: :math:`r`, 0 < r <= 1 (0.999), used by the exponential schedule only;
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
        For a value the explorer cannot run. The same values set later on a control (from a
        slider or from code) are explained in the status line instead.

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
    _canvas.check_names("explorer", initial, CONTROL_NAMES)
    start = {**DEFAULTS, **initial}
    _settings(start)  # what the first run uses, with the messages the status line shows
    return Explorer(start)
