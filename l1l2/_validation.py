"""Input checks shared by every public function of :mod:`l1l2`.

Each check raises a :class:`TypeError` or :class:`ValueError` whose message names the argument,
shows the value it was given, and says what is allowed, so that a reader can fix the call at once.
"""

from __future__ import annotations

import numbers
import operator
from typing import Final, Literal, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

Reduction = Literal["mean", "sum", "none"]
REDUCTIONS: Final = ("mean", "sum", "none")

_NUMERIC_KINDS: Final = "iuf"  # signed and unsigned integers, floats; no bool, complex or object


def _show(value: object) -> str:
    """Return a short ``repr`` of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(value: ArrayLike, name: str, *, finite: bool = True) -> NDArray[np.float64]:
    """Return ``value`` as a non-empty float64 array, or raise an error that names ``name``.

    Parameters
    ----------
    value
        Anything NumPy turns into an array of real numbers.
    name
        The argument's name, used in error messages.
    finite
        Whether NaN and infinite values are rejected.

    Returns
    -------
    numpy.ndarray
        ``value`` as float64 (no copy when it already is one).

    Raises
    ------
    TypeError
        If ``value`` is not an array of real numbers (strings, booleans, complex, objects).
    ValueError
        If ``value`` is ragged or empty, or (with ``finite``) holds NaN or an infinite value.
    """
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a rectangular array of real numbers, got {_show(value)}"
        ) from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"{name} must hold real numbers (int or float), got dtype {array.dtype} "
            f"from {_show(value)}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got {_show(value)}")
    array = array.astype(np.float64, copy=False)
    if finite:
        check_finite(array, name)
    return array


def check_finite(array: NDArray[np.float64], name: str) -> None:
    """Raise a ``ValueError`` naming ``name`` if ``array`` holds NaN or an infinite value."""
    # One reduction is cheaper than a boolean temporary; NaN and inf both poison the sum.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    if not np.isfinite(total):
        bad = ~np.isfinite(array)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name} must hold finite numbers, got {array.flat[first]!r} at flat index "
                f"{first} (of {array.size} values); remove or impute NaN and infinite values"
            )


def check_same_shape(
    a: NDArray[np.float64], b: NDArray[np.float64], names: tuple[str, str]
) -> None:
    """Raise a ``ValueError`` if ``a`` and ``b`` differ in shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_reduction(reduction: object) -> Reduction:
    """Return ``reduction`` if it is ``"mean"``, ``"sum"`` or ``"none"``; raise otherwise."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum', 'none', got {_show(reduction)}")
    return reduction  # type: ignore[return-value]


def _is_real(value: object) -> TypeGuard[numbers.Real]:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_scalar(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside the given bounds, or raise.

    ``low_open`` / ``high_open`` exclude the bound itself.
    """
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {_show(value)}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    if low is not None and (number < low or (low_open and number == low)):
        relation = ">" if low_open else ">="
        raise ValueError(f"{name} must be {relation} {low:g}, got {number!r}")
    if high is not None and (number > high or (high_open and number == high)):
        relation = "<" if high_open else "<="
        raise ValueError(f"{name} must be {relation} {high:g}, got {number!r}")
    return number


def check_int(value: object, name: str, *, low: int) -> int:
    """Return ``value`` as an ``int`` that is at least ``low``, or raise."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {_show(value)}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {_show(value)}") from None
    if number < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {number}")
    return number


def as_xy(
    x: ArrayLike, y: ArrayLike, *, max_ndim: int = 2
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return inputs ``x`` broadcast to the shape of targets ``y``, both finite float64 arrays.

    ``y`` has shape ``(n,)`` (one data set) or, when ``max_ndim`` is 2, ``(runs, n)``.
    """
    y_arr = as_float_array(y, "y")
    if not 1 <= y_arr.ndim <= max_ndim:
        allowed = "(n,)" if max_ndim == 1 else "(n,) or (runs, n)"
        raise ValueError(f"y must have shape {allowed}, got shape {y_arr.shape}")
    x_arr = as_float_array(x, "x")
    try:
        return np.broadcast_to(x_arr, y_arr.shape), y_arr
    except ValueError:
        raise ValueError(
            f"x must broadcast to the shape of y {y_arr.shape}, got shape {x_arr.shape}"
        ) from None


def as_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Return ``numpy.random.default_rng(rng)``, or raise a ``TypeError`` naming ``name``."""
    if rng is not None and (
        isinstance(rng, (bool, np.bool_))
        or not isinstance(
            rng,
            (numbers.Integral, np.random.Generator, np.random.SeedSequence, np.random.BitGenerator),
        )
    ):
        raise TypeError(
            f"{name} must be None, an int seed, a numpy.random.Generator or a SeedSequence, "
            f"got {_show(rng)}"
        )
    if isinstance(rng, numbers.Integral) and int(rng) < 0:
        raise ValueError(f"{name} must be a seed >= 0, got {int(rng)}")
    return np.random.default_rng(rng)  # type: ignore[arg-type]
