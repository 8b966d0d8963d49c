"""The bibliography against the book: every entry cited and attributed, both source articles named.

Reads ``references.bib`` and the chapters, so it runs in the repository, not from the sdist.
"""

import re
from pathlib import Path

import pybtex.database
from repo_files import ROOT, load


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


PLACEHOLDER_AUTHORS = {"anonymous", "unknown", "n.a.", "none"}


def _undated(fields) -> bool:
    """An entry without a year must say so: "n.d." as its year, or at the start of its note."""
    return fields.get("year", "").strip() == "n.d." or fields.get("note", "").startswith("n.d.")


def _author_and_year_problems(entries) -> list[str]:
    """What each entry lacks: an author or organisation (not a placeholder), a year or "n.d."."""
    problems = []
    for key, entry in entries.items():
        authors = [str(person) for person in entry.persons.get("author", [])]
        named = [name for name in authors if name.strip("{} ").lower() not in PLACEHOLDER_AUTHORS]
        if not named and not entry.fields.get("organization"):
            problems.append(f"{key}: no author or organisation (found {authors})")
        year = entry.fields.get("year", "")
        if not (re.fullmatch(r"\d{4}", year) or _undated(entry.fields)):
            problems.append(f"{key}: no year, and no explicit n.d. (found {year!r})")
    return problems


def test_every_entry_names_an_author_or_organisation_and_a_year_or_says_n_d() -> None:
    root = Path(__file__).resolve().parents[1]
    entries = pybtex.database.parse_file(root / "references.bib", "bibtex").entries
    assert _author_and_year_problems(entries) == []


def test_an_anonymous_undated_entry_fails_the_author_and_year_check() -> None:
    entries = pybtex.database.parse_string(
        "@misc{old, author = {{Anonymous}}, title = {T}, note = {no date}}\n"
        "@misc{new, author = {{An Organisation}}, title = {T}, note = {n.d. An article}}",
        "bibtex",
    ).entries
    assert _author_and_year_problems(entries) == [
        "old: no author or organisation (found ['{Anonymous}'])",
        "old: no year, and no explicit n.d. (found '')",
    ]


def test_the_references_page_lists_every_entry_of_the_bibliography_in_plain_markdown() -> None:
    # Plain Markdown, not a {bibliography} directive: a citation followed in JupyterLab leads
    # to a list it can read.
    tool = load("references", ROOT / "tools" / "references.py")
    root = Path(__file__).resolve().parents[1]
    page = (root / "book" / "references.md").read_text(encoding="utf-8")
    assert tool.updated(page, tool.render()) == page, "run python tools/references.py"
    assert "{bibliography}" not in page
    keys = re.findall(r"^@\w+\{(\w+),", (root / "references.bib").read_text(), flags=re.M)
    assert sorted(re.findall(r"^- \(cite-(\w+)\)=$", page, flags=re.M)) == sorted(keys)
    entries = pybtex.database.parse_file(root / "references.bib", "bibtex").entries
    for key, entry in entries.items():
        item = page.split(f"- (cite-{key})=\n", 1)[1].split("\n", 1)[0]
        title = " ".join(entry.fields["title"].replace("{", "").replace("}", "").split())
        assert title.lower() in item.lower(), (key, item)


def test_an_entry_added_to_the_bibliography_makes_the_page_out_of_date(tmp_path: Path) -> None:
    tool = load("references", ROOT / "tools" / "references.py")
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{doe2020, author = {Jane Doe}, title = {A title (with brackets)},"
        " journal = {J. Tests}, year = {2020}, doi = {10.1/x}}\n"
    )
    listing = tool.render(bib)
    assert listing == (
        "- (cite-doe2020)=\n  Jane Doe. A title (with brackets). *J. Tests*, 2020."
        " [doi:10.1/x](https://doi.org/10.1/x).\n"
    )
    root = Path(__file__).resolve().parents[1]
    page = (root / "book" / "references.md").read_text(encoding="utf-8")
    assert tool.updated(page, listing) != page


def test_an_at_sign_before_a_name_is_escaped_outside_link_addresses(tmp_path: Path) -> None:
    # MyST reads "@name" as a citation; the list writes "\@name", and leaves addresses alone.
    tool = load("references", ROOT / "tools" / "references.py")
    bib = tmp_path / "at.bib"
    bib.write_text(
        "@misc{x2020, author = {A. Writer}, title = {T}, year = {2020},"
        " note = {Signed @someone}, url = {https://example.org/@someone/page}}\n"
    )
    listing = tool.render(bib)
    assert "Signed \\@someone" in listing
    assert "(https://example.org/@someone/page)" in listing
