"""Fixtures of the outside tests: the built sdist and wheel, and fresh virtual environments."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from outside_tools import ROOT, make_venv, run, timed


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel of this tree, as ``python -m build`` makes them for an index."""
    out = tmp_path_factory.mktemp("dist")
    start = time.perf_counter()
    run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    timed("python -m build (sdist and wheel)", start)
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("l1l2-*.whl")
    return found


@pytest.fixture(scope="session")
def bare(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The python of a venv with the bare wheel: l1l2, NumPy, SciPy and nothing else."""
    return make_venv(tmp_path_factory.mktemp("bare") / "venv", str(wheel))


@pytest.fixture(scope="session")
def notebooks_env(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The python of a venv with the wheel and its notebooks extra, the reader's one command."""
    return make_venv(tmp_path_factory.mktemp("notebooks") / "venv", f"{wheel}[notebooks]")
