"""The bibliography against the book: every entry cited, both source articles named.

Reads ``references.bib`` and the chapters, so it runs in the repository, not from the sdist.
"""

import re
from pathlib import Path


def test_every_entry_of_the_bibliography_is_cited_and_both_sources_are_named() -> None:
    root = Path(__file__).resolve().parents[1]
    keys = re.findall(r"^@\w+\{(\w+),", (root / "references.bib").read_text(), flags=re.M)
    text = "".join(p.read_text() for p in sorted((root / "book").glob("*.ipynb")))
    text += "".join(p.read_text() for p in sorted((root / "book").glob("*.md")))
    cited = set()
    for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", text):
        cited.update(key.strip() for key in group.split(","))
    # A citation written as a link to its entry, [Huber, 1964](references.md#cite-huber1964),
    # which reads the same in JupyterLab (book/_ext/l1l2_book/bibliography.py).
    cited.update(re.findall(r"\]\(references\.md#cite-([^)\s]+)\)", text))
    assert set(keys) <= cited, sorted(set(keys) - cited)
    assert {"datadive2024", "absl1"} <= set(keys)
