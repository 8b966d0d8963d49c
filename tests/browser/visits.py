"""Opening a page of the built book in headless Chromium, once per colour mode for the whole run.

A visit opens the page with every other host blocked, records what went wrong on it (JavaScript
errors, console errors, failed requests, HTTP errors, blocked requests), waits for what the checks
read (the load event, MathJax's typesetting, every image decoded, every interactive figure drawn
or failed, every request of the page finished), and keeps what the page showed. The visit in
light mode also runs axe-core on the page, figures drawn, and takes the page's screenshot; the
visit in dark mode takes a screenshot of the first screen.

``Visits`` caches them: ``test_pages.py`` and ``test_interactive.py`` share one visit of a page
per colour mode, whichever asks first opens it.
"""

from __future__ import annotations

import os
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 900}
# A busy machine needs more than Playwright's 30 s for a page that draws interactive figures.
TIMEOUT_MS = 90_000
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots: the light one shows the page down to this height (every chapter whole; only the API
# reference, some 63,000 px, is cut), the dark one the first screen. A full-page screenshot costs
# about 0.16 ms a pixel row (10 s for the API reference on a busy machine), a screen 0.1 s.
SCREENSHOT_MAX_HEIGHT = 20_000
# The whole-page screenshots are for people to look at (no check compares them), and cost more
# CPU than any check: taken only with L1L2_WHOLE_SCREENSHOTS=1; else each page's first screen.
WHOLE_SCREENSHOTS = os.environ.get("L1L2_WHOLE_SCREENSHOTS") == "1"
# How long the requests a page started may take to finish after the checks have read it.
REQUESTS_SETTLE_MS = 20_000

# A page that sends the reader on (the root index.html): <meta http-equiv="refresh" ... url=...>.
REDIRECT = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)

# Runs in the page: wait until MathJax (if the page loads it) has typeset everything.
WAIT_FOR_MATHJAX = """
async () => {
  const hasMath = document.querySelector('.math') !== null;
  if (!hasMath) return 'no math';
  for (let i = 0; i < 200; i++) {
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
      await window.MathJax.startup.promise;
      return 'typeset';
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return 'MathJax never started';
}
"""

# Runs in the page: make every image load now (no lazy loading) and wait for it.
LOAD_IMAGES = """
async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({
    src: img.currentSrc || img.src,
    alt: img.getAttribute('alt'),
    naturalWidth: img.naturalWidth,
    inArticle: img.closest('article') !== null,
    inOutput: img.closest('.cell_output') !== null,
  }));
}
"""

# Runs in the page: wait until every interactive figure has drawn (or failed), report each.
WAIT_FOR_FIGURES = """
async () => {
  const figures = Array.from(document.querySelectorAll('.l1l2-interactive'));
  for (let i = 0; i < 1200; i++) {
    if (figures.every(f => f.dataset.state)) break;
    await new Promise(r => setTimeout(r, 50));
  }
  return figures.map(f => ({id: f.id, kind: f.dataset.l1l2Figure, state: f.dataset.state || null}));
}
"""

# Runs in the page: what the reader can see of math, links, ids and widgets.
INSPECT = """
() => {
  const hrefs = sel => Array.from(document.querySelectorAll(sel)).map(a => a.href);
  const maths = Array.from(document.querySelectorAll('.math'));
  const widgetViews = Array.from(document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]'));
  return {
    links: hrefs('a[href]'),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    math: maths.length,
    mathRendered: maths.filter(m => m.querySelector('mjx-container') !== null).length,
    mathRaw: maths.filter(m => m.querySelector('mjx-container') === null)
                  .slice(0, 3).map(m => m.textContent.trim().slice(0, 60)),
    mathErrors: document.querySelectorAll('mjx-merror').length,
    mathjaxScripts: Array.from(document.scripts).map(s => s.src)
                         .filter(s => /mathjax/i.test(s)),
    widgetViews: widgetViews.length,
    widgetsBlank: widgetViews.filter(s => {
      const area = s.parentElement;
      const view = area.querySelector('.jupyter-widgets, .widget-subarea, .lm-Widget');
      return view === null || view.getBoundingClientRect().height < 1;
    }).length,
    theme: document.documentElement.dataset.theme || null,
    title: document.title,
    height: document.documentElement.scrollHeight,
    nav: hrefs('.bd-docs-nav a[href]'),
    downloads: hrefs('.dropdown-download-buttons a[href]'),
    launch: hrefs('.dropdown-launch-buttons a[href]'),
    articleLinks: hrefs('article a[href]'),
    hasSearch: document.querySelector('.search-button, form.bd-search, #search-input') !== null,
    footer: (document.querySelector('footer .copyright') || {innerText: ''}).innerText,
    figures: Array.from(document.querySelectorAll('article .cell_output img, article figure img'))
      .map(img => { const s = getComputedStyle(img);
                    return {src: img.src, filter: s.filter, background: s.backgroundColor}; }),
  };
}
"""

# Runs in the page after axe.min.js: every violation, with where it is (the first five nodes).
RUN_AXE = """
async () => (await axe.run(document, {resultTypes: ["violations"]}))
  .violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))
"""


@dataclass
class Visit:
    """What one page showed in the browser."""

    url: str
    final_url: str = ""
    problems: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    # axe-core's violations (light mode only); None when it did not run, axe_error says why.
    violations: list[dict[str, Any]] | None = None
    axe_error: str = "axe-core was not run on this visit"


def is_ours(url: str, base: str) -> bool:
    """Whether a request goes to the book's own server (or stays in the page)."""
    return url.startswith(base) or url in {"", "about:blank"} or url.startswith(("data:", "blob:"))


def _run_axe(page: Any, visit: Visit) -> None:
    if not AXE.is_file():
        visit.axe_error = f"axe-core missing at {AXE}: run `npm ci`."
        return
    try:
        page.add_script_tag(path=str(AXE))
        visit.violations = page.evaluate(RUN_AXE)
    except PlaywrightError as error:
        visit.axe_error = f"axe-core failed on the page: {error.message}"


def _wait_for_requests(page: Any, pending: set[Any], visit: Visit) -> None:
    """Let every request the page started finish, so that a late failure is still recorded."""
    for _ in range(REQUESTS_SETTLE_MS // 50):
        if not pending:
            return
        page.wait_for_timeout(50)
    urls = sorted(request.url for request in pending)
    visit.problems.append(f"requests unfinished {REQUESTS_SETTLE_MS / 1000:.0f} s later: {urls}")


def open_page(
    browser: Any,
    base: str,
    rel: str,
    *,
    dark: bool = False,
    screenshot: Path | None = None,
    axe: bool = False,
) -> Visit:
    """Open one page with every other host blocked; collect what went wrong on it."""
    visit = Visit(url=urljoin(base, rel))
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark" if dark else "light")
    context.set_default_timeout(TIMEOUT_MS)
    pending: set[Any] = set()

    def route(route: Any) -> None:
        url = route.request.url
        if is_ours(url, base):
            route.continue_()
        else:
            visit.external.append(url)
            route.abort("blockedbyclient")

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        where = msg.location.get("url", "") if msg.location else ""
        if is_ours(where, base) and not any(u in msg.text for u in visit.external):
            visit.problems.append(f"console error from {where or 'the page'}: {msg.text}")

    def on_pageerror(error: Any) -> None:
        stack = getattr(error, "stack", "") or ""
        urls = re.findall(r"https?://[^\s)]+", stack)
        if not urls or any(u.startswith(base) for u in urls):
            visit.problems.append(f"JavaScript error: {error.message}\n{stack}")

    def on_response(response: Any) -> None:
        url = response.url
        if url.startswith(base) and response.status >= 400 and not url.endswith("/favicon.ico"):
            visit.problems.append(f"HTTP {response.status} for {url}")

    def on_request(request: Any) -> None:
        pending.add(request)

    def on_requestfinished(request: Any) -> None:
        pending.discard(request)

    def on_requestfailed(request: Any) -> None:
        pending.discard(request)
        if request.url.startswith(base):
            visit.problems.append(f"request failed: {request.url} ({request.failure})")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.on("response", on_response)
    page.on("request", on_request)
    page.on("requestfinished", on_requestfinished)
    page.on("requestfailed", on_requestfailed)
    try:
        # The page as served (read here: the browser may have left it before its body is read).
        with urllib.request.urlopen(visit.url, timeout=TIMEOUT_MS / 1000) as served:
            redirect = REDIRECT.search(served.read().decode("utf-8", errors="replace"))
        page.goto(visit.url, wait_until="load")
        if redirect is not None:
            target = urljoin(visit.url, redirect.group(1).strip())
            try:
                page.wait_for_url(target, wait_until="load")
            except PlaywrightTimeoutError:
                visit.problems.append(f"the page did not go on to {target} (its meta refresh)")
        state = page.evaluate(WAIT_FOR_MATHJAX)
        if state == "MathJax never started":
            visit.problems.append("the page has math but MathJax never started")
        visit.images = page.evaluate(LOAD_IMAGES)
        # Drawn or failed: a figure's errors are on the record before the checks read the page.
        visit.figures = page.evaluate(WAIT_FOR_FIGURES)
        visit.problems += [
            f"interactive figure {f['id']} ({f['kind']}) not drawn (state {f['state']})"
            for f in visit.figures
            if f["state"] != "ready"
        ]
        visit.info = page.evaluate(INSPECT)
        visit.final_url = page.url
        if axe:
            _run_axe(page, visit)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            height = min(visit.info["height"], SCREENSHOT_MAX_HEIGHT)
            whole = WHOLE_SCREENSHOTS and not dark and height > VIEWPORT["height"]
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            page.screenshot(path=str(screenshot), full_page=whole, clip=clip if whole else None)
        _wait_for_requests(page, pending, visit)
    finally:
        context.close()
    return visit


class Visits:
    """Each page opened once in light and once in dark mode; later tests reuse what it showed.

    The light visit runs axe-core and takes a screenshot of the page (down to
    ``SCREENSHOT_MAX_HEIGHT``) as ``<page>.png``; the dark one a screenshot of the first screen as
    ``<page>.dark.png``, both under ``screenshots``.
    """

    def __init__(self, browser: Any, base: str, screenshots: Path) -> None:
        self.browser = browser
        self.base = base
        self.screenshots = screenshots
        self._visits: dict[tuple[str, bool], Visit] = {}
        self._failures: dict[tuple[str, bool], Exception] = {}

    def screenshot_path(self, rel: str, *, dark: bool = False) -> Path:
        """Where the screenshot of page ``rel`` in that colour mode goes."""
        return self.screenshots / (rel.removesuffix(".html") + (".dark.png" if dark else ".png"))

    def __call__(self, rel: str, *, dark: bool = False) -> Visit:
        """What page ``rel`` showed (opened now, or earlier in this run)."""
        key = (rel, dark)
        if key in self._failures:
            mode = "dark" if dark else "light"
            raise RuntimeError(
                f"{rel} could not be opened in {mode} mode earlier in this run"
            ) from self._failures[key]
        if key not in self._visits:
            try:
                self._visits[key] = open_page(
                    self.browser,
                    self.base,
                    rel,
                    dark=dark,
                    screenshot=self.screenshot_path(rel, dark=dark),
                    axe=not dark,
                )
            except Exception as error:
                self._failures[key] = error
                raise
        return self._visits[key]
