"""The notebook archive's README says how to get an environment where the notebooks read right."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from repo_files import load

ROOT = Path(__file__).resolve().parent.parent
REPO = "https://github.com/example/l1l2"


def _extension() -> object:
    return load("l1l2_book_archive", ROOT / "book" / "_ext" / "l1l2_book" / "archive.py")


def test_archive_readme_installs_jupyter_with_jupyterlab_myst() -> None:
    config = SimpleNamespace(
        html_title="L1 versus L2 loss", html_theme_options={"repository_url": REPO}
    )
    readme = _extension()._readme(SimpleNamespace(config=config), ["01-a.ipynb"])  # type: ignore[attr-defined]

    install = next(line for line in readme.splitlines() if "pip install" in line)
    assert f'"l1l2[notebooks] @ git+{REPO}"' in install
    assert "jupyterlab-myst" in install.split()
    assert "make setup" in readme
    assert "  01-a.ipynb" in readme.splitlines()
