"""The notebooks use l1l2 for every computation: each name they use exists and is documented."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


def _code(path: Path) -> ast.Module:
    """Parse a notebook's code cells as one module (magics and shell lines become ``pass``)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines: list[str] = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for line in source.splitlines():
            stripped = line.lstrip()
            magic = stripped.startswith(("%", "!"))
            lines.append(line[: len(line) - len(stripped)] + "pass" if magic else line)
    return ast.parse("\n".join(lines), filename=str(path))


def _l1l2_names(tree: ast.Module) -> set[str]:
    """Return the dotted l1l2 names a notebook uses, e.g. ``l1l2.gd.fit``."""
    aliases: dict[str, str] = {}
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "l1l2":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                aliases[alias.asname or alias.name] = full
                used.add(full)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "l1l2":
                    aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else "l1l2"
                    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            inner: ast.expr = node
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                used.add(".".join([aliases[inner.id], *reversed(chain)]))
    return used


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, f"no notebooks found in {BOOK}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_l1l2_name_a_notebook_uses_exists_and_is_documented(path: Path) -> None:
    names = _l1l2_names(_code(path))
    assert names, f"{path.name} uses nothing from l1l2"
    for dotted in sorted(names):
        obj = _resolve(dotted)
        if inspect.ismodule(obj) or callable(obj):
            assert inspect.getdoc(obj), f"{dotted}, used in {path.name}, has no docstring"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_define_no_functions_or_classes(path: Path) -> None:
    defined = [
        node.name
        for node in ast.walk(_code(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert not defined, f"{path.name} defines {defined}: such helpers belong in l1l2, with tests"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_install_cell_installs_from_the_configured_repository(path: Path) -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with jupyter-book")
    config = yaml.safe_load((BOOK.parent / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]["url"].rstrip("/")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"][:3]
    sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    installs = [s for s in sources if "pip install" in s and "l1l2" in s]
    assert installs, f"{path.name}: no cell among the first three installs l1l2"
    assert f"git+{repository}" in installs[0], f"{path.name} does not install from {repository}"
