"""What the book's notebooks need besides figures: :func:`glue`, a value handed to the prose.

The book states numbers in its sentences from the code (``{glue:text}`` in MyST). myst-nb's
``glue`` would bring Sphinx and more into every environment that runs a chapter; :func:`glue`
writes the same output (a test checks it byte for byte) with IPython alone, so the chapters run
on Colab, on Binder, or wherever ``l1l2[notebooks]`` is installed.
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
    """Store ``variable`` under ``name`` in the cell's output, as ``myst_nb.glue`` does.

    Parameters
    ----------
    name : str
        The name the prose uses, e.g. ``{glue:text}`` ``l1_apple:.2f``. Unique in a notebook.
    variable : object
        The value. Glue a Python ``float`` or ``int``, not a NumPy scalar: ``{glue:text}``
        formats the stored ``text/plain``, and ``np.float64(0.125)`` is not a number there.
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
