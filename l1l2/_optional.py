"""The optional dependencies of l1l2, in one table, and the error that says how to install them.

A module that needs an extra (``pip install 'l1l2[plot]'``) calls :func:`require` when its
imports fail, so that a reader without the extra gets one line naming what is missing and the
``pip install`` command that installs it. ``tools/first_cells.py`` reads the same table to write
the first cell of every chapter.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

__all__ = ["DISTRIBUTIONS", "EXTRAS", "NEEDS", "hint", "missing", "require"]

#: The modules each extra of ``pyproject.toml`` makes importable (a test checks the table against
#: pyproject.toml). ``notebooks`` is everything the chapters import, and a kernel to run them.
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
    """Return the modules that ``l1l2.<module>`` (a key of :data:`NEEDS`) needs and lacks.

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
    """Raise ``ModuleNotFoundError`` with the install hint if ``l1l2.<module>`` lacks a module.

    The error's ``name`` is the first missing module. Does nothing when every one is there.

    Examples
    --------
    >>> require("plotting")  # nothing happens: matplotlib is installed
    """
    absent = missing(module)
    if absent:
        raise ModuleNotFoundError(hint(module, absent), name=absent[0]) from None
