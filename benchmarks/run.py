"""Run the benchmarks of l1l2, print one markdown report, and keep a copy in RESULTS.md.

Usage (``make bench`` runs the first)::

    .venv/bin/python benchmarks/run.py            # losses, experiments, explorer, regression
    .venv/bin/python benchmarks/run.py --book     # also time the strict build and nbval
    .venv/bin/python benchmarks/run.py --only losses --quick   # a smoke test; writes nothing
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_book
import bench_experiments
import bench_explorer
import bench_losses
import bench_regression
from _common import environment, set_timer, table, verdict

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SECTIONS: dict[str, Any] = {
    "losses": bench_losses,
    "experiments": bench_experiments,
    "explorer": bench_explorer,
    "book": bench_book,
    "regression": bench_regression,
}
Target = tuple[str, bool, str]


def _old_section(title_prefix: str) -> str | None:
    """Return a section of the previous RESULTS.md, if it has one with that title."""
    if not RESULTS.exists():
        return None
    text = RESULTS.read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(title_prefix)}.*?(?=^## |\Z)", text, re.M | re.S)
    return found.group(0).rstrip() if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--book", action="store_true", help="also time the strict book build and nbval (minutes)"
    )
    parser.add_argument(
        "--only", action="append", choices=list(SECTIONS), help="run only this section (repeat)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats, for a smoke test; writes nothing"
    )
    parser.add_argument(
        "--timer",
        choices=["cpu", "wall"],
        default="cpu",
        help="clock for the in-process timings (default: this process's CPU time)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where to write the report (default: %(default)s)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if a target is missed"
    )
    args = parser.parse_args(argv)
    set_timer(args.timer)

    machine = environment()  # before the runs: the date and load at the start
    chosen = args.only or [name for name in SECTIONS if name != "book" or args.book]
    texts: list[str] = []
    targets: list[Target] = []
    for name, module in SECTIONS.items():
        if name not in chosen:
            if name == "book" and not args.only and (old := _old_section("## 4. The book")):
                texts.append(old)  # keep the last --book run's numbers; it states its own date
            continue
        print(f"running: {name} ...", file=sys.stderr, flush=True)
        measure: Callable[..., Any] = module.measure
        text, section_targets = module.report(measure(quick=args.quick))
        texts.append(text)
        targets += section_targets

    clock = (
        "CPU time of the benchmark process"
        if args.timer == "cpu"
        else "wall-clock time (`time.perf_counter`)"
    )
    report = "\n\n".join(
        [
            "# Benchmarks",
            "Made by `make bench` (`.venv/bin/python benchmarks/run.py`; add `--book` for "
            f"section 4). In-process timings use {clock}: the machine is shared, and that clock "
            "leaves out the time other processes hold the core. Times are medians of repeated "
            "runs (`timeit`).",
            table(["machine and versions", ""], machine),
            "## Targets",
            table(
                ["target", "result", "detail"],
                [[name, verdict(met), detail] for name, met, detail in targets],
            )
            if targets
            else "No target was measured in this run.",
            *texts,
        ]
    )
    print(report)
    if not args.quick and not args.only:
        args.output.write_text(report + "\n", encoding="utf-8")
        print(f"\nwritten to {args.output}", file=sys.stderr)
    missed = [name for name, met, _ in targets if not met]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
