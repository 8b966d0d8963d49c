r"""Figures that stay interactive on the book's web page, with no kernel and no network.

A web page cannot run Python, and it does not need to: every number these figures show is
computed here, by the rest of :mod:`l1l2`, when the notebook runs, for every setting a control
offers. The page only picks among the stored numbers and redraws, with `Vega-Lite
<https://vega.github.io/vega-lite/>`_: each figure is a Vega-Lite specification, a plain
dictionary, whose ``params`` bound to sliders and radio buttons choose the setting.

- :func:`apple_harvest`: a slider for each forecast of the apple harvest; each forecast's L1 and
  L2 penalty (:func:`l1l2.losses.l1`, :func:`l1l2.losses.l2` with ``reduction="none"``, stored
  for every slider position), the two totals (their means) and each forecast's share.
- :func:`descent`: the descent experiment for every combination of loss, noise, learning rate and
  schedule (:func:`l1l2.gd.fit`), its batch loss and :math:`w` per update; hovering a point shows
  the update, :math:`w` and the loss.
- :func:`huber_delta`: Huber's fitted value (:func:`l1l2.gd.minimizer`) for every :math:`\delta`
  of a slider, from the abs-L1 answer to the least-squares answer.

Each returns an :class:`InteractiveFigure`. Shown in a notebook, it is a mime bundle: HTML that
holds the specification (as JSON, in a ``<script type="application/json">`` element) and the
static matplotlib figure as a fallback image, plus that image as PNG for outputs that are not
HTML. The book's Sphinx extension loads Vega, Vega-Lite and vega-embed from the book's own files
and replaces the fallback image by the live chart; where JavaScript is off, or in Jupyter, the
reader sees the static figure. Numbers are rounded to what the eye can see (a few significant
digits) so that a page stays small.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import data, gd, losses, schedules, vocabulary
from l1l2._optional import require
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    check_choice,
    check_int,
    check_scalar,
)
from l1l2.experiments import SOURCE

require("interactive")  # its dependencies, or an ImportError that names the pip line

__all__ = [
    "APPLE_RANGES",
    "DESCENT_LOSSES",
    "DESCENT_NOISES",
    "DESCENT_RATES",
    "DESCENT_SCHEDULES",
    "InteractiveFigure",
    "Spec",
    "apple_harvest",
    "descent",
    "descent_schedule",
    "experiment_data",
    "huber_delta",
    "sampled_updates",
]

Spec = dict[str, Any]

#: The Vega-Lite version the specifications are written for (served by the book from npm).
VEGA_LITE_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"

#: Slider range of each apple forecast, in apples (the third reaches far out, to an outlier).
APPLE_RANGES: Final[tuple[tuple[int, int], ...]] = ((50, 150), (50, 150), (0, 600))

#: The losses :func:`descent` offers: every loss of the book.
DESCENT_LOSSES: Final = ("signed", "l1", "l2", "huber")
#: The noise levels :func:`descent` offers by default: the book's three.
DESCENT_NOISES: Final = (0.0, 0.05, 5.0)
#: The learning rates :func:`descent` offers by default: around the source's 0.01.
DESCENT_RATES: Final = (0.0001, 0.001, 0.01, 0.03, 0.1)
#: The schedules :func:`descent` offers: those of chapter 5 (see :func:`descent_schedule`).
DESCENT_SCHEDULES: Final = ("constant", "inverse_time", "exponential")

_SCHEDULE_LABELS: Final = {
    "constant": "constant",
    "inverse_time": "inverse time",
    "exponential": "exponential",
}
# The decays of chapter 5: inverse time halves the rate after 2000 updates; the exponential
# schedule multiplies it by 0.999 at every update.
_INVERSE_DECAY: Final = 1 / 2000
_EXPONENTIAL_RATE: Final = 0.999

# Okabe-Ito colours, safe for colour-blind readers (the palette of l1l2.plotting).
_BLUE: Final = vocabulary.PALETTE["blue"]
_ORANGE: Final = vocabulary.PALETTE["orange"]
_GREEN: Final = vocabulary.PALETTE["bluish green"]
_PURPLE: Final = vocabulary.PALETTE["reddish purple"]
_VERMILLION: Final = vocabulary.PALETTE["vermillion"]
_GREY: Final = vocabulary.PALETTE["grey"]
_SIGMA: Final = "\N{GREEK SMALL LETTER SIGMA}"

# Digits kept: what a reader can see on a chart a few hundred pixels wide, and read in a tooltip.
_DIGITS: Final = 4
_PNG_DPI: Final = 80


# ---------------------------------------------------------------------------------------------
# The figure record
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class InteractiveFigure:
    """A Vega-Lite figure for the web page, with its static image and its text alternative.

    Attributes
    ----------
    name : str
        The HTML id of the figure on the page, for example ``"l1l2-apple-harvest"``; fixed, so
        that the stored notebook output is the same on every run.
    kind : str
        What the figure shows: ``"apple-harvest"``, ``"descent"`` or ``"huber-delta"``.
    spec : dict
        The Vega-Lite specification: data, controls (``params``) and marks.
    description : str
        The text alternative: what the figure shows and how its controls change it.
    png : bytes
        The static matplotlib figure, shown where JavaScript is off and in non-HTML outputs.
    """

    name: str
    kind: str
    spec: Spec
    description: str
    png: bytes

    def spec_json(self) -> str:
        r"""Return the specification as compact JSON, safe inside an HTML ``<script>`` element.

        Returns
        -------
        str
            JSON text in which ``</`` is written ``<\\/``, so it cannot close the element.
        """
        text = json.dumps(self.spec, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.replace("</", "<\\/")

    def to_html(self) -> str:
        """Return the HTML the book shows: the specification and the fallback image.

        Returns
        -------
        str
            A ``<div class="l1l2-interactive">`` holding a ``<script type="application/json">``
            with the specification and an ``<img>`` of the static figure; the book's script
            replaces the image by the live chart.
        """
        png = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.description, quote=True)
        return (
            f'<div class="l1l2-interactive" id="{self.name}" data-l1l2-figure="{self.kind}">'
            f'<script type="application/json" class="l1l2-interactive-spec">'
            f"{self.spec_json()}</script>"
            f'<img class="l1l2-interactive-fallback" src="data:image/png;base64,{png}" '
            f'alt="{alt}"></div>'
        )

    def _repr_mimebundle_(
        self, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
    ) -> dict[str, str]:
        """Return the HTML, the PNG and a one-line text for Jupyter."""
        return {
            "text/html": self.to_html(),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        """Name the figure and its text alternative."""
        return f"InteractiveFigure({self.kind!r}): {self.description}"


def _round(value: float, digits: int = _DIGITS) -> float | int | None:
    """Round to ``digits`` significant digits; an integer stays an int, NaN becomes ``None``."""
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _rounded(values: ArrayLike, digits: int = _DIGITS) -> list[float | int | None]:
    return [_round(float(v), digits) for v in np.asarray(values, dtype=np.float64).ravel()]


def _readout(field: str, y: float, *, baseline: str | None = "bottom") -> Spec:
    """Return the mark and encoding of a line of bold black text, ``field``, ``y`` px down."""
    mark: Spec = {"type": "text", "align": "left"}
    if baseline is not None:
        mark["baseline"] = baseline
    mark.update(fontWeight="bold", color="#000")
    encoding = {"x": {"value": 0}, "y": {"value": y}, "text": {"field": field}}
    return {"mark": mark, "encoding": encoding}


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415 (matplotlib only where it is drawn)

    figure = Figure(figsize=(width, height), layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


def _check_choices(values: object, name: str, *, positive: bool = False) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ArgumentTypeError(
            name, f"{name} must be a non-empty sequence of numbers, got {values!r}"
        )
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
            raise ArgumentTypeError(name, f"{name} must hold numbers, got {value!r} in {values!r}")
        number = float(value)
        if not math.isfinite(number) or number < 0 or (positive and number == 0):
            allowed = "> 0" if positive else ">= 0"
            raise ArgumentValueError(
                name, f"{name} must hold finite numbers {allowed}, got {value!r}"
            )
        out.append(number)
    if len(set(out)) != len(out):
        raise ArgumentValueError(name, f"{name} must not repeat a value, got {values!r}")
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The apple harvest
# ---------------------------------------------------------------------------------------------


def apple_harvest(*, forecasts: Sequence[float] | None = None) -> InteractiveFigure:
    r"""Return the apple harvest with a slider for each forecast.

    The truth is 100 apples (:func:`l1l2.data.apple_harvest`). For every whole number of apples a
    slider can reach (:data:`APPLE_RANGES`), the figure stores the forecast's L1 penalty
    :math:`|e|` and L2 penalty :math:`e^2` from :func:`l1l2.losses.l1` and :func:`l1l2.losses.l2`
    (``reduction="none"``). The page shows the three chosen forecasts' penalties as bars, each
    with its share of the total, and the two totals, the means

    .. math:: L_1 = \tfrac13 \textstyle\sum_i |e_i|, \qquad L_2 = \tfrac13 \textstyle\sum_i e_i^2

    Parameters
    ----------
    forecasts : sequence of float, optional
        Three numbers: where the sliders start, whole apples within :data:`APPLE_RANGES`;
        default the book's 90, 95 and 105.

    Returns
    -------
    InteractiveFigure
        Three sliders, two panels (L1 in apples, L2 in apples²).

    Examples
    --------
    >>> figure = apple_harvest()
    >>> [param["value"] for param in figure.spec["params"]]
    [90, 95, 105]
    >>> table = figure.spec["transform"][1]["from"]["data"]["values"]
    >>> table[90]
    {'p': 90, 'a': 10, 's': 100}
    """
    truth, default = data.apple_harvest()
    start = default.tolist() if forecasts is None else list(forecasts)
    if len(start) != len(APPLE_RANGES):
        raise ArgumentValueError("forecasts", f"forecasts must hold 3 numbers, got {forecasts!r}")
    for k, (value, (low, high)) in enumerate(zip(start, APPLE_RANGES, strict=True)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise ArgumentTypeError("forecasts", f"forecasts[{k}] must be a number, got {value!r}")
        if not (low <= value <= high and float(value).is_integer()):
            raise ArgumentValueError(
                "forecasts",
                f"forecasts[{k}] must be a whole number of apples from {low} to {high} "
                f"(the range of its slider), got {value!r}",
            )
    start_int = [int(v) for v in start]

    reach = np.arange(
        min(r[0] for r in APPLE_RANGES), max(r[1] for r in APPLE_RANGES) + 1, dtype=np.float64
    )
    target = np.full_like(reach, truth[0])
    absolute = losses.l1(target, reach, reduction="none")
    squared = losses.l2(target, reach, reduction="none")
    table = [
        {"p": int(p), "a": _round(float(a)), "s": _round(float(s), 8)}
        for p, a, s in zip(reach, absolute, squared, strict=True)
    ]
    params = [
        {
            "name": f"f{k + 1}",
            "value": value,
            "bind": {
                "input": "range",
                "min": low,
                "max": high,
                "step": 1,
                "name": f"forecast {k + 1} (apples) ",
            },
        }
        for k, (value, (low, high)) in enumerate(zip(start_int, APPLE_RANGES, strict=True))
    ]
    transform = [
        {"calculate": "[f1, f2, f3][datum.forecast - 1]", "as": "prediction"},
        {
            "lookup": "prediction",
            "from": {"data": {"values": table}, "key": "p", "fields": ["a", "s"]},
        },
        {
            "joinaggregate": [
                {"op": "mean", "field": "a", "as": "l1"},
                {"op": "sum", "field": "a", "as": "a_sum"},
                {"op": "mean", "field": "s", "as": "l2"},
                {"op": "sum", "field": "s", "as": "s_sum"},
            ]
        },
        {"calculate": "'forecast ' + datum.forecast + ': ' + datum.prediction", "as": "bar"},
        {
            "calculate": "format(datum.a, ',') + ' (' + (datum.a_sum > 0 ? "
            "format(datum.a / datum.a_sum, '.0%') : '-') + ')'",
            "as": "a_text",
        },
        {
            "calculate": "format(datum.s, ',') + ' (' + (datum.s_sum > 0 ? "
            "format(datum.s / datum.s_sum, '.0%') : '-') + ')'",
            "as": "s_text",
        },
        {
            "calculate": "'L1 = mean |error| = ' + format(datum.l1, ',.2f') + ' apples'",
            "as": "l1_text",
        },
        {
            "calculate": "'L2 = mean error² = ' + format(datum.l2, ',.2f') + ' apples²'",
            "as": "l2_text",
        },
    ]

    def panel(field: str, total: str, unit: str, color: str, name: str) -> Spec:
        x = {
            "field": "bar",
            "type": "nominal",
            "sort": None,
            "title": "forecast (truth: 100)",
            "axis": {"labelAngle": 0},
        }
        return {
            "width": 260,
            "height": 220,
            "layer": [
                {
                    "mark": {"type": "bar", "color": color},
                    "encoding": {
                        "x": x,
                        "y": {"field": field, "type": "quantitative", "title": f"penalty ({unit})"},
                        "tooltip": [
                            {"field": "bar", "title": "forecast"},
                            {"field": f"{field}_text", "title": "penalty (share)"},
                        ],
                    },
                },
                {
                    "name": f"{name}_bars",
                    "mark": {"type": "text", "dy": -6, "color": "#000"},
                    "encoding": {
                        "x": x,
                        "y": {"field": field, "type": "quantitative"},
                        "text": {"field": f"{field}_text"},
                    },
                },
                {
                    "mark": {"type": "rule", "color": "#000", "strokeDash": [6, 3]},
                    "encoding": {
                        "y": {"aggregate": "mean", "field": total, "type": "quantitative"}
                    },
                },
                {
                    "name": f"{name}_total",
                    "transform": [{"filter": "datum.forecast == 1"}],
                    **_readout(f"{name}_text", -22),
                },
            ],
        }

    description = (
        "Interactive bar charts of the apple harvest (truth 100 apples). Three sliders set the "
        "forecasts (the first two from 50 to 150 apples, the third from 0 to 600). Left: each "
        "forecast's L1 penalty, its absolute error in apples, with its share of the total and "
        "the L1 total (the mean) as a dashed line and in bold. Right: the same for the L2 "
        "penalty, the squared error in apples squared. Moving the third forecast far out makes "
        "its L2 penalty dominate the L2 total while its L1 share grows only in step."
    )
    spec: Spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "background": "white",
        "params": params,
        "data": {"values": [{"forecast": k} for k in (1, 2, 3)]},
        "transform": transform,
        "hconcat": [
            panel("a", "l1", "apples", _BLUE, "l1"),
            panel("s", "l2", "apples²", _ORANGE, "l2"),
        ],
    }
    return InteractiveFigure(
        "l1l2-apple-harvest", "apple-harvest", spec, description, _apple_png(start_int)
    )


def _apple_png(forecasts: list[int]) -> bytes:
    truth, _ = data.apple_harvest()
    pred = np.asarray(forecasts, dtype=np.float64)
    figure = _new_figure(7.2, 3.0)
    labels = [f"forecast {k + 1}: {p:g}" for k, p in enumerate(pred)]
    for ax, fn, unit, color, name in zip(
        figure.subplots(1, 2),
        (losses.l1, losses.l2),
        ("apples", "apples²"),
        (_BLUE, _ORANGE),
        ("L1 = mean |error|", "L2 = mean error²"),
        strict=True,
    ):
        penalties = fn(truth, pred, reduction="none")
        total = fn(truth, pred)
        ax.bar(labels, penalties, color=color)
        ax.axhline(total, color="black", linestyle="--", linewidth=1)
        ax.set_title(f"{name} = {total:.2f} {unit}", fontsize=10)
        ax.set_ylabel(f"penalty ({unit})")
        ax.set_xlabel("forecast (truth: 100)")
        ax.tick_params(axis="x", labelsize=8)
    return _png(figure)


# ---------------------------------------------------------------------------------------------
# The descent experiment
# ---------------------------------------------------------------------------------------------


def experiment_data(
    noises: Sequence[float] = DESCENT_NOISES, *, rng: int = 4
) -> dict[float, tuple[Any, Any]]:
    r"""Return the data sets of the book's experiment, one per noise level, drawn in order.

    Each is :func:`l1l2.data.linear` with the source experiment's ``n``, ``x`` and true ``w``
    (:data:`l1l2.experiments.SOURCE`). They are drawn one after the other from one generator,
    as chapters 4 to 8 draw them: with the default seed 4, ``noises[1:]`` are those chapters'
    data sets with :math:`\sigma = 0.05` and :math:`\sigma = 5` (no noise draws nothing).

    Parameters
    ----------
    noises : sequence of float
        Noise levels :math:`\sigma \ge 0`, no repeats.
    rng : int
        Seed of the generator.

    Returns
    -------
    dict
        For each noise level, the pair ``(x, y)`` of inputs and targets.

    Examples
    --------
    >>> sets = experiment_data((0.0, 5.0))
    >>> x, y = sets[0.0]
    >>> float(x[0]), float(y[0])
    (2.0, 2.0)
    """
    levels = _check_choices(noises, "noises")
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        raise ArgumentTypeError("rng", f"rng must be an int seed, got {rng!r}")
    generator = np.random.default_rng(rng)
    return {
        sigma: data.linear(SOURCE.n, x=SOURCE.x, w=SOURCE.true_w, noise=sigma, rng=generator)
        for sigma in levels
    }


def descent_schedule(name: str, lr: float) -> schedules.Schedule:
    """Return the schedule called name of the descent figure, starting at lr.

    Parameters
    ----------
    name : {"constant", "inverse_time", "exponential"}
        The schedule: constant, chapter 5's inverse-time decay ``lr / (1 + t / 2000)``, or its
        exponential decay ``lr * 0.999**t``.
    lr : float
        The learning rate at the first update.

    Returns
    -------
    l1l2.schedules.Schedule
        ``step -> learning rate``.

    Examples
    --------
    >>> print(descent_schedule("exponential", 0.01))
    lr_t = 0.01 * 0.999^t
    """
    check_choice(name, "name", DESCENT_SCHEDULES)
    if name == "constant":
        return schedules.constant(lr)
    if name == "inverse_time":
        return schedules.inverse_time(lr, decay=_INVERSE_DECAY)
    return schedules.exponential(lr, rate=_EXPONENTIAL_RATE)


def sampled_updates(steps: int, points: int) -> list[int]:
    """Return the updates a descent figure keeps: about ``points`` of them, evenly on a log axis.

    Parameters
    ----------
    steps : int
        The number of updates of a run, at least 1.
    points : int
        How many to keep at most, at least 2; the first and the last are always kept.

    Returns
    -------
    list of int
        Update numbers from 1 to ``steps``, increasing, without repeats.

    Examples
    --------
    >>> sampled_updates(1000, 5)
    [1, 6, 32, 178, 1000]
    """
    steps = check_int(steps, "steps", low=1)
    points = check_int(points, "points", low=2)
    raw = np.round(np.geomspace(1, steps, points)).astype(int)
    return [int(t) for t in np.unique(raw)]


def descent(
    *,
    noises: Sequence[float] = DESCENT_NOISES,
    learning_rates: Sequence[float] = DESCENT_RATES,
    epochs: int = 200,
    points: int = 100,
    rng: int = 4,
    start: dict[str, Any] | None = None,
) -> InteractiveFigure:
    r"""Return the descent experiment with a choice of loss, noise, learning rate and schedule.

    For every combination of :data:`DESCENT_LOSSES`, ``noises``, ``learning_rates`` and
    :data:`DESCENT_SCHEDULES` (:func:`descent_schedule`), :func:`l1l2.gd.fit` runs the source
    experiment (:data:`l1l2.experiments.SOURCE`: 20 samples at :math:`x = 2`, true
    :math:`w = 1`, :math:`w_0 = 20`, batches of 2 summed, Huber's :math:`\delta = 1`) on the
    data of :func:`experiment_data`, for ``epochs`` passes. The figure keeps ``points`` updates
    per run, evenly spaced on its logarithmic update axis (:func:`sampled_updates`), with
    :math:`w` after each kept update and the batch loss just before it, to four significant
    digits.

    Parameters
    ----------
    noises : sequence of float
        Noise levels :math:`\sigma` of the data sets (see :func:`experiment_data`).
    learning_rates : sequence of float
        Learning rates at the first update, each > 0.
    epochs : int
        Passes over the data, at least 1 (10 updates each).
    points : int
        Updates kept per run, at least 2.
    rng : int
        Seed of the data (see :func:`experiment_data`).
    start : dict, optional
        The setting shown first: keys ``"loss"``, ``"noise"``, ``"lr"``, ``"schedule"``;
        default abs L1, the largest noise, the source's learning rate 0.01 (or the first
        rate) and a constant rate.

    Returns
    -------
    InteractiveFigure
        Four radio-button groups and two panels: batch loss per update (symmetric-log axis) and
        :math:`w` per update, both against the update number on a logarithmic axis.

    Examples
    --------
    >>> figure = descent(noises=(5.0,), learning_rates=(0.01,), epochs=2, points=5)
    >>> runs = figure.spec["data"]["values"]
    >>> len(runs), sorted(runs[0])
    (12, ['L', 'loss', 'lr', 'noise', 'schedule', 'w'])
    >>> figure.spec["params"][-1]["value"]
    [1, 2, 4, 9, 20]
    """
    levels = _check_choices(noises, "noises")
    rates = _check_choices(learning_rates, "learning_rates", positive=True)
    epochs = check_int(epochs, "epochs", low=1)
    first = {
        "loss": "l1",
        "noise": max(levels),
        "lr": SOURCE.lr if SOURCE.lr in rates else rates[0],
        "schedule": "constant",
    }
    chosen = {**first, **(start or {})}
    allowed = {
        "loss": DESCENT_LOSSES,
        "noise": levels,
        "lr": rates,
        "schedule": DESCENT_SCHEDULES,
    }
    if set(chosen) != set(allowed):
        raise ArgumentValueError(
            "start", f"start may only set {sorted(allowed)}, got {sorted(start or {})}"
        )
    for key, options in allowed.items():
        if chosen[key] not in options:
            raise ArgumentValueError(
                "start", f"start[{key!r}] must be in {options}, got {chosen[key]!r}"
            )

    sets = experiment_data(levels, rng=rng)
    steps_per_epoch = math.ceil(SOURCE.n / SOURCE.batch_size)
    kept = sampled_updates(epochs * steps_per_epoch, points)
    index = np.asarray(kept)
    # Every noise, rate and schedule side by side: one vectorised fit per loss, each run with
    # its own data set and a column of its own in the table of rates.
    settings = [(sigma, lr, name) for sigma in sets for lr in rates for name in DESCENT_SCHEDULES]
    updates = np.arange(epochs * steps_per_epoch, dtype=np.float64)
    table = np.column_stack([descent_schedule(name, lr)(updates) for _, lr, name in settings])
    xs = np.stack([sets[sigma][0] for sigma, _, _ in settings])
    ys = np.stack([sets[sigma][1] for sigma, _, _ in settings])
    histories = {loss: _fit(xs, ys, loss, table, epochs) for loss in DESCENT_LOSSES}
    runs: list[Spec] = []
    for sigma in sets:
        for loss in DESCENT_LOSSES:
            for lr in rates:
                for name in DESCENT_SCHEDULES:
                    run = settings.index((sigma, lr, name))
                    history = histories[loss]
                    runs.append(
                        {
                            "loss": loss,
                            "noise": sigma,
                            "lr": lr,
                            "schedule": name,
                            "w": _rounded(history.w[index, run]),
                            "L": _rounded(history.loss[index - 1, run]),
                        }
                    )

    def radio(key: str, label: str, options: Sequence[Any], labels: Sequence[str]) -> Spec:
        return {
            "name": key,
            "value": chosen[key],
            "bind": {
                "input": "radio",
                "options": list(options),
                "labels": list(labels),
                "name": label,
            },
        }

    params = [
        radio(
            "loss", "loss ", DESCENT_LOSSES, [losses.LOSSES[name].label for name in DESCENT_LOSSES]
        ),
        radio("noise", f"noise {_SIGMA} ", levels, [f"{s:g}" for s in levels]),
        radio("lr", "learning rate ", rates, [f"{r:g}" for r in rates]),
        radio(
            "schedule",
            "schedule ",
            DESCENT_SCHEDULES,
            [_SCHEDULE_LABELS[s] for s in DESCENT_SCHEDULES],
        ),
        {"name": "updates", "value": kept},
    ]
    x_axis = {
        "field": "update",
        "type": "quantitative",
        "scale": {"type": "log", "domain": [1, kept[-1]], "nice": False},
        "title": "update (log scale)",
    }
    tooltip = [
        {"field": "update", "type": "quantitative", "title": "update"},
        {"field": "w", "type": "quantitative", "title": "w after it", "format": ".4~g"},
        {"field": "L", "type": "quantitative", "title": "batch loss", "format": ".4~g"},
    ]

    def panel(field: str, title: str, scale: Spec, color: str, name: str) -> Spec:
        return {
            "width": 290,
            "height": 220,
            "layer": [
                {
                    "mark": {"type": "line", "color": color, "strokeWidth": 1.5},
                    "encoding": {
                        "x": x_axis,
                        "y": {
                            "field": field,
                            "type": "quantitative",
                            "title": title,
                            "scale": scale,
                        },
                    },
                },
                {
                    "name": f"{name}_points",
                    "mark": {"type": "point", "filled": True, "size": 22, "color": color},
                    "encoding": {
                        "x": x_axis,
                        "y": {"field": field, "type": "quantitative", "scale": scale},
                        "tooltip": tooltip,
                    },
                },
            ],
        }

    steps = epochs * steps_per_epoch
    readout = (
        "'after ' + datum.update + ' updates: w = ' + format(datum.w, '.4~g') + "
        "', batch loss = ' + format(datum.L, '.4~g')"
    )
    description = (
        "Interactive line charts of mini-batch gradient descent on y = w·x, the book's "
        f"experiment: 20 samples at x = 2 with true w = 1, from w = {SOURCE.w0:g}, batches of "
        f"{SOURCE.batch_size} summed, {steps} updates. Radio buttons choose the loss (signed L1, "
        f"abs L1, L2, Huber), the noise {_SIGMA}, the learning rate and the schedule (constant, "
        "inverse time, exponential). Left: the batch loss before each update; right: w after "
        "each update, both against the update number on a logarithmic axis. A line of text "
        "gives w and the loss after the last update; hovering a point shows its update, w and "
        "batch loss."
    )
    spec: Spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "background": "white",
        "params": params,
        "data": {"values": runs},
        "transform": [
            {
                "filter": "datum.loss == loss && datum.noise == noise && datum.lr == lr && "
                "datum.schedule == schedule"
            },
            {"flatten": ["w", "L"]},
            {"window": [{"op": "row_number", "as": "row"}]},
            {"calculate": "updates[datum.row - 1]", "as": "update"},
        ],
        "vconcat": [
            {
                "hconcat": [
                    panel(
                        "L", "batch loss before the update", {"type": "symlog"}, _VERMILLION, "loss"
                    ),
                    panel("w", "w after the update", {"zero": False}, _BLUE, "w"),
                ]
            },
            {
                "name": "readout",
                "width": 600,
                "height": 16,
                "view": {"stroke": None},
                "transform": [{"filter": f"datum.update == {kept[-1]}"}],
                **_readout("text", 8, baseline=None),
            },
        ],
    }
    spec["vconcat"][1]["transform"].append({"calculate": readout, "as": "text"})
    static = _fit(
        *sets[chosen["noise"]],
        chosen["loss"],
        descent_schedule(chosen["schedule"], chosen["lr"]),
        epochs,
    )
    return InteractiveFigure(
        "l1l2-descent", "descent", spec, description, _descent_png(static, chosen)
    )


def _fit(
    x: Any, y: Any, loss: losses.LossName, lr: schedules.Schedule | FloatArray, epochs: int
) -> gd.History:
    return gd.fit(
        x,
        y,
        loss=loss,
        w0=SOURCE.w0,
        lr=lr,
        batch_size=SOURCE.batch_size,
        epochs=epochs,
        reduction=SOURCE.reduction,
        delta=SOURCE.delta,
    )


def _descent_png(history: gd.History, chosen: dict[str, Any]) -> bytes:
    figure = _new_figure(7.2, 3.0)
    updates = np.arange(1, history.steps + 1)
    left, right = figure.subplots(1, 2)
    left.plot(updates, history.loss, color=_VERMILLION, linewidth=1)
    left.set_yscale("symlog")
    left.set_ylabel("batch loss before the update")
    right.plot(updates, history.w[1:], color=_BLUE, linewidth=1)
    right.set_ylabel("w after the update")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("update (log scale)")
    label = losses.LOSSES[chosen["loss"]].label
    figure.suptitle(
        f"{label}, noise {_SIGMA} = {chosen['noise']:g}, learning rate {chosen['lr']:g} "
        f"({_SCHEDULE_LABELS[chosen['schedule']]}): w = {history.final_w:.4g} at the end",
        fontsize=10,
    )
    return _png(figure)


# ---------------------------------------------------------------------------------------------
# Huber's delta
# ---------------------------------------------------------------------------------------------


def huber_delta(
    x: ArrayLike, y: ArrayLike, *, delta: float = 5.0, step: float = 0.1
) -> InteractiveFigure:
    r"""Return the targets of a data set and Huber's fitted value, with a slider for δ.

    For every :math:`\delta` of the slider (from ``step`` up to just past the largest error at
    the least-squares answer, in steps of ``step``) the figure stores Huber's settle point
    :math:`w_\delta` (:func:`l1l2.gd.minimizer`). The page draws the targets :math:`y_i`, the
    band of abs L1's answers (:func:`l1l2.gd.minimizer` of ``"l1"`` and the interval around
    it), the least-squares fitted value, and Huber's fitted value :math:`w_\delta x` with the
    band :math:`\pm\delta` around it: the samples inside it are those Huber treats like L2.

    Parameters
    ----------
    x : array_like
        Inputs, one common value (the book's experiment has every :math:`x_i = 2`).
    y : array_like
        Targets, 1-D, at least 2.
    delta : float
        Where the slider starts; it is rounded to the slider's steps.
    step : float
        The slider's step, > 0.

    Returns
    -------
    InteractiveFigure
        One slider and one panel.

    Examples
    --------
    >>> figure = huber_delta([2.0, 2.0, 2.0], [1.0, 2.0, 9.0], delta=1.0)
    >>> grid = figure.spec["layer"][-1]["data"]["values"]
    >>> grid[0], grid[-1]["w"]
    ({'d': 0.1, 'w': 1}, 2)
    """
    x_arr = np.asarray(x, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64).ravel()
    if y_arr.size < 2 or not np.all(np.isfinite(y_arr)):
        raise ArgumentValueError("y", f"y must hold at least 2 finite values, got {y!r}")
    common = np.unique(np.broadcast_to(x_arr, y_arr.shape))
    if common.size != 1 or common[0] == 0 or not np.isfinite(common[0]):
        raise ArgumentValueError("x", f"x must be one common, finite, non-zero input, got {x!r}")
    check_scalar(delta, "delta", low=0.0, low_open=True)
    check_scalar(step, "step", low=0.0, low_open=True)
    x0 = float(common[0])
    inputs = np.full_like(y_arr, x0)
    w_l2 = float(gd.minimizer(inputs, y_arr, loss="l2"))
    ratios = np.sort(y_arr / x0)
    half = ratios.size // 2
    low, high = (ratios[half - 1], ratios[half]) if ratios.size % 2 == 0 else (ratios[half],) * 2
    if x0 < 0:
        low, high = high, low
    largest = float(np.max(np.abs(w_l2 * x0 - y_arr)))
    count = math.ceil(largest / step) + 1
    deltas = [round(step * k, 10) for k in range(1, count + 1)]
    # Four decimals of w: what the chapter prints, and what the page shows.
    grid = [
        {
            "d": _round(d),
            "w": _round(round(float(gd.minimizer(inputs, y_arr, loss="huber", delta=d)), 4), 12),
        }
        for d in deltas
    ]
    start = min(deltas, key=lambda d: abs(d - delta))
    # The fitted values on the y axis: y-hat = w * x.
    l1_band = {"lo": _round(float(min(low, high) * x0)), "hi": _round(float(max(low, high) * x0))}
    targets = [{"rank": k + 1, "y": _round(float(v))} for k, v in enumerate(np.sort(y_arr))]
    fit = f"(datum.w * {x0!r})"
    readout = (
        f"'δ = ' + format(datum.d, '.1f') + ': Huber settles at w = ' + format(datum.w, '.4f') "
        f"+ ', fitted value ' + format({fit}, '.4f') + ' (abs L1: w from "
        f"{float(min(low, high)):.4f} to {float(max(low, high)):.4f}; least squares: w = "
        f"{w_l2:.4f})'"
    )
    y_axis = {"type": "quantitative", "title": "target y and fitted value w·x"}
    x_axis = {
        "type": "quantitative",
        "title": "sample (sorted by y)",
        "scale": {"domain": [0, y_arr.size + 1]},
    }
    wide = {"x": {"value": 0}, "x2": {"value": "width"}}
    chosen = "abs(datum.d - delta) < " + repr(step / 2)
    description = (
        f"Interactive chart of Huber's fit to {y_arr.size} targets y (dots, sorted), with a "
        f"slider for delta from {deltas[0]:g} to {deltas[-1]:g}. A shaded band marks the "
        "fitted values abs L1 may settle at, a dashed line the least-squares fitted value, a "
        "solid green line Huber's fitted value and a green band of plus or minus delta around "
        "it. A small delta puts Huber's fitted value inside the abs-L1 band; as delta grows it "
        "moves to the least-squares line and reaches it once every target lies within delta."
    )
    huber_transform = [
        {"filter": chosen},
        {"calculate": f"{fit} - datum.d", "as": "lo"},
        {"calculate": f"{fit} + datum.d", "as": "hi"},
        {"calculate": fit, "as": "y"},
        {"calculate": readout, "as": "text"},
    ]
    spec: Spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "background": "white",
        "width": 560,
        "height": 280,
        "params": [
            {
                "name": "delta",
                "value": start,
                "bind": {
                    "input": "range",
                    "min": deltas[0],
                    "max": deltas[-1],
                    "step": step,
                    "name": "Huber's δ ",
                },
            }
        ],
        "encoding": {"y": {**y_axis, "field": "y"}},
        "layer": [
            {
                # Huber's band of +-delta, drawn first: the other marks stay visible over it.
                "data": {"values": grid},
                "transform": huber_transform,
                "mark": {"type": "rect", "color": _GREEN, "opacity": 0.15},
                "encoding": {**wide, "y": {**y_axis, "field": "lo"}, "y2": {"field": "hi"}},
            },
            {
                "data": {"values": [l1_band]},
                "mark": {"type": "rect", "color": _PURPLE, "opacity": 0.4},
                "encoding": {**wide, "y": {**y_axis, "field": "lo"}, "y2": {"field": "hi"}},
            },
            {
                "data": {"values": [{"y": _round(w_l2 * x0)}]},
                "mark": {"type": "rule", "color": _ORANGE, "strokeDash": [6, 3], "strokeWidth": 2},
                "encoding": wide,
            },
            {
                "data": {"values": targets},
                "mark": {"type": "point", "filled": True, "color": _GREY, "size": 40},
                "encoding": {
                    "x": {**x_axis, "field": "rank"},
                    "tooltip": [{"field": "y", "title": "target y"}],
                },
            },
            {
                "name": "huber",
                "data": {"values": grid},
                "transform": huber_transform,
                "layer": [
                    {
                        "mark": {"type": "rule", "color": _GREEN, "strokeWidth": 2.5},
                        "encoding": wide,
                    },
                    {
                        "name": "readout",
                        **_readout("text", -8),
                    },
                ],
            },
        ],
    }
    png = _huber_png(y_arr, x0, start, (float(min(low, high)), float(max(low, high))), w_l2)
    return InteractiveFigure("l1l2-huber-delta", "huber-delta", spec, description, png)


def _huber_png(y: Any, x0: float, delta: float, l1: tuple[float, float], w_l2: float) -> bytes:
    inputs = np.full_like(y, x0)
    w = float(gd.minimizer(inputs, y, loss="huber", delta=delta))
    figure = _new_figure(7.2, 3.2)
    ax = figure.subplots()
    ranks = np.arange(1, y.size + 1)
    ax.axhspan(l1[0] * x0, l1[1] * x0, color=_PURPLE, alpha=0.25, label="abs L1's answers")
    ax.axhline(w_l2 * x0, color=_ORANGE, linestyle="--", linewidth=2, label="least squares")
    ax.axhspan(w * x0 - delta, w * x0 + delta, color=_GREEN, alpha=0.15)
    ax.axhline(w * x0, color=_GREEN, linewidth=2.5, label=f"Huber, δ = {delta:g}")
    ax.plot(ranks, np.sort(y), "o", color=_GREY, label="targets")
    ax.set_xlabel("sample (sorted by y)")
    ax.set_ylabel("target y and fitted value w·x")
    ax.set_title(f"δ = {delta:g}: Huber settles at w = {w:.4f}", fontsize=10)
    ax.legend(fontsize="small", loc="upper left")
    return _png(figure)
