"""Figure outputs that a keyboard can scroll.

On a phone a figure keeps a readable size and scrolls sideways inside its own box
(``l1l2-book.css``); a box that scrolls must take the keyboard's focus, or a reader without a
pointer cannot see its right-hand side (axe-core's rule ``scrollable-region-focusable``). Each
output box that holds an image gets ``tabindex="0"`` and a label naming what it holds.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

# The opening tag of an output box whose first child is an image (or a figure holding one).
_FIGURE_OUTPUT = re.compile(r'<div class="cell_output docutils container">(?=\s*<(?:img|figure)\b)')
_FOCUSABLE = (
    '<div class="cell_output docutils container" tabindex="0" role="group" '
    'aria-label="figure (scrolls sideways on a narrow screen)">'
)


def _focusable_figures(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Let the keyboard focus (and so scroll) every output box that holds a figure."""
    body = context.get("body")
    if body:
        context["body"] = _FIGURE_OUTPUT.sub(_FOCUSABLE, body)


def setup(app: Sphinx) -> None:
    """Register the focusable figure boxes."""
    app.connect("html-page-context", _focusable_figures)
