"""Write the References page's list of sources from ``references.bib``.

The chapters cite a source as a link to its entry, ``[Huber, 1964](references.md#cite-huber1964)``.
A ``{bibliography}`` directive would draw the list in the book only: JupyterLab (and any Markdown
viewer) shows a directive as its source, so a reader who follows a citation there would find no
entry. The list is therefore plain Markdown, one item per entry with the target ``cite-<key>``
that the citations link to, formatted by pybtex's ``plain`` style (as sphinxcontrib-bibtex formats
it) and written between two comment lines of ``book/references.md``.

Run it after changing ``references.bib``. ``--check`` changes nothing and exits 1 if the page is
out of date (``make lint`` runs it so).

Usage: ``python tools/references.py [--check]``
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pybtex.database  # type: ignore[import-untyped]
import pybtex.plugin  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"
PAGE = ROOT / "book" / "references.md"
BEGIN = "% The list below is written from references.bib by tools/references.py: edit the .bib."
END = "% End of the list written by tools/references.py."
#: pybtex's Markdown escapes every punctuation mark; these need no escape inside a list item
#: that starts with a name, and read better unescaped in a plain-text viewer.
_NEEDLESS_ESCAPES = re.compile(r"\\([.()\-:,'!?/&])")
#: An ``@`` before a word, outside a link's address: MyST (jupyterlab-myst) reads ``@name`` as a
#: citation and marks it as one it cannot find.
_AT_NAME = re.compile(r"(?<![\\(/\w])@(?=\w)")


def render(bib: Path = BIB) -> str:
    """The Markdown list of every entry of ``bib``, in the order of pybtex's ``plain`` style."""
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
    markdown = pybtex.plugin.find_plugin("pybtex.backends", "markdown")()
    data = pybtex.database.parse_file(bib, "bibtex")
    items = []
    for entry in style.format_bibliography(data).entries:
        text = _NEEDLESS_ESCAPES.sub(r"\1", " ".join(entry.text.render(markdown).split()))
        text = _AT_NAME.sub(r"\\@", text)
        items.append(f"- (cite-{entry.key})=\n  {text}")
    return "\n".join(items) + "\n"


def updated(page: str, listing: str) -> str:
    """``page`` with the text between its two marker lines replaced by ``listing``."""
    head, found, rest = page.partition(BEGIN + "\n")
    _, found_end, tail = rest.partition(END + "\n")
    if not (found and found_end):
        raise SystemExit(f"{PAGE.relative_to(ROOT)}: the marker lines are missing:\n{BEGIN}\n{END}")
    return f"{head}{BEGIN}\n\n{listing}\n{END}\n{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the list (or, with ``--check``, report whether it is out of date)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    check = parser.parse_args(argv).check
    page = PAGE.read_text(encoding="utf-8")
    new = updated(page, render())
    if new == page:
        return 0
    if check:
        print(f"{PAGE.relative_to(ROOT)} is out of date: run python tools/references.py")
        return 1
    PAGE.write_text(new, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
