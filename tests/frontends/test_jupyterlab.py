"""The notebooks as a reader opens them: JupyterLab (and Notebook 7) from the project's environment.

JupyterLab is loaded once in headless Chromium; every chapter is opened in it and read the way a
reader reads it: the rendered markdown shows no MyST markup (no glue role, no role name in braces,
no directive as a code block, no ``key:.2f`` placeholder, no HTML comment) and no reference that
jupyterlab-myst could not resolve (its warning icon), every code cell shows the output stored by
its run (a numbered prompt), no output is an error or stderr, and no request goes to another host.
Then the chapter is closed and its kernel shut down, so that nothing of it is left for the next
one to read.

Which chapters are also run here, with Run All Cells: the chapter whose outputs need a live kernel
to show what the text promises (chapter 11, the ipywidgets explorers: its slider is dragged and the
figure must redraw), and, in Notebook 7, chapter 1. Every other chapter is executed top to bottom in
the same environment by nbval (``make nbval``), which compares each output with the stored one
that this test reads; running them a second time here would check the kernel twice and the
frontend no more (it took half of ``make test``'s time).

A screenshot of each chapter's first screen lands in ``_build/jupyterlab-screenshots/``; with
``L1L2_WHOLE_SCREENSHOTS=1``, one as tall as the chapter (about 1 to 2.5 s of CPU each, measured:
the price of seeing a whole chapter, figures included, which no check compares).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import BOOK, LOAD_TIMEOUT_MS, VIEWPORT, Frontend, Jupyter, Lab

NOTEBOOKS = sorted(p.name for p in BOOK.glob("*.ipynb"))
EXPLORER_NOTEBOOK = "11-explore.ipynb"
# The chapters run with Run All Cells in JupyterLab (see the module's docstring).
RUN_IN_LAB = {EXPLORER_NOTEBOOK}
EXPLORER_CALL = "widgets.explorer("
MAX_SCREENSHOT_HEIGHT = 16_000  # Chromium's largest texture
START_TIMEOUT_MS = 20_000  # Run All marks every cell "[*]:" at once: a click that took, or not
RUN_TIMEOUT_MS = 600_000
REDRAW_TIMEOUT_S = 60

# The keys of the bibliography: where jupyterlab-myst cannot resolve a {cite} role (it has no
# bibliography), it shows the bare key in the text, a word the reader cannot use.
CITATION_KEYS = re.findall(
    r"^@\w+\{([^,\s]+),", (BOOK.parent / "references.bib").read_text(encoding="utf-8"), re.M
)

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
    (
        re.compile(r"\b(?:" + "|".join(map(re.escape, CITATION_KEYS)) + r")\b"),
        "an unresolved citation key",
    ),
]

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
      // jupyterlab-myst's mark of what it could not resolve (a cross-reference, a citation):
      // a yellow span with a warning icon, titled e.g. "Cross Reference Not Found".
      unresolved: Array.from(shown.querySelectorAll('span.text-yellow-600[title]')).map(
        e => ({title: e.title, text: e.textContent.slice(0, 120)})),
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


# Runs in the page: open ``path`` in the loaded JupyterLab; the id of its notebook panel.
OPEN = """
async (path) => {
  const panel = await window.jupyterapp.commands.execute('docmanager:open', {path});
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.id;
}
"""

# Runs in the page: the id of the notebook panel Notebook 7 opened from its URL.
CURRENT = """
async () => {
  const app = window.jupyterapp;
  await app.restored;
  const panel = Array.from(app.shell.widgets('main')).find(w => w.sessionContext);
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.id;
}
"""

# Runs in the page: what is open in the main area, and any dialog left over.
STATE = """
() => window.jupyterapp === undefined ? null : {
  notebooks: Array.from(window.jupyterapp.shell.widgets('main')).filter(w => w.sessionContext)
      .map(w => w.title.label),
  dialogs: document.querySelectorAll('.jp-Dialog').length,
}
"""

# Runs in the page: shut down the kernel of every open document and close it (unsaved: the
# served copy is never rewritten).
CLOSE_ALL = """
async () => {
  for (const widget of Array.from(window.jupyterapp.shell.widgets('main'))) {
    try {
      if (widget.sessionContext) await widget.sessionContext.shutdown();
    } finally {
      widget.dispose();
    }
  }
}
"""

# Runs in the page: count the cells the kernel of the panel ``id`` starts to run from now on.
WATCH = """
(id) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id);
  const run = {inputs: 0};
  panel.sessionContext.iopubMessage.connect((_, message) => {
    if (message.header.msg_type === 'execute_input') run.inputs += 1;
  });
  window.l1l2Run = run;
  return panel.content.widgets.filter(cell => cell.model.type === 'code').length;
}
"""

# Runs in the page: the notebook's model differs from its file (the tab's dot, "unsaved").
DIRTY = """
(id) => Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id)
    .context.model.dirty
"""

KERNEL_IDLE = """
(id) => Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id)
    .sessionContext.kernelDisplayStatus === 'idle'
"""

# Runs in the page: a cell is queued or running ("[*]:") since Run All, or the kernel ran one.
STARTED = """
(panel) => window.l1l2Run.inputs > 0 || Array.from(
    document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt'))
    .some(p => p.textContent.includes('*'))
"""

# Runs in the page: the kernel ran a cell and none is queued or running any more (every cell
# ran, or one failed and the kernel dropped the rest).
FINISHED = """
(panel) => window.l1l2Run.inputs > 0 && !Array.from(
    document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt'))
    .some(p => p.textContent.includes('*'))
"""

# Runs in the page: every markdown cell rendered (jupyterlab-myst renders asynchronously).
RENDERED = """
(panel) => {
  const cells = Array.from(document.querySelectorAll(panel + ' .jp-MarkdownCell'));
  return cells.length > 0
      && cells.every(c => c.querySelector('.jp-MarkdownOutput, .lm-Widget.myst') !== null);
}
"""


@dataclass
class Reading:
    """What the reader saw of one notebook."""

    markdown: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def fresh(lab: Lab) -> None:
    """Leave JupyterLab as a reader finds it: no notebook open, no dialog; else load it anew."""
    try:
        state = lab.page.evaluate(STATE)
    except Exception as error:  # the page crashed or hangs
        state = {"error": str(error)}
    if state != {"notebooks": [], "dialogs": 0}:
        print(f"loading JupyterLab again, as the last test left it: {state}")
        lab.load()


def close_all(page: Any) -> None:
    """Close every notebook and shut its kernel down."""
    page.evaluate(CLOSE_ALL)


def wait_until_rendered(page: Any, panel: str) -> None:
    page.wait_for_function(RENDERED, arg=panel, timeout=LOAD_TIMEOUT_MS, polling=100)


def open_in_lab(page: Any, name: str) -> str:
    """Open ``name`` in the loaded JupyterLab; the CSS selector of its notebook panel."""
    panel = f'[id="{page.evaluate(OPEN, name)}"]'
    wait_until_rendered(page, panel)
    return panel


def open_in_notebook_7(page: Any, base: str, name: str) -> str:
    """Open ``name`` in Notebook 7; the CSS selector of its notebook panel."""
    page.goto(base + f"notebooks/{name}", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(
        "() => window.jupyterapp !== undefined", timeout=LOAD_TIMEOUT_MS, polling=100
    )
    panel = f'[id="{page.evaluate(CURRENT)}"]'
    wait_until_rendered(page, panel)
    return panel


def run_all(page: Any, panel: str, failure_screenshot: Path) -> list[str]:
    """Run All Cells from the Run menu once the kernel is idle; wait until no cell is left to run.

    Return what went wrong: a cell that did not run in this kernel.
    """
    panel_id = panel[len('[id="') : -len('"]')]
    try:
        page.wait_for_function(KERNEL_IDLE, arg=panel_id, timeout=LOAD_TIMEOUT_MS, polling=100)
    except Exception:
        page.screenshot(path=str(failure_screenshot))
        raise
    code_cells = page.evaluate(WATCH, panel_id)
    for attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        try:
            page.wait_for_function(STARTED, arg=panel, timeout=START_TIMEOUT_MS, polling=100)
            break
        except PlaywrightTimeoutError:
            print(f"Run All Cells started nothing (attempt {attempt + 1})")
    else:
        page.screenshot(path=str(failure_screenshot))
        pytest.fail("Run All Cells started nothing, three times", pytrace=False)
    try:
        page.wait_for_function(FINISHED, arg=panel, timeout=RUN_TIMEOUT_MS, polling=250)
    except PlaywrightTimeoutError:
        page.screenshot(path=str(failure_screenshot))
        pytest.fail(f"still running after {RUN_TIMEOUT_MS // 1000} s", pytrace=False)
    prompts = page.evaluate(
        "(panel) => Array.from(document.querySelectorAll(panel + ' .jp-CodeCell "
        ".jp-InputPrompt')).map(p => p.textContent.trim())",
        panel,
    )
    ran = page.evaluate("() => window.l1l2Run.inputs")
    problems = [
        f"code cell {index} did not run: its prompt is {prompt!r}"
        for index, prompt in enumerate(prompts)
        if not re.fullmatch(r"\[\d+\]:", prompt)
    ]
    if ran != code_cells:
        problems.append(f"the kernel ran {ran} cells of {code_cells}")
    return problems


def read(page: Any, panel: str, blocked: list[str]) -> Reading:
    """What the reader sees of the notebook in ``panel`` now."""
    seen = page.evaluate(READ, panel)
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
        for mark in cell.get("unresolved", []):
            problems.append(f"{where} shows a warning, {mark['title']!r}: {mark['text']!r}")
    return problems


def screenshot(page: Any, panel: str, path: Path) -> None:
    """The whole notebook: the window made as tall as the notebook (up to Chromium's limit).

    Only with ``L1L2_WHOLE_SCREENSHOTS=1`` (for people to look at: no check compares them, and
    they cost more CPU than the checks); else the first screen.
    """
    if os.environ.get("L1L2_WHOLE_SCREENSHOTS") != "1":
        page.screenshot(path=str(path))
        return
    outer = f"{panel} .jp-WindowedPanel-outer"
    sizes = page.evaluate(
        """(outer) => { const s = document.querySelector(outer);
                        if (!s) return [0, 0];
                        s.scrollTop = 0;  // Run All left it at the last cell
                        return [s.scrollHeight, s.clientHeight]; }""",
        outer,
    )
    tall = min(max(VIEWPORT["height"], sizes[0] + 200), MAX_SCREENSHOT_HEIGHT)
    if tall > VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
        # JupyterLab lays itself out again on the next animation frame after the resize.
        page.wait_for_function(
            """([outer, before]) => { const s = document.querySelector(outer);
                                      s.scrollTop = 0;
                                      return s.clientHeight > before; }""",
            arg=[outer, sizes[1]],
            timeout=LOAD_TIMEOUT_MS,
            polling="raf",
        )
    try:
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(VIEWPORT)


def drag_explorer_slider(page: Any, panel: str) -> list[str]:
    """Drag the explorer's first slider; return what went wrong (nothing when it redrew).

    A drag that leaves the slider where it was (the output area can still shift under the pointer
    while JupyterLab lays out the cell's outputs) is measured and tried again, up to three times;
    a slider that moves must then redraw the figure within ``REDRAW_TIMEOUT_S``.
    """
    first = before = after = page.evaluate(EXPLORER, [panel, EXPLORER_CALL])
    if not before or not before.get("handle") or not before.get("canvas"):
        return [f"no explorer slider and figure found after running {EXPLORER_CALL!r}: {before}"]
    for _ in range(3):
        page.mouse.move(before["x"], before["y"])
        page.mouse.down()
        page.mouse.move(before["x"] + 120, before["y"], steps=8)
        page.mouse.up()
        page.wait_for_timeout(1000)
        after = page.evaluate(EXPLORER, [panel, EXPLORER_CALL])
        if after["readout"] != first["readout"]:
            break
        before = after  # measured again where the handle is now
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    while time.monotonic() < deadline:
        after = page.evaluate(EXPLORER, [panel, EXPLORER_CALL])
        if after["readout"] != first["readout"] and after["image"] != first["image"]:
            return []
        page.wait_for_timeout(250)
    moved = after["readout"] != first["readout"]
    return [
        f"dragging the slider ({first['readout']} -> {after['readout']}, "
        f"{'moved' if moved else 'did not move'} in three tries) did not redraw the figure "
        f"within {REDRAW_TIMEOUT_S} s"
    ]


# The charts of l1l2.interactive, stored as Vega-Lite v5 mime bundles: how many each chapter shows.
CHART_NOTEBOOKS = {"01-how-wrong-is-my-model.ipynb": 1, "11-explore.ipynb": 3}

# Runs in the page: each Vega-Lite chart JupyterLab drew in ``panel``, its size and its controls.
CHARTS = """
(panel) => Array.from(document.querySelector(panel).querySelectorAll('.jp-RenderedVegaLite'))
  .map(output => {
    const drawn = output.querySelector('.vega-embed svg, .vega-embed canvas');
    const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
    return {width: box.width, height: box.height,
            controls: output.querySelectorAll('.vega-bindings input').length};
  })
"""


def drawn_charts(page: Any, panel: str, count: int) -> list[dict[str, Any]]:
    """Wait until ``count`` Vega-Lite charts are drawn in ``panel``; what each shows."""
    # A time-out is reported by the caller, with what was drawn.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            f"(panel) => document.querySelector(panel).querySelectorAll("
            f"'.jp-RenderedVegaLite .vega-embed svg, .jp-RenderedVegaLite .vega-embed canvas'"
            f").length >= {count}",
            arg=panel,
            timeout=LOAD_TIMEOUT_MS,
            polling=200,
        )
    charts: list[dict[str, Any]] = page.evaluate(CHARTS, panel)
    return charts


@pytest.mark.parametrize("name", sorted(CHART_NOTEBOOKS))
def test_stored_charts_render_in_jupyterlab_with_no_kernel(
    name: str, lab: Lab, screenshot_dir: Path
) -> None:
    """The stored Vega-Lite output draws as soon as the chapter opens, controls included."""
    page = lab.page
    fresh(lab)
    try:
        panel = open_in_lab(page, name)
        charts = drawn_charts(page, panel, CHART_NOTEBOOKS[name])
        first = page.locator(f"{panel} .jp-RenderedVegaLite").first
        if first.count():
            first.scroll_into_view_if_needed()
            first.screenshot(path=str(screenshot_dir / f"chart-{Path(name).stem}.png"))
    finally:
        close_all(page)
    assert len(charts) == CHART_NOTEBOOKS[name], f"{name}: charts drawn {charts}"
    for chart in charts:
        assert chart["width"] > 200, f"{name}: a chart drawn {chart}"
        assert chart["height"] > 150, f"{name}: a chart drawn {chart}"
        assert chart["controls"] > 0, f"{name}: a chart without its sliders or buttons {chart}"


def problems_of(reading: Reading) -> list[str]:
    """What the reader should not see: raw markup, a cell that failed or wrote to stderr."""
    problems = markup_problems(reading)
    problems += [f"a cell wrote to stderr or failed: {text}" for text in reading.stderr]
    return problems


def stored_run_problems(reading: Reading) -> list[str]:
    """A code cell that shows no stored run: its prompt is not numbered."""
    return [
        f"code cell {index} shows no stored run: its prompt is {prompt!r}"
        for index, prompt in enumerate(reading.prompts)
        if not re.fullmatch(r"\[\d+\]:", prompt)
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_reads_in_jupyterlab(
    name: str, lab: Lab, jupyter: Jupyter, screenshot_dir: Path
) -> None:
    start = time.monotonic()
    page = lab.page
    fresh(lab)
    problems: list[str] = []
    try:
        panel = open_in_lab(page, name)
        print(f"{name}: opened {time.monotonic() - start:.1f} s")
        # Opened and its kernel started, the notebook is as its file: JupyterLab writes the
        # running kernel's name into the metadata, and a stored "Python 3" made every chapter
        # "unsaved" at once (saving it then changed the file).
        page.wait_for_function(
            KERNEL_IDLE, arg=panel[len('[id="') : -len('"]')], timeout=LOAD_TIMEOUT_MS, polling=100
        )
        if page.evaluate(DIRTY, panel[len('[id="') : -len('"]')]):
            problems.append("opened with its kernel, the notebook is marked unsaved")
        if name in RUN_IN_LAB:
            problems += run_all(page, panel, screenshot_dir / f"failed-{Path(name).stem}.png")
            print(f"{name}: ran {time.monotonic() - start:.1f} s")
        reading = read(page, panel, lab.new_blocked())
        problems += problems_of(reading) + stored_run_problems(reading)
        if name == EXPLORER_NOTEBOOK:
            problems += drag_explorer_slider(page, panel)
            print(f"{name}: dragged {time.monotonic() - start:.1f} s")
        screenshot(page, panel, screenshot_dir / f"{Path(name).stem}.png")
        print(f"{name}: read {time.monotonic() - start:.1f} s")
    finally:
        close_all(page)
        jupyter.shut_down_kernels()
    assert reading.prompts, f"{name}: no code cell found"
    assert reading.markdown, f"{name}: no markdown cell found"
    assert not problems, f"{name} in JupyterLab:\n" + "\n".join(problems)
    assert not reading.blocked, f"{name} asked for other hosts: {reading.blocked}"


def test_first_chapter_reads_and_runs_in_notebook_7(
    browser: Any, jupyter: Jupyter, screenshot_dir: Path
) -> None:
    name = NOTEBOOKS[0]
    start = time.monotonic()
    notebook = Frontend(browser, jupyter.base)
    try:
        page = notebook.context.new_page()
        panel = open_in_notebook_7(page, jupyter.base, name)
        print(f"{name} in Notebook 7: opened {time.monotonic() - start:.1f} s")
        failed = screenshot_dir / f"failed-notebook7-{Path(name).stem}.png"
        problems = run_all(page, panel, failed)
        reading = read(page, panel, notebook.new_blocked())
        problems += problems_of(reading)
        charts = drawn_charts(page, panel, CHART_NOTEBOOKS.get(name, 0))
        if len(charts) != CHART_NOTEBOOKS.get(name, 0) or any(c["width"] < 200 for c in charts):
            problems.append(f"Vega-Lite charts drawn: {charts}")
        page.screenshot(path=str(screenshot_dir / f"notebook7-{Path(name).stem}.png"))
        print(f"{name} in Notebook 7: read {time.monotonic() - start:.1f} s")
    finally:
        notebook.close()
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


@pytest.mark.parametrize(
    "shown",
    [
        "the clipped slope of Huber (huber1964).",  # jupyterlab-myst: {cite:p} unresolved
        "as huber1964, huber2009 showed",  # several keys of one role
        "see koenker1978",  # {cite:t}
    ],
)
def test_the_reading_check_sees_an_unresolved_citation_key(shown: str) -> None:
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": shown, "code": []}])
    assert any("an unresolved citation key" in p for p in markup_problems(reading))


def test_the_reading_check_knows_every_key_of_the_bibliography() -> None:
    assert {"huber1964", "koenker1978", "datadive2024", "absl1"} <= set(CITATION_KEYS)


def test_the_reading_check_sees_a_directive_shown_as_code() -> None:
    code = [{"cls": "language-{note}", "text": "L2 is the larger"}]
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": "", "code": code}])
    assert markup_problems(reading) == [
        "markdown cell 3 shows a directive as code: 'L2 is the larger'"
    ]


def test_the_reading_check_sees_an_unresolved_cross_reference() -> None:
    mark = {"title": "Cross Reference Not Found", "text": "fig-penalty-curves"}
    cell = {"index": 3, "rendered": True, "text": "", "code": [], "unresolved": [mark]}
    assert markup_problems(Reading(markdown=[cell])) == [
        "markdown cell 3 shows a warning, 'Cross Reference Not Found': 'fig-penalty-curves'"
    ]


def test_the_reading_check_passes_what_a_reader_should_see() -> None:
    text = (
        "So L1 = 6.67 and L2 = 50.00 apples². Note: 94% of it, (\u00d72.62), w = 0.486, "
        "as (Huber, 1964; Huber and Ronchetti, 2009) and Koenker and Bassett (1978) say."
    )
    reading = Reading(markdown=[{"index": 3, "rendered": True, "text": text, "code": []}])
    assert markup_problems(reading) == []
