"""The package as an index and a reader see it: one address, extras that match the table of
``l1l2._optional``, install hints, a package page with absolute links only.

The built wheel and sdist themselves are tested in ``tests/outside`` (``make outside``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from repo_files import load

import l1l2
from l1l2 import _optional

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config


def test_first_cells_and_addresses_are_current() -> None:
    """Re-running tools/first_cells.py changes nothing: the cells and addresses are its output."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "first_cells.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"run tools/first_cells.py:\n{done.stdout}{done.stderr}"


def test_every_address_is_the_one_in_config() -> None:
    config = _config()
    repository = config["repository"]["url"].rstrip("/")
    book = config["html"]["baseurl"].rstrip("/") + "/"
    urls = _pyproject()["project"]["urls"]
    assert urls["Repository"] == repository
    assert urls["Issues"] == f"{repository}/issues"
    assert urls["Homepage"] == urls["Documentation"] == book
    host = re.compile(r"https://[\w.-]*github\.(?:com|io)/[^\s)>\"'`]*")
    for name in ("README.md", "PACKAGE.md"):
        for url in host.findall((ROOT / name).read_text(encoding="utf-8")):
            assert url.startswith((repository, book)), f"{name} links to {url}"
    cells = [
        line
        for path in sorted((ROOT / "book").glob("*.ipynb"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "git+https://" in line
    ]
    assert cells
    assert all(f"git+{repository}" in line for line in cells)


def _modules_of_extra(extras: dict[str, list[str]], extra: str) -> set[str]:
    """The modules an extra installs, following ``l1l2[...]`` references to other extras."""
    modules: set[str] = set()
    for requirement in extras[extra]:
        name = re.match(r"[A-Za-z0-9_.-]+(?:\[([^\]]+)\])?", requirement)
        assert name is not None
        if requirement.startswith("l1l2["):
            for inner in name.group(1).split(","):
                modules |= _modules_of_extra(extras, inner.strip())
            continue
        distribution = name.group(0).split("[")[0].lower()
        reverse = {dist: module for module, dist in _optional.DISTRIBUTIONS.items()}
        modules.add(reverse.get(distribution, distribution))
    return modules


@pytest.mark.parametrize("extra", sorted(_optional.EXTRAS))
def test_extras_install_the_modules_the_table_names(extra: str) -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    assert _modules_of_extra(extras, extra) == set(_optional.EXTRAS[extra])


@pytest.mark.parametrize("module", sorted(_optional.NEEDS))
def test_each_optional_module_is_installed_by_its_extra_and_by_notebooks(module: str) -> None:
    extra, needed = _optional.NEEDS[module]
    assert set(needed) <= set(_optional.EXTRAS[extra])
    assert set(needed) <= set(_optional.EXTRAS["notebooks"])


@pytest.mark.parametrize(
    ("module", "absent", "line"),
    [
        ("plotting", ["matplotlib"], "pip install 'l1l2[plot]'"),
        ("widgets", ["matplotlib", "ipywidgets"], "pip install 'l1l2[widgets]'"),
        ("interactive", ["matplotlib"], "pip install 'l1l2[web]'"),
        ("interactive", ["altair"], "pip install 'l1l2[web]'"),
        ("book", ["IPython"], "pip install 'l1l2[notebooks]'"),
    ],
)
def test_require_names_what_is_missing_and_the_pip_line(
    monkeypatch: pytest.MonkeyPatch, module: str, absent: list[str], line: str
) -> None:
    monkeypatch.setattr(_optional, "find_spec", lambda name: None if name in absent else object())
    with pytest.raises(ImportError, match=re.escape(line)) as caught:
        _optional.require(module)
    assert isinstance(caught.value, ModuleNotFoundError)
    assert caught.value.name == absent[0]
    shown = [_optional.DISTRIBUTIONS.get(name, name) for name in absent]
    assert all(name in str(caught.value) for name in shown)


def test_version_is_written_once_and_shown_by_the_command() -> None:
    project = _pyproject()
    assert "version" not in project["project"]
    assert project["tool"]["hatch"]["version"]["path"] == "l1l2/__init__.py"
    done = subprocess.run(
        [sys.executable, "-m", "l1l2", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"l1l2 {l1l2.__version__}"


def test_package_page_links_are_absolute() -> None:
    text = (ROOT / "PACKAGE.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+)\)|<([a-z]+:[^>]+)>", text)
    targets = [a or b for a, b in links]
    assert targets
    assert all(target.startswith("https://") for target in targets), targets
    assert _pyproject()["project"]["readme"] == "PACKAGE.md"


def test_book_pages_state_the_licence_of_text_and_figures() -> None:
    footer = _config()["html"]["extra_footer"]
    assert "CC BY 4.0" in footer
    assert "https://creativecommons.org/licenses/by/4.0/" in footer
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize(
    ("module", "hidden", "line"),
    [
        ("plotting", "matplotlib", "pip install 'l1l2[plot]'"),
        ("widgets", "ipywidgets", "pip install 'l1l2[widgets]'"),
        ("interactive", "matplotlib", "pip install 'l1l2[web]'"),
        ("interactive", "altair", "pip install 'l1l2[web]'"),
        ("book", "IPython", "pip install 'l1l2[notebooks]'"),
    ],
)
def test_importing_a_module_without_its_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, hidden: str, line: str
) -> None:
    """As in an environment without the package: imports of it fail, find_spec finds nothing."""
    for name in [*sys.modules]:
        if name == hidden or name.startswith(f"{hidden}."):
            monkeypatch.setitem(sys.modules, name, None)  # import fails, find_spec gives None
        elif name == f"l1l2.{module}" or name.startswith(f"l1l2.{module}."):
            monkeypatch.delitem(sys.modules, name)  # imported afresh
    monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(ModuleNotFoundError, match=re.escape(line)) as caught:
        importlib.import_module(f"l1l2.{module}")
    assert caught.value.name == hidden
    assert f"l1l2.{module} needs {_optional.DISTRIBUTIONS.get(hidden, hidden)}" in str(caught.value)


def test_tool_moves_a_merged_chapters_glue_import_to_l1l2() -> None:
    tool = load("first_cells", ROOT / "tools" / "first_cells.py")
    cell = "import numpy as np\nfrom myst_nb import glue\n\nfrom l1l2 import data\n\nrng = 1"
    assert tool.glue_from_l1l2(cell) == (
        "import numpy as np\n\nfrom l1l2 import data\nfrom l1l2.book import glue\n\nrng = 1"
    )
    assert tool.glue_from_l1l2("x = 1") == "x = 1"


def test_tool_refuses_an_import_the_notebooks_extra_does_not_install() -> None:
    tool = load("first_cells", ROOT / "tools" / "first_cells.py")
    cells = [nbformat.v4.new_code_cell("import pandas as pd\nfrom l1l2 import widgets")]
    with pytest.raises(SystemExit, match="imports pandas, which l1l2\\[notebooks\\] does not"):
        tool.needed_modules(cells, "new.ipynb")
    cells = [nbformat.v4.new_code_cell("import sys\nfrom l1l2 import widgets\n%pip list")]
    assert tool.needed_modules(cells) == ["ipywidgets", "l1l2", "matplotlib"]
