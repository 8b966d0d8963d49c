"""Every number the prose states next to a glue key, checked against the notebook's stored value.

A literal number of a notebook's prose tied to a glue key, ``6.67<!-- glue l1_apple:.2f -->``
(written by ``tools/prose_numbers.py``), that differs from the glued value stored in the
notebook, formatted as stated, is a warning, so the strict build fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from myst_nb.core.variables import format_plain_text
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

# A literal number of the prose and its glue key: ``6.67<!-- glue l1_apple:.2f -->``. The literal
# is the text before the comment back to the nearest of these characters; the same rule as in
# tools/prose_numbers.py, which writes the literals.
GLUE_COMMENT = re.compile(r"<!-- glue (?P<content>[^\n]+?) -->")
LITERAL_BOUNDARY = frozenset(" \t\r\n([{\"'“‘«=<>≈×~/–—*_|$")  # noqa: RUF001 (typographic quotes)


def _glued_values(path: Path) -> dict[str, str]:
    """The ``text/plain`` of each value glued in the stored outputs of the notebook at ``path``."""
    values: dict[str, str] = {}
    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook") or {}
            text = output.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain")
            if scrapbook and text is not None:
                values[scrapbook["name"]] = "".join(text) if isinstance(text, list) else text
    return values


def _check_prose_numbers(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about each literal of the prose that differs from its glued value (the module's job)."""
    path = Path(app.env.doc2path(app.env.docname))
    marks = [
        (node, match)
        for node in doctree.findall(nodes.raw)
        if node.get("format") == "html"
        and (match := GLUE_COMMENT.fullmatch(node.astext().strip())) is not None
    ]
    if not marks or path.suffix != ".ipynb":
        return
    values = _glued_values(path)
    for node, match in marks:
        content = match["content"]
        key, _, spec = content.rpartition(":")
        key, spec = (key, spec) if key else (content, "s")
        index = node.parent.index(node)
        before = node.parent[index - 1].astext() if index else ""
        start = len(before)
        while start > 0 and before[start - 1] not in LITERAL_BOUNDARY:
            start -= 1
        found = before[start:]
        if key not in values:
            expected = "<no such glued value in the stored outputs>"
        else:
            expected = format_plain_text(values[key], spec).replace(" ", "\u00a0")
        if found != expected:
            logger.warning(
                "the prose states %r for glue %r, but the glued value stored in the notebook "
                "formats as %r: run `python tools/prose_numbers.py %s` (after `make notebooks` "
                "if the code changed)",
                found,
                content,
                expected,
                path.name,
                location=node,
                type="l1l2",
                subtype="prose-number",
            )


def setup(app: Sphinx) -> None:
    """Register the check of the prose numbers of each page read."""
    app.connect("doctree-read", _check_prose_numbers)
