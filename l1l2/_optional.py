"""The optional dependencies of l1l2, in one table, and the error that says how to install them.

The numerical core imports only NumPy (and SciPy, for the exact L1 line). A few modules need more;
each extra of the package (``pip install 'l1l2[plot]'``) installs what some of them import. A
module that needs an extra calls :func:`require` (or catches the ``ModuleNotFoundError`` of its
imports and calls it), so that a reader without the extra gets one line naming what is missing
and the ``pip install`` command that installs it, not a bare ``No module named ...``.

``tools/first_cells.py`` reads the same table to write the first cell of every chapter: the
modules a chapter needs are those it imports, plus those of the l1l2 modules it imports.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

__all__ = ["DISTRIBUTIONS", "EXTRAS", "NEEDS", "hint", "missing", "require"]

#: The modules each extra of ``pyproject.toml`` makes importable (those the package or the
#: chapters import; a test checks the table against pyproject.toml's extras). ``notebooks`` is
#: everything the book's chapters import, and a kernel to run them.
EXTRAS: Final[dict[str, tuple[str, ...]]] = {
    "plot": ("matplotlib",),
    "widgets": ("matplotlib", "ipywidgets", "ipympl"),
    "web": ("matplotlib", "altair"),
    "notebooks": ("matplotlib", "ipywidgets", "ipympl", "altair", "IPython", "ipykernel"),
}

#: For each l1l2 module beyond the core: the extra that installs what it imports, and the
#: modules it cannot be imported without.
NEEDS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "plotting": ("plot", ("matplotlib",)),
    "widgets": ("widgets", ("matplotlib", "ipywidgets")),
    # Each chart is declared with Altair; its static fallback image is drawn by matplotlib.
    "interactive": ("web", ("matplotlib", "altair")),
    "book": ("notebooks", ("IPython",)),
}

#: The distribution (the name ``pip install`` takes) of a module, where the two differ.
DISTRIBUTIONS: Final[dict[str, str]] = {"IPython": "ipython"}


def missing(module: str) -> list[str]:
    """Return the modules that ``l1l2.<module>`` needs and this environment lacks.

    Parameters
    ----------
    module : str
        A key of :data:`NEEDS`, e.g. ``"plotting"``.

    Returns
    -------
    list of str
        The missing modules, in the order of :data:`NEEDS`; empty when all are there.

    Examples
    --------
    >>> missing("plotting")  # the tests run with matplotlib
    []

    """
    return [name for name in NEEDS[module][1] if find_spec(name) is None]


def hint(module: str, absent: list[str]) -> str:
    """Return the one-line message for ``l1l2.<module>`` when the modules ``absent`` are missing.

    Examples
    --------
    >>> print(hint("plotting", ["matplotlib"]))
    l1l2.plotting needs matplotlib, which is not installed: pip install 'l1l2[plot]'

    """
    extra = NEEDS[module][0]
    names = " and ".join(DISTRIBUTIONS.get(name, name) for name in absent)
    verb = "is" if len(absent) == 1 else "are"
    return f"l1l2.{module} needs {names}, which {verb} not installed: pip install 'l1l2[{extra}]'"


def require(module: str) -> None:
    """Raise ``ModuleNotFoundError`` with an install hint if ``l1l2.<module>`` lacks a module.

    Called while ``l1l2.<module>`` is imported, before (or instead of) its first import of an
    optional dependency. Does nothing when every needed module is there.

    Raises
    ------
    ModuleNotFoundError
        A subclass of ``ImportError``, whose ``name`` is the first missing module and whose
        message names every missing one and the ``pip install`` line of the extra.

    Examples
    --------
    >>> require("plotting")  # nothing happens: matplotlib is installed

    """
    absent = missing(module)
    if absent:
        raise ModuleNotFoundError(hint(module, absent), name=absent[0]) from None
