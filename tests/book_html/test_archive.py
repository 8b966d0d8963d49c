"""The notebook archive of the built book, read from the files: no browser needed.

Run after the strict build (``make browser`` runs it with the browser test, and it does not need
Chromium). ``L1L2_BOOK_HTML`` points it at another build than ``_build/html``.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = "l1l2-notebooks.zip"
REFRESH = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)


@pytest.fixture(scope="module")
def site() -> Path:
    """The built HTML; fails with a clear message when the book has not been built."""
    root = Path(os.environ.get("L1L2_BOOK_HTML", ROOT / "_build" / "html")).resolve()
    if not (root / "index.html").is_file():
        pytest.fail(f"No built book at {root} (index.html missing): run `make book` first.")
    return root


class _ArticleLinks(html.parser.HTMLParser):
    """The ``href`` of every link inside the page's ``<article>``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links += [value for name, value in attrs if name == "href" and value]

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1


def _landing(site: Path) -> str:
    """The landing page: where the root index.html leads."""
    match = REFRESH.search((site / "index.html").read_text(encoding="utf-8", errors="replace"))
    return match.group(1).strip() if match else "index.html"


def _notebook_pages(site: Path) -> list[str]:
    """The pages made from a notebook: those whose source in ``_sources`` is an ``.ipynb``."""
    sources = site / "_sources"
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(site).parts[:-1])
        and (sources / path.relative_to(site).with_suffix(".ipynb")).is_file()
    )


def test_notebook_archive_holds_every_notebook_and_is_linked_from_the_landing_page(
    site: Path,
) -> None:
    """The zip has every notebook of the book; the landing page links to it."""
    archive = site / ARCHIVE
    assert archive.is_file(), f"{ARCHIVE} missing from the build"
    with zipfile.ZipFile(archive) as handle:
        assert handle.testzip() is None
        members = handle.namelist()
        notebooks = [n for n in members if n.endswith(".ipynb")]
        for name in notebooks:
            assert json.loads(handle.read(name))["nbformat"] == 4, name
    assert "l1l2-notebooks/README.txt" in members
    expected = sorted(Path(p).with_suffix(".ipynb").name for p in _notebook_pages(site))
    assert expected, "no notebook pages in the build"
    assert sorted(Path(n).name for n in notebooks) == expected
    landing = _landing(site)
    parser = _ArticleLinks()
    parser.feed((site / landing).read_text(encoding="utf-8", errors="replace"))
    base = "http://book.invalid/"
    links = [unquote(urlsplit(urljoin(base + landing, href)).path) for href in parser.links]
    assert "/" + ARCHIVE in links, (
        f"the landing page ({landing}) does not link to {ARCHIVE}: add "
        "{notebooks-archive}`Download all notebooks` to it"
    )


def test_every_relative_link_of_an_archived_notebook_opens_a_file_of_the_archive(
    site: Path,
) -> None:
    """In JupyterLab, a notebook's link to ``glossary.md#term-x`` opens that file: it must be
    in the archive (the glossary and the references were missing: 81 links led nowhere)."""
    with zipfile.ZipFile(site / ARCHIVE) as handle:
        members = {Path(n).name: handle.read(n).decode("utf-8") for n in handle.namelist()}
    targets = {
        target
        for text in members.values()
        for target in re.findall(r"\]\(([\w.-]+\.(?:md|ipynb))(?:#[^)]*)?\)", text)
    }
    assert {"glossary.md", "references.md"} <= targets
    assert sorted(targets - set(members)) == []
