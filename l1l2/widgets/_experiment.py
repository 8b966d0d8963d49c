"""The experiment explorer: the book's w-estimation experiment with a control for every setting."""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any, Final

import ipywidgets as ipw
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from l1l2 import _source, experiments, losses, plotting, schedules
from l1l2._source import Status
from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, check_choice, check_int, check_scalar
from l1l2.experiments import SOURCE
from l1l2.widgets import _canvas

#: Every control and its start value, as in the source experiment.
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
CONTROL_NAMES: Final = tuple(DEFAULTS)
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
# The parameter control each schedule uses.
_PARAMETER_OF: Final = {"inverse_time": "decay", "exponential": "rate"}
_SETTLE_KIND: Final = {
    "l1": "median-based",
    "l2": "mean-based",
    "huber": f"Huber root, δ = {SOURCE.delta:g}",
}
_SETTLE_SHORT: Final = {"l1": "median", "l2": "mean", "huber": "Huber"}
_SIGMA: Final = "\N{GREEK SMALL LETTER SIGMA}"
_LR_RANGE: Final = (1e-5, 1.0)  # the log slider's


def check_control(name: str, value: object) -> object:
    """Return ``value`` as control ``name`` uses it, or raise the error that says why not.

    The one rule for the constructor, the controls and code: a ``TypeError`` for a value of the
    wrong type, a ``ValueError`` for one that cannot run.
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


def _settings(values: Mapping[str, object]) -> dict[str, Any]:
    """Check the values a run uses; return the keyword arguments of ``_source.run``.

    A schedule's parameter (decay, rate) is checked only when that schedule is chosen.
    """
    used = [name for name in CONTROL_NAMES if name not in _PARAMETER_OF.values()]
    settings: dict[str, Any] = {name: check_control(name, values[name]) for name in used}
    kind = settings.pop("schedule")
    parameter = _PARAMETER_OF.get(kind)
    options: dict[str, Any] = {}
    if parameter is not None:
        options[parameter] = check_control(parameter, values[parameter])
    settings["lr"] = schedules.named(kind, settings["lr"], **options)
    return settings


def _make_controls(start: Mapping[str, Any]) -> dict[str, Any]:
    def make(name: str, control: type, description: str, **options: Any) -> Any:
        if name in RANGES:
            options["min"], options["max"] = RANGES[name]
        check = functools.partial(check_control, name)
        return control(
            **options, check=check, value=start[name], description=description, style=_canvas.STYLE
        )

    loss_options = [(losses.LOSSES[name].label, name) for name in losses.LOSS_NAMES]
    schedule_options = [(_SCHEDULE_LABELS[k], k) for k in _source.SCHEDULE_KINDS]
    return {
        "loss": make("loss", _canvas.Dropdown, "loss", options=loss_options),
        "noise": make(
            "noise", _canvas.FloatSlider, f"noise {_SIGMA}", step=0.05, readout_format=".2f"
        ),
        "lr": make("lr", _canvas.FloatText, "learning rate", step=0.001),
        "schedule": make("schedule", _canvas.Dropdown, "schedule", options=schedule_options),
        "decay": make("decay", _canvas.FloatText, "decay d", step=0.0001),
        "rate": make("rate", _canvas.FloatText, "rate r", step=0.001),
        "w0": make("w0", _canvas.FloatSlider, "start w₀", step=0.5),
        "epochs": make("epochs", _canvas.IntSlider, "epochs"),
        "batch_size": make("batch_size", _canvas.IntSlider, "batch size"),
        "seed": make("seed", _canvas.IntText, "noise seed"),
    }


def _artist(artists: list[Any], gid: str) -> Any:
    """Return the one artist drawn with this id (the plotting functions give each one an id)."""
    (found,) = [artist for artist in artists if artist.get_gid() == gid]
    return found


class Explorer(_canvas.Live):
    """The w-estimation experiment with live controls; build one with explorer().

    Attributes
    ----------
    controls : dict of str to ipywidgets widget
        One per setting of :func:`explorer`. A value that cannot run is kept and explained in
        :attr:`status`; a value of the wrong type raises a ``TypeError`` naming the control.
    lr_slider : ipywidgets.FloatLogSlider
        A logarithmic slider that drags ``controls["lr"]`` between 1e-5 and 1.
    figure : matplotlib.figure.Figure
        The batch loss and w per update, with the true w and the settle point marked.
    status : ipywidgets.HTML
        What the run did, or why the controls cannot run.
    message : str
        The status as plain text.
    outcome : Status
        What the shown run did, or that the controls cannot run (the figure keeps the last run).
    history : l1l2.gd.History
        The run shown in the figure.
    x, y : numpy.ndarray
        The data of that run.
    widget : ipywidgets.VBox
        Controls, status and figure together: what the explorer displays.
    """

    def __init__(self, start: Mapping[str, Any]) -> None:
        self.controls = _make_controls(start)
        lr = float(start["lr"])
        self.lr_slider = ipw.FloatLogSlider(
            value=min(max(lr, _LR_RANGE[0]), _LR_RANGE[1]) if np.isfinite(lr) else 0.01,
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
        view = self._setup_canvas(
            (8.6, 3.7), left=0.085, right=0.985, bottom=0.13, top=0.87, wspace=0.22
        )
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

    def _build_figure(self, s: dict[str, Any]) -> None:
        """Draw the first run with the plotting functions; later runs update these artists."""
        result = _source.run(**s)
        self.x, self.y, self.history = result.x, result.y, result.history
        left, right = self.figure.subplots(1, 2)
        label, color = losses.LOSSES[s["loss"]].label, plotting.color_for(s["loss"])
        plotting.plot_loss(self.history, label=label, color=color, ax=left)
        settle = SOURCE.true_w if result.settle is None else result.settle
        plotting.plot_w(
            self.history, true_w=SOURCE.true_w, settle=settle, label=label, color=color, ax=right
        )
        self._lines: dict[str, Line2D] = {"loss": _artist(left.lines, "loss")}
        for gid in ("w", "true_w", "settle"):
            self._lines[gid] = _artist(right.lines, gid)
        # Abs L1's flat bottom: every w between the two middle targets / x fits equally well.
        self._band: Rectangle = right.axhspan(
            0.0, 1.0, color=plotting.OKABE_ITO["reddish purple"], alpha=0.15, linewidth=0
        )
        self._band.set_gid("flat_bottom")
        # Legends above the panels: they never cover a curve, and need no search for a free spot.
        above = {
            "ncols": 3,
            "frameon": False,
            "fontsize": 9,
            "columnspacing": 1.2,
            "handlelength": plotting.LEGEND_HANDLE_LENGTH,
        }
        self._legend_texts: dict[str, Text] = {}
        self._legend_handles: dict[str, Any] = {}
        corners = (
            (left, ("loss",), "lower left", 0.0),
            (right, ("w", "true_w", "settle"), "lower right", 1.0),
        )
        for ax, names, loc, x in corners:
            handles = [self._lines[name] for name in names]
            legend = ax.legend(handles=handles, loc=loc, bbox_to_anchor=(x, 1.0), **above)
            self._legend_texts.update(zip(names, legend.get_texts(), strict=True))
            self._legend_handles.update(zip(names, legend.legend_handles, strict=True))
        self._axes: tuple[Axes, Axes] = (left, right)
        self._show(s, result)

    def _show(self, s: dict[str, Any], result: _source.Run) -> None:
        """Draw ``result`` on the existing artists, rescale and redraw, and update the status."""
        h, loss = self.history, s["loss"]
        self._lines["loss"].set_data(
            np.arange(h.steps, dtype=np.float64), plotting.drawable(h.loss)
        )
        self._lines["w"].set_data(np.arange(h.steps + 1, dtype=np.float64), plotting.drawable(h.w))
        label, color = losses.LOSSES[loss].label, plotting.color_for(loss)
        style = plotting.linestyle_for(loss)  # the loss's line style, as in every figure
        for name in ("loss", "w"):
            for drawn in (self._lines[name], self._legend_handles[name]):
                drawn.set(color=color, linestyle=style)
            self._lines[name].set_label(label)
            self._legend_texts[name].set_text(label)
        settle_line, settle = self._lines["settle"], result.settle
        settle_line.set_visible(settle is not None)
        if settle is None:
            text = "no settle point (no minimum)"
        else:
            settle_line.set_ydata([settle, settle])
            text = f"settle point {settle:.4g} ({_SETTLE_SHORT[loss]})"
        settle_line.set_label(text)
        self._legend_texts["settle"].set_text(text)
        self._flat: tuple[float, float] | None = None
        if loss == "l1":
            low, high = (float(end) for end in experiments.l1_interval(self.x, self.y))
            self._flat = (low, high)
            self._band.set_y(low)
            self._band.set_height(high - low)
        self._band.set_visible(self._flat is not None)
        left, scale = self._axes[0], _loss_scale(h.loss)
        if left.get_yscale() != scale:
            left.set_yscale(scale, **({"linthresh": 1.0} if scale == "symlog" else {}))
            left.set_ylabel(
                "batch loss (symmetric log scale)" if scale == "symlog" else "batch loss"
            )
        for ax in self._axes:
            ax.relim(visible_only=True)
            ax.autoscale_view()
        self._redraw()
        outcome = _source.outcome(result, w0=s["w0"])
        self._set_status(self._describe(s, result, outcome), outcome.status)

    def _describe(self, s: dict[str, Any], result: _source.Run, outcome: _source.Outcome) -> str:
        """Say in words what the run did."""
        h, label, schedule = self.history, losses.LOSSES[s["loss"]].label, s["lr"]
        head = (
            f"{label}, {h.steps} updates ({h.steps_per_epoch} per epoch), "
            f"{schedule}: final w = {outcome.final_w:.6g}"
        )
        settle = result.settle
        if outcome.status is Status.DIVERGED:
            return (
                f"{label}, {schedule}. Diverged: the estimate overflowed at update "
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
            where = f"the settle point is {settle:.4f} ({_SETTLE_KIND[s['loss']]})"
        return f"{head}; {where}, the true w is {SOURCE.true_w:g}."

    def _stability_hint(self, s: dict[str, Any]) -> str:
        batch = min(s["batch_size"], SOURCE.n)
        limit = _source.stability_limit(
            s["loss"], x=self.x, batch_size=batch, reduction=SOURCE.reduction
        )
        if limit is None:
            return "Try a smaller learning rate."
        label = losses.LOSSES[s["loss"]].label
        return f"With batches of {batch}, {label} settles only for lr < {limit:.3g}."

    def _set_status(self, text: str, outcome: Status) -> None:
        self.message = text
        self.outcome = outcome
        problem = outcome.is_problem
        self.status.value = (
            _canvas.warning(text) if problem else f"<span>{html.escape(text)}</span>"
        )

    def _summary(self) -> str:
        return f"l1l2 explorer: {self.message}"

    def update(self) -> None:
        """Recompute from the controls and redraw; show a message instead if they cannot run.

        Every control change calls this; call it directly to time one recompute-and-redraw.
        """
        try:
            s = _settings({name: control.value for name, control in self.controls.items()})
            result = _source.run(**s)
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

    def _set_lr(self, control: Any, value: float) -> None:
        """Set one of the two lr controls without its observer setting the other back."""
        self._syncing = True
        try:
            control.value = value
        finally:
            self._syncing = False

    def _on_change(self, change: Mapping[str, Any]) -> None:
        owner, new = change["owner"], change["new"]
        if owner is self.controls["schedule"]:
            self._enable_parameters(str(new))
        typed_lr = owner is self.controls["lr"] and not self._syncing and isinstance(new, float)
        if typed_lr and _LR_RANGE[0] <= new <= _LR_RANGE[1]:  # one the log slider can show
            self._set_lr(self.lr_slider, new)
        self.update()

    def _on_slider(self, change: Mapping[str, Any]) -> None:
        if not self._syncing:
            self._set_lr(self.controls["lr"], float(f"{change['new']:.3g}"))


def _loss_scale(loss: FloatArray) -> str:
    """Return ``"symlog"`` for a loss that falls by decades, ``"linear"`` otherwise."""
    finite = np.abs(loss[np.isfinite(loss)])
    # A diverged run stays linear: its symmetric-log limits would overflow.
    if finite.size == 0 or finite.max() > 1e100:
        return "linear"
    tail = float(np.median(np.abs(loss[-max(1, loss.size // 10) :])))  # NaN if it diverged
    return "symlog" if finite.max() > 100.0 * max(tail, 1.0) else "linear"


def explorer(**initial: Any) -> Explorer:
    r"""Return an interactive explorer of the w-estimation experiment.

    The source experiment (:data:`l1l2.experiments.SOURCE`): 20 samples at :math:`x = 2` with
    true :math:`w = 1`, fitted by mini-batch descent (:func:`l1l2.gd.fit`) on the summed batch
    loss, :math:`w_{t+1} = w_t - \eta_t \sum_{i \in B_t} \ell'(w_t x_i - y_i)\, x_i`.

    Parameters
    ----------
    **initial
        Start values of the controls, keyword only; the others start as in the source:

        - ``loss``: ``"signed"``, ``"l1"`` (default), ``"l2"`` or ``"huber"``;
        - ``noise``: the standard deviation of the noise, 0 to 10 (0.05);
        - ``lr``: the learning rate :math:`\eta_0`, >= 0 (0.01);
        - ``schedule``: ``"constant"`` (default), ``"inverse_time"`` for
          :math:`\eta_0 / (1 + d\,t)`, or ``"exponential"`` for :math:`\eta_0\, r^t`;
        - ``decay``: :math:`d` >= 0 (0.0005); ``rate``: :math:`r`, 0 < r <= 1 (0.999);
        - ``w0``: the starting w, -40 to 40 (20);
        - ``epochs``: 1 to 200 (20); ``batch_size``: 1 to 20 (2);
        - ``seed``: the seed of the noise, an integer >= 0 (0).

    Returns
    -------
    Explorer
        Displays itself in Jupyter.

    Raises
    ------
    TypeError
        For an unknown control name, or a value of the wrong type.
    ValueError
        For a value the explorer cannot run (set later on a control, the status line explains
        it instead).

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
