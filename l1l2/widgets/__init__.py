"""Interactive explorers: move a control, watch the losses and the estimate respond.

:func:`explorer` runs the book's w-estimation experiment (:func:`l1l2.gd.fit` on
:func:`l1l2.data.linear`) and redraws its two panels whenever a control changes;
:func:`apple_explorer` shows how each prediction of the apple harvest adds to the L1 and L2 totals.

Both return an object that displays itself in Jupyter (JupyterLab or Notebook 7). Its
``controls`` are ordinary ipywidgets: setting a control's ``.value`` from code recomputes and
redraws before the assignment returns, so the explorers can be driven and tested without a browser.
A change never builds a new figure: it updates the data of the existing lines and bars, rescales
the axes, and asks the canvas to redraw.

The package has three small modules: ``_canvas`` (where the figure lives: a live ipympl canvas in
a Jupyter kernel, an Agg canvas shown as a PNG elsewhere; controls that keep the value they are
given), ``_experiment`` (the experiment explorer) and ``_apple`` (the apple explorer).

This package needs the ``widgets`` extra (matplotlib, ipywidgets, ipympl); the numerical core of
:mod:`l1l2` never imports it.
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
