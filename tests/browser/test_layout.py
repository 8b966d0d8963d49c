"""The rendered book at the widths readers use: legible figures, nothing wider than the screen.

Every page with figures or printed output is opened once at 1280 px (light), and every page
once at 390 px, a phone (dark):

- **Figures.** For every figure image a page shows, its smallest text on the page in CSS px:
  the size that text was drawn at (points, recorded in the PNG by ``l1l2.plotting``), times the
  PNG's pixels per inch (its ``pHYs`` chunk) / 72, times the shown width / the natural width. It
  must be at least ``MIN_TEXT_PX`` at both widths (on a phone the figure may scroll inside its
  box to keep it so, never the page).
- **A figure that scrolls says so.** At 390 px every figure box that scrolls sideways shows its
  hint ("scroll sideways ..., or open it full size", linking the figure's PNG) at the box's left
  edge, before and after scrolling; a box that does not scroll, and every box at 1280 px, shows
  none. axe-core finds no serious or critical violation in the hints, light and dark.
- **Pages.** At 390 px no page's document is wider than the window.
- **Printed output.** At 1280 px no output block scrolls sideways or cuts a line off.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from .conftest import discover_pages
from .visits import AXE, TIMEOUT_MS, is_ours

# The smallest text a figure may show, in CSS px (about 7 pt on the page).
MIN_TEXT_PX = 9.0
# The key under which l1l2.plotting records a figure's smallest text size (points) in its PNG.
TEXT_KEY = "l1l2 smallest text (pt)"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The class of a figure's scroll hint (book/_ext/l1l2_book/scrollable_figures.py).
HINT = "l1l2-scroll-hint"

# Runs in the page: every figure image (its natural and shown width), the document's width, the
# output blocks whose content is wider than their box, and every figure box: whether it scrolls,
# and whether its hint is shown inside it, before and after it is scrolled to its end.
MEASURE = """
async () => {
  const imgs = Array.from(document.querySelectorAll('article .cell_output img'));
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  const shown = img => img.getBoundingClientRect().width > 0 && img.offsetParent !== null;
  return {
    window: window.innerWidth,
    document: document.documentElement.scrollWidth,
    figures: imgs.filter(shown).map(img => ({
      src: img.currentSrc || img.src,
      natural: img.naturalWidth,
      shown: img.getBoundingClientRect().width,
    })),
    wideOutputs: Array.from(document.querySelectorAll('article .cell_output pre'))
      .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
      .map(pre => ({
        width: pre.clientWidth, content: pre.scrollWidth,
        line: pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''),
      })),
    boxes: Array.from(document.querySelectorAll('article .cell_output'))
      .filter(box => box.querySelector(':scope > img, :scope > figure > img'))
      .map(box => {
        const img = box.querySelector(':scope > img, :scope > figure > img');
        const hint = box.querySelector(':scope > .HINT');
        const link = hint ? hint.querySelector('a[href]') : null;
        const shown = () => {
          if (!hint) return false;
          const b = box.getBoundingClientRect(), r = hint.getBoundingClientRect();
          const style = getComputedStyle(hint);
          return r.width > 0 && r.height > 0 && style.display !== 'none'
            && style.visibility !== 'hidden' && r.left >= b.left - 1 && r.right <= b.right + 1;
        };
        const before = shown();
        box.scrollLeft = box.scrollWidth;
        const after = shown();
        box.scrollLeft = 0;
        return {
          src: img.currentSrc || img.src, hint: hint !== null, link: link ? link.href : null,
          scrolls: box.scrollWidth > box.clientWidth + 1, shown: before, shownScrolled: after,
        };
      }),
  };
}
""".replace(".HINT", f".{HINT}")


@dataclass
class Layout:
    """What one page showed at one width."""

    window: int = 0
    document: int = 0
    figures: list[dict[str, Any]] = field(default_factory=list)
    wide_outputs: list[dict[str, Any]] = field(default_factory=list)
    boxes: list[dict[str, Any]] = field(default_factory=list)


def png_record(data: bytes) -> tuple[float | None, float | None]:
    """Return (smallest text in points, pixels per inch) recorded in a PNG, each None if absent."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None, None
    points = dpi = None
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            if key.decode("latin-1") == TEXT_KEY:
                points = float(value.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            if key.decode("latin-1") == TEXT_KEY:
                points = float(zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"pHYs" and len(body) == 9 and body[8] == 1:  # pixels per metre
            (per_metre,) = struct.unpack(">I", body[:4])
            dpi = per_metre * 0.0254
        elif kind == b"IEND":
            break
    return points, dpi


@cache
def _file_record(path: Path) -> tuple[float | None, float | None]:
    return png_record(path.read_bytes())


def figure_text_px(site: Path, server: str, figure: dict[str, Any]) -> float | str:
    """The smallest text of a shown figure in CSS px, or why it cannot be told."""
    src = figure["src"]
    if not src.startswith(server):
        return f"not an image of the book: {src}"
    path = site / unquote(urlsplit(src).path)[len(urlsplit(server).path) :]
    if path.suffix.lower() != ".png" or not path.is_file():
        return f"not a PNG of the build: {src}"
    points, dpi = _file_record(path)
    if points is None or dpi is None:
        return (
            f"{path.name} records no smallest-text size or DPI: draw it on "
            "l1l2.plotting.new_axes(), which sizes the figure for the column and records both"
        )
    return points * dpi / 72.0 * figure["shown"] / figure["natural"]


@pytest.fixture(scope="module")
def layouts(site: Path, server: str, browser: Any) -> dict[tuple[str, str], Layout]:
    """Every page at 1280 px (light) and 390 px (dark): ``{(page, mode): Layout}``."""
    pages = [p for p in discover_pages(site) if p != "index.html"]  # the root only redirects
    found: dict[tuple[str, str], Layout] = {}
    for mode, viewport, scheme in (
        ("desktop", DESKTOP, "light"),
        # Sizes do not depend on the colour scheme: the phone is measured once, in dark mode
        # (the light pages are opened at 1280 px here, and in both modes by test_pages).
        ("phone dark", PHONE, "dark"),
    ):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(
            "**/*", lambda r: r.continue_() if is_ours(r.request.url, server) else r.abort()
        )
        try:
            page = context.new_page()
            for rel in pages:
                if mode == "desktop" and "cell_output" not in (site / rel).read_text("utf-8"):
                    # No figure and no printed output to measure at 1280 px (the API reference,
                    # the glossary, ...): only the phone's page width is checked there.
                    continue
                page.goto(urljoin(server, rel), wait_until="load")
                info = page.evaluate(MEASURE)
                found[rel, mode] = Layout(
                    info["window"],
                    info["document"],
                    info["figures"],
                    info["wideOutputs"],
                    info["boxes"],
                )
        finally:
            context.close()
    return found


def test_every_figure_shows_its_smallest_text_at_9_px_or_more(
    site: Path, server: str, layouts: dict[tuple[str, str], Layout]
) -> None:
    """At 1280 px and at 390 px, each figure's smallest text is at least MIN_TEXT_PX on the page."""
    problems = []
    smallest: dict[str, float] = {}
    count = 0
    for (rel, mode), layout in sorted(layouts.items()):
        for figure in layout.figures:
            count += 1
            size = figure_text_px(site, server, figure)
            name = Path(urlsplit(figure["src"]).path).name[:12]
            if isinstance(size, str):
                problems.append(f"{rel} ({mode}): {size}")
                continue
            smallest[mode] = min(size, smallest.get(mode, size))
            if size < MIN_TEXT_PX - 0.05:
                problems.append(
                    f"{rel} ({mode}): figure {name}… drawn {figure['natural']} px wide, shown "
                    f"{figure['shown']:.0f} px: its smallest text is {size:.1f} px "
                    f"(< {MIN_TEXT_PX:g})"
                )
    assert count, "no figures found in the book"
    assert not problems, "\n".join(problems)
    print(f"smallest figure text, CSS px: {', '.join(f'{m} {v:.1f}' for m, v in smallest.items())}")


def test_no_page_is_wider_than_a_phone(layouts: dict[tuple[str, str], Layout]) -> None:
    """At 390 px, light and dark, the document of every page fits the window."""
    wide = [
        f"{rel} ({mode}): {layout.document} px wide in a {layout.window}-px window"
        for (rel, mode), layout in sorted(layouts.items())
        if mode.startswith("phone") and layout.document > layout.window
    ]
    assert not wide, "\n".join(wide)


def test_no_printed_output_runs_off_its_box_on_a_desktop(
    layouts: dict[tuple[str, str], Layout],
) -> None:
    """At 1280 px, every printed line fits its output block (no sideways scrolling, no cut)."""
    wide = [
        f"{rel}: an output block {out['content']} px wide in {out['width']} px: {out['line']!r}"
        for (rel, mode), layout in sorted(layouts.items())
        if mode == "desktop"
        for out in layout.wide_outputs
    ]
    assert not wide, "\n".join(wide)


def hint_problems(rel: str, mode: str, box: dict[str, Any]) -> list[str]:
    """What is wrong with the scroll hint of one figure box, at one width."""
    where = f"{rel} ({mode}): figure {Path(urlsplit(box['src']).path).name[:12]}…"
    if not box["hint"]:
        return [f"{where} has no scroll hint"]
    if not box["scrolls"]:
        return [f"{where} does not scroll, yet shows the scroll hint"] if box["shown"] else []
    problems = []
    if not (box["shown"] and box["shownScrolled"]):
        problems.append(
            f"{where} scrolls sideways without its hint in view "
            f"(before scrolling: {box['shown']}, scrolled to the end: {box['shownScrolled']})"
        )
    if box["link"] != box["src"]:
        problems.append(f"{where}: the hint links {box['link']}, not the figure {box['src']}")
    return problems


def test_a_figure_that_scrolls_says_so_and_only_then(
    layouts: dict[tuple[str, str], Layout],
) -> None:
    """At 390 px a scrolling figure shows its hint; a figure that fits, or at 1280 px, none."""
    problems = []
    scrolling = {"desktop": 0, "phone dark": 0}
    for (rel, mode), layout in sorted(layouts.items()):
        for box in layout.boxes:
            scrolling[mode] += box["scrolls"]
            problems += hint_problems(rel, mode, box)
    assert scrolling["phone dark"], "no figure scrolls at 390 px: the hint was never seen"
    assert not scrolling["desktop"], f"{scrolling['desktop']} figures scroll at 1280 px"
    assert not problems, "\n".join(problems)


# Runs in the page after axe.min.js: the violations of axe-core's rules inside the scroll hints.
AXE_HINTS = f"""
async () => (await axe.run('.{HINT}', {{resultTypes: ["violations"]}}))
  .violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}}))
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_scroll_hints_pass_axe_on_a_phone(
    scheme: str, site: Path, server: str, browser: Any
) -> None:
    """axe-core, on a chapter's scroll hints at 390 px: no serious or critical violation."""
    if not AXE.is_file():
        pytest.fail(f"axe-core missing at {AXE}: run `npm ci`.", pytrace=False)
    chapter = next(rel for rel in discover_pages(site) if rel.startswith("book/08-"))
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda r: r.continue_() if is_ours(r.request.url, server) else r.abort())
    try:
        page = context.new_page()
        page.goto(urljoin(server, chapter), wait_until="load")
        shown = page.locator(f".{HINT}").evaluate_all(
            "hints => hints.filter(h => h.getBoundingClientRect().height > 0).length"
        )
        assert shown, f"{chapter} shows no scroll hint at 390 px"
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_HINTS)
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
