"""The API reference page (book/api.md): one signature per function, type aliases linked.

An overloaded function (``l1l2.losses.l1`` has one overload for ``reduction="none"`` and one for
the others) would be listed once per ``@overload``, with the same docstring under each. The
implementation's signature says the same in one line, so autodoc shows that one alone.

The signatures name the package's type aliases (``ArrayLike``, ``FloatArray``, ...:
``autodoc_type_aliases`` in ``_config.yml``), each documented once on the page with
``.. py:type::``. Sphinx 7.4 looks a name in an annotation up as a class only, so a type alias
is made findable that way too.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.domains import ObjType
from sphinx.domains.python import PythonDomain
from sphinx.ext.autodoc import FunctionDocumenter
from sphinx.locale import _


class OneSignatureDocumenter(FunctionDocumenter):
    """autodoc's function documenter, showing the implementation's signature, not each overload."""

    priority = FunctionDocumenter.priority + 1

    def format_signature(self, **kwargs: Any) -> str:
        """Return the implementation's signature (autodoc would list each ``@overload``)."""
        if self.analyzer is not None:
            self.analyzer.overloads.pop(".".join(self.objpath), None)
        return str(super().format_signature(**kwargs))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the documenter (autodoc must be loaded first)."""
    app.setup_extension("sphinx.ext.autodoc")
    app.add_autodocumenter(OneSignatureDocumenter, override=True)
    PythonDomain.object_types = {
        **PythonDomain.object_types,
        "type": ObjType(_("type alias"), "type", "class", "obj"),
    }
    return {"parallel_read_safe": True, "parallel_write_safe": True}
