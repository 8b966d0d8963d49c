"""What the book's notebooks need besides figures: :func:`glue`, a value handed to the prose.

The book states numbers in its sentences from the code (``{glue:text}`` in MyST). The value is
stored by myst-nb's ``glue`` as an output of the cell that computes it; the book's build, and
``tools/prose_numbers.py``, read it from there. That function is four lines that need only
IPython, but importing it from ``myst_nb`` needs myst-nb, and with it Sphinx, docutils,
myst-parser and jupyter-cache, in every environment that runs a chapter. :func:`glue` writes the
same output (a test checks it byte for byte against myst-nb's), so the chapters run wherever
IPython does: on Colab, on Binder, or in a reader's environment with ``l1l2[notebooks]``.
"""

from __future__ import annotations

from typing import Final

from l1l2._optional import require

try:
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipython_display
except ModuleNotFoundError:  # name the package and the pip line (l1l2._optional)
    require("book")
    raise

__all__ = ["GLUE_PREFIX", "glue"]

#: The prefix of the mime types of a value glued with ``display=False``: Jupyter shows nothing
#: for them, and myst-nb finds the value by them (myst-nb's ``GLUE_PREFIX``).
GLUE_PREFIX: Final = "application/papermill.record/"


def glue(name: str, variable: object, display: bool = True) -> None:
    """Store ``variable`` under ``name`` in the cell's output, for ``{glue}`` in the prose.

    The same as ``myst_nb.glue``, without needing myst-nb installed.

    Parameters
    ----------
    name : str
        The name the prose uses, e.g. ``{glue:text}`` ``l1_apple:.2f``. Unique in a notebook.
    variable : object
        The value: its display forms (``text/plain``, and ``image/png`` for a figure) are stored.
        Glue a Python ``float`` or ``int``, not a NumPy scalar: ``{glue:text}`` formats the
        stored ``text/plain``, and ``np.float64(0.125)`` is not a number there.
    display : bool, optional
        Whether the cell also shows the value (default ``True``, as myst-nb's).

    Examples
    --------
    >>> glue("answer", 42, display=False)  # in a notebook: stored in the output, not shown

    """
    bundle, metadata = format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipython_display(
        {prefix + kind: value for kind, value in bundle.items()}, raw=True, metadata=metadata
    )
