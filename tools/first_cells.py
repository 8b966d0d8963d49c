"""Write the first cell of every chapter, and the project's public addresses, from one place.

The first code cell of a chapter installs what the chapter needs when it runs where that is
missing (Colab, Binder, a reader's fresh kernel): it checks every module the chapter imports,
and the modules behind the l1l2 modules it imports (``l1l2/_optional.py``), and if one is
missing installs ``l1l2[notebooks]`` from the repository. The repository address comes from
``_config.yml`` (``repository.url``), where the book's address (``html.baseurl``) lives too;
this script also copies both into ``pyproject.toml``'s ``[project.urls]``, ``README.md`` and
``PACKAGE.md``.

It also turns a chapter's ``from myst_nb import glue`` into ``from l1l2.book import glue``.
Run it after changing a chapter's imports, the extras, or an address, and after merging
chapters from elsewhere; it rewrites only what differs, so running it again changes nothing.
``--check`` changes nothing and exits 1 if anything would change (``tests/test_packaging.py``
runs it so).

Usage: ``python tools/first_cells.py [--check] [NOTEBOOK_OR_FOLDER ...]`` (default: ``book``).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the l1l2 of this repository, for its table of extras
sys.path.insert(0, str(ROOT / "tools"))  # prose_numbers, which finds the notebooks for both tools

from prose_numbers import ProseNumberError, notebooks  # noqa: E402

from l1l2 import _optional  # noqa: E402

WIDTH = 79  # the book's longest visible code line
#: What ``l1l2[notebooks]`` makes importable: l1l2, its core dependencies and the extra's modules.
PROVIDED = frozenset({"l1l2", "numpy", "scipy", *_optional.EXTRAS["notebooks"]})
#: The files that carry the addresses besides _config.yml and the notebooks.
ADDRESS_FILES = ("pyproject.toml", "README.md", "PACKAGE.md")

TEMPLATE = '''\
# Installs l1l2[notebooks] if a module this chapter imports is missing.
from importlib.util import find_spec

{needed}
if None in map(find_spec, NEEDED):
    source = "git+{repository}"
    %pip install --quiet "l1l2[notebooks] @ {{source}}"'''


def addresses(root: Path = ROOT) -> dict[str, str]:
    """Return the repository and book addresses written in ``_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return {
        "repository": str(config["repository"]["url"]).rstrip("/"),
        "book": str(config["html"]["baseurl"]).rstrip("/") + "/",
    }


def _code(cells: list[Any]) -> ast.Module:
    """Parse code cells as one module; IPython magics and shell lines become ``pass``."""
    lines: list[str] = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            stripped = line.lstrip()
            magic = stripped.startswith(("%", "!"))
            lines.append(line[: len(line) - len(stripped)] + "pass" if magic else line)
    return ast.parse("\n".join(lines))


def needed_modules(cells: list[Any], name: str = "notebook") -> list[str]:
    """Return the modules a chapter cannot run without, sorted: what its cells import.

    Standard-library modules are left out; an ``l1l2`` module adds what it needs itself
    (``_optional.NEEDS``). A module that ``l1l2[notebooks]`` does not install is an error: add
    it to the extra in ``pyproject.toml`` and to ``_optional.EXTRAS["notebooks"]``.
    """
    imported: set[str] = set()
    for node in ast.walk(_code(cells)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module)
            if node.module == "l1l2":
                imported.update(f"l1l2.{alias.name}" for alias in node.names)
    needed: set[str] = set()
    for module in imported:
        top, _, sub = module.partition(".")
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        needed.add(top)
        if top == "l1l2" and sub.split(".")[0] in _optional.NEEDS:
            needed.update(_optional.NEEDS[sub.split(".")[0]][1])
    unknown = sorted(needed - PROVIDED)
    if unknown:
        raise SystemExit(
            f"first_cells: {name} imports {', '.join(unknown)}, which l1l2[notebooks] does not "
            "install: add it to the notebooks extra in pyproject.toml and to "
            "EXTRAS['notebooks'] in l1l2/_optional.py"
        )
    return sorted(needed, key=str.lower)


def first_cell(needed: list[str], repository: str) -> str:
    """Return the source of the install cell for a chapter that needs the modules ``needed``."""
    one_line = "NEEDED = [" + ", ".join(f'"{name}"' for name in needed) + "]"
    if len(one_line) > WIDTH:
        one_line = "NEEDED = [\n" + "".join(f'    "{name}",\n' for name in needed) + "]"
    source = TEMPLATE.format(needed=one_line, repository=repository)
    too_long = [line for line in source.splitlines() if len(line) > WIDTH]
    if too_long:
        raise SystemExit(f"first_cells: lines longer than {WIDTH} characters: {too_long}")
    return source


MYST_GLUE = "from myst_nb import glue"
OUR_GLUE = "from l1l2.book import glue"


def glue_from_l1l2(source: str) -> str:
    """Return a cell's source with myst-nb's ``glue`` import replaced by l1l2's.

    The new import goes after the cell's last ``l1l2`` import (the first-party block, where
    ruff's import sorting wants it), or where the old one was.
    """
    lines = source.split("\n")
    if MYST_GLUE not in lines:
        return source
    at = lines.index(MYST_GLUE)
    del lines[at]
    ours = [i for i, line in enumerate(lines) if line.startswith(("from l1l2 ", "import l1l2"))]
    lines.insert(ours[-1] + 1 if ours else at, OUR_GLUE)
    return "\n".join(lines)


def update_notebook(path: Path, repository: str, *, check: bool) -> bool:
    """Write the install cell of ``path`` as its first code cell; return whether it changed.

    Also moves the chapter's ``glue`` import from myst-nb to :mod:`l1l2.book`, so that a
    chapter merged from elsewhere needs no myst-nb either.
    """
    nb = nbformat.read(path, as_version=4)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if not code:
        return False
    before = [str(nb.cells[i].source) for i in code]
    for i in code:
        nb.cells[i].source = glue_from_l1l2(nb.cells[i].source)
    rest = [cell for i, cell in enumerate(nb.cells) if i > code[0]]
    nb.cells[code[0]].source = first_cell(needed_modules(rest, path.name), repository)
    changed = before != [str(nb.cells[i].source) for i in code]
    if changed and not check:
        nbformat.write(nb, path)
    return changed


def _project_urls(root: Path) -> dict[str, str]:
    with (root / "pyproject.toml").open("rb") as handle:
        urls: dict[str, str] = tomllib.load(handle)["project"]["urls"]
    return urls


def update_addresses(root: Path, wanted: dict[str, str], *, check: bool) -> list[str]:
    """Replace the addresses ``pyproject.toml`` names by those of ``_config.yml`` in its files.

    The old addresses are those of ``[project.urls]`` (``Repository``, ``Documentation``);
    every occurrence in :data:`ADDRESS_FILES` changes. Returns the files that changed.
    """
    urls = _project_urls(root)
    old = {
        "repository": urls["Repository"].rstrip("/"),
        "book": urls["Documentation"].rstrip("/") + "/",
    }
    changed = []
    for name in ADDRESS_FILES:
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = text
        for key in ("repository", "book"):
            if old[key] != wanted[key]:
                new = re.sub(re.escape(old[key]), wanted[key].replace("\\", r"\\"), new)
        if new != text:
            changed.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, check) the first cells and the addresses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "book")])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        found = notebooks(args.paths)
    except ProseNumberError as exc:
        raise SystemExit(f"first_cells: {exc}") from None
    wanted = addresses()
    stale = update_addresses(ROOT, wanted, check=args.check)
    stale += [
        str(path) for path in found if update_notebook(path, wanted["repository"], check=args.check)
    ]
    verb = "stale" if args.check else "rewrote"
    for name in stale:
        print(f"first_cells: {verb} {name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
