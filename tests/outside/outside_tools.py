"""Helpers of the outside tests (tests/outside/conftest.py has the fixtures).

The package as a reader gets it: built, installed into fresh virtual environments that hold
nothing else, and used there. Slow (minutes: pip installs NumPy, SciPy, Matplotlib, ...), so it
runs in ``make outside`` and in CI after ``make test``, not in ``make test``.

pip uses its cache and the configured package index; nothing else is fetched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(command: list[str], *, cwd: Path | None = None, timeout: float = 900) -> str:
    """Run ``command`` with a clean environment for Python; return its output, fail loudly."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.pop("VIRTUAL_ENV", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def timed(label: str, start: float) -> None:
    """Report a step's wall time in the test output (pytest -s, or the log on failure)."""
    print(f"outside: {label} took {time.perf_counter() - start:.1f} s")


def make_venv(where: Path, *requirements: str) -> Path:
    """A fresh virtual environment at ``where`` with only ``requirements``; its python."""
    start = time.perf_counter()
    run([sys.executable, "-m", "venv", str(where)])
    python = where / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", *requirements])
    timed(f"a fresh venv with {' '.join(Path(r).name for r in requirements)}", start)
    return python
