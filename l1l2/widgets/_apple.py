"""The apple explorer: three predictions of the harvest and their L1 and L2 penalties."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any, Final

import ipywidgets as ipw
import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D

from l1l2 import data, losses, plotting
from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, check_scalar
from l1l2.widgets import _canvas

PREDICTIONS: Final = ("prediction_1", "prediction_2", "prediction_3")
RANGES: Final = {
    "prediction_1": (50.0, 150.0),
    "prediction_2": (50.0, 150.0),
    "prediction_3": (0.0, 600.0),  # wide: drag it far out to make an outlier
}
_UNITS: Final = {"l1": "apples", "l2": "apples²"}
_TITLES: Final = {
    "l1": "L1 = mean |error| = {:.2f} apples",
    "l2": "L2 = mean error² = {:.2f} apples²",
}
_HEAD: Final = ("prediction", "error", "|error|", "share of L1", "error²", "share of L2")


def check_prediction(name: str, value: object) -> float:
    """Return prediction ``name`` as a float, or raise the error that says why it cannot be used.

    The one rule, from :func:`apple_explorer`, a slider or code: a ``TypeError`` for a value
    that is not a number, a ``ValueError`` for NaN, infinity or a value outside the slider's range.
    """
    number = check_scalar(value, name)
    low, high = RANGES[name]
    if not low <= number <= high:
        raise ArgumentValueError(
            name,
            f"{name} must be between {low:g} and {high:g} apples (the range of its slider), "
            f"got {value!r}",
        )
    return number


class AppleExplorer(_canvas.Live):
    """Three predictions of the apple harvest on sliders; build one with apple_explorer().

    Attributes
    ----------
    controls : dict of str to ipywidgets.FloatSlider
        ``"prediction_1"``, ``"prediction_2"`` and ``"prediction_3"``. A slider keeps the value
        it is given; one that cannot be used is explained in :attr:`message`.
    figure : matplotlib.figure.Figure
        Each prediction's L1 penalty (apples) and L2 penalty (apples²) as bars, with the total
        (the mean) as a dashed line and in the panel's title.
    table : ipywidgets.HTML
        Every error, its penalties and their shares of the totals; or why the predictions
        cannot be used.
    totals : dict of str to float
        ``"l1"`` and ``"l2"``: the mean absolute and the mean squared error shown.
    message : str
        Empty, or why the predictions on the sliders cannot be used.
    widget : ipywidgets.VBox
        Sliders, table and figure together.
    """

    def __init__(self, start: Mapping[str, float]) -> None:
        self.y_true, _ = data.apple_harvest()
        self.controls = {
            name: _canvas.FloatSlider(
                check=functools.partial(check_prediction, name),
                value=start[name],
                min=RANGES[name][0],
                max=RANGES[name][1],
                step=1.0,
                readout_format=".0f",
                description=f"prediction {k + 1}",
                style=_canvas.STYLE,
            )
            for k, name in enumerate(PREDICTIONS)
        }
        self.table = ipw.HTML()
        self.message = ""
        self.totals: dict[str, float] = {}
        self._shown_predictions = np.asarray([start[name] for name in PREDICTIONS], dtype=float)
        view = self._setup_canvas(
            (8.4, 3.3), left=0.095, right=0.985, bottom=0.16, top=0.9, wspace=0.28
        )
        positions = np.arange(len(PREDICTIONS), dtype=np.float64)
        self._panels: dict[str, tuple[Axes, BarContainer, Line2D]] = {}
        for ax, (name, unit) in zip(self.figure.subplots(1, 2), _UNITS.items(), strict=True):
            color = plotting.color_for(name)
            bars = ax.bar(positions, np.zeros_like(positions), width=0.6, color=color, gid=name)
            mean = ax.axhline(
                0.0, color=plotting.OKABE_ITO["black"], linestyle="--", linewidth=1.2, gid="mean"
            )
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
        """The predictions shown in the figure and the totals (the last valid ones), in apples."""
        return self._shown_predictions.copy()

    def update(self) -> None:
        """Recompute the penalties and totals from the sliders, and redraw.

        Predictions that cannot be used leave the figure and totals as they were, and say why in
        :attr:`message` and the table.
        """
        try:
            pred = np.array(
                [check_prediction(name, self.controls[name].value) for name in PREDICTIONS],
                dtype=np.float64,
            )
        except (TypeError, ValueError) as error:
            self.message = (
                f"Cannot use these predictions: {error}. The figure still shows the last valid "
                "predictions."
            )
            self.table.value = _canvas.warning(self.message)
            return
        self.message = ""
        self._shown_predictions = pred
        penalties = {
            "l1": losses.l1(self.y_true, pred, reduction="none"),
            "l2": losses.l2(self.y_true, pred, reduction="none"),
        }
        self.totals = {"l1": losses.l1(self.y_true, pred), "l2": losses.l2(self.y_true, pred)}
        for name, (ax, bars, mean) in self._panels.items():
            for rect, height in zip(bars.patches, penalties[name], strict=True):
                rect.set_height(float(height))
            mean.set_ydata([self.totals[name], self.totals[name]])
            ax.set_title(_TITLES[name].format(self.totals[name]), fontsize=10)
            ax.set_xticks(np.arange(pred.size), [f"predicted {p:g}" for p in pred])
            ax.relim()
            ax.autoscale_view()
        self._redraw()
        self.table.value = self._table(pred, penalties["l1"], penalties["l2"])

    def _table(self, pred: FloatArray, absolute: FloatArray, squared: FloatArray) -> str:
        def share(part: float, whole: FloatArray) -> str:
            total = float(whole.sum())
            return f"{100.0 * part / total:.0f}%" if total > 0 else "-"

        rows = "".join(
            f"<tr><td>{p:g}</td><td>{p - t:+g}</td><td>{a:g}</td><td>{share(a, absolute)}</td>"
            f"<td>{q:g}</td><td>{share(q, squared)}</td></tr>"
            for p, t, a, q in zip(pred, self.y_true, absolute, squared, strict=True)
        )
        head = "".join(f"<th>{h}</th>" for h in _HEAD)
        l1, l2 = self.totals["l1"], self.totals["l2"]
        text = (
            f"<table><tr>{head}</tr>{rows}</table>"
            f"<p>L1 = mean |error| = <b>{l1:.2f}</b> apples; "
            f"L2 = mean error² = <b>{l2:.2f}</b> apples² "
            f"(its root, {math.sqrt(l2):.2f} apples, is on the scale of L1)</p>"
        )
        text = text.replace("<td>", '<td style="padding: 0 0.8em; text-align: right">')
        return text.replace("<th>", '<th style="padding: 0 0.8em">')

    def _summary(self) -> str:
        if self.message:
            return f"l1l2 apple explorer: {self.message}"
        pred = ", ".join(f"{p:g}" for p in self.predictions)
        return (
            f"l1l2 apple explorer: predictions {pred} (truth 100): "
            f"L1 = {self.totals['l1']:.2f} apples, L2 = {self.totals['l2']:.2f} apples²"
        )


def apple_explorer(**initial: Any) -> AppleExplorer:
    """Return an explorer of the apple harvest: three predictions and their L1 and L2 penalties.

    The truth is 100 apples (:func:`l1l2.data.apple_harvest`); the totals are the mean absolute
    and the mean squared error (:func:`l1l2.losses.l1`, :func:`l1l2.losses.l2`).

    Parameters
    ----------
    **initial
        Start values, keyword only: ``prediction_1`` (90) and ``prediction_2`` (95), from 50
        to 150 apples, and ``prediction_3`` (105), from 0 to 600 apples.

    Returns
    -------
    AppleExplorer
        Displays itself in Jupyter.

    Raises
    ------
    TypeError
        For an unknown name, or a value that is not a number.
    ValueError
        For NaN, infinity or a value outside its slider's range (set later on a slider, the
        table explains it instead).

    Examples
    --------
    >>> ex = apple_explorer()
    >>> round(ex.totals["l1"], 2), ex.totals["l2"]
    (6.67, 50.0)
    >>> ex.controls["prediction_3"].value = 400
    >>> ex.totals["l2"]
    30041.666666666668
    """
    _canvas.check_names("apple_explorer", initial, PREDICTIONS)
    defaults = dict(zip(PREDICTIONS, data.apple_harvest()[1].tolist(), strict=True))
    start = {**defaults, **initial}
    return AppleExplorer({name: check_prediction(name, start[name]) for name in PREDICTIONS})
