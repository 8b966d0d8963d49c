"""Benchmark 3: explorer update latency, as a ratio to one plain ``figure.canvas.draw()``.

The explorer is ``l1l2.widgets.explorer(**initial) -> Explorer`` with ``Explorer.controls`` (a dict
from control names to ipywidgets controls) and ``Explorer.figure`` (the matplotlib Figure it draws
into); setting a control's ``.value`` updates the figure before the assignment returns. If
``l1l2.widgets`` cannot be imported, this benchmark says so and measures nothing.

:func:`measure_latency` is the quick wall-clock cross-check of the same thing: it moves every
control of a fresh explorer between the two values of :data:`LATENCY_TOGGLES`.
"""

from __future__ import annotations

import importlib
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from _common import fmt_ratio, fmt_time, print_report, table, time_cases

TARGET = 2.0  # an update should cost no more than two plain draws (the explorer's issue)

#: The two values each control moves between when its latency is measured (book experiment).
LATENCY_TOGGLES: Final[dict[str, tuple[object, object]]] = {
    "loss": ("l2", "l1"),
    "noise": (5.0, 0.05),
    "lr": (0.005, 0.01),
    "schedule": ("inverse_time", "constant"),
    "w0": (10.0, 20.0),
    "epochs": (30, 20),
    "batch_size": (4, 2),
    "seed": (1, 0),
}


@dataclass(frozen=True)
class Latency:
    """How long a control change takes to reach the figure, next to one plain redraw.

    ``update_s``: median seconds from setting a control's ``.value`` to the figure redrawn;
    ``slowest_s``: the largest per-control median; ``draw_s``: median seconds of one plain
    ``figure.canvas.draw()``; ``per_control``: the median for each control that was changed.
    """

    update_s: float
    slowest_s: float
    draw_s: float
    per_control: dict[str, float]

    @property
    def ratio(self) -> float:
        """Return ``update_s / draw_s``, the cost of one change in plain redraws (2 at most)."""
        return self.update_s / self.draw_s


def measure_latency(
    widgets: Any, *, repeats: int = 10, controls: Sequence[str] | None = None
) -> Latency:
    """Time control changes of a fresh ``widgets.explorer()`` against plain redraws of its figure.

    Each change is timed (wall clock) from the assignment ``control.value = v`` until it returns,
    which on the Agg canvas used here includes recomputing, updating the artists and drawing the
    figure. Every change is followed by one timed plain ``figure.canvas.draw()``.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats!r}")
    names = list(LATENCY_TOGGLES) if controls is None else list(controls)
    unknown = [name for name in names if name not in LATENCY_TOGGLES]
    if unknown or not names:
        raise ValueError(
            f"controls must name some of {', '.join(LATENCY_TOGGLES)}, got {controls!r}"
        )
    ex = widgets.explorer()
    if ex._ipympl is not None:
        raise RuntimeError("measure_latency needs the Agg canvas: run it outside a Jupyter kernel")
    canvas = ex.figure.canvas
    canvas.draw()  # warm the font and text caches
    per_control: dict[str, float] = {}
    updates: list[float] = []
    draws: list[float] = []
    for name in names:
        there, back = LATENCY_TOGGLES[name]
        times = []
        for k in range(repeats):
            start = time.perf_counter()
            ex.controls[name].value = there if k % 2 == 0 else back
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            canvas.draw()
            draws.append(time.perf_counter() - start)
        per_control[name] = statistics.median(times)
        updates += times
    return Latency(
        update_s=statistics.median(updates),
        slowest_s=max(per_control.values()),
        draw_s=statistics.median(draws),
        per_control=per_control,
    )


@dataclass(frozen=True)
class Row:
    control: str
    values: tuple[Any, Any]
    update: float
    draw: float
    draws_by_itself: bool  # whether setting the value drew the figure (else a draw is added)

    @property
    def ratio(self) -> float:
        return self.update / self.draw


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    cross_check: str  # the explorer's own measure_latency(), or why it was not run
    skipped: str = ""  # why nothing was measured, if so


def _toggler(control: Any, values: tuple[Any, Any]) -> Callable[[], None]:
    """Return a function that sets ``control`` to the other of the two values at each call."""
    upcoming = itertools.cycle((values[1], values[0]))

    def update() -> None:
        control.value = next(upcoming)

    return update


def _cross_check(widgets: Any, *, quick: bool) -> str:
    latency = measure_latency(widgets, repeats=2 if quick else 6)
    return (
        "Cross-check, `bench_explorer.measure_latency()` (wall clock, every control): median "
        f"update {fmt_time(latency.update_s)}, one draw {fmt_time(latency.draw_s)}, ratio "
        f"{fmt_ratio(latency.ratio)}; slowest control {fmt_time(latency.slowest_s)}."
    )


def measure(*, quick: bool = False) -> Result:
    """Time every control of a fresh explorer against plain draws of its figure."""
    try:
        widgets = importlib.import_module("l1l2.widgets")
    except ModuleNotFoundError as error:
        if error.name not in {"l1l2.widgets", "ipywidgets", "ipympl", "matplotlib"}:
            raise
        return Result([], "", f"not measured: `{error.name}` cannot be imported")

    explorer = widgets.explorer()
    figure = explorer.figure
    drawn: list[int] = []
    figure.canvas.mpl_connect("draw_event", lambda _event: drawn.append(1))
    figure.canvas.draw()  # first draw: fonts, caches
    rows = []
    # Each control moves back and forth between the two values measure_latency uses.
    for name, values in LATENCY_TOGGLES.items():
        control = explorer.controls[name]
        original = control.value
        control.value = values[0]
        update = _toggler(control, values)

        drawn.clear()
        update()
        update()
        by_itself = bool(drawn)

        def update_and_draw(update: Callable[[], None] = update) -> None:
            update()
            figure.canvas.draw()

        timings = time_cases(
            {"update": update if by_itself else update_and_draw, "draw": figure.canvas.draw},
            repeat=3 if quick else 9,
            min_time=0.05 if quick else 0.2,
        )
        control.value = original
        rows.append(Row(name, values, timings["update"].median, timings["draw"].median, by_itself))
    return Result(rows, _cross_check(widgets, quick=quick))


def report(result: Result) -> tuple[str, list[tuple[str, bool, str]]]:
    intro = [
        "## 3. Explorer update latency",
        "",
        "Time from setting a control's `.value` on `l1l2.widgets.explorer()` to the figure "
        "redrawn (the explorer recomputes with `gd.fit`, updates its artists and draws on the "
        "Agg canvas before the assignment returns), against one plain `figure.canvas.draw()` "
        "of the same figure: medians of interleaved rounds. Each control alternates between "
        "two settings of the source experiment.",
        "",
    ]
    if result.skipped:
        return "\n".join([*intro, f"**{result.skipped}.**"]), []
    if not result.rows:
        return "\n".join([*intro, "**not measured: the explorer has none of the controls.**"]), []
    header = ["control", "values", "update", "one draw", "update / draw", "drew by itself"]
    body = [
        [
            f"`{r.control}`",
            f"{r.values[0]!r} ↔ {r.values[1]!r}",
            fmt_time(r.update),
            fmt_time(r.draw),
            fmt_ratio(r.ratio),
            "yes" if r.draws_by_itself else "no: a draw is added to the update",
        ]
        for r in result.rows
    ]
    worst = max(result.rows, key=lambda r: r.ratio)
    targets = [
        (
            f"Explorer update at most {TARGET:g} plain draws",
            worst.ratio <= TARGET,
            f"slowest: `{worst.control}` at {fmt_ratio(worst.ratio)} of one draw",
        )
    ]
    return "\n".join([*intro, table(header, body), "", result.cross_check]), targets


def main() -> None:
    print_report(*report(measure(quick=True)))


if __name__ == "__main__":
    main()
