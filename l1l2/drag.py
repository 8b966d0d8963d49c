r"""A chart on the web page whose points the reader drags, and the L2, abs-L1 and Huber lines refit.

Unlike the charts of :mod:`l1l2.interactive`, which pick among numbers computed in advance, this
one computes on the page (a dozen points are few enough): the book's script
``book/_static/l1l2-drag.js`` draws it and refits after every move, least squares in closed form,
the exact abs-L1 line over every pair of points, and Huber as :func:`l1l2.regression.solve` does.
In a notebook, where the script does not run, a :class:`DragChart` shows a still picture and the
three equations.
"""

from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import regression, vocabulary
from l1l2._validation import (
    ArgumentTypeError,
    ArgumentValueError,
    as_float_array,
    check_choice,
    check_scalar,
)

__all__ = ["LINES", "DragChart", "drag_chart", "equation"]

#: The lines the chart draws, by loss: (legend label, colour, SVG dash pattern), from the loss's
#: row of :mod:`l1l2.vocabulary`, so that the lines differ without colour too.
_LABELS: Final[dict[vocabulary.LossName, str]] = {"l2": "L2 (least squares)", "l1": "", "huber": ""}
LINES: Final[dict[str, tuple[str, str, str]]] = {
    key: (
        label or vocabulary.LOSSES[key].label,
        vocabulary.LOSSES[key].color,
        " ".join(map(str, vocabulary.LOSSES[key].dash)),
    )
    for key, label in _LABELS.items()
}

_MAX_POINTS: Final = 40  # the exact abs-L1 search tries every pair in the browser


@dataclass(frozen=True, repr=False)
class DragChart:
    """A chart of points the reader drags on the web page; the three lines refit on the page.

    Attributes
    ----------
    name : str
        The HTML id of the chart's container.
    points : list of (float, float)
        The starting points, ``(x, y)``.
    fits : dict
        ``{"l2": {"intercept": b, "slope": a}, "l1": ..., "huber": ...}`` for those points.
    settings : dict
        The axes (``x_range``, ``y_range``, ``x_label``, ``y_label``), the keyboard steps
        (``x_step``, ``y_step``), Huber's ``delta`` and the ``lines``' styles.
    png : bytes
        The still picture shown where the page's script does not run; empty without matplotlib.
    """

    name: str
    points: list[tuple[float, float]]
    fits: dict[str, dict[str, float]]
    settings: dict[str, Any]
    png: bytes = b""

    def to_html(self) -> str:
        """Return the chart's container: its data as JSON attributes, its equations as text.

        The page's script replaces the still picture by the chart; the equations are in an
        ``aria-live`` region.
        """

        def attribute(value: object) -> str:
            return html.escape(json.dumps(value, separators=(",", ":"), allow_nan=False))

        lines = "".join(
            f'<li data-loss="{key}">{html.escape(text)}</li>'
            for key, text in zip(self.fits, self.fits_text, strict=True)
        )
        image = ""
        if self.png:
            alt = html.escape(
                f"{self.settings['x_label']} against {self.settings['y_label']}: "
                f"{len(self.points)} points and {'; '.join(self.fits_text)}"
            )
            source = base64.b64encode(self.png).decode("ascii")
            image = (
                f'<img class="l1l2-drag-fallback" src="data:image/png;base64,{source}" '
                f'alt="{alt}" style="max-width:100%;height:auto">'
            )
        return (
            f'<div class="l1l2-drag" id="{self.name}" data-points="{attribute(self.points)}" '
            f'data-fits="{attribute(self.fits)}" data-settings="{attribute(self.settings)}">'
            f'<p class="l1l2-drag-help">{html.escape(self.description)}</p>{image}'
            f'<ul class="l1l2-drag-equations" aria-live="polite">{lines}</ul></div>'
        )

    @property
    def fits_text(self) -> list[str]:
        """The equations of the three lines, as the chart writes them."""
        return [equation(key, **fit) for key, fit in self.fits.items()]

    @property
    def description(self) -> str:
        """What the chart shows and how to move its points (the page shows it above the chart)."""
        return (
            f"{len(self.points)} points and the L2, abs-L1 and Huber (delta = "
            f"{self.settings['delta']:g}) lines through them. On the book's web page, drag a "
            "point with the mouse or a finger, or focus it with Tab and move it with the arrow "
            "keys (Shift for bigger steps): the three lines refit at once. In a notebook, where "
            "the picture stays still, change the points and call drag_chart again."
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        """The equations, one per line: what a text-only output shows."""
        return "\n".join(self.fits_text)


def equation(loss: str, *, intercept: float, slope: float) -> str:
    """Return a line's equation as the chart writes it, to six significant digits.

    Parameters
    ----------
    loss : {"l2", "l1", "huber"}
        Which line.
    intercept, slope : float
        Its intercept and slope.

    Returns
    -------
    str
        The text the chart's script writes.

    Examples
    --------
    >>> equation("l1", intercept=-2.6236363636, slope=1.7272727272)
    'abs L1: y = -2.62364 + 1.72727 x'
    """
    check_choice(loss, "loss", sorted(LINES))
    sign = "-" if slope < 0 else "+"
    return f"{LINES[loss][0]}: y = {_six(intercept)} {sign} {_six(abs(slope))} x"


def _six(value: float) -> str:
    """Six significant digits, as JavaScript's ``Number(v.toPrecision(6))`` prints them."""
    text = f"{float(value):.6g}"
    return "0" if text == "-0" else text


def _range(value: object, name: str, data: np.ndarray) -> list[float]:
    if value is None:
        low, high = float(data.min()), float(data.max())
        pad = 0.25 * (high - low) or 1.0
        return [low - pad, high + pad]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ArgumentTypeError(name, f"{name} must be a pair (low, high), got {value!r}")
    low = check_scalar(value[0], f"{name}[0]")
    high = check_scalar(value[1], f"{name}[1]")
    if not low < high or not (low <= data.min() and data.max() <= high):
        raise ArgumentValueError(
            name, f"{name} must be (low, high) with low < high around every point, got {value!r}"
        )
    return [low, high]


def drag_chart(
    x: ArrayLike,
    y: ArrayLike,
    *,
    delta: float = vocabulary.LOSSES["huber"].defaults["delta"],
    x_label: str = "x",
    y_label: str = "y",
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    name: str = "l1l2-drag",
) -> DragChart:
    r"""Return a chart whose points the reader drags on the web page, the three lines refitting.

    The starting lines come from :func:`l1l2.regression.solve`.

    Parameters
    ----------
    x, y : array_like
        The points, shape ``(n,)`` each, 3 to 40 of them, finite; ``x`` not constant.
    delta : float
        Huber's threshold in units of ``y``, > 0 (default 1), as in
        :func:`l1l2.regression.solve`; the page refits with this same threshold.
    x_label, y_label : str
        The axis titles, with units.
    x_range, y_range : (float, float), optional
        The axes; by default the data's range with a quarter of it added on each side.
    name : str
        The container's HTML id (one per page).

    Returns
    -------
    DragChart
        Shown as HTML in a notebook and on the book's page.

    Examples
    --------
    >>> chart = drag_chart([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0])
    >>> print(chart)
    L2 (least squares): y = 1 + 2 x
    abs L1: y = 1 + 2 x
    Huber: y = 1 + 2 x
    """
    inputs = as_float_array(x, "x")
    targets = as_float_array(y, "y")
    if inputs.ndim != 1 or inputs.shape != targets.shape or not 3 <= inputs.size <= _MAX_POINTS:
        raise ArgumentValueError(
            "x",
            f"x and y must have shape (n,) with 3 <= n <= {_MAX_POINTS}, got shapes "
            f"{inputs.shape} and {targets.shape}",
        )
    huber_delta = check_scalar(delta, "delta", low=0.0, low_open=True)
    for text, label in ((x_label, "x_label"), (y_label, "y_label"), (name, "name")):
        if not isinstance(text, str) or not text:
            raise ArgumentTypeError(label, f"{label} must be a non-empty str, got {text!r}")
    solved = {key: regression.solve(inputs, targets, loss=key, delta=huber_delta) for key in LINES}
    fits = {key: {"intercept": fit.intercept, "slope": fit.slope} for key, fit in solved.items()}
    xr, yr = _range(x_range, "x_range", inputs), _range(y_range, "y_range", targets)
    settings = {
        "delta": huber_delta,
        "x_range": xr,
        "y_range": yr,
        "x_label": x_label,
        "y_label": y_label,
        "x_step": (xr[1] - xr[0]) / 100,
        "y_step": (yr[1] - yr[0]) / 100,
        "lines": {key: list(style) for key, style in LINES.items()},
    }
    points = [(float(a), float(b)) for a, b in zip(inputs, targets, strict=True)]
    png = _picture(inputs, targets, list(solved.values()), settings)
    return DragChart(name, points, fits, settings, png)


def _picture(x: np.ndarray, y: np.ndarray, fits: list[Any], settings: dict[str, Any]) -> bytes:
    """The PNG of the points and the lines on the chart's axes; empty without matplotlib."""
    try:
        from matplotlib import pyplot as plt  # noqa: PLC0415 (only where it is drawn)

        from l1l2 import plotting  # noqa: PLC0415
    except ModuleNotFoundError:
        return b""
    (ax,) = plotting.new_axes(1, height=3.6)
    plotting.plot_fits(x, y, fits, xlabel=settings["x_label"], ylabel=settings["y_label"], ax=ax)
    for line in ax.get_lines():  # each line across the whole x axis, as the chart draws it
        a, b = line.get_xdata(), line.get_ydata()
        slope = (b[1] - b[0]) / (a[1] - a[0])
        line.set_data(settings["x_range"], [b[0] + slope * (v - a[0]) for v in settings["x_range"]])
    ax.set(xlim=settings["x_range"], ylim=settings["y_range"])
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(ax.figure)
    return buffer.getvalue()
