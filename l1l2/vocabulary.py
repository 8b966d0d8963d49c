r"""The book's vocabulary: every loss, schedule and reference line as one row of one table.

A row holds what the book says and draws for one thing: its ``name`` (what code passes), its
``label`` (what legends, tables and menus print), its formula (value and derivative, in the TeX
the book prints), its colour and line style (Matplotlib's and Vega-Lite's) and its defaults.
Every list of names, every label, every colour and every validation message of the package
reads from here, so adding a loss is one row in :data:`LOSSES` plus its formula in
:mod:`l1l2.losses` and its tests; the pinball (quantile) loss was added that way. Where a loss
is offered is a column of its row too: ``descent`` says whether the one-weight chapters offer
it (gradient descent, the experiments, the explorer, the command line's experiment, the
one-weight charts: :data:`LOSS_NAMES`), and ``settles`` whether it has a minimiser, which
:func:`l1l2.regression.solve` computes exactly (:data:`SOLVE_NAMES`).

Naming rule
-----------
Three words for related ideas, each with one meaning:

- **minimizer** (a noun, a number): the point that makes a total loss smallest over the data,
  :math:`\arg\min_w \sum_i \ell(w x_i - y_i)`. It belongs to the data and the loss, not to any
  algorithm: :func:`l1l2.gd.minimizer`.
- **settle** (a verb, about descent): descent *settles* where its steps stop carrying it away,
  which for a loss with a minimizer is near the minimizer. A loss "settles" or not
  (:data:`SETTLING`; the signed loss never does), the "settle point" is the reference line drawn
  at the minimizer on a trajectory, and ``settle`` functions compute it for descent's sake.
- **solve** (a verb, about exact computation): to compute a minimizer exactly (closed form,
  linear program, Newton steps) instead of walking to it: :func:`l1l2.regression.solve`.

Examples
--------
>>> LOSSES["l1"].label, LOSSES["l1"].color
('abs L1', '#0072B2')
>>> SCHEDULE_NAMES
('constant', 'inverse_time', 'exponential')
>>> LOSS_NAMES, SOLVE_NAMES
(('signed', 'l1', 'l2', 'huber'), ('l1', 'l2', 'huber', 'quantile'))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, cast

__all__ = [
    "CYCLE",
    "DASHES",
    "LOSSES",
    "LOSS_NAMES",
    "PALETTE",
    "REFERENCES",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "SETTLING",
    "SOLVE_NAMES",
    "AnyLossName",
    "LineStyle",
    "LossName",
    "Row",
    "ScheduleName",
]

#: The Okabe-Ito palette (Okabe & Ito, 2008), safe for colour-blind readers, and the grey of
#: the reference lines. Every colour of the package is one of these.
PALETTE: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "grey": "#555555",
}

#: The colours, in order, of lines that are not a loss (one per run, per data set, ...).
CYCLE: Final[tuple[str, ...]] = tuple(
    PALETTE[name]
    for name in (
        "blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "black"
    )
)  # fmt: skip


#: Each Matplotlib line style as the dash pattern (px on, px off, ...) of the web charts, where
#: Vega-Lite's ``strokeDash`` and SVG's ``stroke-dasharray`` draw it; ``[1, 0]`` is solid.
DASHES: Final[dict[str, tuple[int, ...]]] = {
    "-": (1, 0),
    "--": (6, 3),
    "-.": (8, 3, 2, 3),
    ":": (2, 2),
}

#: The type of a Matplotlib line style, a name of :data:`DASHES` (or ``"none"``) or a dash
#: pattern ``(offset, (on, off, on, off, ...))`` in multiples of the line width.
LineStyle = str | tuple[float, tuple[float, ...]]


@dataclass(frozen=True)
class Row:
    r"""One thing the book names and draws: a loss, a schedule or a reference line.

    Attributes
    ----------
    name : str
        What code passes (``loss="l1"``).
    label : str
        What a legend, a table or a menu prints; may hold ``{}`` for a value (reference lines).
    value : str
        The formula, in TeX, as the book prints it (a loss's :math:`\ell(r)`, a schedule's
        :math:`\eta_t`); empty for a reference line.
    derivative : str
        The derivative :math:`\ell'(r)` of a loss, in TeX; empty otherwise.
    color : str
        A colour of :data:`PALETTE`.
    linestyle : str or tuple
        Matplotlib's line style (``"-"``, ``"--"``, ``"-."``, ``":"``, ``"none"``, or a dash
        pattern ``(0, (on, off, ...))`` where the four named ones are taken); :attr:`dash`
        gives it as the web charts draw it.
    linewidth : float
        Matplotlib's line width, in points.
    defaults : dict of str to float
        The parameters the row takes and their defaults (Huber's ``delta``, a schedule's
        ``decay``).
    required : tuple of str
        The parameters the row takes that have no default: every caller names them (the
        pinball loss's ``quantile``: no quantile is a better guess than another, and the
        median's loss is abs L1 already).
    settles : str
        For a loss, where its minimiser lies, in words, which is where descent on it settles
        (empty: it has no minimiser and never settles).
    descent : bool
        For a loss, whether the one-weight chapters offer it: gradient descent
        (:func:`l1l2.gd.fit`), the experiments, the explorer, the command line's experiment
        and the one-weight charts, which pass no parameter but Huber's ``delta``. The pinball
        loss is not offered there: it is fitted exactly, as a line (``regression.solve``).
    """

    name: str
    label: str
    color: str
    linestyle: LineStyle = "-"
    linewidth: float = 1.5
    value: str = ""
    derivative: str = ""
    defaults: dict[str, float] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    settles: str = ""
    descent: bool = True

    @property
    def dash(self) -> list[int]:
        """The line style as a dash pattern in px (:data:`DASHES`), for the web charts.

        A dash pattern of the row's own (in multiples of the line width, as Matplotlib reads it)
        is scaled by the line width and rounded to whole px.
        """
        if isinstance(self.linestyle, tuple):
            return [max(1, round(v * self.linewidth)) for v in self.linestyle[1]]
        return list(DASHES.get(self.linestyle, DASHES["-"]))

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every parameter the row takes, those with a default first, then the required ones."""
        return (*self.defaults, *self.required)


#: The name of a loss of the one-weight chapters and of descent (:data:`LOSS_NAMES`).
LossName = Literal["signed", "l1", "l2", "huber"]
#: The name of any loss of the table, of descent or fitted only exactly (the pinball loss).
AnyLossName = Literal[LossName, "quantile"]
ScheduleName = Literal["constant", "inverse_time", "exponential"]

#: The losses of the book, in the order the book introduces them.
LOSSES: Final[dict[AnyLossName, Row]] = {
    "signed": Row("signed", "signed L1", PALETTE["vermillion"], ":", value=r"r", derivative=r"1"),
    "l1": Row(
        "l1",
        "abs L1",
        PALETTE["blue"],
        "-",
        value=r"|r|",
        derivative=r"\operatorname{sign}(r)",
        settles="median-based",
    ),
    "l2": Row(
        "l2",
        "L2",
        PALETTE["orange"],
        "--",
        value=r"r^2",
        derivative=r"2r",
        settles="mean-based, least squares",
    ),
    "huber": Row(
        "huber",
        "Huber",
        PALETTE["bluish green"],
        "-.",
        value=r"\tfrac12 r^2 \text{ if } |r|\le\delta \text{ else } \delta(|r| - \tfrac12\delta)",
        derivative=r"\operatorname{clip}(r, -\delta, \delta)",
        defaults={"delta": 1.0},
        settles="Huber",
    ),
    # The residual is r = y_pred - y: a prediction above the target costs 1 - q per unit, one
    # below it q, so the minimiser is a q-quantile (chapter 10 writes rho_q(y - y_pred)).
    "quantile": Row(
        "quantile",
        "pinball",
        PALETTE["reddish purple"],
        (0, (5.0, 2.0, 1.5, 2.0, 1.5, 2.0)),  # dash-dot-dot: the four named styles are taken
        value=r"\max\bigl((1 - q)\,r,\ -q\,r\bigr)",
        derivative=r"(1 - q)\,[r > 0] - q\,[r < 0]",
        required=("quantile",),
        settles="quantile-based",
        descent=False,
    ),
}
#: The losses of the one-weight chapters, as gradient descent, the experiments, the explorer,
#: the command line's experiment, the one-weight charts and their messages list them: every row
#: whose ``descent`` is set.
LOSS_NAMES: Final[tuple[LossName, ...]] = tuple(
    cast(LossName, name) for name, row in LOSSES.items() if row.descent
)
#: The losses descent settles on; the signed loss has no minimizer and falls without bound.
SETTLING: Final[tuple[LossName, ...]] = tuple(name for name in LOSS_NAMES if LOSSES[name].settles)
#: The losses with a minimiser, which :func:`l1l2.regression.solve` computes exactly for a line
#: or plane, as it lists them: every row that settles, in the table's order.
SOLVE_NAMES: Final[tuple[AnyLossName, ...]] = tuple(
    name for name, row in LOSSES.items() if row.settles
)

#: The learning-rate schedules of chapter 5, with the book's decay and rate as defaults.
SCHEDULES: Final[dict[ScheduleName, Row]] = {
    "constant": Row("constant", "constant", PALETTE["blue"], value=r"\eta_t = \eta_0"),
    "inverse_time": Row(
        "inverse_time",
        "inverse time",
        PALETTE["orange"],
        value=r"\eta_t = \frac{\eta_0}{1 + d\,t}",
        defaults={"decay": 1 / 2000},
    ),
    "exponential": Row(
        "exponential",
        "exponential",
        PALETTE["bluish green"],
        value=r"\eta_t = \eta_0\, r^t",
        defaults={"rate": 0.999},
    ),
}
#: The schedule names, as the command line, the explorer and every message list them.
SCHEDULE_NAMES: Final[tuple[ScheduleName, ...]] = tuple(SCHEDULES)

#: The reference lines and marks drawn next to the losses' curves.
REFERENCES: Final[dict[str, Row]] = {
    # Long dashes, in the figures and on the web alike ([12, 5] px): drawn beside the losses of
    # the one-weight chapters, it shares no line style with them, nor the look of one at the
    # length of a legend's handle (dash-dot-dot looked like Huber's dash-dot there).
    "true_w": Row("true_w", "true w = {:g}", PALETTE["grey"], (0, (10, 4)), 1.2),
    "settle": Row("settle", "settle point = {:.4g}", PALETTE["reddish purple"], ":", 1.6),
    "zero": Row("zero", "", PALETTE["grey"], "-", 0.6),
    "data": Row("data", "data", PALETTE["black"], "none"),
}
