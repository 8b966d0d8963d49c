"""The notebooks as a reader runs them: JupyterLab (and Notebook 7) from the project's environment.

Every chapter is opened in headless Chromium, run top to bottom with Run All Cells, and read the
way a reader reads it: the rendered markdown shows no MyST markup (no glue role, no role name in
braces, no directive as a code block, no ``key:.2f`` placeholder, no HTML comment), no cell prints
to stderr or fails, and the explorer of the last chapter redraws its figure when a slider is
dragged. A screenshot of each chapter lands in ``_build/jupyterlab-screenshots/``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import BOOK, Jupyter

NOTEBOOKS = sorted(p.name for p in BOOK.glob("*.ipynb"))
EXPLORER_NOTEBOOK = "10-explore.ipynb"
EXPLORER_CALL = "widgets.explorer("
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 16_000  # Chromium's largest texture
LOAD_TIMEOUT_MS = 120_000
RUN_TIMEOUT_S = 600
REDRAW_TIMEOUT_S = 60

# Markup that a reader must never see in rendered markdown (math removed first).
RAW_MARKUP = [
    (re.compile(r"\{glue"), "a glue role"),
    (re.compile(r"\{[a-z][a-z0-9_:-]*\}"), "a role or directive name in braces"),
    (re.compile(r"^\s*(```|~~~|:::)", re.MULTILINE), "a code fence"),
    (re.compile(r"^:(label|class|name|caption|nonumber):", re.MULTILINE), "a directive option"),
    (re.compile(r"<!--|-->"), "an HTML comment"),
    (
        re.compile(r"\b[A-Za-z_][\w.]*:[<>=^]?[+-]?[#0]?\d*[,_]?(?:\.\d+)?[bcdeEfFgGnosxX%](?!\w)"),
        "a glue placeholder such as name:.2f",
    ),
]

PANEL = {"lab": ".jp-NotebookPanel:not(.lm-mod-hidden)", "notebook": ".jp-NotebookPanel"}

# Runs in the page: what the reader sees of the notebook in ``panel``.
READ = """
(panel) => {
  const RENDERED = '.jp-MarkdownOutput, .lm-Widget.myst';  // plain JupyterLab, jupyterlab-myst
  const root = document.querySelector(panel);
  const markdown = Array.from(root.querySelectorAll('.jp-MarkdownCell')).map((cell, index) => {
    const shown = cell.querySelector(RENDERED);
    if (shown === null) return {index, rendered: false, text: '', code: []};
    const copy = shown.cloneNode(true);
    copy.querySelectorAll('.katex, .math, mjx-container, .MathJax, style, script')
        .forEach(e => e.remove());
    return {
      index,
      rendered: true,
      text: copy.textContent,
      code: Array.from(shown.querySelectorAll('pre, pre code')).map(
        e => ({cls: e.className || '', text: e.textContent.slice(0, 120)})),
    };
  });
  const prompts = Array.from(root.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
      .map(p => p.textContent.trim());
  const stderr = Array.from(root.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
      .map(o => o.textContent.slice(0, 800));
  return {markdown, prompts, stderr};
}
"""

# Runs in the page: the explorer's first slider handle and its figure's canvas, as data URL.
EXPLORER = """
([panel, call]) => {
  const root = document.querySelector(panel);
  const cell = Array.from(root.querySelectorAll('.jp-CodeCell'))
      .find(c => (c.querySelector('.jp-InputArea-editor') || {textContent: ''})
                 .textContent.includes(call));
  if (!cell) return null;
  const canvas = cell.querySelector('.jp-OutputArea canvas');
  const handle = cell.querySelector('.jp-OutputArea .widget-slider .noUi-handle, '
                                    + '.jp-OutputArea .widget-slider .ui-slider-handle');
  const readout = cell.querySelector('.jp-OutputArea .widget-slider .widget-readout');
  if (!canvas || !handle) return {canvas: !!canvas, handle: !!handle};
  handle.scrollIntoView({block: 'center'});
  const box = handle.getBoundingClientRect();
  return {canvas: true, handle: true, x: box.x + box.width / 2, y: box.y + box.height / 2,
          image: canvas.toDataURL(), readout: readout ? readout.textContent : null};
}
"""


@dataclass
class Reading:
    """What the reader saw of one notebook."""

    markdown: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def open_notebook(
    browser: Any, jupyter: Jupyter, name: str, app: str
) -> tuple[Any, Any, list[str]]:
    """Open ``name`` in JupyterLab (``app="lab"``) or Notebook 7 (``"notebook"``)."""
    context = browser.new_context(viewport=VIEWPORT)
    blocked: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith((jupyter.base, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    path = f"lab/tree/{name}?reset" if app == "lab" else f"notebooks/{name}"
    page.goto(jupyter.base + path)
    page.wait_for_selector(f"{PANEL[app]} .jp-Notebook .jp-MarkdownCell", timeout=LOAD_TIMEOUT_MS)
    # Every markdown cell rendered (jupyterlab-myst renders asynchronously).
    page.wait_for_function(
        """(panel) => Array.from(document.querySelectorAll(panel + ' .jp-MarkdownCell')).every(
               c => c.querySelector('.jp-MarkdownOutput, .lm-Widget.myst') !== null)""",
        arg=PANEL[app],
        timeout=LOAD_TIMEOUT_MS,
    )
    return context, page, blocked


def _prompts(page: Any, app: str) -> list[str]:
    prompts: list[str] = page.evaluate(
        f"() => Array.from(document.querySelectorAll('{PANEL[app]} .jp-CodeCell "
        ".jp-InputPrompt')).map(p => p.textContent.trim())"
    )
    return prompts


def run_all(page: Any, app: str, failure_screenshot: Path) -> None:
    """Run All Cells from the Run menu once the kernel is idle; wait until every cell has run."""
    try:
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=LOAD_TIMEOUT_MS
        )
    except Exception:
        page.screenshot(path=str(failure_screenshot))
        raise
    deadline = time.monotonic() + RUN_TIMEOUT_S
    for attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        started = time.monotonic()
        while time.monotonic() - started < 20 and all(p == "[ ]:" for p in _prompts(page, app)):
            time.sleep(0.5)
        if not all(p == "[ ]:" for p in _prompts(page, app)):
            break
        print(f"Run All Cells started nothing (attempt {attempt + 1})")
    while True:
        prompts = _prompts(page, app)
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
            return
        if time.monotonic() > deadline:
            page.screenshot(path=str(failure_screenshot))
            pytest.fail(f"still running after {RUN_TIMEOUT_S} s: {prompts}")
        time.sleep(0.5)


def read(page: Any, app: str, blocked: list[str]) -> Reading:
    """What the reader sees of the notebook now."""
    seen = page.evaluate(READ, PANEL[app])
    return Reading(seen["markdown"], seen["prompts"], seen["stderr"], list(blocked))


def markup_problems(reading: Reading) -> list[str]:
    """Every place where rendered markdown shows markup instead of what it stands for."""
    problems = []
    for cell in reading.markdown:
        where = f"markdown cell {cell['index']}"
        if not cell["rendered"]:
            problems.append(f"{where} is not rendered")
            continue
        for pattern, what in RAW_MARKUP:
            for match in pattern.finditer(cell["text"]):
                start = max(0, match.start() - 40)
                context = cell["text"][start : match.end() + 40].replace("\n", " ")
                problems.append(f"{where} shows {what}: ...{context}...")
        for block in cell["code"]:
            if "{" in block["cls"] or block["text"].lstrip().startswith("{"):
                problems.append(f"{where} shows a directive as code: {block['text']!r}")
    return problems


def screenshot(page: Any, app: str, path: Path) -> None:
    """The whole notebook: the window made as tall as the notebook (up to Chromium's limit)."""
    height = page.evaluate(
        """(panel) => { const s = document.querySelector(panel + ' .jp-WindowedPanel-outer');
                        if (!s) return 0;
                        s.scrollTop = 0;  // Run All left it at the last cell
                        return s.scrollHeight; }""",
        PANEL[app],
    )
    tall = min(max(VIEWPORT["height"], height + 200), MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
    page.wait_for_timeout(500)
    page.evaluate(
        "(panel) => { const s = document.querySelector(panel + ' .jp-WindowedPanel-outer');"
        " if (s) s.scrollTop = 0; }",
        PANEL[app],
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)


def drag_explorer_slider(page: Any, app: str) -> list[str]:
    """Drag the explorer's first slider; return what went wrong (nothing when it redrew)."""
    before = page.evaluate(EXPLORER, [PANEL[app], EXPLORER_CALL])
    if not before or not before.get("handle") or not before.get("canvas"):
        return [f"no explorer slider and figure found after running {EXPLORER_CALL!r}: {before}"]
    page.mouse.move(before["x"], before["y"])
    page.mouse.down()
    page.mouse.move(before["x"] + 120, before["y"], steps=8)
    page.mouse.up()
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    while time.monotonic() < deadline:
        after = page.evaluate(EXPLORER, [PANEL[app], EXPLORER_CALL])
        if after["readout"] != before["readout"] and after["image"] != before["image"]:
            return []
        page.wait_for_timeout(500)
    moved = after["readout"] != before["readout"]
    return [
        f"dragging the slider ({before['readout']} -> {after['readout']}, "
        f"{'moved' if moved else 'did not move'}) did not redraw the figure "
        f"within {REDRAW_TIMEOUT_S} s"
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_reads_and_runs_in_jupyterlab(
    name: str, jupyter: Jupyter, browser: Any, screenshot_dir: Path
) -> None:
    start = time.monotonic()
    context, page, blocked = open_notebook(browser, jupyter, name, "lab")
    try:
        print(f"{name}: opened {time.monotonic() - start:.1f} s")
        run_all(page, "lab", screenshot_dir / f"failed-{Path(name).stem}.png")
        print(f"{name}: ran {time.monotonic() - start:.1f} s")
        reading = read(page, "lab", blocked)
        problems = markup_problems(reading)
        problems += [f"a cell wrote to stderr or failed: {text}" for text in reading.stderr]
        if name == EXPLORER_NOTEBOOK:
            problems += drag_explorer_slider(page, "lab")
        screenshot(page, "lab", screenshot_dir / f"{Path(name).stem}.png")
        print(f"{name}: read {time.monotonic() - start:.1f} s")
    finally:
        context.close()
        jupyter.shut_down_kernels()
    assert reading.markdown, f"{name}: no markdown cell found"
    assert not problems, f"{name} in JupyterLab:\n" + "\n".join(problems)
    assert not reading.blocked, f"{name} asked for other hosts: {reading.blocked}"


def test_first_chapter_reads_and_runs_in_notebook_7(
    jupyter: Jupyter, browser: Any, screenshot_dir: Path
) -> None:
    name = NOTEBOOKS[0]
    context, page, blocked = open_notebook(browser, jupyter, name, "notebook")
    try:
        run_all(page, "notebook", screenshot_dir / f"failed-notebook7-{Path(name).stem}.png")
        reading = read(page, "notebook", blocked)
        problems = markup_problems(reading)
        problems += [f"a cell wrote to stderr or failed: {text}" for text in reading.stderr]
        page.screenshot(path=str(screenshot_dir / f"notebook7-{Path(name).stem}.png"))
    finally:
        context.close()
        jupyter.shut_down_kernels()
    assert reading.markdown, f"{name}: no markdown cell found"
    assert not problems, f"{name} in Notebook 7:\n" + "\n".join(problems)
    assert not reading.blocked, f"{name} asked for other hosts: {reading.blocked}"


@pytest.mark.parametrize(
    "shown",
    [
        "So L1 = {glue:text}l1_apple:.2f apples",  # plain Markdown: the role and a code span
        "So L1 = l1_apple:.2f apples",  # jupyterlab-myst: the glue role's content
        "see {doc}API reference <api>",
        "So L1 = 6.67<!-- glue l1_apple:.2f --> apples",  # a comment shown as text
        ":label: ex-apple\nA second forecaster",
    ],
)
def test_the_reading_check_bites(shown: str) -> None:
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": shown, "code": []}])
    assert markup_problems(reading)


def test_the_reading_check_sees_a_directive_shown_as_code() -> None:
    code = [{"cls": "language-{note}", "text": "L2 is the larger"}]
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": "", "code": code}])
    assert markup_problems(reading) == [
        "markdown cell 3 shows a directive as code: 'L2 is the larger'"
    ]


def test_the_reading_check_passes_what_a_reader_should_see() -> None:
    text = "So L1 = 6.67 and L2 = 50.00 apples². Note: 94% of it, (\u00d72.62), w = 0.486."
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": text, "code": []}])
    assert markup_problems(reading) == []
