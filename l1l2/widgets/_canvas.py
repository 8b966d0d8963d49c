"""Canvas plumbing shared by the explorers: where the figure lives, and how it is shown.

- In a Jupyter kernel with ``ipympl`` installed, the figure lives on an ipympl canvas: a live
  widget that the kernel redraws in place (``canvas.draw_idle()``), with pan and zoom.
- Elsewhere (no kernel, or no ipympl) the figure has a plain Agg canvas that draws at once; when
  the explorer is displayed, each redraw is also shown as a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

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

from l1l2._validation import ArgumentTypeError

STYLE: Final = {"description_width": "7.5em"}


def in_kernel() -> bool:
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


def attach_canvas(figure: Figure) -> Any:
    """Give ``figure`` an ipympl canvas in a kernel with ipympl, else an Agg canvas.

    Returns the ipympl canvas (itself a widget) or ``None`` for the Agg canvas.
    """
    classes = _ipympl_classes() if in_kernel() else None
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


def check_names(function: str, initial: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    """Raise a TypeError for start values that name no control of ``function``."""
    unknown = sorted(set(initial) - set(allowed))
    if unknown:
        raise ArgumentTypeError(
            unknown[0],
            f"{function}() got unknown control(s) {', '.join(map(repr, unknown))}; "
            f"the controls are {', '.join(allowed)}",
        )


# ---------------------------------------------------------------------------------------------
# Controls that hold the value they are given
# ---------------------------------------------------------------------------------------------

#: ``check(value)`` returns the value as the explorer uses it, or raises a TypeError (a value
#: the control cannot hold) or a ValueError (a value it holds but the explorer cannot run).
Check = Callable[[object], object]


class _Holds(traitlets.HasTraits):
    """A numeric control that keeps the value it is given: no clamping, no rounding.

    A value of the wrong type (a string, a bool, a float for a count) raises the explorer's own
    ``TypeError`` naming the control, and the control keeps its value. A number it can hold is
    kept as it is, even outside the slider's range or below zero: the explorer then checks it
    with the same rule as its constructor and says in its status line why it cannot run.
    """

    value = traitlets.Any().tag(sync=True)
    _check: Check

    @traitlets.validate("value")
    def _validate_value(self, proposal: Mapping[str, Any]) -> object:
        value = proposal["value"]
        try:
            return self._check(value)
        except ValueError:
            if isinstance(value, numbers.Integral):
                return int(value)
            return float(value)  # the check accepted its type


class FloatSlider(_Holds, ipw.FloatSlider):  # type: ignore[misc]
    """A float slider that keeps the value it is given (see ``_Holds``)."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)


class IntSlider(_Holds, ipw.IntSlider):  # type: ignore[misc]
    """An integer slider that keeps the value it is given (see ``_Holds``)."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)


class FloatText(_Holds, ipw.FloatText):  # type: ignore[misc]
    """A number box that keeps the value it is given (see ``_Holds``)."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)


class IntText(_Holds, ipw.IntText):  # type: ignore[misc]
    """An integer box that keeps the value it is given (see ``_Holds``)."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)


class Dropdown(ipw.Dropdown):  # type: ignore[misc]
    """A dropdown whose unknown value raises the explorer's ``ValueError`` naming the control."""

    def __init__(self, check: Check, **kwargs: Any) -> None:
        self._check = check
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _validate_value(self, proposal: Mapping[str, Any]) -> object:
        value = proposal["value"]
        if getattr(self, "_check", None) is not None:
            self._check(value)
        return super()._validate_value(proposal)


class Live:
    """A figure with controls: the part both explorers share (canvas, status, display)."""

    controls: dict[str, Any]
    figure: Figure
    widget: Any

    def _setup_canvas(self, figure: Figure) -> Any:
        self.figure = figure
        self._ipympl = attach_canvas(figure)
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
