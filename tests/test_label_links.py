"""Cross-references that read right in the book and in JupyterLab, and the check that says so.

jupyterlab-myst cannot resolve a ``{ref}`` or ``{numref}`` role to another notebook's target or to
a figure named in a code cell's metadata: it shows a "Cross Reference Not Found" warning and the
bare label. So the chapters link to a labelled target with a Markdown link to its notebook,
``[words](03-estimating-w.ipynb#why-abs-l1-hops)``, a link to a file in JupyterLab, resolved to the
target in the book by ``book/_ext/l1l2_book/label_links.py``; a glossary term likewise, with
``[leverage](glossary.md#term-leverage)`` (a ``{term}`` role is a link to nowhere there). These
tests check that no such role is left, that every link names a label of the notebook it names or
a term of the glossary, and that the strict build fails on a link to a label that is missing or in
another file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from repo_files import strict_build, write_conf

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))

# Roles that only a full Sphinx build resolves: jupyterlab-myst shows their label with a warning
# (a bare label) or a link that goes nowhere (a label with words).
UNRESOLVED_ROLES = re.compile(r"\{(?:[a-z]+:)?(?:ref|numref|eq|any|myst|label|term)\}`[^`]*`")
LABEL_LINK = re.compile(r"\]\((?P<notebook>\d\d-[\w-]+\.ipynb)#(?P<label>[^)\s]+)\)")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$", re.MULTILINE)
TERM_LINK = re.compile(r"\]\(glossary\.md#term-(?P<term>[^)\s]+)\)")
# The glossary's terms: the unindented lines of its {glossary} block.
GLOSSARY = (BOOK / "glossary.md").read_text(encoding="utf-8")
TERMS = set(
    re.findall(r"^([^\s`%].*)$", GLOSSARY.split("```{glossary}", 1)[1].split("```", 1)[0], re.M)
)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def labels_of(path: Path) -> set[str]:
    """The labels a link can name in the notebook at ``path``: its targets and figure names."""
    labels = set()
    for cell in _cells(path):
        if cell["cell_type"] == "markdown":
            labels |= {m["label"] for m in TARGET.finditer(_source(cell))}
        elif cell["cell_type"] == "code":
            mystnb = cell.get("metadata", {}).get("mystnb", {})
            for name in (mystnb.get("figure", {}).get("name"), mystnb.get("name")):
                if name:
                    labels.add(name)
    return labels


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_role_that_jupyterlab_cannot_resolve(notebook: Path) -> None:
    found = [
        f"cell {cell.get('id')}: {match.group()}"
        for cell in _cells(notebook)
        if cell["cell_type"] == "markdown"
        for match in UNRESOLVED_ROLES.finditer(_source(cell))
    ]
    assert not found, (
        "use a link [words](NN-chapter.ipynb#label) or [term](glossary.md#term-term) instead:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_label_link_names_a_label_of_its_notebook(notebook: Path) -> None:
    wrong = []
    for cell in _cells(notebook):
        if cell["cell_type"] != "markdown":
            continue
        for match in LABEL_LINK.finditer(_source(cell)):
            target = BOOK / match["notebook"]
            if not target.is_file():
                wrong.append(f"cell {cell.get('id')}: {match.group()}: no such notebook")
            elif match["label"] not in labels_of(target):
                wrong.append(f"cell {cell.get('id')}: {match.group()}: no such label there")
    assert not wrong, "\n".join(wrong)


def test_every_glossary_link_names_a_term_of_the_glossary() -> None:
    links = [
        m["term"]
        for notebook in NOTEBOOKS
        for cell in _cells(notebook)
        if cell["cell_type"] == "markdown"
        for m in TERM_LINK.finditer(_source(cell))
    ]
    assert len(links) >= 30  # the chapters link to the glossary where a term first appears
    # Sphinx writes a term's id as term-<the term, its spaces as hyphens>.
    ids = {term.replace(" ", "-") for term in TERMS}
    assert {"leverage", "Huber-loss", "MAE"} <= ids
    assert sorted(set(links) - ids) == []


def test_the_book_links_to_labels() -> None:
    """The checks above read something: the chapters do link to sections and figures."""
    links = [
        m
        for notebook in NOTEBOOKS
        for cell in _cells(notebook)
        if cell["cell_type"] == "markdown"
        for m in LABEL_LINK.finditer(_source(cell))
    ]
    assert len(links) >= 20
    assert {"why-abs-l1-hops", "fig-noise-large"} <= {m["label"] for m in links}


@pytest.mark.parametrize(
    "text",
    [
        "see {ref}`why-abs-l1-hops`.",
        "in {numref}`fig-08-huber`",
        "({ref}`chapter 4 <l2-cycle>`)",
        "its {term}`leverage`",
    ],
)
def test_the_role_check_bites(text: str) -> None:
    assert UNRESOLVED_ROLES.search(text)


def test_the_role_check_lets_links_and_other_roles_pass() -> None:
    text = "{doc}`Huber <08-huber>`, [MAE](glossary.md#term-MAE), [ch 4](04-noise.ipynb#l2-cycle)"
    assert not UNRESOLVED_ROLES.search(text)


# A small book for the extension: two chapters, one with a labelled section and one with a named
# figure, built strictly with the book's extension.
# One pixel, as a PNG.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAh"
    "KmMIQAAAABJRU5ErkJggg=="
)
LINKS = (
    "[The figure below](one.ipynb#fig-dot) shows a dot; "
    "[A labelled section](two.ipynb#a-section) says more."
)


def _notebook(cells: list[dict]) -> str:
    metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4})


def _small_book(folder: Path, links: str) -> None:
    folder.mkdir()
    write_conf(folder)
    (folder / "index.md").write_text(
        "# Small book\n\n```{toctree}\none\ntwo\n```\n", encoding="utf-8"
    )
    figure = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {"mystnb": {"figure": {"name": "fig-dot", "caption": "A dot."}}},
        "outputs": [
            {
                "output_type": "display_data",
                "data": {"image/png": PIXEL, "text/plain": ["<dot>"]},
                "metadata": {},
            }
        ],
        "source": "draw()",
    }
    prose = {"cell_type": "markdown", "metadata": {}, "source": f"# One\n\n{links}\n"}
    (folder / "one.ipynb").write_text(_notebook([prose, figure]), encoding="utf-8")
    section = "# Two\n\n(a-section)=\n## A labelled section\n\nIt says more.\n"
    (folder / "two.ipynb").write_text(
        _notebook([{"cell_type": "markdown", "metadata": {}, "source": section}]),
        encoding="utf-8",
    )


def test_strict_build_resolves_label_links(tmp_path: Path) -> None:
    _small_book(tmp_path / "book", LINKS)
    result = strict_build(tmp_path / "book")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "book" / "_build" / "one.html").read_text(encoding="utf-8")
    assert re.search(r'href="#fig-dot"[^>]*>.*?The figure below', page, re.S), page
    assert re.search(r'href="two.html#a-section"[^>]*>.*?A labelled section', page, re.S), page


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ("two.ipynb#no-such-section", "to an unknown label 'no-such-section'"),
        ("one.ipynb#a-section", "names 'one', but the label 'a-section' is in 'two'"),
    ],
)
def test_strict_build_fails_on_a_wrong_label_link(tmp_path: Path, wrong: str, message: str) -> None:
    _small_book(tmp_path / "book", LINKS.replace("two.ipynb#a-section", wrong))
    result = strict_build(tmp_path / "book")
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
