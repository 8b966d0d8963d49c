"""Sphinx extension: the rendered book, complete for readers who never clone the project.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``. It does nine things:

1. Writes every inline script once. Sphinx 7.4 registers an inline script (``add_js_file(None,
   body=...)``) added after the builder starts twice, once named ``None`` and once ``''``; the
   second copy of sphinx-thebe's ``const THEBE_JS_URL = ...`` is a SyntaxError on every page
   (fixed upstream in Sphinx 8.2, which Jupyter Book 1 does not allow).
2. Serves MathJax from the book's own files: the npm package ``mathjax`` (pinned in
   ``package.json``, installed by ``npm ci``) is copied into ``_static/mathjax`` and
   ``mathjax_path`` points there, so math renders with no network at all.
3. Writes ``l1l2-notebooks.zip`` (every notebook page of the book, with a short README) at the
   root of the HTML output, adds it to the download menu of every page, and provides the role
   ``{notebooks-archive}`Download all notebooks``` that links to it from any page.
4. Adds the book's stylesheet ``book/_static/l1l2-book.css`` (figures readable in dark mode).
5. Loads the widget manager (from a CDN) only on pages that show a widget.
6. Makes the interactive figures of :mod:`l1l2.interactive` live: copies Vega, Vega-Lite and
   vega-embed (npm packages pinned in ``package.json``) into ``_static/vega``, loads them and
   ``book/_static/l1l2-interactive.js`` on the pages that hold such a figure, and shows those
   figures' HTML output rather than their PNG (which stays for non-HTML builders). Loads
   ``book/_static/l1l2-drag.js`` on the pages that hold a chart of :mod:`l1l2.drag`.
7. Puts ``book/_templates`` ahead of the theme's templates: its copies of the theme's search
   and colour-mode buttons give each button an accessible name that matches what it shows.
8. Checks every number the prose of a notebook states as a literal tied to a glue key,
   ``6.67<!-- glue l1_apple:.2f -->`` (written by ``tools/prose_numbers.py``): a literal that
   differs from the glued value stored in the notebook, formatted as stated, is a warning, so the
   strict build fails.
9. Gives the entries of the bibliography the ARIA role ``listitem``: docutils writes them as
   ``doc-biblioentry`` inside a ``role="list"``, a list without list items to a screen reader
   (axe-core's critical ``aria-required-children``).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.variables import format_plain_text
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

ARCHIVE_NAME = "l1l2-notebooks.zip"
STATIC_DIR = Path(__file__).resolve().parent.parent / "_static"
CSS_FILE = "l1l2-book.css"

# MathJax: the combined component Sphinx loads from a CDN by default, and the folders it may load
# lazily (TeX extensions such as \boldsymbol, fonts, menu, accessibility).
MATHJAX_COMPONENT = "tex-mml-chtml.js"
MATHJAX_LAZY_DIRS = ("input", "output/chtml", "ui", "a11y", "sre", "adaptors")
MATHJAX_TARGET = "mathjax"  # under _static/

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
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "_templates"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# A literal number of the prose and its glue key: ``6.67<!-- glue l1_apple:.2f -->``. The literal
# is the text before the comment back to the nearest of these characters; the same rule as in
# tools/prose_numbers.py, which writes the literals.
GLUE_COMMENT = re.compile(r"<!-- glue (?P<content>[^\n]+?) -->")
LITERAL_BOUNDARY = frozenset(" \t\r\n([{\"'“‘«=<>≈×~/–—*_|$")  # noqa: RUF001 (typographic quotes)


def _mathjax_source(app: Sphinx) -> Path:
    return Path(app.srcdir) / str(app.config.l1l2_mathjax_dir)


def _use_local_mathjax(app: Sphinx, config: Config) -> None:
    """Point ``mathjax_path`` at the copy in ``_static`` when the npm package is installed."""
    source = _mathjax_source(app)
    if (source / MATHJAX_COMPONENT).is_file():
        config.mathjax_path = f"{MATHJAX_TARGET}/{MATHJAX_COMPONENT}"
        app._l1l2_mathjax_source = source  # type: ignore[attr-defined]
        return
    app._l1l2_mathjax_source = None  # type: ignore[attr-defined]
    logger.warning(
        "MathJax not found at %s: run `npm ci` in %s so the book serves MathJax itself; "
        "the pages now load it from a CDN and show raw TeX offline.",
        source,
        app.srcdir,
        type="l1l2",
        subtype="mathjax",
    )


def _copy_mathjax(source: Path, static: Path) -> None:
    target = static / MATHJAX_TARGET
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / MATHJAX_COMPONENT, target / MATHJAX_COMPONENT)
    for sub in MATHJAX_LAZY_DIRS:
        if (source / sub).is_dir():
            shutil.copytree(source / sub, target / sub)
    for name in ("LICENSE", "package.json"):
        if (source.parent / name).is_file():
            shutil.copy2(source.parent / name, target / name)


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


def _bibliography_as_list(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Make each entry of a ``role="list"`` bibliography a ``listitem``, as the list requires."""
    body = context.get("body", "")
    if 'role="list" class="citation-list"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _archive_uri(app: Sphinx, docname: str) -> str:
    return relative_uri(app.builder.get_target_uri(docname), ARCHIVE_NAME)


def _add_archive_to_download_menu(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.format != "html":
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](ARCHIVE_NAME, 1),
                    "text": "all notebooks (.zip)",
                    "tooltip": "Download every notebook of the book",
                    "icon": "fas fa-file-zipper",
                    "label": "download-archive-button",
                }
            )


def notebooks_archive_role(  # noqa: PLR0917 (the docutils role signature)
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """Link to the archive of all notebooks: ``{notebooks-archive}`link text```."""
    env = inliner.document.settings.env
    uri = _archive_uri(env.app, env.docname)
    node = nodes.reference(rawtext, text or ARCHIVE_NAME, refuri=uri, classes=["notebooks-archive"])
    return [node], []


def _notebook_sources(app: Sphinx) -> list[Path]:
    env = app.env
    paths = [Path(env.doc2path(doc)) for doc in sorted(env.found_docs)]
    return [p for p in paths if p.suffix == ".ipynb"]


def _readme(app: Sphinx, names: list[str]) -> str:
    repo = app.config.html_theme_options.get("repository_url", "")
    lines = [
        f"{app.config.html_title}: the notebooks",
        "",
        "Open them with JupyterLab or Notebook 7. Each notebook uses the companion package",
        "l1l2; its first code cell installs it when it is missing. For the notebooks to run",
        "and read as the book does (notes and exercises as boxes, references as text), make an",
        "environment with l1l2, Jupyter and the jupyterlab-myst extension, then open them:",
        "",
        "    python -m venv l1l2-env",
        "    . l1l2-env/bin/activate          # Windows: l1l2-env\\Scripts\\activate",
        f'    python -m pip install "l1l2[notebooks] @ git+{repo}" jupyterlab jupyterlab-myst',
        "    jupyter lab                       # or: jupyter notebook",
        "",
        "Or clone the repository and run `make setup`, which builds that environment in .venv.",
        "",
        "Without jupyterlab-myst (for example in Colab or VS Code) the notebooks still run, and",
        "every number in the text is there; notes, exercises and cross-references then show as",
        "code blocks and marked-up names around readable text.",
        "",
        f"Source and issues: {repo}",
        "",
        "Notebooks:",
        *[f"  {n}" for n in names],
        "",
    ]
    return "\n".join(lines)


def _write_archive(app: Sphinx, outdir: Path) -> None:
    sources = _notebook_sources(app)
    # Paths inside the archive: relative to the folder that holds all the notebooks (book/).
    common = Path(os.path.commonpath([p.parent for p in sources])) if sources else Path()
    names = [p.relative_to(common).as_posix() for p in sources]
    folder = "l1l2-notebooks"
    target = outdir / ARCHIVE_NAME
    # Fixed timestamps: the same notebooks give the same archive, byte for byte.
    stamp = (2020, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = zipfile.ZipInfo(posixpath.join(folder, "README.txt"), stamp)
        archive.writestr(readme, _readme(app, names), compress_type=zipfile.ZIP_DEFLATED)
        for path, name in zip(sources, names, strict=True):
            info = zipfile.ZipInfo(posixpath.join(folder, name), stamp)
            archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    logger.info("[l1l2] %s: %d notebooks", ARCHIVE_NAME, len(sources))


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
    """Warn about each literal of the prose that differs from its glued value (item 6 above)."""
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


def _install_mathjax(app: Sphinx) -> None:
    # Before the pages are written, so that each page links it with its checksum (?v=...).
    source = getattr(app, "_l1l2_mathjax_source", None)
    if source is not None and app.builder.format == "html":
        _copy_mathjax(source, Path(app.outdir) / "_static")


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


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        _write_archive(app, Path(app.outdir))


def _add_static(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC_DIR))
    config.templates_path.insert(0, str(TEMPLATES_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension."""
    app.add_config_value("l1l2_mathjax_dir", "node_modules/mathjax/es5", "env")
    app.add_config_value("l1l2_node_modules", "node_modules", "env")
    app.connect("config-inited", _add_static)
    app.connect("config-inited", _use_local_mathjax)
    app.add_css_file(CSS_FILE)
    app.add_role("notebooks-archive", notebooks_archive_role)
    app.connect("html-page-context", _add_archive_to_download_menu, priority=600)
    app.connect("html-page-context", _drop_unused_widget_scripts, priority=900)
    app.connect("html-page-context", _add_interactive_scripts)
    app.connect("html-page-context", _bibliography_as_list)
    app.add_post_transform(PreferInteractiveHtml)
    app.connect("source-read", _interactive_html)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("builder-inited", _install_mathjax)
    app.connect("builder-inited", _install_vega)
    app.connect("build-finished", _finish)
    app.connect("doctree-read", _check_prose_numbers)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
