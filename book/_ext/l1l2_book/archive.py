"""The archive of every notebook of the book, for readers who want to run them.

Writes ``l1l2-notebooks.zip`` (every notebook page of the book, the Markdown pages their links
open, and a short README) at the root
of the HTML output, adds it to the download menu of every page, and provides the role
``{notebooks-archive}`Download all notebooks``` that links to it from any page.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

ARCHIVE_NAME = "l1l2-notebooks.zip"


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
    """The notebooks, then the Markdown pages that their links open.

    The glossary and the references: in JupyterLab, a link to a page missing from the archive
    leads nowhere.
    """
    env = app.env
    paths = [Path(env.doc2path(doc)) for doc in sorted(env.found_docs)]
    notebooks = [p for p in paths if p.suffix == ".ipynb"]
    linked = {
        name
        for path in notebooks
        for name in re.findall(r"\]\(([\w.-]+\.md)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))
    }
    return notebooks + [p for p in paths if p.suffix == ".md" and p.name in linked]


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
        "Notebooks, and the pages their links open:",
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
    logger.info("[l1l2] %s: %d notebooks and pages", ARCHIVE_NAME, len(sources))


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        _write_archive(app, Path(app.outdir))


def setup(app: Sphinx) -> None:
    """Register the role, the download-menu entry and the archive's writing."""
    app.add_role("notebooks-archive", notebooks_archive_role)
    app.connect("html-page-context", _add_archive_to_download_menu, priority=600)
    app.connect("build-finished", _finish)
