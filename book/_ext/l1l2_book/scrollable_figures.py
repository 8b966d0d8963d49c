"""Figure outputs that a keyboard can scroll, and that say so when they scroll.

On a phone a figure keeps a readable size and scrolls sideways inside its own box
(``l1l2-book.css``); a box that scrolls must take the keyboard's focus, or a reader without a
pointer cannot see its right-hand side (axe-core's rule ``scrollable-region-focusable``). Each
output box that holds an image gets ``tabindex="0"`` and a label naming what it holds.

Nothing else on the page tells a reader that the figure goes on past the edge of the screen, so
each such box also starts with a short hint, "scroll sideways to see the whole figure, or open it
full size", whose link opens the figure's PNG on its own (where a phone can zoom it). The
stylesheet shows the hint only while the box is narrower than the figure (a container query on
the box): on a desktop, and wherever the figure fits, it stays hidden. No script is involved.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sphinx.application import Sphinx

# The opening tag of an output box whose first child is an image (or a figure holding one),
# with the address of that image.
_FIGURE_OUTPUT = re.compile(
    r'<div class="cell_output docutils container">'
    r'(?=\s*(?:<figure\b[^>]*>\s*)?<img\b[^>]*?\ssrc="(?P<src>[^"]+)")'
)
_FOCUSABLE = (
    '<div class="cell_output docutils container" tabindex="0" role="group" '
    'aria-label="figure (scrolls sideways on a narrow screen)">'
)
#: The hint at the top of a figure's box, shown only while the figure is wider than its box.
HINT_CLASS = "l1l2-scroll-hint"
_HINT = (
    f'<p class="{HINT_CLASS}"><span aria-hidden="true">&#8644; </span>'
    "Scroll sideways to see the whole figure, or "
    '<a href="{src}">open it full size</a>.</p>'
)


def _focusable(match: re.Match[str]) -> str:
    src = html.escape(html.unescape(match["src"]), quote=True)
    return _FOCUSABLE + _HINT.replace("{src}", src)


def _focusable_figures(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Let the keyboard focus (and so scroll) every output box that holds a figure."""
    body = context.get("body")
    if body:
        context["body"] = _FIGURE_OUTPUT.sub(_focusable, body)


def setup(app: Sphinx) -> None:
    """Register the focusable figure boxes and their scroll hints."""
    app.connect("html-page-context", _focusable_figures)
