"""The source experiment run from a set of options, and what the run did.

Shared by ``l1l2 experiment`` and :func:`l1l2.widgets.explorer`, so the two never disagree on
what a run did or where it diverged.
"""

from __future__ import annotations

import contextlib
import enum
import math
import operator
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np

from l1l2 import data, gd, losses, schedules, vocabulary
from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError, check_choice
from l1l2.experiments import SOURCE

__all__ = [
    "DEFAULT_DECAY",
    "DEFAULT_RATE",
    "SCHEDULE_KINDS",
    "Outcome",
    "Run",
    "Status",
    "diverged_at",
    "make_schedule",
    "outcome",
    "run",
    "stability_limit",
]

SCHEDULE_KINDS: Final = vocabulary.SCHEDULE_NAMES
#: Inverse-time decay d of the book's remedy (chapter 5): lr / (1 + t / 2000).
DEFAULT_DECAY: Final = vocabulary.SCHEDULES["inverse_time"].defaults["decay"]
#: Exponential factor r per step: lr * 0.999**t.
DEFAULT_RATE: Final = vocabulary.SCHEDULES["exponential"].defaults["rate"]
# A run counts as diverging when it ends this many times farther from the settle point than it
# started (or than one unit, if it started closer), even before it overflows.
GROWTH: Final = 1e3


class Status(enum.Enum):
    """What a run of the experiment did, as a value (never read back from a message)."""

    SETTLES = "settles"
    NO_MINIMUM = "no minimum"
    DIVERGING = "diverging"
    DIVERGED = "diverged"
    CANNOT_RUN = "cannot run"  # the settings cannot run (the explorer keeps its last run)

    @property
    def is_problem(self) -> bool:
        """Whether the run went wrong or could not run (a warning to show)."""
        return self in (Status.DIVERGING, Status.DIVERGED, Status.CANNOT_RUN)


def make_schedule(
    kind: str, lr: float, *, decay: float = DEFAULT_DECAY, rate: float = DEFAULT_RATE
) -> schedules.Schedule:
    """Return the schedule ``kind`` starting at ``lr``: :func:`l1l2.schedules.named`."""
    return schedules.named(kind, lr, decay=decay, rate=rate)


@dataclass(frozen=True)
class Run:
    """One run of the experiment: its data, its trajectory and where descent settles."""

    x: FloatArray
    y: FloatArray
    history: gd.History
    settle: float | None  # None for the signed loss, which has no minimum


def run(
    *,
    loss: str,
    noise: float,
    lr: schedules.Schedule,
    w0: float,
    epochs: int,
    batch_size: int,
    seed: int,
    n: int = SOURCE.n,
    reduction: str = SOURCE.reduction,
    delta: float = SOURCE.delta,
) -> Run:
    """Run the source experiment with these settings.

    A NumPy warning (an overflow, say) is raised as a ``ValueError`` naming the setting behind it,
    never shown next to a result that may be wrong.
    """
    name = check_choice(loss, "loss", losses.LOSS_NAMES)
    _rates_of(lr, n=n, batch_size=batch_size, epochs=epochs)
    with _blame("noise", "the data"):
        x, y = data.linear(n, x=SOURCE.x, w=SOURCE.true_w, noise=noise, rng=seed)
    history = gd.fit(
        x,
        y,
        loss=name,
        w0=w0,
        lr=lr,
        batch_size=batch_size,
        epochs=epochs,
        reduction=reduction,
        delta=delta,
    )
    settle = None
    if loss != "signed":
        with _blame("noise", "the settle point"):
            settle = float(gd.minimizer(x, y, loss=loss, delta=delta))
        if not math.isfinite(settle):
            raise ArgumentValueError(
                "noise",
                f"noise must be small enough for the settle point to be a finite number, "
                f"got {noise!r}",
            )
    return Run(x, y, history, settle)


@contextlib.contextmanager
def _blame(argument: str, what: str) -> Iterator[None]:
    """Turn a warning inside the block into a ValueError that names ``argument``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            yield
        except Warning as warning:
            raise ArgumentValueError(
                argument,
                f"{argument} makes {what} overflow or lose precision ({warning}); "
                "try a less extreme value",
            ) from None


def _rates_of(lr: schedules.Schedule, *, n: object, batch_size: object, epochs: object) -> None:
    """Compute the schedule's rates once, blaming its parameter for any warning."""
    try:
        per_epoch = -(-operator.index(n) // operator.index(batch_size))  # type: ignore[arg-type]
        steps = operator.index(epochs) * per_epoch  # type: ignore[arg-type]
    except (TypeError, ZeroDivisionError):  # left for gd.fit to reject
        return
    if not 0 < steps <= 10**7 or not isinstance(lr, schedules.Schedule):
        return
    parameter = {"inverse_time": "decay", "exponential": "rate"}.get(lr.name, "lr")
    with _blame(parameter, "the learning rate"):
        lr(np.arange(steps, dtype=np.float64))


def diverged_at(history: gd.History) -> int | None:
    """Return the number (from 1) of the update that overflowed, or ``None`` if none did.

    :func:`l1l2.gd.fit` keeps a diverged run at its last finite estimate, and records a NaN batch
    loss for every update after the one that overflowed.
    """
    if not bool(history.diverged):
        return None
    loss = np.asarray(history.loss, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(loss))
    if bad.size == 0:
        return history.steps  # the last update overflowed w; its batch loss was finite
    first = int(bad[0])
    if np.isinf(loss[first]) or first == 0:
        return first + 1  # the loss of this update overflowed: updates after it are NaN
    # A NaN: either this update's loss overflowed, or the previous update overflowed w (and
    # was not applied, so w did not move) and this is the first update after it.
    w = np.asarray(history.w, dtype=np.float64)
    return first if w[first] == w[first - 1] else first + 1


def stability_limit(loss: str, *, x: FloatArray, batch_size: int, reduction: str) -> float | None:
    """Return the largest learning rate at which ``loss`` settles, or ``None`` without a limit."""
    limit = gd.stability_limit(x, loss=loss, batch_size=batch_size, reduction=reduction)
    return None if math.isinf(limit) else limit


@dataclass(frozen=True)
class Outcome:
    """What a run did: its status, where it ended, and where it diverged."""

    status: Status
    final_w: float  # the last estimate (the last finite one for a diverged run)
    updates: int  # all updates, or those before the one that overflowed
    diverged_at: int | None  # the number (from 1) of the update that overflowed
    distance: float | None  # from final_w to the settle point


def outcome(result: Run, *, w0: float) -> Outcome:
    """Return what the run ``result``, started at ``w0``, did."""
    h = result.history
    final = float(h.w[-1])
    at = diverged_at(h)
    updates = h.steps if at is None else at - 1
    settle = result.settle
    distance = None if settle is None else abs(final - settle)
    if at is not None:
        status = Status.DIVERGED
    elif settle is None:
        status = Status.NO_MINIMUM
    elif distance is not None and distance > GROWTH * max(abs(w0 - settle), 1.0):
        status = Status.DIVERGING
    else:
        status = Status.SETTLES
    return Outcome(status, final, updates, at, distance)
