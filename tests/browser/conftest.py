"""Fixtures of the browser test: the built book served on 127.0.0.1, and headless Chromium.

Run with ``make browser`` after ``make book``. Settings, all optional:

- ``L1L2_BOOK_HTML``: the built HTML to test (default ``_build/html`` in the project root).
- ``L1L2_CHROMIUM``: the Chromium executable (default: ``chromium`` on PATH).
- ``L1L2_REQUIRE_BROWSER=1`` (CI sets it): a missing Chromium fails the run instead of skipping it.

The test never downloads a browser (no ``playwright install``): Playwright drives Debian's
``chromium`` through ``executable_path``. Every request to a host other than the local server is
blocked and recorded; the run ends with a list of them, page by page.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .visits import ROOT, Visits

BUILD_HINT = (
    "build the book first: `make book` "
    "(or `.venv/bin/jupyter-book build . --all -W -n --keep-going`)"
)
MISSING_BUILD = "<no built book>"


# Filled by the tests, printed at the end of the run: page -> external URLs it asked for.
EXTERNAL_REQUESTS: dict[str, list[str]] = {}


def html_dir() -> Path:
    """Where the built book is."""
    return Path(os.environ.get("L1L2_BOOK_HTML", ROOT / "_build" / "html")).resolve()


def discover_pages(root: Path) -> list[str]:
    """Every HTML page a reader can open, relative to the build root (assets excluded)."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue  # _static, _sources, _images, ...: assets, not pages
        pages.append(rel.as_posix())
    return pages


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``page`` with every page of the build, whatever chapters exist."""
    if "page" in metafunc.fixturenames:
        root = html_dir()
        pages = discover_pages(root) if (root / "index.html").is_file() else []
        metafunc.parametrize("page", pages or [MISSING_BUILD])


@pytest.fixture(scope="session")
def site(chromium_path: str) -> Path:
    """The built HTML; fails with a clear message when the book has not been built."""
    root = html_dir()
    if not (root / "index.html").is_file():
        pytest.fail(f"No built book at {root} (index.html missing): {BUILD_HINT}.", pytrace=False)
    return root


@pytest.fixture(scope="session")
def book_config() -> dict[str, Any]:
    """The book's ``_config.yml``."""
    with (ROOT / "_config.yml").open(encoding="utf-8") as handle:
        config: dict[str, Any] = yaml.safe_load(handle)
    return config


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 at a free port; yield its base URL (ends with /)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def screenshot_dir(site: Path) -> Path:
    """Where the screenshots go: ``_build/screenshots`` beside ``_build/html``."""
    path = site.parent / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def visits(browser: Any, server: str, screenshot_dir: Path) -> Visits:
    """Every page, opened once per colour mode for the whole run: ``visits(rel, dark=False)``."""
    return Visits(browser, server, screenshot_dir)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say which external resources the pages asked for (all were blocked)."""
    if not EXTERNAL_REQUESTS:
        return
    terminalreporter.section("external resources the pages asked for (blocked in the test)")
    by_url: dict[str, list[str]] = {}
    for page, urls in sorted(EXTERNAL_REQUESTS.items()):
        for url in urls:
            by_url.setdefault(url, []).append(page)
    if not by_url:
        terminalreporter.write_line("none: every page loads from the book's own files")
        return
    for url, pages in sorted(by_url.items()):
        terminalreporter.write_line(f"{url}")
        terminalreporter.write_line(f"    asked for by {len(pages)} page(s): {', '.join(pages)}")
