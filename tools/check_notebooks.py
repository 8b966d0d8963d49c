"""Check that each notebook holds the record nbval compares against, as ``make notebooks`` wrote it.

The stored outputs are the regression record (nbval re-runs each notebook and compares), so a
notebook must be committed executed, top to bottom, by the project's one command. This refuses:

- a file that is not a valid notebook (JSON and the nbformat 4 schema);
- a code cell that was never run, or cells run out of order (execution counts not 1, 2, 3, ...
  in order): cleared outputs, or a notebook saved from an interactive session;
- execution timestamps in a cell's metadata (``jupyter execute`` or JupyterLab's recording):
  they change on every run and hide the real changes in a diff;
- widget views whose state is missing (a JupyterLab save drops it; the book embeds it).

Usage: ``python tools/check_notebooks.py NOTEBOOK ...`` (default: every notebook in ``book``).
Exit status 1, with one line per problem, when any notebook fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def problems(path: Path) -> list[str]:
    """Return what is wrong with the notebook at ``path`` (empty when it is a clean record)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        nb = nbformat.from_dict(raw)
        nbformat.validate(nb)
    except (ValueError, KeyError, TypeError, nbformat.ValidationError) as error:
        # not JSON (a ValueError), or JSON that nbformat's validator cannot even walk
        return [f"not a valid notebook: {(str(error).splitlines() or [repr(error)])[0]}"]
    found: list[str] = []
    code: list[dict[str, Any]] = [c for c in raw["cells"] if c["cell_type"] == "code"]
    counts = [cell.get("execution_count") for cell in code]
    if counts != list(range(1, len(code) + 1)):
        found.append(
            f"code cells not run top to bottom in one session (execution counts {counts}): "
            "run `make notebooks`"
        )
    for index, cell in enumerate(raw["cells"]):
        if "execution" in cell.get("metadata", {}):
            found.append(f"cell {index} holds execution timestamps: run `make notebooks`")
    views = any(
        WIDGET_VIEW in output.get("data", {}) for cell in code for output in cell.get("outputs", [])
    )
    if views and WIDGET_STATE not in raw["metadata"].get("widgets", {}):
        found.append("widget views without their stored state: run `make notebooks`")
    return found


def main(argv: list[str] | None = None) -> int:
    """Check every notebook named on the command line; print each problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: book/*.ipynb)")
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths or sorted(Path("book").glob("*.ipynb"))
    failed = 0
    for path in paths:
        for problem in problems(path):
            print(f"{path}: {problem}")
            failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
