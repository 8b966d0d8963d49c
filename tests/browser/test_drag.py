"""The chart with points to drag (l1l2.drag, book/_static/l1l2-drag.js) on the built page.

Run with the rest of the browser test (``make browser``), after a build of the book. Points are
moved with the mouse, with touch-type pointer events and with the keyboard; after each move the
three equations the page shows must equal :func:`l1l2.regression.solve` on the moved points (to
the six significant digits shown), and the ``data-fits`` attribute must equal it to 1e-9. The page
is also checked on a 390-px phone screen (no sideways scroll) and in dark mode, with axe-core.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import numpy as np
import pytest

from l1l2 import regression

from .conftest import discover_pages
from .visits import AXE, RUN_AXE, TIMEOUT_MS, VIEWPORT

CHART = "#l1l2-drag-stars"
FAILING_IMPACTS = ("serious", "critical")
EQUATION = re.compile(r"(?P<label>[^:]+): y = (?P<b>\S+) (?P<sign>[+-]) (?P<a>\S+) x")
LOSSES = ("l2", "l1", "huber")

# Runs in the page: the chart's state, as the page exposes it.
STATE = """
(selector) => {
  const chart = document.querySelector(selector);
  const list = chart.querySelector('.l1l2-drag-equations');
  return {
    state: chart.dataset.state || null,
    points: JSON.parse(chart.dataset.points),
    fits: JSON.parse(chart.dataset.fits),
    settings: JSON.parse(chart.dataset.settings),
    live: list.getAttribute('aria-live'),
    equations: Array.from(list.querySelectorAll('li')).map(
      li => ({loss: li.dataset.loss, text: li.textContent})),
  };
}
"""

# Runs in the page: the centre of point i on the screen.
CENTRE = """
([selector, i]) => {
  const box = document.querySelectorAll(selector + ' .l1l2-drag-point')[i]
    .getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
}
"""

# Runs in the page: drag point i by (dx, dy) pixels with touch-type pointer events.
TOUCH_DRAG = """
([selector, i, dx, dy]) => {
  const circle = document.querySelectorAll(selector + ' .l1l2-drag-point')[i];
  const box = circle.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const event = (type, k) => new PointerEvent(type, {
    pointerId: 7, pointerType: 'touch', isPrimary: true, bubbles: true, cancelable: true,
    clientX: x + dx * k, clientY: y + dy * k});
  circle.dispatchEvent(event('pointerdown', 0));
  for (let k = 1; k <= 10; k++) circle.dispatchEvent(event('pointermove', k / 10));
  circle.dispatchEvent(event('pointerup', 1));
}
"""


@pytest.fixture(scope="module")
def chapter(site: Path) -> str:
    """The page that holds the chart."""
    pages = [
        rel
        for rel in discover_pages(site)
        if 'class="l1l2-drag"' in (site / rel).read_text(encoding="utf-8")
    ]
    assert pages, "no page of the book holds a chart with points to drag"
    return pages[0]


@pytest.fixture
def open_chart(browser: Any, server: str, chapter: str) -> Iterator[Any]:
    """Open the chart's page (``open_chart(**context options)``), every other host blocked."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(**options: Any) -> Any:
        context = browser.new_context(**{"viewport": VIEWPORT, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((server, "data:"))
                else route.abort("blockedbyclient")
            ),
        )
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(urljoin(server, chapter), wait_until="load")
        page.wait_for_function(f"document.querySelector('{CHART}').dataset.state === 'ready'")
        page.locator(CHART).scroll_into_view_if_needed()
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not errors, errors


def _state(page: Any) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(STATE, CHART)
    return state


def _shown(text: str) -> tuple[str, float, float]:
    match = EQUATION.fullmatch(text)
    assert match, f"not an equation: {text!r}"
    slope = float(match["a"]) * (-1.0 if match["sign"] == "-" else 1.0)
    return match["label"], float(match["b"]), slope


def _six_digits(shown: float, value: float) -> bool:
    """Whether ``shown`` is ``value`` to six significant digits (half a unit of the sixth)."""
    return abs(shown - value) <= 5e-6 * abs(value) * (1 + 1e-9) + 1e-300


def _check(state: dict[str, Any]) -> None:
    """The equations and data-fits on the page equal l1l2.regression.solve on its points."""
    points = np.array(state["points"])
    x, y = points[:, 0], points[:, 1]
    delta = state["settings"]["delta"]
    assert [e["loss"] for e in state["equations"]] == list(LOSSES)
    for item in state["equations"]:
        loss = item["loss"]
        fit = regression.solve(x, y, loss=loss, delta=delta)
        label, intercept, slope = _shown(item["text"])
        assert label == state["settings"]["lines"][loss][0]
        page_fit = state["fits"][loss]
        if loss == "l1" and not fit.unique:
            # several lines share the smallest total: the page's must be one of them
            total = np.abs(y - page_fit["intercept"] - page_fit["slope"] * x).sum()
            assert total == pytest.approx(fit.total_loss, rel=1e-9), (item, fit)
            continue
        assert _six_digits(intercept, fit.intercept), (item["text"], fit)
        assert _six_digits(slope, fit.slope), (item["text"], fit)
        assert page_fit["intercept"] == pytest.approx(fit.intercept, rel=1e-9, abs=1e-12)
        assert page_fit["slope"] == pytest.approx(fit.slope, rel=1e-9, abs=1e-12)


def _moved(before: dict[str, Any], after: dict[str, Any]) -> list[int]:
    return [
        i for i, (p, q) in enumerate(zip(before["points"], after["points"], strict=True)) if p != q
    ]


def test_the_chart_starts_with_l1l2s_lines(open_chart: Any) -> None:
    state = _state(open_chart())
    assert state["state"] == "ready"
    assert state["live"] == "polite"
    assert len(state["points"]) == 12
    _check(state)


def test_dragging_points_with_the_mouse_refits_the_three_lines(open_chart: Any) -> None:
    page = open_chart()
    state = _state(page)
    # One star far to the left and up (where the giants were), then one straight down.
    for i, dx, dy in ((0, -230.0, -60.0), (5, 0.0, 120.0), (9, 150.0, -40.0)):
        cx, cy = page.evaluate(CENTRE, [CHART, i])
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx + dx, cy + dy, steps=8)
        page.mouse.up()
        after = _state(page)
        assert _moved(state, after) == [i], (i, state["points"], after["points"])
        assert after["equations"] != state["equations"], "the equations did not change"
        _check(after)
        state = after
    # The first drag took the star to the left edge region, as a red giant.
    assert state["points"][0][0] < 3.9


def test_dragging_a_point_by_touch_refits_the_lines(open_chart: Any) -> None:
    page = open_chart(has_touch=True)
    before = _state(page)
    page.evaluate(TOUCH_DRAG, [CHART, 3, -120, -80])
    after = _state(page)
    assert _moved(before, after) == [3]
    _check(after)


def test_the_arrow_keys_move_the_focused_point(open_chart: Any) -> None:
    page = open_chart()
    state = _state(page)
    steps = state["settings"]["x_step"], state["settings"]["y_step"]
    point = page.locator(f"{CHART} .l1l2-drag-point").nth(7)
    point.focus()
    assert page.evaluate("document.activeElement.dataset.index") == "7"
    for key, (dx, dy) in (
        ("ArrowLeft", (-1, 0)),
        ("ArrowLeft", (-1, 0)),
        ("Shift+ArrowUp", (0, 10)),
        ("ArrowRight", (1, 0)),
        ("Shift+ArrowLeft", (-10, 0)),
        ("ArrowDown", (0, -1)),
    ):
        x0, y0 = state["points"][7]
        page.keyboard.press(key)
        after = _state(page)
        assert _moved(state, after) == [7], key
        assert after["points"][7] == pytest.approx(
            [x0 + dx * steps[0], y0 + dy * steps[1]], rel=1e-12
        )
        _check(after)
        state = after
    # Tab reaches the points: every one is focusable and named.
    names = page.eval_on_selector_all(
        f"{CHART} .l1l2-drag-point",
        "cs => cs.map(c => [c.getAttribute('tabindex'), c.getAttribute('aria-label')])",
    )
    assert all(t == "0" and label.startswith("Point ") for t, label in names), names


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def test_on_a_390_px_phone_the_chart_fits_and_still_drags(open_chart: Any) -> None:
    page = open_chart(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    sizes = page.evaluate(
        f"""() => ({{
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          chart: document.querySelector('{CHART} svg').getBoundingClientRect().toJSON(),
        }})"""
    )
    assert sizes["scroll"] <= sizes["client"] <= 390, sizes
    assert sizes["chart"]["left"] >= 0, sizes
    assert sizes["chart"]["right"] <= 390, sizes
    assert sizes["chart"]["width"] > 250, sizes
    before = _state(page)
    page.evaluate(TOUCH_DRAG, [CHART, 2, -60, -30])
    after = _state(page)
    assert _moved(before, after) == [2]
    _check(after)
    failing = _axe(page)
    assert not failing, failing


# Runs in the page: where the legend, the plot area, the points' grab areas and the static
# picture are.
LAYOUT = """
(selector) => {
  const chart = document.querySelector(selector);
  const box = e => e.getBoundingClientRect().toJSON();
  const plot = chart.querySelector('svg g[aria-hidden] > rect[fill="none"]');
  const fallback = chart.querySelector('.l1l2-drag-fallback');
  return {
    legend: box(chart.querySelector('.l1l2-drag-legend')),
    legendLabels: Array.from(chart.querySelectorAll('.l1l2-drag-legend text')).map(
      t => t.textContent),
    plot: box(plot),
    targets: Array.from(chart.querySelectorAll('.l1l2-drag-target')).map(box),
    dots: Array.from(chart.querySelectorAll('.l1l2-drag-dot')).map(box),
    fallback: fallback ? {hidden: fallback.hidden, shown: fallback.offsetParent !== null} : null,
    // the smallest text on the screen, in CSS px: its font size times the drawing's scale
    smallestText: (() => {
      const svg = chart.querySelector('svg');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Math.min(...Array.from(svg.querySelectorAll('text')).map(
        t => parseFloat(getComputedStyle(t).fontSize) * scale));
    })(),
  };
}
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_legend_sits_under_the_plot_and_points_are_big_targets(
    open_chart: Any, width: int
) -> None:
    """Off the plot area, where stars are dropped; each point grabbed within 24 CSS px or more;
    no text under 9 CSS px."""
    page = open_chart(viewport={"width": width, "height": 844}, has_touch=width < 500)
    layout = page.evaluate(LAYOUT, CHART)
    assert layout["legend"]["top"] >= layout["plot"]["bottom"], layout
    assert layout["legendLabels"] == [
        line[0] for line in _state(page)["settings"]["lines"].values()
    ]
    assert layout["fallback"] == {"hidden": True, "shown": False}, layout["fallback"]
    assert layout["smallestText"] >= 9, (width, layout["smallestText"])
    for target, dot in zip(layout["targets"], layout["dots"], strict=True):
        assert min(target["width"], target["height"]) >= 24, (width, target)
        assert dot["width"] < target["width"]  # the drawn dot keeps its size
    # A touch 10 CSS px beside a point's dot still grabs that point.
    before = _state(page)
    centre = page.evaluate(CENTRE, [CHART, 4])
    page.evaluate(
        """([selector, i, x, y]) => {
          const point = document.querySelectorAll(selector + ' .l1l2-drag-point')[i];
          const at = (type, dx, dy) => point.ownerDocument.elementFromPoint(x + dx, y + dy)
            .dispatchEvent(new PointerEvent(type, {pointerId: 9, pointerType: 'touch',
              isPrimary: true, bubbles: true, cancelable: true,
              clientX: x + dx, clientY: y + dy}));
          at('pointerdown', 10, 0);
          for (let k = 1; k <= 5; k++) at('pointermove', 10, -12 * k);
          at('pointerup', 10, -60);
        }""",
        [CHART, 4, *centre],
    )
    after = _state(page)
    assert _moved(before, after) == [4], (before["points"][4], after["points"][4])
    _check(after)


def test_dark_mode_keeps_the_chart_readable_and_accessible(open_chart: Any) -> None:
    page = open_chart(color_scheme="dark")
    colours = page.evaluate(
        f"""() => ({{
          theme: document.documentElement.dataset.theme,
          background: document.querySelector('{CHART} svg rect').getAttribute('fill'),
          text: getComputedStyle(document.querySelector('{CHART} li')).color,
          page: getComputedStyle(document.body).backgroundColor,
        }})"""
    )
    assert colours["theme"] == "dark", colours
    assert colours["background"] == "#ffffff", colours  # the chart keeps its white ground
    assert colours["text"] != colours["page"], colours
    page.keyboard.press("Tab")
    page.locator(f"{CHART} .l1l2-drag-point").nth(1).focus()
    page.keyboard.press("Shift+ArrowRight")
    _check(_state(page))
    failing = _axe(page)
    assert not failing, failing


def test_the_page_lists_the_chart_script_from_the_books_own_files(site: Path, chapter: str) -> None:
    text = (site / chapter).read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]*l1l2-drag\.js[^"]*)"', text)
    assert scripts, "the page does not load l1l2-drag.js"
    assert all(not s.startswith(("http:", "https:", "//")) for s in scripts), scripts
    assert (site / "_static" / "l1l2-drag.js").is_file()
    settings = json.loads(
        re.search(r'data-settings="([^"]+)"', text)[1].replace("&quot;", '"')  # type: ignore[index]
    )
    assert settings["delta"] == 0.5


def test_a_finger_drag_moves_the_point_and_not_the_page(open_chart: Any) -> None:
    """Real touch input through the DevTools protocol on a 390-px phone: Chromium decides from
    the <svg>'s computed touch-action whether a finger scrolls the page (and cancels the drag)."""
    page = open_chart(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    actions = page.evaluate(
        f"""() => [...document.querySelectorAll('{CHART} svg')].map(
          s => getComputedStyle(s).touchAction)"""
    )
    assert actions == ["none"], actions
    # the page itself still scrolls by touch outside the chart
    assert page.evaluate("getComputedStyle(document.body).touchAction") != "none"
    before = _state(page)
    i = 6
    x, y = page.evaluate(CENTRE, [CHART, i])
    scroll = page.evaluate("window.scrollY")
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, dy: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y + dy, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 0)
    for k in range(1, 21):
        touch("touchMove", -5 * k)  # 100 CSS px up, in 20 steps
    touch("touchEnd", -100)
    after = _state(page)
    assert _moved(before, after) == [i], (before["points"][i], after["points"][i])
    _, y1 = page.evaluate(CENTRE, [CHART, i])
    assert y1 - y == pytest.approx(-100, abs=3), (y, y1)
    assert page.evaluate("window.scrollY") == scroll
    _check(after)


def test_a_cancelled_drag_ends_where_it_was(open_chart: Any) -> None:
    page = open_chart(has_touch=True)
    before = _state(page)
    page.evaluate(
        """([selector, i]) => {
          const point = document.querySelectorAll(selector + ' .l1l2-drag-point')[i];
          const box = point.getBoundingClientRect();
          const x = box.left + box.width / 2, y = box.top + box.height / 2;
          const at = (type, dy) => point.dispatchEvent(new PointerEvent(type, {pointerId: 5,
            pointerType: 'touch', isPrimary: true, bubbles: true, cancelable: true,
            clientX: x, clientY: y + dy}));
          at('pointerdown', 0);
          at('pointermove', -20);
          at('pointercancel', -20);
          at('pointermove', -80);  // after the cancel: no longer a drag
        }""",
        [CHART, 1],
    )
    after = _state(page)
    assert _moved(before, after) == [1]
    y_step = (before["settings"]["y_range"][1] - before["settings"]["y_range"][0]) / 10
    assert 0 < after["points"][1][1] - before["points"][1][1] < y_step  # 20 px, not 80
    assert "l1l2-active" not in page.locator(f"{CHART} .l1l2-drag-point").nth(1).get_attribute(
        "class"
    )


@pytest.mark.parametrize("corner", [(-1e3, 1e3), (1e3, -1e3)])
def test_a_point_pushed_into_a_corner_stays_inside_the_plot(
    open_chart: Any, corner: tuple[float, float]
) -> None:
    page = open_chart()
    point = page.locator(f"{CHART} .l1l2-drag-point").nth(0)
    point.focus()
    keys = (
        ("Shift+ArrowLeft", "Shift+ArrowUp")
        if corner[0] < 0
        else ("Shift+ArrowRight", "Shift+ArrowDown")
    )
    for _ in range(40):
        for key in keys:
            page.keyboard.press(key)
    layout = page.evaluate(LAYOUT, CHART)
    dot, plot = layout["dots"][0], layout["plot"]
    for low, high in (("left", "right"), ("top", "bottom")):
        assert plot[low] <= dot[low], (low, dot, plot)
        assert dot[high] <= plot[high], (high, dot, plot)
    _check(_state(page))
