"""The notebook regression test bites: nbval fails when a number the book prints changes.

Each test copies chapter 1 to a temporary folder and runs nbval in strict mode on the copy, in a
fresh pytest process, the way the project's nbval command runs it. The unchanged copy passes; a copy
whose stored output was edited fails; and the unchanged copy fails too when it runs against a copy
of ``l1l2`` whose ``losses.l1`` was changed, which is the regression the notebooks guard against.

It runs with the notebooks (``make nbval``), not with the unit tests: each of its three nbval runs
starts a pytest process and a kernel of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbval")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "01-how-wrong-is-my-model.ipynb"
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"
PRINTED = "L1 loss (MAE): 6.6667 apples"
TIMEOUT_S = 600

# Appended to the copied l1l2/losses.py: L1 comes out 1% too large, as a regression might.
REGRESSION = '''

_l1_as_released = l1


def l1(y_true, y_pred, *, reduction="mean"):  # type: ignore[no-redef]
    """L1 with a deliberate 1% error, for tests/test_nbval_bites.py."""
    return _l1_as_released(y_true, y_pred, reduction=reduction) * 1.01
'''


def _copy_notebook(folder: Path) -> Path:
    folder.mkdir()
    copy = folder / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return copy


def _nbval(notebook: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run strict nbval on ``notebook`` in a pytest process of its own, without our config."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "-p",
        "no:cacheprovider",
        "-c",
        str(notebook.parent / "pytest.ini"),
        "--rootdir",
        str(notebook.parent),
        str(notebook),
    ]
    return subprocess.run(
        command,
        cwd=notebook.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def test_the_notebook_prints_the_number_the_tests_change() -> None:
    stored = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    outputs = [
        "".join(output.get("text", ""))
        for cell in stored["cells"]
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
    ]
    assert any(PRINTED in text for text in outputs)


def test_unchanged_copy_passes_nbval(tmp_path: Path) -> None:
    result = _nbval(_copy_notebook(tmp_path / "book"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_edited_stored_output_fails_nbval(tmp_path: Path) -> None:
    copy = _copy_notebook(tmp_path / "book")
    text = copy.read_text(encoding="utf-8")
    assert text.count(PRINTED) == 1
    copy.write_text(text.replace(PRINTED, PRINTED.replace("6.6667", "6.6668")), encoding="utf-8")

    result = _nbval(copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "6.6668" in result.stdout
    assert "1 failed" in result.stdout


def test_changed_package_fails_nbval(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shutil.copytree(ROOT / "l1l2", shadow / "l1l2", ignore=shutil.ignore_patterns("__pycache__"))
    losses = shadow / "l1l2" / "losses.py"
    losses.write_text(losses.read_text(encoding="utf-8") + REGRESSION, encoding="utf-8")

    result = _nbval(_copy_notebook(tmp_path / "book"), pythonpath=shadow)

    assert result.returncode == 1, result.stdout + result.stderr
    # The changed L1 (6.6667 * 1.01) reaches both the notebook's own print and the command line.
    assert "6.7333" in result.stdout
    assert "L1 loss: 6.73" in result.stdout
