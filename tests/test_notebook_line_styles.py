"""Every line the chapters draw in a loss's colour also takes that loss's line style.

The loss table (:mod:`l1l2.vocabulary`) gives each loss a colour and a line style, so that the
lines differ without colour too. A chapter's own code cell that draws a line with
``color=plotting.color_for(K)`` must say how it is dashed: ``linestyle=plotting.linestyle_for(K)``
(the same ``K``), a style written out that equals the table's for ``K``, or a dash of its own that
no loss uses. Read from the code cells (nbval does not compare the stored PNGs).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from l1l2 import plotting, vocabulary

BOOK = Path(__file__).resolve().parents[1] / "book"
#: The Axes methods that draw a line (a curve, or a horizontal or vertical one), and the
#: plotting functions that draw one run as a line in the colour and style they are given
#: (left to the axes' style cycle, a second call drew L1 dashed and L2 solid).
LINE_METHODS = frozenset(
    {"plot", "semilogx", "semilogy", "loglog", "step", "axhline", "axvline", "plot_w", "plot_loss"}
)
LOSS_STYLES = {row.linestyle for row in vocabulary.LOSSES.values()}


def _code(cell: dict[str, object]) -> str:
    """A code cell's Python, its IPython magics and shell lines left out."""
    source = cell["source"]
    text = "".join(source) if isinstance(source, list) else str(source)
    return "\n".join(
        "pass" if line.lstrip().startswith(("%", "!")) else line for line in text.split("\n")
    )


def _line_calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LINE_METHODS
        ):
            yield node


def _loss_colour(call: ast.Call) -> ast.expr | None:
    """``K`` when the call is drawn with ``color=plotting.color_for(K)``."""
    for keyword in call.keywords:
        value = keyword.value
        if (
            keyword.arg in ("color", "c")
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "color_for"
            and value.args
        ):
            return value.args[0]
    return None


def problems(source: str) -> list[str]:
    """What is wrong with the line styles of one cell's loss-coloured lines (empty if nothing)."""
    found = []
    for call in _line_calls(ast.parse(source)):
        key = _loss_colour(call)
        if key is None:
            continue
        where = f"line {call.lineno}: {ast.unparse(call.func)}(color=color_for({ast.unparse(key)}))"
        if any(keyword.arg is None for keyword in call.keywords):
            continue  # **style: a dict of colour and line style, checked where it is built
        styles = [k.value for k in call.keywords if k.arg in ("linestyle", "ls")]
        if not styles:
            found.append(f"{where} takes no line style (Matplotlib draws it solid)")
            continue
        style = styles[0]
        if isinstance(style, ast.Call) and ast.unparse(style.func).endswith("linestyle_for"):
            if not style.args or ast.unparse(style.args[0]) != ast.unparse(key):
                found.append(f"{where} takes another key's style: {ast.unparse(style)}")
        elif isinstance(style, ast.Constant):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                found.append(f"{where}: a fixed style {style.value!r} for a varying loss")
            elif style.value != plotting.linestyle_for(key.value):
                found.append(
                    f"{where} is {style.value!r}, the table says "
                    f"{plotting.linestyle_for(key.value)!r}"
                )
    return found


def _cells() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(BOOK.glob("[0-9][0-9]-*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] == "code":
                out.append((path.name, index, _code(cell)))
    return out


def test_the_chapters_are_found() -> None:
    names = {name for name, _, _ in _cells()}
    assert len(names) == 12, sorted(names)


@pytest.mark.parametrize(("name", "index", "source"), _cells(), ids=lambda v: str(v)[:14])
def test_every_loss_coloured_line_takes_its_losss_line_style(
    name: str, index: int, source: str
) -> None:
    assert not problems(source), (name, index, problems(source))


def test_the_quantile_dashes_of_chapter_10_are_no_losss() -> None:
    """The other quantile lines are blue like abs L1: their dashes must not be another loss's."""
    cells = [s for n, _, s in _cells() if n.startswith("10-") and "dashes = {" in s]
    assert len(cells) == 1
    tree = ast.parse(cells[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "dashes":
            assert isinstance(node.value, ast.Dict)
            for value in node.value.values:
                if isinstance(value, ast.Constant):
                    assert value.value not in LOSS_STYLES - {"-"}, ast.unparse(value)
            return
    pytest.fail("no `dashes = {...}` in chapter 10")


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ('ax.plot(x, y, color=plotting.color_for(name), label="x")', True),
        ('ax.plot(x, y, color=plotting.color_for("l1"), linestyle="--")', True),
        ('ax.axhline(1, color=plotting.color_for("l2"), ls="-.")', True),
        ('ax.semilogx(d, s, color=plotting.color_for("huber"))', True),
        ('plotting.plot_w(h, label="L2", color=plotting.color_for("l2"), ax=ax)', True),
        ("ax.plot(x, y, color=plotting.color_for(a), linestyle=plotting.linestyle_for(b))", True),
        ("ax.plot(x, y, color=plotting.color_for(a), linestyle=plotting.linestyle_for(a))", False),
        ('ax.axhline(1, color=plotting.color_for("l2"), linestyle="--")', False),
        ("ax.plot(x, y, **LINES[name])", False),
        ('ax.plot(x, y, color="#555555")', False),
    ],
)
def test_the_check_itself(source: str, bad: bool) -> None:
    assert bool(problems(source)) is bad
