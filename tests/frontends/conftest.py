"""Fixtures of the reader's-frontend test: JupyterLab from the project's environment, and Chromium.

Run with ``make jupyterlab``. Settings, all optional:

- ``L1L2_CHROMIUM``: the Chromium executable (default: ``chromium`` on PATH, or /usr/bin/chromium).
- ``L1L2_REQUIRE_BROWSER=1`` (CI sets it): a missing Chromium fails the run instead of skipping it.

JupyterLab serves a copy of ``book/`` (running the notebooks must never rewrite the stored outputs)
on 127.0.0.1 with no token, with settings of its own in a temporary folder: every cell rendered at
once (no windowing), no news, no autosave. Playwright drives Debian's ``chromium`` through
``executable_path`` (never ``playwright install``), and every request to another host is blocked.

JupyterLab loads once per session (``lab``): loading the application costs seconds of CPU, so the
chapters are opened one after the other inside it, each closed, with its kernel shut down, before
the next (see ``test_jupyterlab.py``). The server exposes the application as ``window.jupyterapp``
for that.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SCREENSHOTS = ROOT / "_build" / "jupyterlab-screenshots"
STARTUP_TIMEOUT_S = 180
VIEWPORT = {"width": 1280, "height": 900}
LOAD_TIMEOUT_MS = 180_000


# What a reader's JupyterLab would do differently from the test's: the test renders every cell
# (a reader's JupyterLab renders the cells near the view as they scroll), asks for no news and
# never saves.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


class Jupyter:
    """A Jupyter server of the project's environment serving a copy of the book."""

    def __init__(self, base: str, root: Path, process: subprocess.Popen[bytes]) -> None:
        self.base = base
        self.root = root
        self.process = process

    def shut_down_kernels(self) -> None:
        """Stop every kernel, so that the next notebook runs on a quiet machine."""
        for kernel in _get(self.base + "api/kernels"):
            request = urllib.request.Request(
                f"{self.base}api/kernels/{kernel['id']}", method="DELETE"
            )
            with urllib.request.urlopen(request, timeout=30):
                pass


@pytest.fixture(scope="session")
def jupyter(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jupyter]:
    """JupyterLab (and Notebook 7, same server) on 127.0.0.1, serving a copy of ``book/``."""
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "book"
    shutil.copytree(BOOK, root, ignore=shutil.ignore_patterns("_ext", ".ipynb_checkpoints"))
    settings = work / "settings"
    for name, value in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
    )
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        # No token, so no cookie either: let the test's own requests (stop a kernel) through.
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp: the test opens and closes notebooks inside one loaded application.
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (work / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                log.flush()
                output = (work / "server.log").read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"JupyterLab stopped at start:\n{output}", pytrace=False)
            try:
                _get(base + "api")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer on {base}", pytrace=False)
                time.sleep(0.5)
        yield Jupyter(base, root, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


class Frontend:
    """A browser context that blocks, and records, every request to a host but the server."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.blocked: list[str] = []
        self._reported = 0
        self.context = browser.new_context(viewport=VIEWPORT)
        # A pattern, not a function: Playwright matches it itself, so only the requests to other
        # hosts come to Python (a function would be called for every request of JupyterLab).
        others = re.compile(f"^(?!{re.escape(base)}|data:|blob:)")
        self.context.route(others, self._block)

    def _block(self, route: Any) -> None:
        self.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def new_blocked(self) -> list[str]:
        """The requests to other hosts since the last call (the first call: since the start)."""
        new = self.blocked[self._reported :]
        self._reported = len(self.blocked)
        return new

    def close(self) -> None:
        self.context.close()


class Lab(Frontend):
    """JupyterLab, loaded once in one page; ``window.jupyterapp`` is the application."""

    def __init__(self, browser: Any, base: str) -> None:
        super().__init__(browser, base)
        self.page = self.context.new_page()
        self.load()

    def load(self) -> None:
        """(Re)load JupyterLab with a fresh workspace and wait until its layout is restored."""
        self.page.goto(self.base + "lab?reset", timeout=LOAD_TIMEOUT_MS)
        self.page.wait_for_function(
            "() => window.jupyterapp !== undefined", timeout=LOAD_TIMEOUT_MS, polling=100
        )
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")


@pytest.fixture(scope="session")
def lab(browser: Any, jupyter: Jupyter) -> Iterator[Lab]:
    """JupyterLab loaded once, in one headless Chromium page, for every chapter in turn."""
    start = time.monotonic()
    frontend = Lab(browser, jupyter.base)
    print(f"JupyterLab loaded in {time.monotonic() - start:.1f} s")
    try:
        yield frontend
    finally:
        frontend.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where the screenshots go: ``_build/jupyterlab-screenshots``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
