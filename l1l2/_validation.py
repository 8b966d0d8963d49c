"""Input checks shared by every public function of :mod:`l1l2`: one check per kind of argument.

Each check raises an :class:`ArgumentTypeError` or :class:`ArgumentValueError` whose message names
the argument, shows the value given and says what is allowed; the exception's ``argument`` holds
the name, so a caller (the command line, an explorer) can tell which input is wrong.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Collection
from typing import Any, Final, Literal, TypeGuard, TypeVar

import numpy as np
from numpy.ma import MaskedArray
from numpy.typing import ArrayLike, NDArray

from l1l2._typing import FloatArray

Reduction = Literal["mean", "sum", "none"]
REDUCTIONS: Final[tuple[Reduction, ...]] = ("mean", "sum", "none")

_NUMERIC_KINDS: Final = "iuf"  # signed and unsigned integers, floats; no bool, complex or object
#: The most memory one call may ask for before it is refused up front (1 GiB: a run that needs
#: more would also take many minutes).
MAX_BYTES: Final = 2**30

_T = TypeVar("_T")


class _ArgumentError(Exception):
    """An error about one argument, whose name is in its ``argument`` attribute."""

    argument: str

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument

    def __reduce__(self) -> tuple[type[_ArgumentError], tuple[str, str]]:
        """Pickle with both the argument and the message."""
        return type(self), (self.argument, str(self))


class ArgumentValueError(_ArgumentError, ValueError):
    """A ValueError about one argument, whose name is in its argument attribute.

    Examples
    --------
    >>> try:
    ...     check_scalar(-1.0, "lr", low=0.0)
    ... except ValueError as error:
    ...     print(error.argument, "|", error)
    lr | lr must be >= 0, got -1.0
    """


class ArgumentTypeError(_ArgumentError, TypeError):
    """A TypeError about one argument, whose name is in its argument attribute."""


def _show(value: object) -> str:
    """Return a short ``repr`` of ``value`` for an error message."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 60 else text[:57] + "..."


def _size_text(nbytes: float) -> str:
    """Return ``nbytes`` in KiB, MiB, GiB or TiB, 3 significant digits."""
    if nbytes >= 2**60:  # beyond any memory; an int this large may not even convert to float
        return f"about 1e{len(str(int(nbytes))) - 1} bytes"
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes / 2**10:.3g} KiB"


def check_choice(value: object, name: str, allowed: Collection[_T], *, why: str = "") -> _T:
    """Return ``value`` if it is one of ``allowed`` (strings), or raise naming ``name``.

    ``why``, if given, says in parentheses why other values are not allowed.

    Examples
    --------
    >>> check_choice("sum", "reduction", ("mean", "sum"))
    'sum'
    """
    if not isinstance(value, str) or value not in allowed:
        raise ArgumentValueError(
            name,
            f"{name} must be one of {', '.join(map(repr, allowed))}"
            f"{f' ({why})' if why else ''}, got {_show(value)}",
        )
    return value  # type: ignore[return-value]  # value is one of allowed


def check_size(count: int, name: str, *, what: str, itemsize: int = 8) -> None:
    """Raise naming ``name`` if ``count`` values of ``itemsize`` bytes exceed MAX_BYTES."""
    nbytes = int(count) * itemsize  # exact: the count may be beyond float64
    if nbytes > MAX_BYTES:
        raise ArgumentValueError(
            name,
            f"{name} makes the run too large: {what} would need {_size_text(nbytes)} of memory "
            f"(at most {_size_text(MAX_BYTES)} is allowed); make {name} smaller",
        )


def as_float_array(
    value: ArrayLike, name: str, *, finite: bool = True, empty: bool = False
) -> FloatArray:
    """Return ``value`` as a float64 array (no copy if it is one), or raise naming ``name``.

    Parameters
    ----------
    value
        A rectangular array of real numbers: not masked (its hidden values would be used), not
        booleans, strings or complex, and no integer that float64 would round (``2**53 + 1``).
    name
        The argument's name, for the error messages.
    finite, empty
        Whether NaN and infinite values are rejected, and whether an empty array is allowed.
    """
    if type(value) is np.ndarray and value.dtype == np.float64 and (value.size or empty):
        if finite:
            check_finite(value, name)
        return value
    if isinstance(value, MaskedArray):
        raise ArgumentTypeError(
            name,
            f"{name} must not be a masked array (its masked values would be used), got "
            f"{_show(value)}; drop the masked values first, e.g. with {name}.compressed()",
        )
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, OverflowError):  # ragged or unreadable nested sequences
        raise ArgumentValueError(
            name, f"{name} must be a rectangular array of real numbers, got {_show(value)}"
        ) from None
    if array.dtype.kind not in _NUMERIC_KINDS or (
        not isinstance(value, np.ndarray) and _holds_bool(value)
    ):
        kind = "booleans" if array.dtype.kind in _NUMERIC_KINDS else f"dtype {array.dtype}"
        raise ArgumentTypeError(
            name, f"{name} must hold real numbers (int or float), got {kind} from {_show(value)}"
        )
    if array.size == 0 and not empty:
        raise ArgumentValueError(name, f"{name} must not be empty, got {_show(value)}")
    if array.dtype != np.float64:
        integers = array
        with np.errstate(over="ignore"):  # float128 beyond float64: caught as infinite below
            array = array.astype(np.float64)
        if integers.dtype.kind in "iu" and integers.dtype.itemsize > 4:
            _check_exact_integers(integers, array, name)
    if finite:
        check_finite(array, name)
    return array


def _position(array: NDArray[Any], flat: int) -> str:
    """Where the ``flat``-th value of ``array`` is, as NumPy indexes it: "index (1, 2)"."""
    where = tuple(int(i) for i in np.unravel_index(flat, array.shape))
    return f"index {where[0] if len(where) == 1 else where}"


def _check_exact_integers(integers: NDArray[Any], converted: FloatArray, name: str) -> None:
    """Raise naming ``name`` if float64 rounded an integer of ``integers`` (beyond 2**53)."""
    big = np.flatnonzero(np.abs(converted) >= 2.0**53)  # 2**53 + 1 rounds down to 2**53
    if big.size == 0:
        return
    rounded = converted.flat[big]
    limit = 2.0 ** (63 if integers.dtype.kind == "i" else 64)
    fits = (rounded >= -limit) & (rounded < limit)  # back to the integer type without overflow
    back = np.where(fits, rounded, 0.0).astype(integers.dtype)
    wrong = ~fits | (back != integers.flat[big])
    if wrong.any():
        first = int(big[np.argmax(wrong)])
        raise ArgumentValueError(
            name,
            f"{name} must hold integers that float64 holds exactly (all up to 2**53 = "
            f"9007199254740992 in size, some beyond), got {int(integers.flat[first])} at "
            f"{_position(integers, first)}, which float64 would round to "
            f"{int(converted.flat[first])}; "
            "subtract an offset or rescale it first",
        )


def as_per_run(
    value: ArrayLike, name: str, *, nonnegative: bool = False, rows: int | None = None
) -> FloatArray:
    """Return a number, or a 1-D array with one value per run, as a fresh float64 array.

    Given ``rows`` (updates), ``value`` may also be a table of one per update and run.
    """
    array = np.array(as_float_array(value, name), dtype=np.float64)  # a copy: never an alias
    table = rows is not None and array.ndim == 2 and array.shape[0] == rows
    if array.ndim > 1 and not table:
        tables = "" if rows is None else f" or a table of shape ({rows}, runs), a row per update"
        raise ArgumentValueError(
            name,
            f"{name} must be a number, a 1-D array (one per run){tables}, got shape {array.shape}",
        )
    if nonnegative and np.any(array < 0):
        raise ArgumentValueError(name, f"{name} must be >= 0, got {_show(value)}")
    return array


def _holds_bool(value: object) -> bool:
    """Return whether a (nested) sequence holds a bool, which NumPy would turn into 0 or 1."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray):
        return bool(value.dtype.kind == "b")
    if isinstance(value, (list, tuple)):
        return any(map(_holds_bool, value))
    return False


def check_finite(array: FloatArray, name: str) -> None:
    """Raise naming ``name`` if ``array`` holds NaN or inf."""
    # One reduction is cheaper than a boolean temporary; NaN and inf both poison the sum.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    if not np.isfinite(total):
        bad = ~np.isfinite(array)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            value = float(array.flat[first])  # inf, not np.float64(inf)
            if array.size == 1:
                raise ArgumentValueError(name, f"{name} must hold finite numbers, got {value!r}")
            raise ArgumentValueError(
                name,
                f"{name} must hold finite numbers, got {value!r} at {_position(array, first)} "
                f"(of {array.size} values); remove or impute NaN and infinite values",
            )


def check_same_shape(a: FloatArray, b: FloatArray, names: tuple[str, str]) -> None:
    """Raise naming ``names[1]`` if the shapes differ."""
    if a.shape != b.shape:
        raise ArgumentValueError(
            names[1],
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}",
        )


def check_reduction(reduction: object, allowed: tuple[Reduction, ...] = REDUCTIONS) -> Reduction:
    """Return ``reduction`` if it is one of ``allowed``; raise naming ``reduction`` otherwise."""
    return check_choice(reduction, "reduction", allowed)


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
    """Return ``value`` as a finite float within the bounds (``*_open``: excluded), or raise."""
    if type(value) is float:  # the usual case, without the slower abstract-class check
        number = value
    elif _is_real(value):
        try:
            number = float(value)
        except OverflowError:  # an int or Fraction beyond float64
            number = math.inf if value > 0 else -math.inf  # type: ignore[operator]
    else:
        raise ArgumentTypeError(name, f"{name} must be a real number, got {_show(value)}")
    if not math.isfinite(number):
        shown = repr(number) if isinstance(value, float) else _show(value)  # nan, not np.float64
        raise ArgumentValueError(name, f"{name} must be finite, got {shown}")
    if low is not None and (number < low or (low_open and number == low)):
        relation = ">" if low_open else ">="
        raise ArgumentValueError(name, f"{name} must be {relation} {low:g}, got {number!r}")
    if high is not None and (number > high or (high_open and number == high)):
        relation = "<" if high_open else "<="
        raise ArgumentValueError(name, f"{name} must be {relation} {high:g}, got {number!r}")
    return number


def check_int(value: object, name: str, *, low: int, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` that is at least ``low`` (and at most ``high``), or raise."""
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(name, f"{name} must be an integer, got {_show(value)}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ArgumentTypeError(name, f"{name} must be an integer, got {_show(value)}") from None
    if number < low:
        raise ArgumentValueError(name, f"{name} must be an integer >= {low}, got {number}")
    if high is not None and number > high:
        raise ArgumentValueError(name, f"{name} must be an integer <= {high}, got {number}")
    return number


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False``, or raise naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(name, f"{name} must be True or False, got {_show(value)}")
    return bool(value)


def as_xy(x: ArrayLike, y: ArrayLike, *, max_ndim: int = 2) -> tuple[FloatArray, FloatArray]:
    """Return ``x`` broadcast to ``y``, of shape ``(n,)`` or (``max_ndim`` 2) ``(runs, n)``."""
    y_arr = as_float_array(y, "y")
    if not 1 <= y_arr.ndim <= max_ndim:
        allowed = "(n,)" if max_ndim == 1 else "(n,) or (runs, n)"
        raise ArgumentValueError("y", f"y must have shape {allowed}, got shape {y_arr.shape}")
    x_arr = as_float_array(x, "x")
    try:
        return np.broadcast_to(x_arr, y_arr.shape), y_arr
    except ValueError:
        raise ArgumentValueError(
            "x", f"x must broadcast to the shape of y {y_arr.shape}, got shape {x_arr.shape}"
        ) from None


def as_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Return ``numpy.random.default_rng(rng)``, or raise an error naming ``name``."""
    seeds = (numbers.Integral, np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)
    if rng is not None and (isinstance(rng, (bool, np.bool_)) or not isinstance(rng, seeds)):
        raise ArgumentTypeError(
            name,
            f"{name} must be None, an int seed, a numpy.random.Generator or a SeedSequence, "
            f"got {_show(rng)}",
        )
    if isinstance(rng, numbers.Integral) and int(rng) < 0:
        raise ArgumentValueError(name, f"{name} must be a seed >= 0, got {int(rng)}")
    return np.random.default_rng(rng)  # type: ignore[arg-type]


def frame_columns(value: object, name: str) -> tuple[str, ...] | None:
    """The column names of a pandas DataFrame ``value`` (pandas is never imported), else ``None``.

    A fit matches columns by name, so a name used twice (``1`` and ``"1"`` alike) is an error.
    """
    if not (type(value).__module__.startswith("pandas") and hasattr(value, "columns")):
        return None
    columns = tuple(str(c) for c in value.columns)
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise ArgumentValueError(
                name,
                f"{name} has {columns.count(column)} columns named {_show(column)}: its columns "
                "are kept and matched by name, so each name must be used once; rename or drop "
                "the others",
            )
        seen.add(column)
    return columns
