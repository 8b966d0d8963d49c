"""Break the package on purpose, one small bug at a time, and see which tests notice.

Run by hand (not part of the test suite, which only imports this module for doctests)::

    .venv/bin/python tests/mutants.py            # the figure-style and batch-size tests only
    .venv/bin/python tests/mutants.py --before   # also the rest of the unit suite (minutes)
    .venv/bin/python tests/mutants.py swap-l1-l2-table true-w-dotted   # some mutants only

Each mutant is one exact text replacement in one file of ``l1l2/``. It is applied to a copy of
the repository's tracked files in a temporary directory (the working tree is never touched), and
pytest runs there in one process, stopping at the first failure. A mutant whose text is no longer
found (the code moved) is reported as such, not skipped silently: update its row.

"new tests" are ``tests/test_figure_styles.py``, the chart tests (``tests/test_interactive.py``,
``tests/test_drag_chart.py``) and the batch-size tests of ``tests/test_fuzz.py``. "rest of
suite" (``--before``) is every other unit test module that names the mutated module
(``plotting`` or ``widgets`` for a figure, ``gd`` for descent: a module that never names it
cannot see the bug), with the doctests of ``l1l2/`` and the README: on a shared machine that is
minutes, where the whole suite in one process would be many more.

The exit status is 1 if a mutant survives the new tests or its text was not found.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
NEW_TESTS = [
    "tests/test_figure_styles.py",
    "tests/test_interactive.py",
    "tests/test_drag_chart.py",
    "tests/test_fuzz.py",
    "-k",
    "not test_fuzz.py or equals_the_reference",
]
NOT_REST = [
    "--deselect=tests/test_fuzz.py::test_fit_equals_the_reference_for_every_batch_size",
    "--deselect=tests/test_fuzz.py::test_fit_equals_the_reference_at_each_batch_size_from_1_to_n",
]


def rest_of_suite(copy: Path, mutant: Mutant) -> list[str]:
    """The pytest arguments of the unit tests (not the new ones) that can see ``mutant``."""
    modules = [
        str(path.relative_to(copy))
        for path in sorted((copy / "tests").glob("test_*.py"))
        if path.name != "test_figure_styles.py" and re.search(mutant.seen_by, path.read_text())
    ]
    return [*modules, "l1l2", "README.md", *NOT_REST]


class Mutant(NamedTuple):
    name: str
    path: str
    old: str
    new: str

    @property
    def seen_by(self) -> str:
        """A regex for the test modules that can see this mutant: those naming its module."""
        return r"\bgd\b" if self.path == "l1l2/gd.py" else r"\b(plotting|widgets)\b"


def _swap_colours(a: str, b: str) -> str:
    """Code that swaps the colours of the loss rows ``a`` and ``b`` after the table is made."""
    return (
        f'LOSSES["{a}"], LOSSES["{b}"] = (\n'
        f'    __import__("dataclasses").replace(LOSSES["{a}"], color=LOSSES["{b}"].color),\n'
        f'    __import__("dataclasses").replace(LOSSES["{b}"], color=LOSSES["{a}"].color),\n'
        ")\n" + AFTER_LOSSES
    )


AFTER_LOSSES = "#: The losses of the one-weight chapters,"
BATCH_ROWS = (
    "([np.ascontiguousarray(column[s : s + batch]) for column in d], t[s : s + batch].copy())"
)
DROP = "batch in (3, 4) and t.shape[0] - s > 2"
MUTANTS = [
    Mutant(
        "swap-palette-green-purple",
        "l1l2/vocabulary.py",
        '"bluish green": "#009E73",\n    "yellow": "#F0E442",\n    "blue": "#0072B2",\n'
        '    "vermillion": "#D55E00",\n    "reddish purple": "#CC79A7",',
        '"bluish green": "#CC79A7",\n    "yellow": "#F0E442",\n    "blue": "#0072B2",\n'
        '    "vermillion": "#D55E00",\n    "reddish purple": "#009E73",',
    ),
    Mutant("swap-l1-l2-table", "l1l2/vocabulary.py", AFTER_LOSSES, _swap_colours("l1", "l2")),
    Mutant(
        "swap-l1-l2-in-penalty-bars",
        "l1l2/plotting.py",
        "penalties[name],\n            width,\n            color=color_for(name),",
        "penalties[name],\n            width,\n"
        '            color=color_for("l2" if name == "l1" else "l1"),',
    ),
    Mutant("swap-abs-l1-huber", "l1l2/vocabulary.py", AFTER_LOSSES, _swap_colours("l1", "huber")),
    Mutant(
        "true-w-dotted",
        "l1l2/vocabulary.py",
        '"true_w": Row("true_w", "true w = {:g}", PALETTE["grey"], (0, (10, 4)), 1.2),',
        '"true_w": Row("true_w", "true w = {:g}", PALETTE["grey"], ":", 1.2),',
    ),
    Mutant(
        "l1-mean-dash-to-dots",
        "l1l2/plotting.py",
        '"L1 = mean |error|", "--"),',
        '"L1 = mean |error|", ":"),',
    ),
    Mutant(
        "l1-mean-other-dash",
        "l1l2/plotting.py",
        '"L1 = mean |error|", "--"),',
        '"L1 = mean |error|", (0, (6, 2))),',
    ),
    Mutant(
        "sample-ticks-marker",
        "l1l2/plotting.py",
        'marker="|",',
        'marker="+",',
    ),
    Mutant(
        "apple-mean-dotted",
        "l1l2/widgets/_apple.py",
        'linestyle="--", linewidth=1.2, gid="mean"',
        'linestyle=":", linewidth=1.2, gid="mean"',
    ),
    Mutant(
        "explorer-band-colour",
        "l1l2/widgets/_experiment.py",
        '0.0, 1.0, color=plotting.OKABE_ITO["reddish purple"]',
        '0.0, 1.0, color=plotting.OKABE_ITO["sky blue"]',
    ),
    Mutant(
        "batch-3-4-drops-third-row",
        "l1l2/gd.py",
        BATCH_ROWS,
        "([np.ascontiguousarray(np.delete(column[s : s + batch], 2, axis=0) "
        f"if {DROP} else column[s : s + batch]) for column in d], "
        f"np.delete(t[s : s + batch], 2, axis=0) if {DROP} else t[s : s + batch].copy())",
    ),
    Mutant(
        "chart-colours-reversed",
        "l1l2/interactive.py",
        "range=[row.color for row in series.values()])",
        "range=[row.color for row in series.values()][::-1])",
    ),
    Mutant(
        "chart-first-dash-dots",
        "l1l2/interactive.py",
        "range=[row.dash for row in series.values()])",
        "range=[[1, 3], *[row.dash for row in series.values()][1:]])",
    ),
    Mutant(
        "fitted-lines-all-solid",
        "l1l2/plotting.py",
        "style = linestyle_for(fit.loss) if repeat == 0",
        'style = "-" if repeat == 0',
    ),
    Mutant(
        "schedule-off-by-one",
        "l1l2/gd.py",
        "result = lr(np.arange(steps, dtype=np.float64))",
        "result = lr(np.arange(1, steps + 1, dtype=np.float64))",
    ),
]


def caught(copy: Path, selection: list[str]) -> str:
    """Run pytest in ``copy``; return the first failing test's id, or '' if everything passed."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider"]
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run(
        [*command, *selection],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return ""
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return failed[0].split(" - ")[0] if failed else f"pytest exit {done.returncode}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--before", action="store_true", help="also run the rest of the suite")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    with tempfile.TemporaryDirectory(prefix="l1l2-mutants-") as temporary:
        copy = Path(temporary)
        for name in tracked:
            if (ROOT / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
        rows: list[tuple[str, str, str]] = []
        stale: list[str] = []
        for mutant in chosen:
            target = copy / mutant.path
            original = target.read_text()
            if original.count(mutant.old) != 1:
                stale.append(mutant.name)
                rows.append((mutant.name, "text not found: update this mutant", "(not run)"))
                continue
            target.write_text(original.replace(mutant.old, mutant.new))
            try:
                new = caught(copy, NEW_TESTS)
                rest = caught(copy, rest_of_suite(copy, mutant)) if args.before else "(not run)"
            finally:
                target.write_text(original)
            rows.append((mutant.name, rest or "survives", new or "survives"))
            print(f"{mutant.name}: rest of suite: {rows[-1][1]}; new tests: {rows[-1][2]}")
    print("\n| mutant | rest of suite | new tests |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    run = len(rows) - len(stale)
    survivors = sum(row[2] == "survives" for row in rows)
    print(f"\nnew tests catch {run - survivors} of the {run} mutants run")
    if stale:
        print(f"not run, their text moved: {', '.join(stale)}")
    return 1 if stale or survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
