"""The interactive figures on the rendered pages, and accessibility of every page.

Run with the rest of the browser test (``make browser``), after a build of the book.

- Every interactive figure of :mod:`l1l2.interactive` on every page is drawn by the book's own
  copy of Vega, with no JavaScript error and no request to another host. The test moves every
  control of every figure from the keyboard, checks that the chart changes, and reads the values
  it shows (the SVG text and the hover tooltip) against what ``l1l2`` computes for that setting.
- axe-core (npm ``axe-core``, injected from the project's ``node_modules``) checks every page,
  with its interactive figures drawn, and fails on any serious or critical violation. It runs in
  the page's light-mode visit (``visits.py``), which the page test of ``test_pages.py`` shares.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import numpy as np
import pytest

from l1l2 import gd, losses, schedules, vocabulary
from l1l2.data import apple_harvest
from l1l2.experiments import SOURCE, huber_interval, l1_interval
from l1l2.interactive import APPLE_RANGES, DESCENT_LOSSES, DESCENT_SCHEDULES, experiment_data

from .conftest import BUILD_HINT, MISSING_BUILD, discover_pages
from .visits import TIMEOUT_MS, VIEWPORT, WAIT_FOR_FIGURES, Visits

FAILING_IMPACTS = ("serious", "critical")
KINDS = {"apple-harvest", "descent", "huber-delta"}

# Runs in the page: what one figure shows now.
SNAPSHOT = """
(id) => {
  const figure = document.getElementById(id);
  const svg = figure.querySelector('.l1l2-interactive-chart svg');
  // A text of several lines is one <text> of <tspan>s: its lines joined by a space.
  const line = t => t.querySelector('tspan') ?
    Array.from(t.querySelectorAll('tspan')).map(s => s.textContent).join(' ') : t.textContent;
  const texts = cls => Array.from(figure.querySelectorAll(`g.${cls} text`)).map(line);
  return {
    svg: svg ? svg.outerHTML : '',
    label: svg ? svg.getAttribute('aria-label') : null,
    fallbackHidden: figure.querySelector('.l1l2-interactive-fallback').hidden,
    l1Total: texts('l1_total_marks'), l2Total: texts('l2_total_marks'),
    l1Bars: texts('l1_bars_marks'), l2Bars: texts('l2_bars_marks'),
    readout: texts('readout_marks'),
    legend: Array.from(figure.querySelectorAll('g.role-legend-label text')).map(t => t.textContent),
    // each axis: its title and the tick labels it shows (those hidden for overlap left out)
    axes: Array.from(figure.querySelectorAll('g.role-axis')).map(axis => ({
      title: Array.from(axis.querySelectorAll('g.role-axis-title text')).map(line).join(' '),
      labels: Array.from(axis.querySelectorAll('g.role-axis-label text'))
        .filter(t => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0')
        .map(t => t.textContent),
    })),
    controls: Array.from(figure.querySelectorAll('input')).map(input => ({
      name: input.name, type: input.type, value: input.value, checked: input.checked,
      label: (input.closest('label') || {textContent: ''}).textContent.trim(),
      group: input.closest('[role="radiogroup"]') ?
        document.getElementById(
          input.closest('[role="radiogroup"]').getAttribute('aria-labelledby')
        ).textContent.trim() : null,
    })),
  };
}
"""


def _number(text: str) -> float:
    """A number as d3-format writes it: thousands commas, a Unicode minus sign."""
    return float(text.replace(",", "").replace("\N{MINUS SIGN}", "-"))


def _sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _is_ours(url: str, base: str) -> bool:
    return url.startswith((base, "data:", "blob:")) or url in {"", "about:blank"}


@dataclass
class Session:
    """One open page, with every other host blocked and every error recorded."""

    page: Any
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_book(browser: Any, server: str) -> Iterator[Any]:
    """Open a page of the book: ``open_book(rel) -> Session``; closed after the test."""
    contexts: list[Any] = []

    def opener(rel: str) -> Session:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        session = Session(page)

        def route(route: Any) -> None:
            if _is_ours(route.request.url, server):
                route.continue_()
            else:
                session.external.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("pageerror", lambda error: session.errors.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda msg: (
                session.errors.append(f"console error: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.goto(urljoin(server, rel), wait_until="load")
        return session

    yield opener
    for context in contexts:
        context.close()


def _interactive_pages(site: Path) -> list[str]:
    return [
        rel
        for rel in discover_pages(site)
        if 'class="l1l2-interactive"' in (site / rel).read_text(encoding="utf-8")
    ]


# -- accessibility ------------------------------------------------------------------------------


def test_axe_finds_no_serious_or_critical_violation(page: str, visits: Visits) -> None:
    """axe-core on the page as a reader sees it (light mode), interactive figures drawn."""
    if page == MISSING_BUILD:
        pytest.fail(f"No built book to test: {BUILD_HINT}.", pytrace=False)
    # axe-core runs inside the page's light visit, which test_pages.py's test_page shares.
    violations = visits(page).violations
    if violations is None:
        pytest.fail(f"{page}: {visits(page).axe_error}", pytrace=False)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    report = "\n  ".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in failing)
    assert not failing, f"{page}: axe-core found\n  {report}"


# -- the interactive figures --------------------------------------------------------------------


def test_every_kind_of_interactive_figure_is_in_the_book(site: Path) -> None:
    """Each kind of figure appears, and the Explore chapter holds all three."""
    found: dict[str, set[str]] = {}
    for rel in _interactive_pages(site):
        text = (site / rel).read_text(encoding="utf-8")
        found[rel] = set(re.findall(r'data-l1l2-figure="([^"]+)"', text))
    assert set().union(*found.values()) == KINDS, found
    explore = [rel for rel in found if rel.endswith("11-explore.html")]
    assert explore, f"no interactive figure on the Explore page: {sorted(found)}"
    assert found[explore[0]] == KINDS


def _wait_for_change(session: Session, figure: str, before: str) -> dict[str, Any]:
    for _ in range(400):
        now: dict[str, Any] = session.page.evaluate(SNAPSHOT, figure)
        if now["svg"] != before:
            return now
        session.page.wait_for_timeout(50)
    pytest.fail(f"{figure}: the chart did not change after moving a control", pytrace=False)


def _press(session: Session, figure: str, name: str, key: str, *, value: str | None = None) -> None:
    """Focus the control ``name`` (for radio buttons: the checked one) and press ``key``."""
    selector = f"#{figure} input[name='{name}']"
    if value is not None:
        selector += f"[value='{value}']"
    elif session.page.locator(f"{selector}[type='radio']").count():
        selector += ":checked"
    session.page.focus(selector)
    session.page.keyboard.press(key)


def _check_controls_labelled(snapshot: dict[str, Any], figure: str) -> None:
    for control in snapshot["controls"]:
        name = control["group"] if control["type"] == "radio" else control["label"]
        assert name, f"{figure}: control {control['name']} has no visible label"
        if control["type"] == "radio":
            assert control["label"], f"{figure}: a radio button of {control['name']} has no text"


def _apple_values(snapshot: dict[str, Any]) -> list[float]:
    return [float(c["value"]) for c in sorted(snapshot["controls"], key=lambda c: c["name"])]


def _check_apple(snapshot: dict[str, Any], figure: str) -> None:
    truth, _ = apple_harvest()
    pred = np.asarray(_apple_values(snapshot))
    l1 = losses.l1(truth, pred)
    l2 = losses.l2(truth, pred)
    shown = snapshot["l1Total"] + snapshot["l2Total"]
    assert shown == [
        f"L1 = mean |error| = {l1:,.2f} apples",
        f"L2 = mean error² = {l2:,.2f} apples²",
    ], f"{figure}: forecasts {pred.tolist()} show {shown}"
    absolute = losses.l1(truth, pred, reduction="none")
    squared = losses.l2(truth, pred, reduction="none")
    for texts, values in ((snapshot["l1Bars"], absolute), (snapshot["l2Bars"], squared)):
        got = sorted(_number(t.split(" (")[0]) for t in texts)
        assert got == pytest.approx(sorted(values.tolist())), (figure, texts, values)


def _drive_apple(session: Session, figure: str) -> int:
    moves = 0
    snapshot = session.page.evaluate(SNAPSHOT, figure)
    _check_apple(snapshot, figure)
    for k, (low, high) in enumerate(APPLE_RANGES):
        for key, expected in (("End", high), ("ArrowLeft", high - 1), ("Home", low)):
            _press(session, figure, f"f{k + 1}", key)
            snapshot = _wait_for_change(session, figure, snapshot["svg"])
            assert _apple_values(snapshot)[k] == expected, (figure, key, snapshot["controls"])
            _check_apple(snapshot, figure)
            moves += 1
    return moves


def _descent_setting(snapshot: dict[str, Any]) -> dict[str, Any]:
    checked = {c["name"]: c["value"] for c in snapshot["controls"] if c["checked"]}
    return {
        "loss": checked["loss"],
        "noise": float(checked["noise"]),
        "lr": float(checked["lr"]),
        "schedule": checked["schedule"],
    }


def _descent_run(setting: dict[str, Any]) -> gd.History:
    x, y = experiment_data()[setting["noise"]]
    return gd.fit(
        x,
        y,
        loss=setting["loss"],
        w0=SOURCE.w0,
        lr=schedules.named(setting["schedule"], setting["lr"]),
        batch_size=SOURCE.batch_size,
        epochs=200,
        reduction=SOURCE.reduction,
        delta=SOURCE.delta,
    )


READOUT = re.compile(r"after (\S+) updates: w = (\S+), batch loss = (\S+)")
# A tick label of the loss axis: 0.5, 20, 500, 2k, 10k, 1M, with d3's minus sign below zero.
SI_TICK = re.compile("\N{MINUS SIGN}?(?:0|0\\.[0-9]+|[1-9][0-9]{0,2}(?:\\.[0-9])?[kMGT]?)")


def _check_descent(session: Session, snapshot: dict[str, Any], figure: str) -> None:
    setting = _descent_setting(snapshot)
    run = _descent_run(setting)
    (text,) = snapshot["readout"]
    match = READOUT.fullmatch(text)
    assert match, f"{figure}: readout {text!r}"
    update = int(_number(match.group(1)))
    assert update == run.steps
    assert _number(match.group(2)) == _sig(run.w[update]), (figure, setting, text)
    assert _number(match.group(3)) == _sig(run.loss[update - 1]), (figure, setting, text)
    # The loss axis's labels are each their own tick's value: none repeated, as "0.01k" was
    # for both 10 and 5 when the axis shared one SI prefix.
    (loss_axis,) = [a for a in snapshot["axes"] if "loss" in a["title"]]
    labels = loss_axis["labels"]
    assert len(labels) >= 3, (figure, setting, labels)
    assert len(set(labels)) == len(labels), (figure, setting, labels)
    assert all(SI_TICK.fullmatch(label) for label in labels), (figure, setting, labels)
    # The legend lists what is drawn: the chosen loss and the true w.
    drawn = [vocabulary.LOSSES[setting["loss"]].label, "true w = 1"]
    assert snapshot["legend"] == drawn, (figure, setting, snapshot["legend"])
    # Hover over a point of the w panel: the tooltip shows that update's w and batch loss.
    points = session.page.locator(f"#{figure} g.w_points_marks path")
    count = points.count()
    assert count > 10, f"{figure}: only {count} points drawn"
    points.nth(count // 2).hover(force=True)
    tooltip = session.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    cells = tooltip.locator("td").all_text_contents()
    values = dict(zip(cells[0::2], cells[1::2], strict=True))
    hovered = int(_number(values["update"]))
    assert _number(values["w after it"]) == _sig(run.w[hovered]), (figure, setting, values)
    assert _number(values["batch loss"]) == _sig(run.loss[hovered - 1]), (figure, values)
    session.page.mouse.move(0, 0)


def _drive_descent(session: Session, figure: str) -> int:
    moves = 0
    snapshot = session.page.evaluate(SNAPSHOT, figure)
    _check_descent(session, snapshot, figure)
    groups: dict[str, list[str]] = {}
    for control in snapshot["controls"]:
        groups.setdefault(control["name"], []).append(control["value"])
    assert set(groups) == {"loss", "noise", "lr", "schedule"}, groups
    assert groups["loss"] == list(DESCENT_LOSSES)
    assert groups["schedule"] == list(DESCENT_SCHEDULES)
    for name, options in groups.items():
        # Arrow keys walk a radio group: every option once, back to where it started.
        for _ in options:
            _press(session, figure, name, "ArrowRight")
            snapshot = _wait_for_change(session, figure, snapshot["svg"])
            _check_descent(session, snapshot, figure)
            moves += 1
    return moves


HUBER_READOUT = re.compile(r"δ = (\S+): Huber settles at w = (\S+) fitted value w·x = (\S+)")
# Where Huber's minimum is flat (small delta), the readout gives the range.
HUBER_RANGE = re.compile(
    r"δ = (\S+): Huber: any w from (\S+) to (\S+) "
    r"fitted values w·x from (\S+) to (\S+)"
)


def _check_huber(snapshot: dict[str, Any], figure: str) -> float:
    """Check the readout against experiments.huber_interval; return the lowest w it shows."""
    x, y = experiment_data()[5.0]
    (text,) = snapshot["readout"]
    delta = float(snapshot["controls"][0]["value"])
    low, high = huber_interval(x, y, delta=delta)
    match = HUBER_READOUT.fullmatch(text) if low == high else HUBER_RANGE.fullmatch(text)
    assert match, f"{figure}: readout {text!r}"
    assert _number(match.group(1)) == pytest.approx(delta)
    ends = (low,) if low == high else (low, high)
    shown = [_number(g) for g in match.groups()[1:]]
    for k, w in enumerate(ends):
        assert shown[k] == pytest.approx(round(_sig(w), 4), abs=1e-12), (text, w)
        assert shown[len(ends) + k] == pytest.approx(w * SOURCE.x, abs=2e-4), (text, w)
    return shown[0]


def _drive_huber(session: Session, figure: str) -> int:
    x, y = experiment_data()[5.0]
    low, high = l1_interval(x, y)
    w_l2 = float(gd.minimizer(x, y, loss="l2"))
    snapshot = session.page.evaluate(SNAPSHOT, figure)
    _check_huber(snapshot, figure)
    moves = 0
    for key in ("Home", "End", "ArrowLeft", "PageDown"):
        _press(session, figure, "delta", key)
        snapshot = _wait_for_change(session, figure, snapshot["svg"])
        w = _check_huber(snapshot, figure)
        if key == "Home":  # the smallest delta: inside abs L1's answers
            assert float(low) - 1e-4 <= w <= float(high) + 1e-4, (w, low, high)
        if key == "End":  # the largest: the least-squares answer
            assert w == pytest.approx(w_l2, abs=1e-4)
        moves += 1
    return moves


DRIVERS = {"apple-harvest": _drive_apple, "descent": _drive_descent, "huber-delta": _drive_huber}


def test_interactive_figures_answer_every_control_with_l1l2s_numbers(
    site: Path, open_book: Any
) -> None:
    """Every control of every figure, from the keyboard: the chart redraws l1l2's numbers."""
    pages = _interactive_pages(site)
    assert pages, "no page holds an interactive figure"
    problems = []
    driven: dict[str, int] = {}
    for rel in pages:
        session = open_book(rel)
        figures = session.page.evaluate(WAIT_FOR_FIGURES)
        for figure in figures:
            label = f"{rel}#{figure['id']}"
            if figure["state"] != "ready":
                problems.append(f"{label}: not drawn (state {figure['state']})")
                continue
            snapshot = session.page.evaluate(SNAPSHOT, figure["id"])
            assert snapshot["fallbackHidden"], f"{label}: the static image is still shown"
            assert snapshot["label"], f"{label}: the chart has no text alternative"
            _check_controls_labelled(snapshot, label)
            driven[label] = DRIVERS[figure["kind"]](session, figure["id"])
        if session.errors:
            problems.append(f"{rel}: {session.errors}")
        if session.external:
            problems.append(f"{rel}: requests to other hosts {sorted(set(session.external))}")
    assert not problems, "\n".join(problems)
    assert driven, "no figure was driven"
    assert all(driven.values()), driven
    print("controls moved:", driven)


# Runs in the page: where each chart sits against its box and the window, and what it shows.
LAYOUT = """
() => Array.from(document.querySelectorAll('.l1l2-interactive')).map(figure => {
  const box = figure.getBoundingClientRect();
  const chart = figure.querySelector('.l1l2-interactive-chart svg, .l1l2-interactive-chart canvas');
  const rect = chart ? chart.getBoundingClientRect() : null;
  const embed = figure.querySelector('.vega-embed');
  const name = figure.querySelector('.vega-bind-name');
  const radio = figure.querySelector('input[type="radio"], input[type="range"]');
  return {
    id: figure.id, kind: figure.dataset.l1l2Figure,
    box: {left: box.left, right: box.right},
    chart: rect && {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom},
    // the figure's own scrolling: a chart wider than its box would scroll inside it
    overflow: figure.scrollWidth - figure.clientWidth,
    legends: figure.querySelectorAll('g.role-legend').length,
    legendLabels: Array.from(figure.querySelectorAll('g.role-legend-label text'))
                       .map(t => t.textContent),
    card: embed ? getComputedStyle(embed).backgroundColor : null,
    nameColor: name ? getComputedStyle(name).color : null,
    controlScheme: radio ? getComputedStyle(radio).colorScheme : null,
    // texts drawn over one another: tick labels, readouts, legends (hidden labels left out)
    collisions: (() => {
      const shown = Array.from(figure.querySelectorAll('.l1l2-interactive-chart svg text'))
        .filter(t => t.textContent.trim() && !t.closest('[opacity="0"]')
                && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
        .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}));
      const hits = [];
      shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
        if (a.box.left < b.box.right - 1 && b.box.left < a.box.right - 1 &&
            a.box.top < b.box.bottom - 1 && b.box.top < a.box.bottom - 1) {
          hits.push(a.text + ' / ' + b.text);
        }
      }));
      // a line of text (readout, total) reaching into a plot area, over its ticks and data
      const svg = figure.querySelector('.l1l2-interactive-chart svg');
      const whole = svg ? svg.getBoundingClientRect().width : 0;
      const plots = Array.from(figure.querySelectorAll('.l1l2-interactive-chart path.background'))
        .map(p => p.getBoundingClientRect()).filter(b => b.width < whole - 10 && b.height > 40);
      figure.querySelectorAll('g.readout_marks text, g.l1_total_marks text, g.l2_total_marks text')
        .forEach(t => {
          const a = t.getBoundingClientRect();
          plots.forEach(b => {
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.top - 1 &&
                a.bottom > b.top + 1 && a.top < b.bottom) {
              hits.push(t.textContent + ' / the plot area below it');
            }
          });
        });
      return hits;
    })(),
  };
})
"""

# Charts with several series and the legend entries each must show (the apple chart has one
# series a panel, named by its axis and its line of text). The descent chart draws one loss at
# a time and lists only that one: abs L1 as it opens.
LEGENDS = {
    "descent": {"abs L1", "true w = 1"},
    "huber-delta": {"targets y", "Huber: w·x ± δ"},
}
ONLY_DRAWN = {"descent"}


def _legend_and_text_problems(figure: dict[str, Any], label: str) -> list[str]:
    """A legend that lacks a series or lists one not drawn; texts drawn over one another."""
    problems = []
    expected = LEGENDS.get(figure["kind"], set())
    missing = expected - set(figure["legendLabels"])
    if missing or (figure["kind"] in LEGENDS and not figure["legends"]):
        problems.append(f"{label}: legend lacks {sorted(missing)}")
    extra = set(figure["legendLabels"]) - expected
    if figure["kind"] in ONLY_DRAWN and extra:
        problems.append(f"{label}: legend lists {sorted(extra)}, which is not drawn")
    if figure["collisions"]:
        problems.append(f"{label}: texts overlap: {figure['collisions']}")
    return problems


def _luminance(css: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


# Sizes do not depend on the colour scheme, nor colours on the width: the desktop is read in
# light mode and the phone in dark mode (the layout test measures its pages the same way).
@pytest.mark.parametrize(
    "mode",
    [(1280, False), (390, True)],
    ids=lambda m: f"{m[0]}-{'dark' if m[1] else 'light'}",
)
def test_charts_fit_their_column_have_legends_and_read_in_both_modes(
    site: Path, server: str, browser: Any, screenshot_dir: Path, mode: tuple[int, bool]
) -> None:
    """No chart wider than its box or the window; on a phone the page never scrolls sideways."""
    width, dark = mode
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda r: r.continue_() if _is_ours(r.request.url, server) else r.abort())
    problems = []
    try:
        for rel in _interactive_pages(site):
            page = context.new_page()
            page.goto(urljoin(server, rel), wait_until="load")
            page.evaluate(WAIT_FOR_FIGURES)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{rel} at {width} px: the page is {scroll} px wide")
            for figure in page.evaluate(LAYOUT):
                label = f"{rel}#{figure['id']} at {width} px"
                chart, box = figure["chart"], figure["box"]
                if chart is None:
                    problems.append(f"{label}: no chart drawn")
                    continue
                if chart["left"] < box["left"] - 1 or chart["right"] > box["right"] + 1:
                    problems.append(f"{label}: chart {chart} outside its box {box}")
                if chart["left"] < 0 or chart["right"] > width:
                    problems.append(f"{label}: chart {chart} outside the window")
                if figure["overflow"] > 1:
                    problems.append(f"{label}: scrolls {figure['overflow']} px inside its box")
                problems += _legend_and_text_problems(figure, label)
                # Dark mode too: a light card, dark labels, controls in their light scheme.
                if _luminance(figure["card"]) < 0.9 or _luminance(figure["nameColor"]) > 0.3:
                    problems.append(f"{label}: card {figure['card']}, labels {figure['nameColor']}")
                if figure["controlScheme"] != "light":
                    problems.append(f"{label}: controls drawn {figure['controlScheme']}")
                page.locator(f"#{figure['id']}").screenshot(
                    path=screenshot_dir
                    / f"chart-{figure['kind']}-{width}{'-dark' if dark else ''}.png"
                )
            page.close()
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_interactive_figures_show_their_static_image_without_javascript(
    site: Path, server: str, browser: Any
) -> None:
    """With JavaScript off, each interactive figure shows its matplotlib image, with alt text."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        for rel in _interactive_pages(site):
            page = context.new_page()
            page.goto(urljoin(server, rel), wait_until="load")
            images = page.evaluate(
                """() => Array.from(document.querySelectorAll('.l1l2-interactive img')).map(
                     img => ({shown: img.getBoundingClientRect().height > 50,
                              loaded: img.naturalWidth > 0, alt: img.alt}))"""
            )
            assert images, rel
            for image in images:
                assert image["shown"], (rel, image)
                assert image["loaded"], (rel, image)
                assert len(image["alt"]) > 40, (rel, image)
            page.close()
    finally:
        context.close()


def test_page_weight_of_interactive_pages_is_reported(site: Path) -> None:
    """Each interactive page's HTML and the Vega scripts it loads, in KiB (printed with -s)."""
    vega = site / "_static" / "vega"
    scripts = sum(p.stat().st_size for p in vega.glob("*.js"))
    own = (site / "_static" / "l1l2-interactive.js").stat().st_size
    assert scripts > 0, f"no Vega scripts in {vega}"
    for rel in _interactive_pages(site):
        size = (site / rel).stat().st_size
        print(f"{rel}: page {size / 1024:.0f} KiB + scripts {(scripts + own) / 1024:.0f} KiB")
        assert size < 1024 * 1024, f"{rel} weighs {size / 1024:.0f} KiB"
    assert math.isfinite(scripts)


# Runs in the page: texts of one figure's chart that reach outside its svg, and legend labels
# that run into another entry's symbol.
OUTSIDE = """
(id) => {
  const figure = document.getElementById(id);
  const svg = figure.querySelector('.l1l2-interactive-chart svg');
  const s = svg.getBoundingClientRect();
  const out = [];
  svg.querySelectorAll('text').forEach(t => {
    const b = t.getBoundingClientRect();
    if (!t.textContent || b.width === 0) return;
    if (b.left < s.left - 0.5 || b.right > s.right + 0.5 || b.top < s.top - 0.5 ||
        b.bottom > s.bottom + 0.5) {
      out.push(`${t.textContent} [${b.left.toFixed(1)}, ${b.right.toFixed(1)}] outside ` +
               `[${s.left.toFixed(1)}, ${s.right.toFixed(1)}]`);
    }
  });
  const labels = Array.from(svg.querySelectorAll('g.role-legend-label text'));
  const symbols = Array.from(svg.querySelectorAll('g.role-legend-symbol path'));
  labels.forEach(t => symbols.forEach(p => {
    const a = t.getBoundingClientRect(), b = p.getBoundingClientRect();
    if (b.width > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
        a.top < b.bottom && b.top < a.bottom) {
      out.push(`legend label ${t.textContent} runs into a symbol`);
    }
  }));
  return out;
}
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_descent_chart_keeps_its_texts_inside_its_svg_for_every_loss(
    site: Path, server: str, browser: Any, width: int
) -> None:
    """Each loss button, and the settings with the widest labels (L2 and Huber at lr 0.1):
    no axis title, tick label, legend label or readout reaches outside the chart."""
    pages = [
        rel
        for rel in _interactive_pages(site)
        if 'data-l1l2-figure="descent"' in (site / rel).read_text(encoding="utf-8")
    ]
    assert pages
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda r: r.continue_() if _is_ours(r.request.url, server) else r.abort())
    problems: list[str] = []
    try:
        page = context.new_page()
        page.goto(urljoin(server, pages[0]), wait_until="load")
        figures = [f for f in page.evaluate(WAIT_FOR_FIGURES) if f["kind"] == "descent"]
        figure = figures[0]["id"]
        session = Session(page)
        settings = [{"loss": loss} for loss in DESCENT_LOSSES] + [
            {"loss": "l2", "lr": "0.1"},
            {"loss": "huber", "lr": "0.1", "schedule": "inverse_time"},
        ]
        for setting in settings:
            for name, value in setting.items():
                before = page.evaluate(SNAPSHOT, figure)["svg"]
                locator = page.locator(f"#{figure} input[name='{name}'][value='{value}']")
                if locator.is_checked():
                    continue
                locator.check()
                _wait_for_change(session, figure, before)
            page.wait_for_timeout(100)
            problems += [f"{setting} at {width} px: {p}" for p in page.evaluate(OUTSIDE, figure)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 390])
def test_huber_chart_keeps_its_texts_inside_its_svg_at_every_delta(
    site: Path, server: str, browser: Any, width: int
) -> None:
    """From the smallest delta (the readout gives a flat range, its longest text) to the
    largest, no text of the Huber chart reaches outside it: at 390 px the range's first line
    was cut at "w = 0.5417 t"."""
    pages = [
        rel
        for rel in _interactive_pages(site)
        if 'data-l1l2-figure="huber-delta"' in (site / rel).read_text(encoding="utf-8")
    ]
    assert pages
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda r: r.continue_() if _is_ours(r.request.url, server) else r.abort())
    problems: list[str] = []
    try:
        page = context.new_page()
        page.goto(urljoin(server, pages[0]), wait_until="load")
        figures = [f for f in page.evaluate(WAIT_FOR_FIGURES) if f["kind"] == "huber-delta"]
        figure = figures[0]["id"]
        session = Session(page)
        snapshot = page.evaluate(SNAPSHOT, figure)
        for key in ("Home", "ArrowRight", "End"):  # delta 0.1 and 0.2 are flat, the end is not
            _press(session, figure, "delta", key)
            snapshot = _wait_for_change(session, figure, snapshot["svg"])
            page.wait_for_timeout(100)
            shown = snapshot["readout"]
            problems += [f"{shown} at {width} px: {p}" for p in page.evaluate(OUTSIDE, figure)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
