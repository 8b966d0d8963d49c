"""tools/check_notebooks.py: the book's notebooks pass, and each way of breaking one fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_files import load

ROOT = Path(__file__).resolve().parent.parent
EXPLORE = ROOT / "book" / "11-explore.ipynb"  # the one notebook with widget state


check = load("check_notebooks", ROOT / "tools" / "check_notebooks.py")


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_notebook_of_the_book_is_a_clean_record(path):
    assert check.problems(path) == []


def _broken(tmp_path: Path, change) -> Path:
    nb = json.loads(EXPLORE.read_text(encoding="utf-8"))
    change(nb)
    path = tmp_path / "broken.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _clear_third_code_cell(nb) -> None:
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][2]
    cell["execution_count"] = None
    cell["outputs"] = []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_clear_third_code_cell, "not run top to bottom"),
        (lambda nb: nb["cells"][0]["metadata"].update(execution={"a": "b"}), "timestamps"),
        (lambda nb: nb["metadata"].pop("widgets"), "widget views without their stored state"),
        (lambda nb: nb.pop("cells"), "not a valid notebook"),
    ],
    ids=["cleared cell", "timestamps", "widget state dropped", "invalid"],
)
def test_a_broken_record_is_refused(tmp_path, change, message):
    path = _broken(tmp_path, change)
    assert any(message in problem for problem in check.problems(path))
    assert check.main([str(path)]) == 1


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "cut.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    assert check.problems(path)[0].startswith("not a valid notebook")
