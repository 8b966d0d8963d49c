"""Sphinx extension: the rendered book, complete for readers who never clone the project.

Loaded through ``sphinx: local_extensions`` in ``_config.yml`` (the package ``l1l2_book`` in
``book/_ext``). One module per job, each registered by its own ``setup(app)``:

- :mod:`~l1l2_book.static_files`: the book's ``_static`` folder and its stylesheet
  ``l1l2-book.css`` (figures readable in dark mode), and ``book/_templates`` ahead of the theme's
  templates (its search and colour-mode buttons get an accessible name that matches what they
  show).
- :mod:`~l1l2_book.mathjax`: MathJax served from the book's own files, so math renders offline.
- :mod:`~l1l2_book.archive`: ``l1l2-notebooks.zip`` of every notebook with a README, in the
  download menu of every page and behind the role ``{notebooks-archive}`Download all notebooks```.
- :mod:`~l1l2_book.widget_scripts`: the widget manager loaded only on pages that show a widget.
- :mod:`~l1l2_book.vega`: the interactive figures of :mod:`l1l2.interactive` made live with Vega
  served from the book's own files.
- :mod:`~l1l2_book.bibliography`: author-year citation links resolved to (and checked against)
  the bibliography's entries, and those entries as list items for screen readers.
- :mod:`~l1l2_book.label_links`: links to a section's or a figure's label in a chapter,
  ``[words](03-estimating-w.ipynb#why-abs-l1-hops)``, resolved to (and checked against) the label.
- :mod:`~l1l2_book.scrollable_figures`: figure outputs that a keyboard can scroll on a phone,
  with a hint shown while the figure is wider than its box.
- :mod:`~l1l2_book.dedupe_scripts`: every inline script written once per page.
- :mod:`~l1l2_book.prose_numbers`: every number the prose states next to a glue key checked
  against the glued value stored in the notebook (a difference fails the strict build).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from l1l2_book import (
    archive,
    bibliography,
    dedupe_scripts,
    label_links,
    mathjax,
    prose_numbers,
    scrollable_figures,
    static_files,
    vega,
    widget_scripts,
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register every job of the extension."""
    for job in (
        static_files,
        mathjax,
        archive,
        widget_scripts,
        vega,
        bibliography,
        label_links,
        scrollable_figures,
        dedupe_scripts,
        prose_numbers,
    ):
        job.setup(app)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
