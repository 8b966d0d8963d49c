"""The repository's own scripts, loaded as modules by the tests that read the whole repository.

The tools (``tools/*.py``) and the book's extension (``book/_ext/l1l2_book/*.py``) are files, not
packages on the path; a test loads one by its path. Not in the sdist, as the tests that use it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load(name: str, path: Path) -> ModuleType:
    """Import the file ``path`` as the module ``name`` (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
