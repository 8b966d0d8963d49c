"""MathJax served from the book's own files, so math renders with no network at all.

The npm package ``mathjax`` (pinned in ``package.json``, installed by ``npm ci``) is copied into
``_static/mathjax`` and ``mathjax_path`` points there. Without it the build warns (so the strict
build fails) and the pages load MathJax from a CDN.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

# The combined component Sphinx loads from a CDN by default, and the folders it may load lazily
# (TeX extensions such as \boldsymbol, fonts, menu, accessibility).
MATHJAX_COMPONENT = "tex-mml-chtml.js"
MATHJAX_LAZY_DIRS = ("input", "output/chtml", "ui", "a11y", "sre", "adaptors")
MATHJAX_TARGET = "mathjax"  # under _static/


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


def _install_mathjax(app: Sphinx) -> None:
    # Before the pages are written, so that each page links it with its checksum (?v=...).
    source = getattr(app, "_l1l2_mathjax_source", None)
    if source is not None and app.builder.format == "html":
        _copy_mathjax(source, Path(app.outdir) / "_static")


def setup(app: Sphinx) -> None:
    """Register the setting ``l1l2_mathjax_dir`` and the copy of MathJax."""
    app.add_config_value("l1l2_mathjax_dir", "node_modules/mathjax/es5", "env")
    app.connect("config-inited", _use_local_mathjax)
    app.connect("builder-inited", _install_mathjax)
