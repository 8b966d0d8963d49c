"""Numbers in the prose equal the glued values, and the checks that say so bite.

The notebooks state each glued number as a literal tied to its key,
``6.67<!-- glue l1_apple:.2f -->`` (written by ``tools/prose_numbers.py``), so that JupyterLab,
Notebook 7, Colab and VS Code show the number. nbval checks that the stored glued values equal a
fresh run; these tests check that every literal equals its stored glued value, formatted as stated,
and that both checks (this module's, through the tool, and the book extension's, in a strict
Sphinx build) fail when one literal is edited.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from repo_files import load, strict_build, write_conf

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CHAPTER_1 = BOOK / "01-how-wrong-is-my-model.ipynb"
LITERAL = "6.67<!-- glue l1_apple:.2f -->"


prose_numbers = load("prose_numbers", ROOT / "tools" / "prose_numbers.py")


def _markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_literal_equals_its_glued_value(notebook: Path) -> None:
    problems = prose_numbers.check_notebook(notebook)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_glue_role_is_left_for_frontends_to_show(notebook: Path) -> None:
    assert "{glue" not in _markdown(notebook)


def test_the_book_states_its_glued_numbers_as_literals() -> None:
    marks = sum(_markdown(p).count("<!-- glue ") for p in NOTEBOOKS)
    assert marks >= len(NOTEBOOKS)
    assert LITERAL in _markdown(CHAPTER_1)


def test_converting_again_changes_nothing(tmp_path: Path) -> None:
    copies = []
    for notebook in NOTEBOOKS:
        copy = tmp_path / notebook.name
        shutil.copyfile(notebook, copy)
        copies.append(copy)
    for path in (BOOK / "api.md",):
        shutil.copyfile(path, tmp_path / path.name)

    changed = [prose_numbers.convert_notebook(copy) for copy in copies]

    assert not any(changed)
    for notebook, copy in zip(NOTEBOOKS, copies, strict=True):
        assert copy.read_bytes() == notebook.read_bytes()


def test_an_edited_literal_fails_the_check(tmp_path: Path) -> None:
    copy = tmp_path / CHAPTER_1.name
    shutil.copyfile(CHAPTER_1, copy)
    _replace_once(copy, LITERAL, LITERAL.replace("6.67", "6.68"))

    problems = prose_numbers.check_notebook(copy)

    assert [(p.key, p.found, p.expected) for p in problems] == [("l1_apple", "6.68", "6.67")]
    assert prose_numbers.main(["--check", str(copy)]) == 1


@pytest.mark.parametrize("edited", ["16.67", "-6.67", "6.670", "x6.67"])
def test_a_literal_cannot_hide_inside_a_longer_one(tmp_path: Path, edited: str) -> None:
    copy = tmp_path / CHAPTER_1.name
    shutil.copyfile(CHAPTER_1, copy)
    _replace_once(copy, LITERAL, LITERAL.replace("6.67", edited))

    assert [p.found for p in prose_numbers.check_notebook(copy)] == [edited]


def test_converting_restores_an_edited_literal(tmp_path: Path) -> None:
    copy = tmp_path / CHAPTER_1.name
    shutil.copyfile(CHAPTER_1, copy)
    _replace_once(copy, LITERAL, LITERAL.replace("6.67", "6.68"))

    assert prose_numbers.convert_notebook(copy)
    assert copy.read_bytes() == CHAPTER_1.read_bytes()


def test_a_new_stored_value_refreshes_the_literal(tmp_path: Path) -> None:
    copy = tmp_path / CHAPTER_1.name
    shutil.copyfile(CHAPTER_1, copy)
    # As if the package changed and `make notebooks` stored a new glued value.
    _replace_once(
        copy,
        '"application/papermill.record/text/plain": "6.666667"',
        '"application/papermill.record/text/plain": "7.123456"',
    )
    assert prose_numbers.check_notebook(copy)

    prose_numbers.convert_notebook(copy)

    markdown = _markdown(copy)
    assert "7.12<!-- glue l1_apple:.2f -->" in markdown
    assert "6.67<!-- glue l1_apple" not in markdown
    assert not prose_numbers.check_notebook(copy)


VALUES = {"x": "0.5", "n": "13375.0", "word": "'median-based'", "two": "'mean based'"}


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("so {glue:text}`x:.2f` apples", "so 0.50<!-- glue x:.2f --> apples"),
        ("{glue:text}`x:.0%` of it", "50%<!-- glue x:.0% --> of it"),
        ("(\u00d7{glue:text}`n:,.0f`)", "(\u00d713,375<!-- glue n:,.0f -->)"),
        ("the {glue:text}`word` one", "the median-based<!-- glue word --> one"),
        ("the {glue:text}`two` one", "the mean\u00a0based<!-- glue two --> one"),
        ("* {glue:text}`x:+.1f`\n", "* +0.5<!-- glue x:+.1f -->\n"),
        ("0.40<!-- glue x:.2f --> old", "0.50<!-- glue x:.2f --> old"),
        ("**9<!-- glue x:.0f -->**", "**0<!-- glue x:.0f -->**"),
        ("```python\nglue {glue:text}`x`\n```\n", "```python\nglue {glue:text}`x`\n```\n"),
    ],
)
def test_write_literals(source: str, written: str) -> None:
    assert prose_numbers.write_literals(source, VALUES) == written
    assert prose_numbers.write_literals(written, VALUES) == written
    assert not prose_numbers.check_literals(written, VALUES)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{glue:text}`missing:.2f`", "no glued value 'missing'"),
        ("{glue}`x`", r"only \{glue:text\} roles"),
        ("{glue:text}`other.ipynb::x`", "another notebook"),
    ],
)
def test_write_literals_refuses(source: str, message: str) -> None:
    with pytest.raises(prose_numbers.ProseNumberError, match=message):
        prose_numbers.write_literals(source, VALUES)


def test_a_literal_that_runs_into_a_word_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / CHAPTER_1.name
    shutil.copyfile(CHAPTER_1, copy)
    _replace_once(copy, "So L1 = " + LITERAL, "So L1 =" + "{glue:text}`l1_apple:.2f`")
    _replace_once(copy, "=" + "{glue:text}", "L1{glue:text}")

    with pytest.raises(prose_numbers.ProseNumberError, match="runs into the text before it"):
        prose_numbers.convert_notebook(copy)


def test_doc_and_short_python_roles_get_explicit_texts(tmp_path: Path) -> None:
    shutil.copyfile(CHAPTER_1, tmp_path / CHAPTER_1.name)
    source = "{doc}`01-how-wrong-is-my-model`, {py:func}`~l1l2.losses.l1`, {py:mod}`~l1l2.gd`"

    written = prose_numbers.explicit_reference_texts(source, tmp_path)

    assert written == (
        "{doc}`How wrong is my model? <01-how-wrong-is-my-model>`, "
        "{py:func}`l1() <l1l2.losses.l1>`, {py:mod}`gd <l1l2.gd>`"
    )


def test_the_extension_and_the_tool_read_literals_alike() -> None:
    extension = load("l1l2_book_prose_numbers", BOOK / "_ext" / "l1l2_book" / "prose_numbers.py")
    assert extension.LITERAL_BOUNDARY == prose_numbers.LITERAL_BOUNDARY
    assert extension.GLUE_COMMENT.pattern == prose_numbers.GLUE_MARK.pattern


# The strict Sphinx build with the book's extension, on a small book made of chapter 1's prose
# numbers and the cells that glue them.


def _small_book(folder: Path) -> Path:
    nb = json.loads(CHAPTER_1.read_text(encoding="utf-8"))
    title = nb["cells"][0]
    glued = [c for c in nb["cells"] if c["cell_type"] == "code" and "glue(" in "".join(c["source"])]
    prose = [c for c in nb["cells"] if "<!-- glue " in "".join(c["source"])]
    assert glued
    assert prose
    nb["cells"] = [title, *glued, *prose]
    folder.mkdir()
    write_conf(folder)
    # The chapter's {term} links need the book's glossary.
    shutil.copy(BOOK / "glossary.md", folder / "glossary.md")
    chapter = folder / "chapter.ipynb"
    chapter.write_text(json.dumps(nb), encoding="utf-8")
    # The sections of other chapters that the chapter and the glossary link to, as stand-ins:
    # {ref} roles' labels in one page, links to a chapter's label in a notebook of its name.
    text = chapter.read_text(encoding="utf-8") + (folder / "glossary.md").read_text(
        encoding="utf-8"
    )
    labels = sorted(set(re.findall(r"\{ref\}`(?:[^`<]*<)?([a-z0-9-]+)>?`", text)))
    (folder / "elsewhere.md").write_text(
        "# Elsewhere\n\n" + "".join(f"({label})=\n## {label}\n\n" for label in labels),
        encoding="utf-8",
    )
    linked: dict[str, set[str]] = {}
    for stem, label in re.findall(r"\]\((\d\d-[\w-]+)\.ipynb#([\w-]+)\)", text):
        linked.setdefault(stem, set()).add(label)
    for stem, stem_labels in linked.items():
        cells = [f"# {stem}"] + [f"({label})=\n## {label}" for label in sorted(stem_labels)]
        stand_in = {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": c} for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 4,
        }
        (folder / f"{stem}.ipynb").write_text(json.dumps(stand_in), encoding="utf-8")
    toc = "\n".join(["chapter", "glossary", "elsewhere", *sorted(linked)])
    (folder / "index.md").write_text(
        f"# Small book\n\n```{{toctree}}\n{toc}\n```\n", encoding="utf-8"
    )
    return chapter


def test_strict_build_passes_and_fails_on_an_edited_literal(tmp_path: Path) -> None:
    chapter = _small_book(tmp_path / "book")
    result = strict_build(tmp_path / "book")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "book" / "_build" / "chapter.html").read_text(encoding="utf-8")
    assert LITERAL in page  # the literal reaches the page; the comment stays hidden there

    _replace_once(chapter, LITERAL, LITERAL.replace("6.67", "6.68"))
    result = strict_build(tmp_path / "book")

    assert result.returncode != 0
    assert "the prose states '6.68' for glue 'l1_apple:.2f'" in result.stderr
    assert "formats as '6.67'" in result.stderr
