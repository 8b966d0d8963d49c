"""Interactive explorers: move a control, watch the losses and the estimate respond.

:func:`explorer` runs the book's w-estimation experiment and :func:`apple_explorer` shows how each
prediction of the apple harvest adds to the L1 and L2 totals. Each displays itself in Jupyter; its
``controls`` are ipywidgets, and setting a control's ``.value`` from code recomputes and redraws
before the assignment returns, so the explorers can be driven without a browser. Needs the
``widgets`` extra (matplotlib, ipywidgets, ipympl).
"""

from __future__ import annotations

from l1l2._optional import require
from l1l2._source import Status

try:
    from l1l2.widgets._apple import AppleExplorer, apple_explorer
    from l1l2.widgets._experiment import Explorer, explorer
except ModuleNotFoundError:  # name the package and the pip line (l1l2._optional)
    require("widgets")
    raise

__all__ = ["AppleExplorer", "Explorer", "Status", "apple_explorer", "explorer"]
