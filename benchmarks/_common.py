"""Shared tools of the benchmarks: interleaved timing, peak memory, the machine, markdown tables."""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import statistics
import time
import timeit
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from threadpoolctl import threadpool_info  # installed with scikit-learn (the [bench] extra)

Case = Callable[[], object]

# The clock of every in-process timing. CPU time of this process by default: the machine is shared,
# and CPU time does not count the moments another process holds the core, which wall time does.
# The code measured here runs on one thread, so on an idle machine the two agree.
TIMERS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
_clock: list[Callable[[], float]] = [TIMERS["cpu"]]


def set_timer(name: str) -> None:
    """Choose the clock: ``"cpu"`` (this process's CPU time) or ``"wall"``."""
    _clock[0] = TIMERS[name]


def clock() -> float:
    """Return the current reading of the chosen clock, in seconds."""
    return _clock[0]()


@dataclass(frozen=True)
class Timing:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls each."""

    median: float
    number: int
    repeat: int


def _calls_per_round(case: Case, min_time: float) -> int:
    """Return how many calls make one round last at least ``min_time`` seconds."""
    number = 1
    while True:
        if timeit.Timer(case, timer=clock).timeit(number) >= min_time or number >= 1_000_000:
            return number
        number *= 2 if number < 16 else 4


def time_cases(
    cases: dict[str, Case], *, repeat: int = 7, min_time: float = 0.05
) -> dict[str, Timing]:
    """Time every case, interleaved, and return the median time per call of each.

    The cases are timed in turn within each round (a, b, c, a, b, c, ...), so that a change in
    the load of the shared machine affects all of them alike and the ratios stay fair.
    """
    numbers = {name: _calls_per_round(case, min_time) for name, case in cases.items()}
    rounds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, case in cases.items():
            rounds[name].append(
                timeit.Timer(case, timer=clock).timeit(numbers[name]) / numbers[name]
            )
    return {
        name: Timing(statistics.median(times), numbers[name], repeat)
        for name, times in rounds.items()
    }


def peak_extra_memory(case: Case) -> int:
    """Return the peak memory, in bytes, that one call allocates beyond what exists before it.

    NumPy reports its array buffers to :mod:`tracemalloc`, so this counts temporaries.
    """
    case()  # warm up: caches, lazy imports
    gc.collect()
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        case()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if started:
            tracemalloc.stop()
    return max(peak - before, 0)


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    """Format a duration with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_bytes(size: float) -> str:
    """Format a memory size in binary units."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{int(size)} B"


def fmt_ratio(ratio: float) -> str:
    """Format a ratio such as 0.42x or 310x."""
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.0f}x"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(met: bool) -> str:
    """Return the word for a target met or missed."""
    return "met" if met else "**missed**"


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or platform.machine()
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return fmt_bytes(int(line.split()[1]) * 1024)
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _blas() -> str:
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(
        f"{i['internal_api']} {i.get('version', '')} ({i['num_threads']} threads)" for i in infos
    )


def environment() -> list[tuple[str, str]]:
    """Return the date, the machine and the versions that the numbers depend on."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        ("Date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", _cpu_model()),
        ("Cores", str(os.cpu_count())),
        ("Memory", _memory()),
        ("Load average at start (1 min)", f"{load:.2f}"),
        ("OS", platform.platform(terse=True)),
        ("Python", platform.python_version()),
        ("NumPy", _version("numpy")),
        ("BLAS", _blas()),
        ("scikit-learn", _version("scikit-learn")),
        ("matplotlib", _version("matplotlib")),
        ("l1l2", _version("l1l2")),
    ]


def print_report(text: str, targets: Sequence[tuple[str, bool, str]]) -> None:
    """Print one section's report and its targets, for running a section on its own."""
    print(text)
    for name, met, detail in targets:
        print(f"- {name}: {verdict(met)} ({detail})")
