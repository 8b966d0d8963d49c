"""Execute notebooks top to bottom with nbclient and store their outputs in place.

The stored outputs are the record that nbval compares against and that the book shows, so they are
only ever written by this command (``make notebooks``), never by hand or by an interactive session.

Usage: ``python tools/execute_notebooks.py [NOTEBOOK_OR_FOLDER ...]`` (default: ``book``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT_S = 600


def notebooks(paths: list[str]) -> list[Path]:
    """Return the notebooks named by ``paths`` (files, or folders searched recursively)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"execute_notebooks: {name!r} is neither a notebook nor a folder")
    return found


def execute(path: Path) -> float:
    """Run ``path`` in a fresh kernel of the current environment; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,  # no timestamps in the cells: a re-run changes only what changed
    )
    client.execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Execute every notebook named on the command line, in order."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["book"], help="notebooks or folders")
    args = parser.parse_args(argv)
    for path in notebooks(args.paths):
        seconds = execute(path)
        print(f"executed {path} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
