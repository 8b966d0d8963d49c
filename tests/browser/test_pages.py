"""The rendered book as a reader meets it: every page opened in headless Chromium.

For every page, in light and in dark mode: no JavaScript error from the book's own files, every
image loaded, every internal link and anchor resolves, math rendered by MathJax (served by the book
itself), every interactive figure drawn, no blank widget area; a screenshot of the page (light) and
of its first screen (dark) under ``_build/screenshots/``. Requests to any other host are blocked and
reported. Each page is opened once per colour mode (``visits.py``), shared with the axe-core test.
Then the reader's tools: search, the download menu, the launch buttons, the repository link, the
notebook archive, the footer, and figures in dark mode.
"""

from __future__ import annotations

import html.parser
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from .conftest import BUILD_HINT, EXTERNAL_REQUESTS, MISSING_BUILD, discover_pages
from .visits import REDIRECT, VIEWPORT, Visit, Visits, is_ours

ARCHIVE = "l1l2-notebooks.zip"
IMAGE_FILE = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


class _Ids(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value or "")


@cache
def static_ids(path: Path) -> frozenset[str]:
    """The ids in a built HTML file (anchor targets of links from other pages)."""
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def link_problems(
    site: Path, base: str, page_url: str, links: list[str], ids: set[str]
) -> list[str]:
    """Internal links whose file or #anchor does not exist."""
    problems = []
    for link in sorted(set(links)):
        if not link.startswith(base):
            continue  # another host, javascript:, mailto:
        parts = urlsplit(link)
        rel = unquote(parts.path)[len(urlsplit(base).path) :]
        target = site / rel
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"link to a missing file: {link}")
            continue
        fragment = unquote(parts.fragment)
        if not fragment or target.suffix != ".html":
            continue
        same_page = urlsplit(page_url).path == parts.path
        known = ids if same_page else static_ids(target)
        if fragment not in known:
            problems.append(f"link to a missing anchor: {link}")
    return problems


def image_problems(visit: Visit) -> list[str]:
    """Images that did not load, and content images without a real alt text."""
    problems = []
    for img in visit.images:
        if img["naturalWidth"] <= 0:
            problems.append(f"image did not load: {img['src']}")
        if img["inArticle"]:
            alt = (img["alt"] or "").strip()
            if not alt or IMAGE_FILE.search(alt):
                problems.append(
                    f"image without alt text (alt={img['alt']!r}): {img['src']}; for a notebook "
                    'figure set the cell metadata {"mystnb": {"image": {"alt": "..."}}}'
                )
    return problems


def math_problems(visit: Visit, base: str) -> list[str]:
    """Math shown as raw TeX, TeX errors, or MathJax loaded from a CDN."""
    info = visit.info
    problems = []
    if info["math"] and info["mathRendered"] < info["math"]:
        problems.append(
            f"{info['math'] - info['mathRendered']} of {info['math']} math elements not rendered "
            f"by MathJax, e.g. {info['mathRaw']}"
        )
    if info["mathErrors"]:
        problems.append(f"{info['mathErrors']} TeX error(s) in MathJax output (mjx-merror)")
    for src in info["mathjaxScripts"]:
        if not src.startswith(base):
            problems.append(f"MathJax loads from {src}, not from the book (run `npm ci`)")
    return problems


def _redirect_target(site: Path, rel: str) -> str | None:
    text = (site / rel).read_text(encoding="utf-8", errors="replace")
    match = REDIRECT.search(text)
    return match.group(1).strip() if match else None


def _landing(site: Path) -> str:
    """The landing page: where the root index.html leads."""
    return _redirect_target(site, "index.html") or "index.html"


# -- every page ---------------------------------------------------------------------------------


def test_page(page: str, site: Path, server: str, visits: Visits) -> None:
    """One page, light and dark: loads cleanly, links resolve, images load, math is rendered."""
    if page == MISSING_BUILD:
        pytest.fail(f"No built book to test: {BUILD_HINT}.", pytrace=False)
    redirect = _redirect_target(site, page)
    light = visits(page)
    EXTERNAL_REQUESTS[page] = sorted(set(light.external))
    problems = list(light.problems)
    if redirect is not None:
        expected = urljoin(light.url, redirect)
        if light.final_url != expected:
            problems.append(f"redirect to {expected} ended at {light.final_url}")
    problems += link_problems(
        site, server, light.final_url, light.info["links"], set(light.info["ids"])
    )
    problems += image_problems(light)
    problems += math_problems(light, server)
    if light.info["widgetsBlank"]:
        problems.append(
            f"{light.info['widgetsBlank']} of {light.info['widgetViews']} widget areas stay blank"
        )

    dark = visits(page, dark=True)
    problems += [f"dark mode: {p}" for p in dark.problems if p not in light.problems]
    if redirect is None and dark.info["theme"] != "dark":
        problems.append(f"dark mode: the page did not switch to dark (theme={dark.info['theme']})")
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


# -- the reader's tools -------------------------------------------------------------------------


def _content_pages(site: Path) -> list[str]:
    """Pages made from a source file of the book (chapters and the landing page)."""
    sources = site / "_sources"
    pages = []
    for rel in discover_pages(site):
        stem = rel.removesuffix(".html")
        if any((sources / f"{stem}{suffix}").is_file() for suffix in (".md", ".ipynb")):
            pages.append(rel)
    return pages


def _notebook_pages(site: Path) -> list[str]:
    return [p for p in _content_pages(site) if (site / "_sources" / (p[:-5] + ".ipynb")).is_file()]


def test_search_finds_the_landing_page(
    site: Path, server: str, browser: Any, visits: Visits
) -> None:
    """The search page answers a word of the book's title with results."""
    title = visits(_landing(site)).info["title"]
    words = re.findall(r"[A-Za-z]{4,}", title)
    assert words, f"no word to search for in the title {title!r}"
    query = words[-1].lower()
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", lambda r: r.continue_() if is_ours(r.request.url, server) else r.abort())
    try:
        page = context.new_page()
        page.goto(urljoin(server, f"search.html?q={query}"), wait_until="load")
        page.wait_for_selector("ul.search li", timeout=15_000)
        hits = page.eval_on_selector_all("ul.search li a", "els => els.map(a => a.href)")
    finally:
        context.close()
    assert hits, f"searching {query!r} found nothing"
    without = [p for p in _content_pages(site) if not visits(p).info["hasSearch"]]
    assert not without, f"no search button or field on {without}"


def test_every_content_page_has_navigation_repository_and_downloads(
    site: Path, visits: Visits, book_config: dict[str, Any]
) -> None:
    """Sidebar navigation, the repository link, and download links for the page and the archive."""
    repo = book_config["repository"]["url"].rstrip("/")
    content = _content_pages(site)
    assert content, "no content pages in the build"
    navs = {}
    problems = []
    for rel in content:
        info = visits(rel).info
        navs[rel] = {u.split("#")[0] for u in info["nav"]}
        if not any(u.rstrip("/") == repo for u in info["links"]):
            problems.append(f"{rel}: no link to the repository {repo}")
        downloads = info["downloads"]
        source = f"_sources/{rel[:-5]}"
        if not any(source in u for u in downloads):
            problems.append(f"{rel}: no download link for its source ({downloads})")
        if not any(u.endswith(ARCHIVE) for u in downloads):
            problems.append(f"{rel}: the download menu has no link to {ARCHIVE}")
    reference = next(iter(navs.values()))
    for rel, nav in navs.items():
        if not nav:
            problems.append(f"{rel}: empty navigation sidebar")
        elif nav != reference:
            problems.append(
                f"{rel}: navigation differs from the other pages: {sorted(nav ^ reference)}"
            )
    pages_in_nav = {urlsplit(u).path.lstrip("/") for u in reference}
    for rel in content:
        if rel not in pages_in_nav and rel != _landing(site):
            problems.append(f"{rel}: not reachable from the navigation sidebar")
    assert not problems, "\n".join(problems)


def _expected_launch_urls(config: dict[str, Any], rel: str) -> dict[str, str]:
    repo = config["repository"]
    url = repo["url"].rstrip("/")
    org_repo = url.split("github.com/")[-1]
    branch = repo.get("branch", "main")
    path = "/".join(p for p in (repo.get("path_to_book", "").strip("/"), rel[:-5] + ".ipynb") if p)
    launch = config["launch_buttons"]
    return {
        "binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}",
        "colab": f"{launch['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/{path}",
        "path": path,
    }


INSTALL_CELL = re.compile(r"pip install[^\n]*l1l2")
GIT_URL = re.compile(r"git\+(https?://[^\s\"'@#]+)")


def test_notebook_pages_launch_on_binder_and_colab(
    site: Path, visits: Visits, book_config: dict[str, Any]
) -> None:
    """Launch buttons open this notebook of the configured repository; it can install l1l2."""
    problems = []
    for rel in _notebook_pages(site):
        expected = _expected_launch_urls(book_config, rel)
        links = visits(rel).info["launch"]
        binder = [u for u in links if u.startswith(expected["binder"])]
        colab = [u for u in links if u == expected["colab"]]
        if not binder or not any(expected["path"] in unquote(u) for u in binder):
            problems.append(f"{rel}: no Binder link to {expected['binder']} for {expected['path']}")
        if not colab:
            problems.append(f"{rel}: no Colab link {expected['colab']} (has {links})")
        # The build's copy of the notebook: the file the launch buttons open.
        notebook = json.loads((site / "_sources" / (rel[:-5] + ".ipynb")).read_text("utf-8"))
        cells = ["".join(c.get("source", "")) for c in notebook["cells"][:3]]
        if not any(INSTALL_CELL.search(c) for c in cells):
            problems.append(
                f"{expected['path']}: none of its first three cells shows how to "
                "`pip install` l1l2 (Colab and other fresh environments need it)"
            )
        repo = book_config["repository"]["url"].rstrip("/")
        for url in GIT_URL.findall("\n".join(cells)):
            if url.rstrip("/").removesuffix(".git") != repo:
                problems.append(f"{expected['path']}: installs from {url}, not from {repo}")
    assert not problems, "\n".join(problems)


def test_footer_shows_the_book_copyright(
    site: Path, visits: Visits, book_config: dict[str, Any]
) -> None:
    """The footer carries the copyright of _config.yml, not the theme's default year."""
    expected = f"Copyright {book_config['copyright']}"
    for rel in _content_pages(site):
        footer = visits(rel).info["footer"]
        assert expected in footer, f"{rel}: footer {footer!r}"


def test_figures_keep_a_light_background_in_dark_mode(site: Path, visits: Visits) -> None:
    """In dark mode figures are not dimmed and keep their white background."""
    checked = 0
    problems = []
    for rel in _content_pages(site):
        for fig in visits(rel, dark=True).info["figures"]:
            checked += 1
            if fig["filter"] != "none" or fig["background"] != "rgb(255, 255, 255)":
                problems.append(f"{rel}: {fig}")
    assert not problems, "figures dimmed or darkened in dark mode:\n" + "\n".join(problems)
    if not checked:
        pytest.skip("no figures in the book yet")
