"""Write the glued numbers of the book's prose as literal numbers, each tied to its glue key.

A sentence in a notebook's markdown that says ``L1 = {glue:text}`l1_apple:.2f``` reads right only in
the Sphinx build: JupyterLab, Notebook 7, Colab and VS Code show the placeholder. This tool turns
each such role into the number it stands for, followed by an HTML comment that names the key and
the format::

    L1 = 6.67<!-- glue l1_apple:.2f -->

Every Markdown renderer hides the comment, so every reader sees "L1 = 6.67". The number is the
glued value as stored in the executed notebook's outputs (the output nbval compares with a fresh
run), formatted exactly as myst-nb formats ``{glue:text}``. Run again, the tool refreshes every
literal it wrote from the stored values, so it is idempotent; ``--check`` changes nothing and fails
when a literal differs from its glued value (the book's extension fails the strict build the same
way).

The literal is the text right before the comment, back to the nearest space, bracket, quote,
``= < > ~ / * _ | $``, approximately-equal or times sign, or dash (``LITERAL_BOUNDARY``): so
``94<!-- glue share:.0f -->%`` and ``(≈2.62<!-- glue ratio:.2f -->)`` are checked as "94" and
"2.62". A role written right after a letter or digit would run into it; the tool refuses it and
says so. Spaces inside a glued text become no-break spaces.

Besides numbers, two other roles become text that JupyterLab (with jupyterlab-myst) shows as the
book does: ``{doc}`target``` gets the target's title as its explicit text, and
``{py:func}`~l1l2.losses.l1``` becomes ``{py:func}`l1() <l1l2.losses.l1>```. Code blocks are left
alone.

Usage: ``python tools/prose_numbers.py [--check] [NOTEBOOK_OR_FOLDER ...]`` (default: ``book``).
``make notebooks`` runs it after executing the notebooks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from myst_nb.core.variables import format_plain_text

# The literal before a glue comment reaches back to the nearest one of these characters. Keep in
# step with ``LITERAL_BOUNDARY`` in book/_ext/l1l2_book/prose_numbers.py (a test checks that
# they agree).
LITERAL_BOUNDARY = frozenset(" \t\r\n([{\"'“‘«=<>≈×~/–—*_|$")  # noqa: RUF001 (typographic quotes)
# Characters a literal must not hold: they would start Markdown syntax around the number.
MARKDOWN_SPECIAL = frozenset("`\\[]!&")
NO_BREAK_SPACE = "\u00a0"

GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>[a-z]*))?\}`(?P<content>[^`]*)`")
GLUE_MARK = re.compile(r"<!-- glue (?P<content>[^\n]+?) -->")
ROLE_OR_MARK = re.compile(
    r"\{glue(?::(?P<kind>[a-z]*))?\}`(?P<role>[^`]*)`|<!-- glue (?P<mark>[^\n]+?) -->"
)
DOC_ROLE = re.compile(r"\{doc\}`(?P<target>[^`<>]+)`")
PY_SHORT_ROLE = re.compile(
    r"\{(?P<role>(?:py:)?(?:func|meth|class|mod|attr|data|obj|exc))\}`~(?P<target>[^`<>]+)`"
)
PY_CALLABLE_ROLES = {"func", "meth", "py:func", "py:meth"}
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
GLUE_PREFIX = "application/papermill.record/"


class ProseNumberError(ValueError):
    """A glued number that cannot be written, or a literal that does not match its value."""


@dataclass(frozen=True)
class Problem:
    """One literal that does not equal its glued value, or one role left unconverted."""

    notebook: Path
    cell: int
    key: str
    found: str
    expected: str

    def __str__(self) -> str:
        """Say where, what the prose shows and what it must show."""
        return (
            f"{self.notebook}, markdown cell {self.cell}: glue {self.key!r} reads {self.found!r} "
            f"in the prose, but the stored glued value formats as {self.expected!r}"
        )


def notebooks(paths: list[str]) -> list[Path]:
    """Return the notebooks named by ``paths`` (files, or folders searched recursively).

    ``tools/first_cells.py`` finds its chapters with this function too.
    """
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise ProseNumberError(f"{name!r} is neither a notebook nor a folder")
    return found


def glued_values(nb: dict[str, Any]) -> dict[str, str]:
    """Return the ``text/plain`` of every value glued in the stored outputs of ``nb``, by key.

    Like myst-nb, a later glue of the same key replaces an earlier one.
    """
    values: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not scrapbook:
                continue
            prefix = scrapbook.get("mime_prefix", "")
            text = output.get("data", {}).get(prefix + "text/plain")
            if text is not None:
                values[scrapbook["name"]] = "".join(text) if isinstance(text, list) else text
    return values


def split_spec(content: str) -> tuple[str, str]:
    """Split a role's ``key:format`` into key and format spec, as myst-nb does."""
    key, _, spec = content.rpartition(":")
    if not key:
        return content, "s"
    return key, spec


def literal_for(content: str, values: dict[str, str]) -> str:
    """The text that ``{glue:text}`content``` renders in the book, checked to be a safe literal."""
    key, spec = split_spec(content)
    if "::" in content:
        raise ProseNumberError(
            f"glue {content!r} pastes from another notebook; only this notebook's own glued "
            "values can be written as literals: glue the value here too"
        )
    if key not in values:
        raise ProseNumberError(
            f"no glued value {key!r} in the stored outputs (glued: {', '.join(sorted(values))}); "
            "run `make notebooks` to execute the notebook and store its outputs"
        )
    text = str(format_plain_text(values[key], spec)).replace(" ", NO_BREAK_SPACE)
    bad = sorted(set(text) & (LITERAL_BOUNDARY | MARKDOWN_SPECIAL))
    if not text or bad:
        raise ProseNumberError(
            f"glue {content!r} formats as {text!r}, which cannot stand in the prose as a literal "
            f"(it is empty or holds {bad}): glue a number, or a word without these characters"
        )
    if "--" in content or content.endswith("-"):
        raise ProseNumberError(f"glue {content!r}: an HTML comment cannot hold '--' or end in '-'")
    return text


def literal_before(text: str, end: int) -> str:
    """The literal that ends at ``end``: back to the nearest boundary character."""
    start = end
    while start > 0 and text[start - 1] not in LITERAL_BOUNDARY:
        start -= 1
    return text[start:end]


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def prose_segments(source: str) -> Iterator[tuple[bool, str]]:
    """Split markdown into (is_prose, text) pieces; fenced code (not a directive) is not prose."""
    prose: list[str] = []
    code: list[str] = []
    directives: list[str] = []  # the fences of the directives open around this line
    closing: str | None = None  # the fence that ends the code block this line is in
    for line in source.splitlines(keepends=True):
        if closing is not None:
            code.append(line)
            if _closes(line, closing):
                yield False, "".join(code)
                code, closing = [], None
            continue
        match = FENCE.match(line.rstrip("\r\n"))
        if match is None:
            prose.append(line)
        elif directives and _closes(line, directives[-1]):
            directives.pop()
            prose.append(line)
        elif match["info"].strip().startswith("{"):
            directives.append(match["fence"])
            prose.append(line)
        else:
            if prose:
                yield True, "".join(prose)
                prose = []
            closing = match["fence"]
            code.append(line)
    if code:
        yield False, "".join(code)
    if prose:
        yield True, "".join(prose)


def _rewrite(source: str, rewrite: Callable[[str], str]) -> str:
    return "".join(rewrite(text) if is_prose else text for is_prose, text in prose_segments(source))


def write_literals(source: str, values: dict[str, str]) -> str:
    """Turn each ``{glue:text}`` role into literal + comment; refresh each literal written."""

    def one(text: str) -> str:
        out: list[str] = []
        pos = 0
        for match in ROLE_OR_MARK.finditer(text):
            out.append(text[pos : match.start()])
            pos = match.end()
            if match["mark"] is not None:
                content = match["mark"]
                done = "".join(out)
                old = literal_before(done, len(done))
                out = [done[: len(done) - len(old)]]
            else:
                content = match["role"]
                if match["kind"] != "text":
                    raise ProseNumberError(
                        f"{match.group(0)}: only {{glue:text}} roles can become literals; "
                        "write {glue:text}`key:format` (e.g. {glue:text}`l1_apple:.2f`)"
                    )
            out.append(f"{literal_for(content, values)}<!-- glue {content} -->")
        out.append(text[pos:])
        return "".join(out)

    return _rewrite(source, one)


def check_literals(source: str, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return (key, found, expected) for every literal or role in ``source`` that is not right."""
    wrong: list[tuple[str, str, str]] = []
    for is_prose, text in prose_segments(source):
        if not is_prose:
            continue
        for role in GLUE_ROLE.finditer(text):
            wrong.append((role.group("content"), role.group(0), "a literal number"))
        for mark in GLUE_MARK.finditer(text):
            content = mark.group("content")
            found = literal_before(text, mark.start())
            try:
                expected = literal_for(content, values)
            except ProseNumberError as exc:
                expected = f"<{exc}>"
            if found != expected:
                wrong.append((split_spec(content)[0], found, expected))
    return wrong


def document_title(path: Path) -> str | None:
    """The first level-1 heading of a notebook or Markdown page, as plain text."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(
            "".join(c["source"]) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"
        )
    else:
        text = path.read_text(encoding="utf-8")
    for is_prose, segment in prose_segments(text):
        match = re.search(r"^# +(.+?)\s*$", segment, re.MULTILINE) if is_prose else None
        if match:
            return re.sub(r"[`*<>]", "", match.group(1)).strip()
    return None


def explicit_reference_texts(source: str, folder: Path) -> str:
    """Give ``{doc}`` roles their target's title and ``~`` Python roles their short name."""

    def doc(match: re.Match[str]) -> str:
        target = match["target"].strip()
        base = folder / target.lstrip("/")
        for candidate in (base.with_suffix(".ipynb"), base.with_suffix(".md")):
            if candidate.is_file():
                title = document_title(candidate)
                if title:
                    return f"{{doc}}`{title} <{target}>`"
        return match.group(0)

    def short(match: re.Match[str]) -> str:
        target = match["target"]
        name = target.rsplit(".", 1)[-1]
        if match["role"] in PY_CALLABLE_ROLES:
            name += "()"
        return f"{{{match['role']}}}`{name} <{target}>`"

    return _rewrite(source, lambda text: PY_SHORT_ROLE.sub(short, DOC_ROLE.sub(doc, text)))


def _markdown_cells(nb: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            yield index, cell


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def convert_notebook(path: Path) -> bool:
    """Write literals (and reference texts) into the markdown of ``path``; True when it changed."""
    nb = nbformat.read(path, as_version=4)
    values = glued_values(nb)
    changed = False
    for index, cell in _markdown_cells(nb):
        old = _source(cell)
        try:
            new = explicit_reference_texts(write_literals(old, values), path.parent)
        except ProseNumberError as exc:
            raise ProseNumberError(f"{path}, markdown cell {index}: {exc}") from None
        wrong = check_literals(new, values)
        if wrong:
            key, found, expected = wrong[0]
            raise ProseNumberError(
                f"{path}, markdown cell {index}: the literal of glue {key!r} would read "
                f"{found!r}, not {expected!r}: it runs into the text before it; put a space "
                "(or one of ([{=/*_ ...) before the role"
            )
        if new != old:
            cell["source"] = new
            changed = True
    if changed:
        nbformat.write(nb, path)  # as `make notebooks` (nbconvert) writes it
    return changed


def check_notebook(path: Path) -> list[Problem]:
    """Every literal in ``path`` that differs from its stored glued value, and every role left."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    values = glued_values(nb)
    return [
        Problem(path, index, key, found, expected)
        for index, cell in _markdown_cells(nb)
        for key, found, expected in check_literals(_source(cell), values)
    ]


def main(argv: list[str] | None = None) -> int:
    """Convert (or with ``--check`` only check) every notebook named on the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["book"], help="notebooks or folders")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; fail when a literal is wrong"
    )
    args = parser.parse_args(argv)
    try:
        found = notebooks(args.paths)
        if args.check:
            problems = [p for path in found for p in check_notebook(path)]
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"prose numbers: {len(found)} notebooks, {len(problems)} wrong")
            return 1 if problems else 0
        for path in found:
            if convert_notebook(path):
                print(f"prose numbers written in {path}")
    except ProseNumberError as exc:
        print(f"prose_numbers: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
