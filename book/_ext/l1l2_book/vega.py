"""The interactive figures of :mod:`l1l2.interactive`, live in the HTML pages.

Copies Vega, Vega-Lite and vega-embed (npm packages pinned in ``package.json``) into
``_static/vega``, loads them and ``book/_static/l1l2-interactive.js`` on the pages that hold such
a figure, and shows those figures' HTML output rather than their PNG (which stays for non-HTML
builders). A notebook stores each figure as a Vega-Lite v5 mime bundle (what JupyterLab draws);
the HTML the page shows is rebuilt from it when the page is read. Loads
``book/_static/l1l2-drag.js`` on the pages that hold a chart of :mod:`l1l2.drag`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Interactive figures (l1l2.interactive): the marker class of their HTML output, and the scripts
# that draw them, from npm (in this order: vega-lite needs vega, vega-embed needs both).
INTERACTIVE_CLASS = "l1l2-interactive"
INTERACTIVE_JS = "l1l2-interactive.js"
DRAG_CLASS = "l1l2-drag"  # l1l2.drag: points to drag, computed on the page
DRAG_JS = "l1l2-drag.js"
VEGA_TARGET = "vega"  # under _static/
VEGA_FILES = (
    ("vega", "build/vega.min.js"),
    ("vega-lite", "build/vega-lite.min.js"),
    ("vega-embed", "build/vega-embed.min.js"),
)


def _vega_sources(app: Sphinx) -> list[Path]:
    modules = Path(app.srcdir) / str(app.config.l1l2_node_modules)
    return [modules / package / path for package, path in VEGA_FILES]


def _install_vega(app: Sphinx) -> None:
    """Copy Vega, Vega-Lite and vega-embed (with their licences) into ``_static/vega``."""
    if app.builder.format != "html":
        return
    sources = _vega_sources(app)
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        logger.warning(
            "Vega not found (%s): run `npm ci` in %s; the interactive figures show their "
            "static image only.",
            ", ".join(missing),
            app.srcdir,
            type="l1l2",
            subtype="vega",
        )
        return
    target = Path(app.outdir) / "_static" / VEGA_TARGET
    target.mkdir(parents=True, exist_ok=True)
    for (package, _), source in zip(VEGA_FILES, sources, strict=True):
        shutil.copy2(source, target / source.name)
        licence = source.parents[1] / "LICENSE"
        if licence.is_file():
            shutil.copy2(licence, target / f"{package}.LICENSE")


def _add_interactive_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load Vega and the figures' script on the pages that hold an interactive figure only."""
    if f'class="{DRAG_CLASS}"' in context.get("body", ""):
        app.add_js_file(DRAG_JS, priority=600, defer="defer")
    if f'class="{INTERACTIVE_CLASS}"' not in context.get("body", ""):
        return
    # Deferred scripts run in document order, after the page is parsed.
    for _, path in VEGA_FILES:
        app.add_js_file(f"{VEGA_TARGET}/{Path(path).name}", priority=600, defer="defer")
    app.add_js_file(INTERACTIVE_JS, priority=600, defer="defer")


def _interactive_html(app: Sphinx, docname: str, source: list[str]) -> None:
    """Give each interactive figure's stored output the HTML the book shows, in place of its spec.

    A notebook stores the figure as a Vega-Lite mime bundle with a PNG (what JupyterLab draws,
    which would show HTML instead); the page needs the HTML of ``InteractiveFigure.to_html``.
    """
    if '"l1l2_interactive"' not in source[0]:
        return
    from l1l2.interactive import VEGA_LITE_MIME, InteractiveFigure  # noqa: PLC0415

    notebook = json.loads(source[0])
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            if "l1l2_interactive" in output.get("metadata", {}):
                figure = InteractiveFigure.from_bundle(output["data"], output["metadata"])
                output["data"]["text/html"] = figure.to_html()
                del output["data"][VEGA_LITE_MIME]
    source[0] = json.dumps(notebook)


class PreferInteractiveHtml(SphinxPostTransform):
    """Show an interactive figure's HTML in HTML output, and its PNG everywhere else.

    The figure's mime bundle holds both; the book ranks PNG above HTML (for ipympl figures,
    whose PNG carries the alt text), so without this the HTML pages would show the PNG too.
    Runs just before myst-nb's ``SelectMimeType``, on HTML builders only.
    """

    default_priority = 3
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Drop the other outputs of each mime bundle whose HTML is an interactive figure."""
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            html: list[nodes.Node] = [
                child
                for child in bundle.children
                if isinstance(child, nodes.Element)
                and child.get("mime_type") == "text/html"
                and f'class="{INTERACTIVE_CLASS}"' in child.astext()
            ]
            if html:
                bundle.children = html


def setup(app: Sphinx) -> None:
    """Register the setting ``l1l2_node_modules``, the copy of Vega and the figures' scripts."""
    app.add_config_value("l1l2_node_modules", "node_modules", "env")
    app.connect("html-page-context", _add_interactive_scripts)
    app.add_post_transform(PreferInteractiveHtml)
    app.connect("source-read", _interactive_html)
    app.connect("builder-inited", _install_vega)
