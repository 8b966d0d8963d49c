r"""Charts that move on the book's web page and in JupyterLab, with no kernel.

Every number a chart shows is computed here, for every setting its controls offer (to four
significant digits); the chart, a Vega-Lite v5 specification declared with
`Vega-Altair <https://altair-viz.github.io/>`_ in the styles of :mod:`l1l2.vocabulary`, only
picks among them. An :class:`InteractiveFigure` carries the spec and a static PNG of
:mod:`l1l2.plotting`.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike

from l1l2._optional import require

# Before l1l2.plotting is imported: a missing Matplotlib or Altair names the web extra.
require("interactive")

from l1l2 import data, experiments, gd, losses, plotting, schedules, vocabulary  # noqa: E402
from l1l2._validation import (  # noqa: E402
    ArgumentTypeError,
    ArgumentValueError,
    as_float_array,
    check_int,
    check_scalar,
)
from l1l2.experiments import SOURCE, experiment_data, huber_interval, l1_interval  # noqa: E402

__all__ = [
    "APPLE_RANGES",
    "DESCENT_LOSSES",
    "DESCENT_NOISES",
    "DESCENT_RATES",
    "DESCENT_SCHEDULES",
    "MAX_CHOICES",
    "MAX_DELTAS",
    "MAX_EPOCHS",
    "MAX_MAGNITUDE",
    "MAX_POINTS",
    "MAX_SAMPLES",
    "VEGA_LITE_MIME",
    "InteractiveFigure",
    "Spec",
    "apple_harvest",
    "apple_penalties",
    "descent",
    "descent_schedule",
    "experiment_data",
    "huber_delta",
    "sampled_updates",
]

Spec = dict[str, Any]

#: The mime type of a chart in a notebook output (JupyterLab 4 draws Vega-Lite up to v5).
VEGA_LITE_MIME: Final = "application/vnd.vegalite.v5+json"
#: Slider range of each apple forecast, in apples (the third reaches out to an outlier).
APPLE_RANGES: Final[tuple[tuple[int, int], ...]] = ((50, 150), (50, 150), (0, 600))
#: The losses :func:`descent` offers: every loss of the one-weight chapters.
DESCENT_LOSSES: Final = vocabulary.LOSS_NAMES
#: The noise levels :func:`descent` offers by default.
DESCENT_NOISES: Final = experiments.NOISES
#: The learning rates :func:`descent` offers by default, around the source's 0.01.
DESCENT_RATES: Final = (0.0001, 0.001, 0.01, 0.03, 0.1)
#: The schedules :func:`descent` offers, those of chapter 5.
DESCENT_SCHEDULES: Final = vocabulary.SCHEDULE_NAMES
#: The most noise levels, or learning rates, :func:`descent` offers.
MAX_CHOICES: Final = 10
#: The most passes over the data per run of :func:`descent`.
MAX_EPOCHS: Final = 1000
#: The most updates kept per run (:func:`sampled_updates`).
MAX_POINTS: Final = 500
#: The most slider positions of :func:`huber_delta`.
MAX_DELTAS: Final = 2000
#: The most targets of :func:`huber_delta`.
MAX_SAMPLES: Final = 10_000
#: The largest size of the inputs and targets of :func:`huber_delta`.
MAX_MAGNITUDE: Final = 1e100

# The charts' text alternatives: what each shows and how its controls change it.
_APPLE_TEXT: Final = (
    "Interactive bar charts of the apple harvest (truth 100 apples). Three sliders set the "
    "forecasts (the first two from 50 to 150 apples, the third from 0 to 600). Left: each "
    "forecast's L1 penalty, its absolute error in apples, with its share of the total and "
    "the L1 total (the mean) as a dashed line and in bold. Right: the same for the L2 "
    "penalty, the squared error in apples squared. Moving the third forecast far out makes "
    "its L2 penalty dominate the L2 total while its L1 share grows only in step."
)
_DESCENT_TEXT: Final = (
    "Interactive line charts of mini-batch gradient descent on y = w·x, the book's "
    f"experiment: 20 samples at x = 2 with true w = 1, from w = {SOURCE.w0:g}, batches of "
    f"{SOURCE.batch_size} summed, {{updates}} updates. Radio buttons choose the loss (signed "
    "L1, abs L1, L2, Huber), the noise \N{GREEK SMALL LETTER SIGMA}, the learning rate and the "
    "schedule (constant, inverse time, exponential). Left: the batch loss before each update; "
    "right: w after each update and the true w (grey, long dashes), both against the update "
    "number on a logarithmic axis, in the colour and line style of the loss. A line of text "
    "gives w and the loss after the last update; with a mouse, pointing at a dot shows its "
    "update, w and batch loss."
)
_HUBER_TEXT: Final = (
    "Interactive chart of Huber's fit to {n} targets y (dots, sorted), with a slider for delta "
    "from {low:g} to {high:g}. A blue outlined band marks the fitted values abs L1 may settle "
    "at, an orange dashed line the least-squares fitted value, a green dash-dotted line "
    "Huber's fitted value and a green band of plus or minus delta around it. Where Huber's "
    "minimum is flat (a small delta: no target within delta, as many above as below), two "
    "green lines mark the ends of the range of fitted values it may settle at, the text gives "
    "that range, and the green band reaches delta beyond both ends. A small delta puts "
    "Huber's answers inside the abs-L1 band; as delta grows they close to one value, which "
    "moves to the least-squares line and reaches it once every target lies within delta."
)
_TEXT: Final = vocabulary.PALETTE["black"]  # text on the charts' white background
_DATA: Final = vocabulary.PALETTE["grey"]  # the targets, grey as the reference lines
_TRUE_W: Final = vocabulary.REFERENCES["true_w"]
# Descent as the source experiment runs it, in the settings the descent chart does not offer.
_source_fit: Final = functools.partial(
    gd.fit,
    w0=SOURCE.w0,
    batch_size=SOURCE.batch_size,
    reduction=SOURCE.reduction,
    delta=SOURCE.delta,
)
# Ticks a reader can read on the charts' logarithmic axes: the powers of ten, and on the
# symmetric-log loss axis 0 and 1, 2 and 5 times each power of ten, either sign.
_DECADES: Final = [10**k for k in range(10)]
_LOSS_TICKS: Final = sorted({0, *(s * m * d for s in (-1, 1) for m in (1, 2, 5) for d in _DECADES)})
# A tick label of the descent chart's loss axis: "2k", "-1M" from 1000 on, "500", "0.5" below.
_LOSS_LABEL: Final = (
    "abs(datum.value) >= 1000 ? format(datum.value, '.2~s') : format(datum.value, '~g')"
)
# The descent chart's loss labels by name, a JSON object its expressions index by the loss.
_LOSS_LABELS: Final = json.dumps({n: vocabulary.LOSSES[n].label for n in DESCENT_LOSSES})


def _alt() -> Any:
    import altair as alt  # noqa: PLC0415 (Altair only where a chart is declared)

    return alt


def _renamed(old: str, new: Any, why: str) -> Any:
    """Return ``new`` under its old name ``old``, warning once per call that it was renamed."""

    def call(*args: Any, **kwargs: Any) -> Any:
        message = f"l1l2.interactive.{old} is deprecated: {why}; call {new.__module__}."
        warnings.warn(message + f"{new.__name__} instead", DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    call.__name__ = call.__qualname__ = old
    call.__doc__ = f"Deprecated: {why}; use :func:`{new.__module__}.{new.__name__}`."
    return call


@dataclass(frozen=True, repr=False)
class InteractiveFigure:
    """A chart: HTML id ``name``, ``kind``, Vega-Lite v5 ``spec``, ``description`` and ``png``.

    The description is the text alternative; the PNG is shown where JavaScript is off.
    """

    name: str
    kind: str
    spec: Spec
    description: str
    png: bytes

    @classmethod
    def from_bundle(
        cls, bundle: Mapping[str, Any], metadata: Mapping[str, Any]
    ) -> InteractiveFigure:
        """Return the figure a stored notebook output (``data`` and ``metadata``) holds."""
        about, spec = metadata["l1l2_interactive"], bundle[VEGA_LITE_MIME]
        png = base64.b64decode(bundle["image/png"])
        return cls(about["name"], about["kind"], spec, spec["description"], png)

    def spec_json(self) -> str:
        r"""Return the spec as compact JSON with ``</`` written ``<\\/`` (safe in a script)."""
        text = json.dumps(self.spec, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.replace("</", "<\\/")

    def to_html(self) -> str:
        """Return the book's HTML: the spec in a JSON script element and the fallback image."""
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
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return Vega-Lite, PNG, text and the figure's id; not HTML, which JupyterLab prefers."""
        png = base64.b64encode(self.png).decode("ascii")
        bundle = {VEGA_LITE_MIME: self.spec, "image/png": png, "text/plain": repr(self)}
        return bundle, {"l1l2_interactive": {"name": self.name, "kind": self.kind}}

    def __repr__(self) -> str:
        """Name the figure and its text alternative."""
        return f"InteractiveFigure({self.kind!r}): {self.description}"


# -- shared by the charts ---------------------------------------------------------------------


def _round(value: float, digits: int = 4) -> float | int | None:
    """Round to ``digits`` significant digits; an integer stays an int, NaN becomes ``None``."""
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _figure(name: str, chart: Any, description: str, figure: Any) -> InteractiveFigure:
    """Return the figure: the chart's spec (white, black text) and the matplotlib PNG."""
    from matplotlib import pyplot as plt  # noqa: PLC0415 (matplotlib only where it is drawn)

    chart = chart.properties(description=description, background="white")
    chart = chart.configure(font="sans-serif").configure_axis(labelColor=_TEXT, titleColor=_TEXT)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(figure)
    kind = name.removeprefix("l1l2-")
    return InteractiveFigure(name, kind, chart.to_dict(), description, buffer.getvalue())


def _readout(text: str, *, name: str, y: float, values: list[Spec] | None = None) -> Any:
    """Return bold text (the expression ``text``, a line or a list of them) from ``y`` px down."""
    alt = _alt()
    chart = alt.Chart(alt.Undefined if values is None else alt.Data(values=values))
    mark = chart.mark_text(align="left", baseline="bottom", fontWeight="bold", color=_TEXT)
    encoded = mark.encode(x=alt.value(0), y=alt.value(y), text="text:N")
    return encoded.transform_calculate(text=text).properties(name=name)


def _legend(series: dict[str, vocabulary.Row], field: str, **options: Any) -> Spec:
    """Return the colour, dash, shape and size encodings of ``field`` (label -> row), one legend.

    A row whose line style is ``"none"`` (data points) has a dot as its symbol, any other a line.
    """
    alt = _alt()
    # Symbols long enough (20 px) to show each dash pattern, dash-dot included.
    symbols = ["circle" if row.linestyle == "none" else "stroke" for row in series.values()]
    # With a dot among the symbols their sizes come from the "size" scale below (a fixed
    # symbolSize would override it).
    fixed = {} if "circle" in symbols else {"symbolSize": 400}
    legend = alt.Legend(title=None, symbolType="stroke", symbolOpacity=1, **fixed, **options)
    colors = alt.Scale(domain=list(series), range=[row.color for row in series.values()])
    dashes = alt.Scale(domain=list(series), range=[row.dash for row in series.values()])
    shapes = alt.Scale(domain=list(series), range=symbols)
    # A dot's symbol as big as the dots drawn (area 40 px²); a line's 20 px long.
    sizes = alt.Scale(domain=list(series), range=[40 if s == "circle" else 400 for s in symbols])
    return {
        "color": alt.Color(field, scale=colors, legend=legend),
        "strokeDash": alt.StrokeDash(field, scale=dashes, legend=legend),
        "shape": alt.Shape(field, scale=shapes, legend=legend),
        "size": alt.Size(field, scale=sizes, legend=legend),
    }


def _check_choices(values: object, name: str, *, positive: bool = False) -> tuple[float, ...]:
    """Return 1 to :data:`MAX_CHOICES` distinct numbers >= 0 (> 0 if ``positive``), or raise."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ArgumentTypeError(
            name, f"{name} must be a non-empty sequence of numbers, got {values!r}"
        )
    if len(values) > MAX_CHOICES:
        raise ArgumentValueError(
            name, f"{name} may offer at most {MAX_CHOICES} values, got {len(values)}"
        )
    out = tuple(check_scalar(v, name, low=0.0, low_open=positive) for v in values)
    if len(set(out)) != len(out):
        raise ArgumentValueError(name, f"{name} must not repeat a value, got {values!r}")
    return out


# -- the apple harvest ------------------------------------------------------------------------


def _check_forecasts(forecasts: Sequence[float] | None) -> list[int]:
    start = data.apple_harvest()[1].tolist() if forecasts is None else list(forecasts)
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
    return [int(v) for v in start]


def _apple_table(truth: float) -> list[Spec]:
    """Return the L1 and L2 penalty of every forecast a slider reaches."""
    reach = np.arange(min(r[0] for r in APPLE_RANGES), max(r[1] for r in APPLE_RANGES) + 1.0)
    target = np.full_like(reach, truth)
    absolute, squared = (f(target, reach, reduction="none") for f in (losses.l1, losses.l2))
    rows = zip(reach.tolist(), absolute.tolist(), squared.tolist(), strict=True)
    return [{"p": int(p), "a": _round(a), "s": _round(s, 8)} for p, a, s in rows]


def _apple_panel(field: str, loss: str, unit: str) -> Any:
    """One panel: the three forecasts' penalties under ``loss``, their shares, mean and total."""
    alt = _alt()
    x = alt.X("bar:N", sort=None, title="forecast (truth: 100)", axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{field}:Q", title=f"{plotting.label_for(loss)} penalty ({unit})")
    bars = alt.Chart().mark_bar(color=plotting.color_for(loss)).encode(x=x, y=y)
    tooltip = [alt.Tooltip("bar:N", title="forecast"), alt.Tooltip(f"{field}_text:N")]
    text = alt.Chart().mark_text(dy=-6, color=_TEXT)
    shares = text.encode(x=x, y=y, text=f"{field}_text:N", tooltip=tooltip)
    mean = alt.Chart().mark_rule(color=_TEXT, strokeDash=list(vocabulary.DASHES["--"]))
    total = _readout(f"datum.{loss}_text", name=f"{loss}_total", y=-22)
    return alt.layer(
        bars,
        shares.properties(name=f"{loss}_bars"),
        mean.encode(y=f"mean({field}):Q"),
        total.transform_filter("datum.forecast == 1"),
    ).properties(width=260, height=220)


def apple_penalties(*, forecasts: Sequence[float] | None = None) -> InteractiveFigure:
    r"""Return the apple harvest (truth 100 apples) with a slider for each of three forecasts.

    The chart stores the L1 and L2 penalty of every forecast a slider reaches and shows the
    chosen forecasts' penalties as bars, with their shares and the totals (the means).

    Parameters
    ----------
    forecasts : sequence of float, optional
        Where the sliders start, whole apples in :data:`APPLE_RANGES`; default 90, 95, 105.

    Returns
    -------
    InteractiveFigure
        Three sliders, two panels (L1 in apples, L2 in apples²).

    Examples
    --------
    >>> [param["value"] for param in apple_penalties().spec["params"]]
    [90, 95, 105]
    """
    alt = _alt()
    start = _check_forecasts(forecasts)
    truth = float(data.apple_harvest()[0][0])
    sliders = [
        alt.param(
            name=f"f{k + 1}",
            value=value,
            bind=alt.binding_range(min=lo, max=hi, step=1, name=f"forecast {k + 1} (apples) "),
        )
        for k, (value, (lo, hi)) in enumerate(zip(start, APPLE_RANGES, strict=True))
    ]
    share = (
        "format(datum.{0}, ',') + ' (' + (datum.{0}_sum > 0 ? "
        "format(datum.{0} / datum.{0}_sum, '.0%') : '-') + ')'"
    )
    penalties = alt.LookupData(alt.Data(values=_apple_table(truth)), key="p", fields=["a", "s"])
    chart = (
        alt.hconcat(
            _apple_panel("a", "l1", "apples"),
            _apple_panel("s", "l2", "apples²"),
            data=alt.Data(values=[{"forecast": k} for k in (1, 2, 3)]),
        )
        .add_params(*sliders)
        .transform_calculate(prediction="[f1, f2, f3][datum.forecast - 1]")
        .transform_lookup(lookup="prediction", from_=penalties)
        .transform_joinaggregate(l1="mean(a)", a_sum="sum(a)", l2="mean(s)", s_sum="sum(s)")
        .transform_calculate(
            bar="'forecast ' + datum.forecast + ': ' + datum.prediction",
            a_text=share.format("a"),
            s_text=share.format("s"),
            l1_text="'L1 = mean |error| = ' + format(datum.l1, ',.2f') + ' apples'",
            l2_text="'L2 = mean error² = ' + format(datum.l2, ',.2f') + ' apples²'",
        )
    )
    ax = plotting.plot_penalty_bars(np.full(3, truth), np.asarray(start, dtype=np.float64))
    return _figure("l1l2-apple-harvest", chart, _APPLE_TEXT, ax.figure)


#: The old name of :func:`apple_penalties`, which :func:`l1l2.data.apple_harvest` also had.
apple_harvest = _renamed(
    "apple_harvest",
    apple_penalties,
    "the chart is apple_penalties (data.apple_harvest is the data)",
)


# -- the descent experiment -------------------------------------------------------------------


def sampled_updates(steps: int, points: int) -> list[int]:
    """Return about ``points`` of the updates 1 to ``steps``, evenly spaced on a log axis.

    ``points`` from 2 to :data:`MAX_POINTS`, ``steps`` at most ``10 * MAX_EPOCHS``; the first
    and the last are kept.

    Examples
    --------
    >>> sampled_updates(1000, 5)
    [1, 6, 32, 178, 1000]
    """
    steps = check_int(steps, "steps", low=1, high=10 * MAX_EPOCHS)
    points = check_int(points, "points", low=2, high=MAX_POINTS)
    return [int(t) for t in np.unique(np.round(np.geomspace(1, steps, points)).astype(int))]


#: The old name of :func:`l1l2.schedules.named` (the same schedules, the same defaults).
descent_schedule = _renamed(
    "descent_schedule", schedules.named, "the book's schedules are built by one function"
)


def _check_start(start: dict[str, Any] | None, allowed: Mapping[str, Sequence[Any]]) -> Spec:
    """Return the setting shown first: abs L1, the most noise, 0.01 (or the first), constant."""
    rate = SOURCE.lr if SOURCE.lr in allowed["lr"] else allowed["lr"][0]
    first = {"loss": "l1", "noise": max(allowed["noise"]), "lr": rate, "schedule": "constant"}
    chosen = {**first, **(start or {})}
    if set(chosen) != set(allowed):
        raise ArgumentValueError(
            "start", f"start may only set {sorted(allowed)}, got {sorted(start or {})}"
        )
    for key, options in allowed.items():
        if chosen[key] not in options:
            raise ArgumentValueError(
                "start", f"start[{key!r}] must be in {tuple(options)}, got {chosen[key]!r}"
            )
    return chosen


def _descent_runs(
    sets: dict[float, Any], rates: Sequence[float], epochs: int, kept: list[int]
) -> list[Spec]:
    """Run every noise, loss, rate and schedule (one vectorised fit per loss); keep ``kept``."""
    grid = [(s, lr, name) for s in sets for lr in rates for name in DESCENT_SCHEDULES]
    updates = np.arange(epochs * math.ceil(SOURCE.n / SOURCE.batch_size), dtype=np.float64)
    table = np.column_stack([schedules.named(name, lr)(updates) for _, lr, name in grid])
    x, y = (np.stack([sets[s][k] for s, _, _ in grid]) for k in (0, 1))
    runs = {n: _source_fit(x, y, loss=n, lr=table, epochs=epochs) for n in DESCENT_LOSSES}
    index, per_noise = np.asarray(kept), len(rates) * len(DESCENT_SCHEDULES)
    return [
        {
            "loss": loss,
            "noise": s,
            "lr": lr,
            "schedule": name,
            "w": [_round(v) for v in runs[loss].w[index, run].tolist()],
            "L": [_round(v) for v in runs[loss].loss[index - 1, run].tolist()],
        }
        for first in range(0, len(grid), per_noise)
        for loss in DESCENT_LOSSES
        for run, (s, lr, name) in enumerate(grid[first : first + per_noise], first)
    ]


def _descent_controls(chosen: Spec, levels: Sequence[float], rates: Sequence[float]) -> list[Any]:
    """One group of radio buttons per setting, labelled as the vocabulary labels them."""
    alt = _alt()
    controls = {
        "loss": ("loss ", DESCENT_LOSSES, [plotting.label_for(n) for n in DESCENT_LOSSES]),
        "noise": ("noise \N{GREEK SMALL LETTER SIGMA} ", levels, [f"{s:g}" for s in levels]),
        "lr": ("learning rate ", rates, [f"{r:g}" for r in rates]),
        "schedule": (
            "schedule ",
            DESCENT_SCHEDULES,
            [vocabulary.SCHEDULES[n].label for n in DESCENT_SCHEDULES],
        ),
    }
    return [
        alt.param(
            name=key,
            value=chosen[key],
            bind=alt.binding_radio(options=list(options), labels=list(labels), name=label),
        )
        for key, (label, options, labels) in controls.items()
    ]


def _descent_panel(field: str, name: str, title: str, scale: Any, last: int) -> Any:
    """One panel: ``field`` (``"L"`` or ``"w"``) of the chosen run against the update."""
    alt = _alt()
    truth = _TRUE_W.label.format(SOURCE.true_w)
    series = {vocabulary.LOSSES[n].label: vocabulary.LOSSES[n] for n in DESCENT_LOSSES}
    # The legend lists what is drawn, the chosen loss and the true w, not every loss.
    drawn = {"expr": f"[{_LOSS_LABELS}[loss], {json.dumps(truth)}]"}
    # Room between the two entries, so that a long loss label stays clear of the next symbol.
    style = _legend(
        {**series, truth: _TRUE_W},
        "label:N",
        orient="top",
        columns=2,
        columnPadding=24,
        values=drawn,
    )
    del style["shape"], style["size"]  # only lines: the legend's symbols are strokes
    x = alt.X(
        "update:Q",
        scale=alt.Scale(type="log", domain=[1, last], nice=False),
        axis=alt.Axis(values=_DECADES, format=",", labelOverlap=True),
        title="update (log scale)",
    )
    # One tick format per axis, whatever the run: the loss in SI steps from 1000 on ("2k",
    # "-1M": short, so that the axis title stays inside the chart) and in plain digits below,
    # each label formatted on its own (an axis format shares one SI prefix across the ticks:
    # "0.01k"), w in plain digits (never "2e+3").
    axis = alt.Axis(format=",~r")
    if field == "L":  # symlog: ticks at 1, 2, 5 a decade, so that small losses can be read
        axis = alt.Axis(
            values=_LOSS_TICKS,
            tickCount=len(_LOSS_TICKS),
            labelExpr=_LOSS_LABEL,
            labelOverlap=True,
        )
    y = alt.Y(f"{field}:Q", title=title, scale=scale, axis=axis)
    tooltip = [
        alt.Tooltip("update:Q", title="update"),
        alt.Tooltip("w:Q", title="w after it", format=".4~g"),
        alt.Tooltip("L:Q", title="batch loss", format=".4~g"),
    ]
    line = alt.Chart().mark_line(strokeWidth=1.5).encode(x=x, y=y, **style)
    points = alt.Chart().mark_point(filled=True, size=22)
    points = points.encode(x=x, y=y, color=style["color"], tooltip=tooltip)
    layers = [line, points.properties(name=f"{name}_points")]
    if field == "w":
        rule = alt.Chart(alt.Data(values=[{"w": SOURCE.true_w, "label": truth}]))
        layers.append(rule.mark_rule(strokeWidth=_TRUE_W.linewidth).encode(y="w:Q", **style))
    return alt.layer(*layers).properties(width=260, height=220)


def _descent_chart(runs: list[Spec], kept: list[int], controls: list[Any]) -> Any:
    """Return the two panels under a line of text, for the run the controls choose."""
    alt = _alt()
    loss_scale = alt.Scale(type="symlog")
    panels = alt.hconcat(
        _descent_panel("L", "loss", "batch loss before the update", loss_scale, kept[-1]),
        _descent_panel("w", "w", "w after the update", alt.Scale(zero=False), kept[-1]),
    )
    readout = (
        "'after ' + datum.update + ' updates: w = ' + format(datum.w, '.4~g') + "
        "', batch loss = ' + format(datum.L, '.4~g')"
    )
    text = _readout(readout, name="readout", y=14).transform_filter(f"datum.update == {kept[-1]}")
    top = text.properties(width=200, height=16, view=alt.ViewConfig(stroke=None))
    # Vega sizes the chart from its own measure of the texts, a few px short of what the browser
    # draws: without more padding the loss axis title and the longest readout were clipped.
    return (
        alt.vconcat(top, panels, data=alt.Data(values=runs))
        .properties(padding={"left": 16, "right": 12, "top": 5, "bottom": 5})
        .add_params(*controls, alt.param(name="updates", value=kept))
        .transform_filter(" && ".join(f"datum.{p.name} == {p.name}" for p in controls))
        .transform_flatten(["w", "L"])
        .transform_window(row="row_number()")
        .transform_calculate(update="updates[datum.row - 1]", label=f"{_LOSS_LABELS}[datum.loss]")
    )


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

    For every combination of the choices, :func:`l1l2.gd.fit` runs the source experiment
    (:data:`l1l2.experiments.SOURCE`); the chart keeps ``points`` updates per run
    (:func:`sampled_updates`): :math:`w` after each and the batch loss just before it.

    Parameters
    ----------
    noises, learning_rates : sequence of float
        Noise levels :math:`\sigma \ge 0` and learning rates > 0, at most :data:`MAX_CHOICES`.
    epochs : int
        Passes over the data (10 updates each), from 1 to :data:`MAX_EPOCHS`.
    points : int
        Updates kept per run, from 2 to :data:`MAX_POINTS`.
    rng : int
        Seed of the data (:func:`~l1l2.experiments.experiment_data`).
    start : dict, optional
        The setting shown first (``"loss"``, ``"noise"``, ``"lr"``, ``"schedule"``); default
        abs L1, the largest noise, 0.01 (or the first rate) and constant.

    Returns
    -------
    InteractiveFigure
        Four groups of radio buttons; the batch loss and :math:`w` against the update number.

    Examples
    --------
    >>> figure = descent(noises=(5.0,), learning_rates=(0.01,), epochs=2, points=5)
    >>> runs = figure.spec["data"]["values"]
    >>> len(runs), sorted(runs[0])
    (12, ['L', 'loss', 'lr', 'noise', 'schedule', 'w'])
    """
    levels = _check_choices(noises, "noises")
    rates = _check_choices(learning_rates, "learning_rates", positive=True)
    epochs = check_int(epochs, "epochs", low=1, high=MAX_EPOCHS)
    allowed = {"loss": DESCENT_LOSSES, "noise": levels, "lr": rates, "schedule": DESCENT_SCHEDULES}
    chosen = _check_start(start, allowed)
    sets = experiment_data(levels, rng=rng)
    kept = sampled_updates(epochs * math.ceil(SOURCE.n / SOURCE.batch_size), points)
    runs = _descent_runs(sets, rates, epochs, kept)
    chart = _descent_chart(runs, kept, _descent_controls(chosen, levels, rates))
    lr = schedules.named(chosen["schedule"], chosen["lr"])
    loss, (x, y) = chosen["loss"], sets[chosen["noise"]]
    static = {loss: _source_fit(x, y, loss=loss, lr=lr, epochs=epochs)}
    left, _ = plotting.plot_experiment(static, loss_scale="symlog")
    return _figure("l1l2-descent", chart, _DESCENT_TEXT.format(updates=kept[-1]), left.figure)


# -- Huber's delta ----------------------------------------------------------------------------


def _huber_data(x: ArrayLike, y: ArrayLike) -> tuple[float, np.ndarray]:
    """Return the common input and the targets, checked: finite, sized, one common non-zero x."""
    y_arr = as_float_array(y, "y")
    if y_arr.ndim != 1 or not 2 <= y_arr.size <= MAX_SAMPLES:
        raise ArgumentValueError(
            "y", f"y must be 1-D with 2 to {MAX_SAMPLES} targets, got shape {y_arr.shape}"
        )
    x_arr = as_float_array(x, "x")
    if x_arr.ndim > 1 or x_arr.size not in (1, y_arr.size) or np.unique(x_arr).size != 1:
        raise ArgumentValueError(
            "x", f"x must be one common input (a number, or 1-D like y), got {x!r}"[:200]
        )
    x0, big = float(x_arr.flat[0]), float(np.max(np.abs(y_arr)))
    if not (1 / MAX_MAGNITUDE <= abs(x0) <= MAX_MAGNITUDE) or big > MAX_MAGNITUDE:
        raise ArgumentValueError(
            "x" if big <= MAX_MAGNITUDE else "y",
            f"x must be non-zero and x and y at most {MAX_MAGNITUDE:g} in size (and |x| at least "
            f"{1 / MAX_MAGNITUDE:g}), got x = {x0!r} and largest |y| = {big:g}",
        )
    return x0, y_arr


def _huber_grid(x0: float, y: np.ndarray, step: float) -> tuple[list[Spec], float]:
    """Return Huber's lowest and highest w (four decimals) for every delta, and least squares' w.

    Each row holds ``d`` (delta) and the ends ``w`` and ``w2`` of Huber's minimisers, equal where
    the minimum is a single point.
    """
    inputs = np.full_like(y, x0)
    w_l2 = float(gd.minimizer(inputs, y, loss="l2"))
    largest = float(np.max(np.abs(w_l2 * x0 - y)))
    if largest / step + 1 > MAX_DELTAS:
        raise ArgumentValueError(
            "step",
            f"step = {step!r} gives more than {MAX_DELTAS} slider positions up to the largest "
            f"error {largest:.4g}: choose step >= {largest / (MAX_DELTAS - 1):.3g}",
        )
    deltas = [round(step * k, 10) for k in range(1, math.ceil(largest / step) + 2)]
    grid = []
    for d in deltas:  # the whole flat bottom where there is one (experiments.huber_interval)
        ends = [_round(round(float(w), 4), 12) for w in huber_interval(inputs, y, delta=d)]
        grid.append({"d": _round(d), "w": ends[0], "w2": ends[1]})
    return grid, w_l2


def _huber_layers(x0: float, y: np.ndarray, grid: list[Spec], w_l2: float, step: float) -> Any:
    """The targets, abs L1's band, the least-squares line and Huber's line with its ±δ band."""
    alt = _alt()
    low, high = sorted(float(v) for v in l1_interval(x0, y))
    rows = {
        # grey, as the reference lines; drawn as dots
        "targets y": vocabulary.Row("data", "targets y", _DATA, "none"),
        f"abs L1: w from {low:.4f} to {high:.4f}": vocabulary.LOSSES["l1"],
        f"least squares: w = {w_l2:.4f}": vocabulary.LOSSES["l2"],
        "Huber: w·x ± δ": vocabulary.LOSSES["huber"],
    }
    names = list(rows)
    # The targets are dots, in the legend too (their row's line style is "none").
    dots = _legend(rows, "s:N", orient="bottom", columns=1)
    style = {k: v for k, v in dots.items() if k not in ("shape", "size")}
    band = {"x": alt.value(0), "x2": alt.value("width"), "color": style["color"]}
    wide = {**band, **style}
    y_title = "target y and fitted value w·x"
    fit, fit2 = f"(datum.w * {x0!r})", f"(datum.w2 * {x0!r})"
    chosen = f"abs(datum.d - delta) < {step / 2!r}"
    huber = alt.Chart(alt.Data(values=grid)).transform_filter(chosen)
    # Where the minimum is flat, a line at each end and the band delta beyond both ends.
    huber = huber.transform_calculate(
        lo=f"min({fit}, {fit2}) - datum.d",
        hi=f"max({fit}, {fit2}) + datum.d",
        y=fit,
        y2=fit2,
        s=f"'{names[3]}'",
    )
    targets = [{"rank": k + 1, "y": _round(v), "s": names[0]} for k, v in enumerate(np.sort(y))]
    answers = [{"y": _round(low * x0), "y2": _round(high * x0), "s": names[1]}]
    l2 = [{"y": _round(w_l2 * x0), "s": names[2]}]
    rank = alt.X("rank:Q", title="sample (sorted by y)", scale=alt.Scale(domain=[0, y.size + 1]))
    delta_text = "'δ = ' + format(datum.d, '.1f')"
    readout = (
        f"datum.w == datum.w2 ? [{delta_text} + ': Huber settles at w = ' + format(datum.w, "
        f"'.4f'), 'fitted value w·x = ' + format({fit}, '.4f')] : [{delta_text} + ': Huber: "
        "any w from ' + format(datum.w, '.4f') + ' to ' + format(datum.w2, '.4f'), "
        f"'fitted values w·x from ' + format({fit}, '.4f') + ' to ' + format({fit2}, '.4f')]"
    )  # a flat range's first line, at most 43 characters: it fits the chart at 390 px
    # Drawn in this order so that each stays visible: Huber's ±δ band, abs L1's band (outlined,
    # so that its edges show above and below a line through it), the least-squares and Huber
    # lines, and the targets on top.
    return alt.layer(
        huber.mark_rect(opacity=0.15).encode(y=alt.Y("lo:Q", title=y_title), y2="hi:Q", **band),
        alt.Chart(alt.Data(values=answers))
        .mark_rect(opacity=0.3, stroke=vocabulary.LOSSES["l1"].color, strokeWidth=1.5)
        .encode(y="y:Q", y2="y2:Q", **band),
        alt.Chart(alt.Data(values=l2)).mark_rule(strokeWidth=2).encode(y="y:Q", **wide),
        huber.mark_rule(strokeWidth=2.5).encode(y="y:Q", **wide),
        huber.mark_rule(strokeWidth=2.5).encode(y="y2:Q", **wide),
        alt.Chart(alt.Data(values=targets))
        .mark_point(filled=True, size=40, opacity=1)
        .encode(x=rank, y="y:Q", tooltip=[alt.Tooltip("y:Q", title="target y")], **dots),
        # Two lines of text above the panel, clear of its top tick label.
        _readout(readout, name="readout", y=-24, values=grid).transform_filter(chosen),
    ).properties(width=480, height=260)


def huber_delta(
    x: ArrayLike, y: ArrayLike, *, delta: float = 5.0, step: float = 0.1
) -> InteractiveFigure:
    r"""Return the targets of a data set and Huber's fitted value, with a slider for δ.

    For every :math:`\delta` of the slider (``step``, ``2 step``, ... up to just past the
    largest least-squares error) the chart stores Huber's minimisers
    (:func:`l1l2.experiments.huber_interval`: one point, or for a small :math:`\delta` a flat
    range) and draws them with the band :math:`\pm\delta` around them, the band of abs L1's
    answers and the least-squares fitted value.

    Parameters
    ----------
    x : array_like
        One common non-zero input (the book's experiment has every :math:`x_i = 2`).
    y : array_like
        Targets, 1-D, 2 to :data:`MAX_SAMPLES`; ``x`` and ``y`` at most :data:`MAX_MAGNITUDE`.
    delta : float
        Where the slider starts, > 0, rounded to its steps.
    step : float
        The slider's step, > 0, for at most :data:`MAX_DELTAS` positions.

    Returns
    -------
    InteractiveFigure
        One slider and one panel, with a legend.

    Examples
    --------
    >>> figure = huber_delta([2.0, 2.0, 2.0], [1.0, 2.0, 9.0], delta=1.0)
    >>> [param["value"] for param in figure.spec["params"]]
    [1]
    """
    alt = _alt()
    x0, y_arr = _huber_data(x, y)
    delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    step = check_scalar(step, "step", low=0.0, low_open=True)
    grid, w_l2 = _huber_grid(x0, y_arr, step)
    start = min((row["d"] for row in grid), key=lambda d: abs(d - delta))
    slider = alt.binding_range(min=grid[0]["d"], max=grid[-1]["d"], step=step, name="Huber's δ ")
    chart = _huber_layers(x0, y_arr, grid, w_l2, step).add_params(
        alt.param(name="delta", value=start, bind=slider)
    )
    text = _HUBER_TEXT.format(n=y_arr.size, low=grid[0]["d"], high=grid[-1]["d"])
    return _figure("l1l2-huber-delta", chart, text, _huber_static(x0, y_arr, start))


def _huber_static(x0: float, y: np.ndarray, delta: float) -> Any:
    """Return the static figure: the targets and the fitted values of abs L1, L2 and Huber.

    Where a loss's minimum is flat, a line at each end of it, and the legend gives the range.
    """
    (ax,) = plotting.new_axes(1, width=plotting.COLUMN_WIDTH, height=3.2)
    inputs = np.full_like(y, x0)
    ends = {
        "l1": l1_interval(inputs, y),
        "l2": (float(gd.minimizer(inputs, y, loss="l2")),) * 2,
        "huber": huber_interval(inputs, y, delta=delta),
    }
    for loss, (low, high) in ends.items():
        same = round(float(low), 4) == round(float(high), 4)
        at = f"w = {low:.4f}" if same else f"w from {low:.4f} to {high:.4f}"
        style = {"linestyle": plotting.linestyle_for(loss), "linewidth": 2}
        for k, w in enumerate((low,) if same else (low, high)):
            label = f"{plotting.label_for(loss)}: {at}" if k == 0 else "_nolegend_"
            ax.axhline(float(w) * x0, color=plotting.color_for(loss), label=label, **style)
    ax.plot(np.arange(1, y.size + 1), np.sort(y), "o", color=_DATA, label="targets y")
    ax.set(xlabel="sample (sorted by y)", ylabel="target y and fitted value w·x")
    ax.set_title(f"δ = {delta:g}")
    ax.legend(fontsize="small", loc="upper left")
    return ax.figure
