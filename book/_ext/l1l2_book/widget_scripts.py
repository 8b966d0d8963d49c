"""The widget manager (from a CDN) loaded only on pages that show a widget.

myst-nb adds it, with the saved widget state, to every page of a notebook that stored widget
state, even when the book hides every widget output of that notebook.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_unused_widget_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load the widget manager (from a CDN) only on pages that show a widget.

    myst-nb adds it, with the saved widget state, to every page of a notebook that stored widget
    state, even when the book hides every widget output of that notebook.
    """
    scripts = context.get("script_files")
    if not scripts or WIDGET_VIEW in context.get("body", ""):
        return
    widget_js = set(getattr(app.config, "nb_ipywidgets_js", {}) or {})
    scripts[:] = [
        js
        for js in scripts
        if getattr(js, "filename", js) not in widget_js
        and getattr(js, "attributes", {}).get("type") != WIDGET_STATE
    ]


def setup(app: Sphinx) -> None:
    """Register the removal of the widget scripts from the pages without a widget."""
    app.connect("html-page-context", _drop_unused_widget_scripts, priority=900)
