"""Canvas plumbing shared by the explorers: where the figure lives, and how it is shown.

In a Jupyter kernel with ``ipympl`` the figure lives on a live ipympl canvas, redrawn in place;
elsewhere it has an Agg canvas, and each redraw of a displayed explorer is shown as a PNG.
"""

from __future__ import annotations

import html
import io
import numbers
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import ipywidgets as ipw
import matplotlib
import traitlets
from IPython import get_ipython
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from l1l2 import vocabulary
from l1l2._validation import ArgumentTypeError

STYLE: Final = {"description_width": "7.5em"}
_WARN: Final = vocabulary.PALETTE["vermillion"]


def in_kernel() -> bool:
    """Return whether the code runs in a Jupyter kernel (where widgets have a front end)."""
    return getattr(get_ipython(), "kernel", None) is not None


def _ipympl_classes() -> tuple[Any, Any] | None:
    """Return ipympl's canvas and manager classes, or ``None`` without ipympl."""
    # Importing ipympl switches matplotlib's backend for the whole session: the reader's
    # backend is loaded first (the inline one sets up its display hooks only when loaded as
    # the backend) and put back afterwards.
    previous = dict.__getitem__(matplotlib.rcParams, "backend")  # without resolving "auto"
    pyplot = sys.modules.get("matplotlib.pyplot")
    if isinstance(previous, str) and pyplot is not None:
        pyplot.switch_backend(previous)
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager  # noqa: PLC0415
    except ImportError:
        return None
    if isinstance(previous, str) and dict.__getitem__(matplotlib.rcParams, "backend") != previous:
        matplotlib.use(previous)
    return Canvas, FigureManager


def attach_canvas(figure: Figure) -> Any:
    """Give ``figure`` an ipympl canvas in a kernel (returned: a widget), else Agg (``None``)."""
    classes = _ipympl_classes() if in_kernel() else None
    if classes is None:
        FigureCanvasAgg(figure)
        return None
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


def check_names(function: str, initial: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    """Raise a TypeError for start values that name no control of ``function``."""
    unknown = sorted(set(initial) - set(allowed))
    if unknown:
        raise ArgumentTypeError(
            unknown[0],
            f"{function}() got unknown control(s) {', '.join(map(repr, unknown))}; "
            f"the controls are {', '.join(allowed)}",
        )


def warning(text: str) -> str:
    """Return ``text`` as HTML marked as a warning: a vermillion ⚠."""
    return f'<span style="color:{_WARN}"><b>⚠</b> {html.escape(text)}</span>'


#: ``check(value)`` returns the value as the explorer uses it, or raises a TypeError (a value
#: the control cannot hold) or a ValueError (a value it holds but the explorer cannot run).
Check = Callable[[object], object]


class _Checked(traitlets.HasTraits):
    """A control that runs the explorer's ``check`` on every value it is given."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)


class _Holds(_Checked):
    """A numeric control that keeps the value it is given: no clamping, no rounding.

    A value of the wrong type raises the check's ``TypeError`` and the control keeps its value;
    a number the explorer cannot run is kept, and the explorer's status line says why.
    """

    value = traitlets.Any().tag(sync=True)

    @traitlets.validate("value")
    def _validate_value(self, proposal: Mapping[str, Any]) -> object:
        value = proposal["value"]
        try:
            return self._check(value)
        except ValueError:
            return int(value) if isinstance(value, numbers.Integral) else float(value)


class FloatSlider(_Holds, ipw.FloatSlider):  # type: ignore[misc]
    """A float slider that keeps the value it is given."""


class IntSlider(_Holds, ipw.IntSlider):  # type: ignore[misc]
    """An integer slider that keeps the value it is given."""


class FloatText(_Holds, ipw.FloatText):  # type: ignore[misc]
    """A number box that keeps the value it is given."""


class IntText(_Holds, ipw.IntText):  # type: ignore[misc]
    """An integer box that keeps the value it is given."""


class Dropdown(_Checked, ipw.Dropdown):  # type: ignore[misc]
    """A dropdown whose unknown value raises the explorer's ``ValueError`` naming the control."""

    @traitlets.validate("value")
    def _validate_value(self, proposal: Mapping[str, Any]) -> object:
        self._check(proposal["value"])
        return super()._validate_value(proposal)


class Live:
    """A figure with controls: the part both explorers share (canvas, status, display)."""

    controls: dict[str, Any]
    figure: Figure
    widget: Any

    def _setup_canvas(self, figsize: tuple[float, float], **adjust: float) -> Any:
        """Make the white figure with fixed margins; return the widget that shows it."""
        # Fixed margins: constrained layout would cost about as much as the rest of a redraw.
        self.figure = Figure(figsize=figsize)
        self.figure.patch.set_facecolor("white")
        self.figure.subplots_adjust(**adjust)
        self._ipympl = attach_canvas(self.figure)
        self._shown = False
        self._image: Any = None
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
