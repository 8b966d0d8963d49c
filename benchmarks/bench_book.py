"""Benchmark 4: wall time of the strict book build and of nbval over every notebook.

The build is ``make book``'s strict build, written into a temporary directory so that ``_build/``
(which other tools may be serving or reading) is left alone; nbval runs every notebook in one
process (``make nbval`` spreads them over pytest-xdist workers).
"""

from __future__ import annotations

import datetime as dt
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import fmt_time, table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Row:
    name: str
    command: str
    wall: float
    cpu: float  # user + system time of the command and its children
    returncode: int
    problem: str  # the first warning or error line of its output (or its last line)
    warnings: int  # lines of its output that hold "WARNING"


def notebooks() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts
    )


def _run(name: str, argv: list[str], *, shown: str) -> Row:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = ANSI.sub("", done.stdout + done.stderr)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    flagged = [line for line in lines if "WARNING" in line or "ERROR" in line or "FAILED" in line]
    problem = (flagged or lines or [""])[0 if flagged else -1]
    warnings = sum("WARNING" in line for line in lines)
    return Row(name, shown, wall, cpu, done.returncode, problem, warnings)


BUILD = "jupyter-book build . --all -W -n --keep-going --path-output <temporary directory>"
NBVAL = (
    "pytest -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with "
    "tests/nbval-sanitize.cfg book/ -o addopts= -o testpaths="
)


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    notebooks: list[str]
    date: str


def measure(*, quick: bool = False) -> Result:
    del quick  # one run each: they take minutes
    names = [p.name for p in notebooks()]
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    with tempfile.TemporaryDirectory(prefix="l1l2-book-") as out:
        rows.append(
            _run(
                "strict build",
                [
                    str(BIN / "jupyter-book"),
                    "build",
                    ".",
                    "--all",
                    "-W",
                    "-n",
                    "--keep-going",
                    "--path-output",
                    out,
                ],
                shown=BUILD,
            )
        )
    rows.append(
        _run(
            f"nbval, {len(names)} notebooks",
            [
                str(BIN / "pytest"),
                "-p",
                "no:cacheprovider",
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                "tests/nbval-sanitize.cfg",
                "book/",
                "-o",
                "addopts=",
                "-o",
                "testpaths=",
                "-q",
            ],
            shown=NBVAL,
        )
    )
    return Result(rows, names, date)


def _status(row: Row) -> str:
    if row.returncode == 0:
        return "passed"
    if row.name.startswith("nbval") and row.returncode == 5:
        return "no notebooks collected"
    count = f"{row.warnings} warning{'s' * (row.warnings != 1)}; " if row.warnings else ""
    first = row.problem[:160].replace("|", "\\|")
    return f"**failed** (exit {row.returncode}; {count}first: {first})"


def report(result: Result) -> tuple[str, list[tuple[str, bool, str]]]:
    rows = result.rows
    header = ["step", "wall time", "CPU time (all processes)", "result", "command"]
    body = [[r.name, fmt_time(r.wall), fmt_time(r.cpu), _status(r), f"`{r.command}`"] for r in rows]
    text = "\n".join(
        [
            "## 4. The book",
            "",
            f"Measured {result.date}, one run each on this machine, with "
            "`benchmarks/run.py --book`. The strict build is `make book`'s (into a temporary "
            "directory); nbval runs the notebooks in one process (`make nbval` spreads them "
            "over workers). Notebooks: "
            + (", ".join(f"`{name}`" for name in result.notebooks) or "none yet")
            + ".",
            "",
            table(header, body),
        ]
    )
    return text, []


def main() -> None:
    text, _ = report(measure())
    print(text)


if __name__ == "__main__":
    main()
