"""Shared test settings: hypothesis profiles that suit a busy machine, the book's data, Chromium."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chapter_data import draw_book_data
from hypothesis import settings

# No per-example deadline: the machine is shared, and a slow example is not a wrong one.
settings.register_profile("l1l2", deadline=None, max_examples=100)
# HYPOTHESIS_PROFILE=thorough searches twenty times harder, for a one-off hunt for edge cases.
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "l1l2"))


@pytest.fixture(scope="module")
def book_data():
    """The noisy data set of chapters 04 to 06 and 08 (``chapter_data.draw_book_data``, seed 4)."""
    return draw_book_data(np.random.default_rng(4))


def _find_chromium() -> str | None:
    configured = os.environ.get("L1L2_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium executable of the browser and JupyterLab tests; skip (or fail) without one."""
    path = _find_chromium()
    if path is None:
        reason = (
            "browser test not run: Chromium is not installed "
            "(install it as root with `bash .ci/install-browser`, "
            "i.e. `apt-get install -y chromium`)"
        )
        if os.environ.get("L1L2_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; L1L2_REQUIRE_BROWSER=1 requires it", pytrace=False)
        pytest.skip(reason)
    return path


# Flags that let Debian's Chromium run headless here (see ../shared/NOTEBOOKS.md). Playwright adds
# --headless and a fresh temporary --user-data-dir itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """Headless Chromium driven by Playwright (Debian's ``chromium``, never a downloaded one)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only the browser tests)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
