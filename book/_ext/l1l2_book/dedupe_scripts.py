"""Every script written once per page.

Sphinx 7.4 registers an inline script (``add_js_file(None, body=...)``) added after the builder
starts twice, once named ``None`` and once ``''``; the second copy of sphinx-thebe's
``const THEBE_JS_URL = ...`` is a SyntaxError on every page (fixed upstream in Sphinx 8.2, which
Jupyter Book 1 does not allow).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop the second copy of each script (same file or same inline body) from the page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for js in scripts:
        filename = getattr(js, "filename", js) or ""
        attributes = getattr(js, "attributes", {})
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def setup(app: Sphinx) -> None:
    """Register the removal of the second copy of each script."""
    app.connect("html-page-context", _dedupe_scripts, priority=900)
