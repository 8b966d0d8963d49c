"""The book's own static files and templates, ahead of the theme's.

- ``book/_static`` is added to the static path (it holds the stylesheet below and the script of
  the interactive figures, :mod:`l1l2_book.vega`), and its stylesheet ``l1l2-book.css``
  (figures readable in dark mode) is linked from every page.
- ``book/_templates`` goes ahead of the theme's templates: its copies of the theme's search and
  colour-mode buttons give each button an accessible name that matches what it shows.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

BOOK = Path(__file__).resolve().parent.parent.parent
STATIC_DIR = BOOK / "_static"
TEMPLATES_DIR = BOOK / "_templates"
CSS_FILE = "l1l2-book.css"


def _add_static(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC_DIR))
    config.templates_path.insert(0, str(TEMPLATES_DIR))


def setup(app: Sphinx) -> None:
    """Register the static folder, the stylesheet and the templates."""
    app.connect("config-inited", _add_static)
    app.add_css_file(CSS_FILE)
