"""``l1l2.book.glue`` stores exactly what myst-nb's ``glue`` stores, without myst-nb."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import matplotlib.pyplot as plt
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.pylabtools import select_figure_formats
from IPython.utils.capture import capture_output

from l1l2 import book

myst_nb = pytest.importorskip("myst_nb")


@pytest.fixture(autouse=True)
def shell() -> Iterator[InteractiveShell]:
    """An IPython shell for display() to publish through, as in a kernel; gone after the test."""
    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()


def _outputs(glue: Any, name: str, value: object, **options: Any) -> list[tuple[Any, Any]]:
    with capture_output() as captured:
        glue(name, value, **options)
    return [(output.data, output.metadata) for output in captured.outputs]


@pytest.mark.parametrize(
    ("value", "options"),
    [
        (6.67, {"display": False}),
        (50, {}),
        ("1.25 apples", {"display": False}),
    ],
)
def test_glue_writes_what_myst_nb_writes(value: object, options: dict[str, bool]) -> None:
    ours = _outputs(book.glue, "number", value, **options)
    assert ours == _outputs(myst_nb.glue, "number", value, **options)
    assert ours[0][1]["scrapbook"]["name"] == "number"


def test_glued_figure_is_the_same_png(shell: InteractiveShell) -> None:
    select_figure_formats(shell, {"png"})  # as the inline backend does
    figure, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    try:
        ours = _outputs(book.glue, "fig", figure, display=False)
        theirs = _outputs(myst_nb.glue, "fig", figure, display=False)
    finally:
        plt.close(figure)
    assert ours == theirs
    assert f"{book.GLUE_PREFIX}image/png" in ours[0][0]
