"""Citations that read the same in the book and in JupyterLab, checked against the bibliography.

The chapters cite a source as a plain Markdown link whose text is its author and year::

    ([Huber, 1964](references.md#cite-huber1964))     parenthetical: (Huber, 1964)
    [Huber (1964)](references.md#cite-huber1964)       in the sentence: Huber (1964)

JupyterLab (with jupyterlab-myst) has no bibliography and would show a ``{cite}`` role as its
raw key; a link reads right there as it is, and leads to ``references.md``, whose list of sources
is plain Markdown (written from ``references.bib`` by ``tools/references.py``), readable there too.
In the book, this module resolves each such link to the source's entry on the References page
(the target ``cite-<key>``), and checks it against ``references.bib``: an unknown key, a key with
no entry on the page, or a text that is not the entry's author and year (:func:`author_year`) is
a warning, so it fails the strict build.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from pybtex.richtext import Text  # type: ignore[import-untyped]  # sphinxcontrib-bibtex's own
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

#: The id of a source's entry in the bibliography, and the anchor a citation links to.
CITE_ID = "cite-{key}"
_PREFIX = CITE_ID.split("{", 1)[0]


def _plain(latex: str) -> str:
    """``latex`` as plain text: accents resolved, braces dropped."""
    return str(Text.from_latex(latex).render_as("text"))


def author_year(entry: Any) -> tuple[str, str]:
    """Return the (authors, year) a citation of ``entry`` (a pybtex entry) shows.

    One author by surname, two joined by "and", three or more as the first "et al."; the year,
    or "n.d." for a source without one.
    """
    people = entry.persons.get("author", [])
    names = [_plain(" ".join(person.prelast_names + person.last_names)) for person in people]
    authors = f"{names[0]} et al." if len(names) > 2 else " and ".join(names)
    return authors, _plain(entry.fields.get("year", "n.d."))


class CitationLinks(SphinxPostTransform):
    """Resolve ``[Author, year](references.md#cite-key)`` to the entry of ``key``, and check it."""

    default_priority = 5  # before myst-parser's resolver (9), which knows only heading anchors

    def run(self, **kwargs: Any) -> None:
        """Replace each citation link by a link to its entry, warning on a wrong key or text."""
        citations = [
            node
            for node in self.document.findall(addnodes.pending_xref)
            if node.get("reftype") == "myst" and (node.get("reftargetid") or "").startswith(_PREFIX)
        ]
        if not citations:
            return
        if "cite" not in self.env.domains:  # a book without sphinxcontrib-bibtex
            for node in citations:
                logger.warning(
                    "citation %r needs sphinxcontrib.bibtex", node.astext(), location=node
                )
            return
        entries = self.env.get_domain("cite").bibdata.data.entries  # type: ignore[attr-defined]
        labels = self.env.get_domain("std").anonlabels  # type: ignore[attr-defined]
        for node in citations:
            anchor = node["reftargetid"]
            key = anchor[len(_PREFIX) :]
            text, title = node.astext(), ""
            if key not in entries:
                logger.warning("citation of an unknown source %r: %r", key, text, location=node)
            elif anchor not in labels:
                logger.warning(
                    "citation %r: the References page has no entry %r (run tools/references.py)",
                    text,
                    anchor,
                    location=node,
                )
            else:
                title = _plain(entries[key].fields.get("title", ""))
                authors, year = author_year(entries[key])
                allowed = (f"{authors}, {year}", f"{authors} ({year})")
                if text not in allowed:
                    logger.warning(
                        "citation %r of %r should read %s",
                        text,
                        key,
                        " or ".join(map(repr, allowed)),
                        location=node,
                    )
            assert self.app.builder is not None
            inner = nodes.inline(text, "", *node[0].children, classes=["l1l2-cite"])
            target = node["reftarget"]
            link = make_refnode(self.app.builder, self.env.docname, target, anchor, inner, title)
            node.replace_self(link)


def setup(app: Sphinx) -> None:
    """Register the citation links."""
    app.add_post_transform(CitationLinks)
