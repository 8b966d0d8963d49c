"""What the tests that read the whole repository share: its scripts loaded as modules, and a
small book's configuration and strict build.

The tools (``tools/*.py``) and the book's extension (``book/_ext/l1l2_book/*.py``) are files, not
packages on the path; a test loads one by its path. Not in the sdist, as the tests that use it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
#: The longest a small book's Sphinx build may take, in seconds.
BUILD_TIMEOUT_S = 600


def load(name: str, path: Path) -> ModuleType:
    """Import the file ``path`` as the module ``name`` (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# A small book's Sphinx configuration: the notebooks as stored, with the book's extension.
_CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "l1l2_book"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
suppress_warnings = ["l1l2.mathjax", "l1l2.vega"]
"""


def write_conf(folder: Path) -> None:
    """Write the ``conf.py`` of a small book in ``folder``, built with the book's extension."""
    ext = ROOT / "book" / "_ext"
    (folder / "conf.py").write_text(_CONF.format(ext=str(ext)), encoding="utf-8")


def strict_build(folder: Path) -> subprocess.CompletedProcess[str]:
    """Build the small Sphinx book in ``folder`` as the book is built: any warning fails it."""
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    return subprocess.run(
        [*command, str(folder), str(folder / "_build")],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
