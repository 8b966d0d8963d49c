"""The entries of the bibliography as list items, for screen readers.

docutils writes them as ``doc-biblioentry`` inside a ``role="list"``: a list without list items
to a screen reader (axe-core's critical ``aria-required-children``). Each entry gets the ARIA
role ``listitem``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _bibliography_as_list(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Make each entry of a ``role="list"`` bibliography a ``listitem``, as the list requires."""
    body = context.get("body", "")
    if 'role="list" class="citation-list"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> None:
    """Register the rewrite of the bibliography's roles."""
    app.connect("html-page-context", _bibliography_as_list)
