"""The built package in fresh virtual environments: the bare wheel, the wheel with its notebooks
extra running every chapter, and the sdist's own tests."""

from __future__ import annotations

import json
import shutil
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from outside_tools import ROOT, run, timed

import l1l2
from l1l2 import _optional

BARE_CHECK = textwrap.dedent(
    """
    import importlib
    import importlib.util

    from l1l2 import data, gd, losses, regression

    assert importlib.util.find_spec("matplotlib") is None, "not a bare environment"
    y_true, y_pred = data.apple_harvest()
    print("l1", round(losses.l1(y_true, y_pred), 2))
    x, y = data.linear(20, noise=5.0, rng=0)
    print("w", round(float(gd.minimizer(x, y, loss="l1")), 4))
    year, calls = data.belgian_phones()
    print("slope", round(regression.solve(year, calls, loss="l1").slope, 3))
    for module in ("plotting", "widgets", "interactive", "book"):
        try:
            importlib.import_module(f"l1l2.{module}")
        except ModuleNotFoundError as error:
            print(f"{module}: {error.name}: {error}")
        else:
            raise SystemExit(f"l1l2.{module} imported without its extra")
    """
)


def test_bare_wheel_runs_the_core_and_says_how_to_install_the_rest(
    bare: Path, tmp_path: Path
) -> None:
    out = run([str(bare), "-c", BARE_CHECK], cwd=tmp_path).splitlines()
    assert out[:3] == ["l1 6.67", f"w {_l1_settle():.4f}", "slope 1.188"]
    hints = dict(line.split(": ", 1) for line in out[3:])
    for module, (extra, _) in _optional.NEEDS.items():
        assert f"pip install 'l1l2[{extra}]'" in hints[module], hints[module]
        assert hints[module].startswith(f"{_optional.NEEDS[module][1][0]}: l1l2.{module} needs")
    command = bare.parent / "l1l2"
    assert run([str(command), "--version"], cwd=tmp_path).strip() == f"l1l2 {l1l2.__version__}"
    assert "L1 loss: 6.67" in run([str(command)], cwd=tmp_path)


def _l1_settle() -> float:
    from l1l2 import data, gd  # noqa: PLC0415

    x, y = data.linear(20, noise=5.0, rng=0)
    return round(float(gd.minimizer(x, y, loss="l1")), 4)


def test_notebooks_extra_runs_the_package_page_and_readme_examples(
    notebooks_env: Path, tmp_path: Path
) -> None:
    for name in ("PACKAGE.md", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    run(
        [str(notebooks_env), "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", "PACKAGE.md"],
        cwd=tmp_path,
    )
    run(
        [str(notebooks_env), "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", "README.md"],
        cwd=tmp_path,
    )
    assert "experiment" in run([str(notebooks_env.parent / "l1l2"), "--help"], cwd=tmp_path)
    run([str(notebooks_env), "-m", "pip", "check"])


WHERE = "import sys, l1l2\nprint(sys.prefix)\nprint(l1l2.__file__)"


def test_every_chapter_runs_in_the_readers_environment(
    notebooks_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chapter, top to bottom, in a kernel of the environment of the one install command."""
    kernels = tmp_path / "jupyter" / "kernels" / "outside"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [str(notebooks_env), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "l1l2[notebooks] only",
        "language": "python",
        "env": {"PYTHONPATH": ""},
    }
    (kernels / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    book = tmp_path / "book"  # a copy, away from this repository's l1l2
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_*", ".*"))
    chapters = sorted(book.glob("*.ipynb"))
    assert len(chapters) >= 11
    venv = str(notebooks_env.parent.parent)
    start = time.perf_counter()
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(WHERE))
        NotebookClient(
            nb, kernel_name="outside", timeout=600, resources={"metadata": {"path": str(book)}}
        ).execute()  # raises CellExecutionError on the first cell that fails
        first = next(cell for cell in nb.cells if cell.cell_type == "code")
        assert first.outputs == [], f"{path.name}: its first cell installed something"
        prefix, module = nb.cells[-1].outputs[0]["text"].split()
        assert prefix == venv, f"{path.name} ran in {prefix}, not in {venv}"
        assert module.startswith(venv), f"{path.name} imported l1l2 from {module}"
    timed(f"executing {len(chapters)} chapters", start)


def test_sdist_tests_pass_unpacked(dist: Path, tmp_path: Path) -> None:
    """The sdist's own tests, with this environment's test tools, against the sdist's l1l2."""
    (sdist,) = dist.glob("l1l2-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (unpacked,) = tmp_path.glob("l1l2-*")
    assert not (unpacked / "book").exists()
    start = time.perf_counter()
    out = run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2"],
        cwd=unpacked,
    )
    timed("the unpacked sdist's tests", start)
    assert " passed" in out.splitlines()[-1]
    where = run([sys.executable, "-c", "import l1l2; print(l1l2.__file__)"], cwd=unpacked)
    assert where.startswith(str(unpacked))
