"""Links to a labelled target that read the same in the book and in JupyterLab, checked.

The chapters link to a section or a figure, of another chapter or their own, with a plain Markdown
link to the notebook and the target's label, in words that are true wherever it is read::

    [Abs L1: equal steps, then hopping](03-estimating-w.ipynb#why-abs-l1-hops)   a (label)= target
    [the figure below](08-huber.ipynb#fig-08-huber)                             a figure's name
    [leverage](glossary.md#term-leverage)                                       a glossary term

JupyterLab (with jupyterlab-myst) knows neither the other notebooks' targets, nor the names of
figures (myst-nb's ``mystnb.figure.name`` in a code cell's metadata), nor the glossary: a
``{ref}`` or ``{numref}`` role shows a "Cross Reference Not Found" warning and the bare label
there, and a ``{term}`` a link that leads nowhere, while a link with a path is a link to a file,
which opens the chapter or the glossary. In the book, myst-parser resolves
``file#anchor`` only against the headings of that file and warns on any other anchor. This module
resolves each such link to the label's page and id first, and warns, so that the strict build
fails, when the label does not exist, when it is in another file than the one the link names, or
when the link has no words. Heading anchors (``file#a-heading-slug``) are left to myst-parser,
and citations (``references.md#cite-key``) to :mod:`~l1l2_book.bibliography`.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from l1l2_book.bibliography import CITE_ID

logger = logging.getLogger(__name__)

_CITE_PREFIX = CITE_ID.split("{", 1)[0]


class LabelLinks(SphinxPostTransform):
    """Resolve ``[words](chapter.ipynb#label)`` to the target ``label``, and check it."""

    default_priority = 5  # before myst-parser's resolver (9), which knows only heading anchors

    def _is_label_link(self, node: addnodes.pending_xref) -> bool:
        """A link to a document and an anchor that is neither a heading slug nor a citation."""
        if node.get("reftype") != "myst" or node.get("refdomain") != "doc":
            return False
        anchor, docname = node.get("reftargetid") or "", node.get("reftarget", "")
        if not anchor or anchor.startswith(_CITE_PREFIX):
            return False
        slugs = self.env.metadata.get(docname, {}).get("myst_slugs", {})
        return anchor not in slugs

    def run(self, **kwargs: Any) -> None:
        """Replace each label link by a link to its target, warning on a wrong label or file."""
        links = [n for n in self.document.findall(addnodes.pending_xref) if self._is_label_link(n)]
        if not links:
            return
        std = self.env.get_domain("std")
        labels = dict(std.anonlabels)  # type: ignore[attr-defined]
        # A glossary term's entry, by its id on the page (term-<term>, as Sphinx writes it).
        for (kind, _), entry in std.objects.items():  # type: ignore[attr-defined]
            if kind == "term":
                labels.setdefault(entry[1], (entry[0], entry[1]))
        assert self.app.builder is not None
        for node in links:
            text, docname, label = node.astext(), node["reftarget"], node["reftargetid"]
            where = labels.get(label)
            kind = "std-term" if label.startswith("term-") else "std-ref"
            inner = nodes.inline(text, "", *node[0].children, classes=["std", kind])
            if where is None:
                logger.warning(
                    "link %r to an unknown label %r (no (label)= target, figure name or term)",
                    text,
                    label,
                    location=node,
                )
                node.replace_self(inner)
                continue
            if where[0] != docname:
                logger.warning(
                    "link %r names %r, but the label %r is in %r",
                    text,
                    docname,
                    label,
                    where[0],
                    location=node,
                )
            if not text.strip():
                logger.warning(
                    "link to the label %r has no words (the reader sees nothing)",
                    label,
                    location=node,
                )
            refdoc = node.get("refdoc", self.env.docname)
            node.replace_self(make_refnode(self.app.builder, refdoc, where[0], where[1], inner))


def setup(app: Sphinx) -> None:
    """Register the label links."""
    app.add_post_transform(LabelLinks)
