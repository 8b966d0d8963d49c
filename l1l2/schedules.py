r"""Learning-rate schedules: small factories that return ``step -> learning rate``.

Every schedule is one formula, :math:`\eta_t = \eta_0\, r^t / (1 + d\,t)`, with the parameters it
does not use at their neutral value (``decay = 0``, ``rate = 1``). A factory checks its arguments
when it builds the schedule, and the schedule accepts one step or an array of steps (``t = 0`` is
the first update).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, overload

import numpy as np
from numpy.typing import ArrayLike

from l1l2 import vocabulary
from l1l2._typing import FloatArray
from l1l2._validation import (
    ArgumentValueError,
    _show,
    as_float_array,
    check_choice,
    check_scalar,
)
from l1l2.vocabulary import ScheduleName

__all__ = [
    "SCHEDULE_NAMES",
    "Schedule",
    "ScheduleName",
    "constant",
    "exponential",
    "inverse_time",
    "named",
]

#: The schedules by name, as the command line and the explorer offer them.
SCHEDULE_NAMES: Final = vocabulary.SCHEDULE_NAMES
#: Each parameter besides ``lr0``, its neutral value and the one schedule that uses it.
_NEUTRAL: Final = {"decay": 0.0, "rate": 1.0}
_USED_BY: Final = {p: name for name, row in vocabulary.SCHEDULES.items() for p in row.defaults}


@dataclass(frozen=True)
class Schedule:
    r"""A learning rate as a function of the update step.

    Build one with :func:`constant`, :func:`inverse_time` or :func:`exponential`. A schedule
    whose name says one formula and whose parameters compute another is rejected.

    Attributes
    ----------
    name : str
        ``"constant"``, ``"inverse_time"`` or ``"exponential"``.
    lr0 : float
        The rate at step 0.
    decay : float
        Inverse-time decay :math:`d` (0 for none).
    rate : float
        Exponential factor :math:`r` per step (1 for none).
    """

    name: ScheduleName
    lr0: float
    decay: float = 0.0
    rate: float = 1.0

    def __post_init__(self) -> None:
        """Check the parameters, so that a hand-built schedule is as safe as a factory-built one."""
        check_choice(self.name, "name", SCHEDULE_NAMES)
        check_scalar(self.lr0, "lr0", low=0.0)
        check_scalar(self.decay, "decay", low=0.0)
        check_scalar(self.rate, "rate", low=0.0, high=1.0, low_open=True)
        for parameter, neutral in _NEUTRAL.items():
            value = getattr(self, parameter)
            if value != neutral and _USED_BY[parameter] != self.name:
                raise ArgumentValueError(
                    parameter,
                    f"{parameter} must be {neutral:g} for a {self.name!r} schedule (it does not "
                    f"use {parameter}), got {value!r}; build it with "
                    f"l1l2.schedules.{_USED_BY[parameter]}",
                )

    @overload
    def __call__(self, step: int) -> float: ...
    @overload
    def __call__(self, step: ArrayLike) -> float | FloatArray: ...
    def __call__(self, step: ArrayLike) -> float | FloatArray:
        """Return the learning rate at ``step`` (a number or an array of steps >= 0)."""
        t = as_float_array(step, "step", empty=True)
        if t.size and t.min() < 0:
            raise ArgumentValueError(
                "step", f"step must be a number or array of numbers >= 0, got {_show(step)}"
            )
        # decay * t may overflow to inf and rate**t underflow to 0: the rate is then (about) 0,
        # which is right, so neither deserves a warning.
        with np.errstate(over="ignore", under="ignore"):
            lr = self.lr0 / (1.0 + self.decay * t)
            if self.rate != 1.0:
                lr = lr * np.power(self.rate, t)
        return float(lr) if lr.ndim == 0 else np.asarray(lr, dtype=np.float64)

    def __str__(self) -> str:
        """Return the schedule as a formula with its numbers."""
        if self.name == "inverse_time":
            return f"lr_t = {self.lr0:g} / (1 + {self.decay:g} t)"
        if self.name == "exponential":
            return f"lr_t = {self.lr0:g} * {self.rate:g}^t"
        return f"lr_t = {self.lr0:g}"


def constant(lr: float) -> Schedule:
    """Return a schedule that keeps the learning rate at ``lr``.

    Parameters
    ----------
    lr : float
        The learning rate, a finite number >= 0.

    Examples
    --------
    >>> constant(0.01)(10)
    0.01
    """
    return Schedule("constant", check_scalar(lr, "lr", low=0.0))


def inverse_time(lr0: float, *, decay: float) -> Schedule:
    r"""Return the schedule :math:`\eta_t = \eta_0 / (1 + d\,t)`.

    The rate halves after :math:`1/d` steps and then falls like :math:`1/t`: far slower than any
    exponential decay.

    Parameters
    ----------
    lr0 : float
        The learning rate at step 0, a finite number >= 0.
    decay : float
        The decay :math:`d`, a finite number >= 0.

    Examples
    --------
    >>> inverse_time(0.01, decay=1 / 2000)([0, 2000])
    array([0.01 , 0.005])
    """
    lr0 = check_scalar(lr0, "lr0", low=0.0)
    return Schedule("inverse_time", lr0, decay=check_scalar(decay, "decay", low=0.0))


def exponential(lr0: float, *, rate: float) -> Schedule:
    r"""Return the exponential decay schedule :math:`\eta_t = \eta_0\, r^t`.

    Parameters
    ----------
    lr0 : float
        The learning rate at step 0, a finite number >= 0.
    rate : float
        The factor :math:`r` applied at every step, with :math:`0 < r \le 1`.

    Examples
    --------
    >>> exponential(0.01, rate=0.5)([0, 1, 2])
    array([0.01  , 0.005 , 0.0025])
    """
    r = check_scalar(rate, "rate", low=0.0, high=1.0, low_open=True)  # checked before lr0
    return Schedule("exponential", check_scalar(lr0, "lr0", low=0.0), rate=r)


def named(
    name: str,
    lr0: float,
    *,
    decay: float = vocabulary.SCHEDULES["inverse_time"].defaults["decay"],
    rate: float = vocabulary.SCHEDULES["exponential"].defaults["rate"],
    argument: str = "schedule",
) -> Schedule:
    """Return the schedule called ``name`` starting at ``lr0``: the one builder by name.

    The parameter the schedule does not use is ignored (and not checked). The defaults are the
    book's (chapter 5), from :data:`l1l2.vocabulary.SCHEDULES`.

    Parameters
    ----------
    name : {"constant", "inverse_time", "exponential"}
        The schedule.
    lr0, decay, rate : float
        The learning rate at step 0, the inverse-time decay and the exponential factor.
    argument : str
        The name an unknown ``name`` is reported under (the caller's argument).

    Examples
    --------
    >>> print(named("exponential", 0.01))
    lr_t = 0.01 * 0.999^t
    """
    kind = check_choice(name, argument, SCHEDULE_NAMES)
    if kind == "inverse_time":
        return inverse_time(lr0, decay=decay)
    if kind == "exponential":
        return exponential(lr0, rate=rate)
    return constant(lr0)
