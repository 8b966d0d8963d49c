"""l1l2.interactive: the figures' data are l1l2's numbers, and their HTML is safe and small."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

from l1l2 import data, experiments, gd, interactive, losses, regression, schedules, vocabulary
from l1l2.experiments import SOURCE, l1_interval


def _values(spec: dict, data: dict) -> list:
    """The rows of a Vega-Lite data object: inline, or named in the spec's datasets."""
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


SPEC = re.compile(r'<script type="application/json" class="l1l2-interactive-spec">(.*?)</script>')


@pytest.fixture(scope="module")
def apple() -> interactive.InteractiveFigure:
    return interactive.apple_penalties()


@pytest.fixture(scope="module")
def small_descent() -> interactive.InteractiveFigure:
    return interactive.descent(noises=(0.0, 5.0), learning_rates=(0.001, 0.01), epochs=3, points=8)


@pytest.fixture(scope="module")
def huber() -> tuple[interactive.InteractiveFigure, np.ndarray, np.ndarray]:
    x, y = interactive.experiment_data()[5.0]
    return interactive.huber_delta(x, y), x, y


# -- the record and its HTML --------------------------------------------------------------------


def test_html_holds_the_spec_and_a_png_fallback_with_alt_text(apple) -> None:
    page = apple.to_html()
    (spec_text,) = SPEC.findall(page)
    assert json.loads(spec_text.replace("<\\/", "</")) == apple.spec
    match = re.search(r'src="data:image/png;base64,([^"]+)" alt="([^"]+)"', page)
    assert match is not None
    assert base64.b64decode(match.group(1)) == apple.png
    assert apple.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert html.unescape(match.group(2)) == apple.description
    assert f'id="{apple.name}"' in page
    assert 'data-l1l2-figure="apple-harvest"' in page


def test_spec_json_cannot_close_its_script_element() -> None:
    figure = interactive.InteractiveFigure(
        "x", "test", {"description": "a </script><b>"}, "text", b""
    )
    assert "</script>" not in figure.spec_json()
    assert json.loads(figure.spec_json()) == {"description": "a </script><b>"}


def test_mime_bundle_offers_vega_lite_v5_png_and_text_but_no_html(apple) -> None:
    """JupyterLab ranks HTML above Vega-Lite: the bundle has none (the book builds it)."""
    bundle, metadata = apple._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.vegalite.v5+json", "image/png", "text/plain"}
    assert bundle["application/vnd.vegalite.v5+json"] == apple.spec
    assert apple.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    assert base64.b64decode(bundle["image/png"]) == apple.png
    assert apple.description in bundle["text/plain"]
    again = interactive.InteractiveFigure.from_bundle(json.loads(json.dumps(bundle)), metadata)
    assert again.to_html() == apple.to_html()


def test_the_same_call_gives_the_same_html(apple) -> None:
    """Stable stored output: nbval compares the HTML, the PNG is sanitised."""
    again = interactive.apple_penalties()
    assert again.spec_json() == apple.spec_json()


# -- apple harvest ------------------------------------------------------------------------------


def test_apple_table_holds_l1l2s_penalties_for_every_slider_position(apple) -> None:
    (lookup,) = [t for t in apple.spec["transform"] if "lookup" in t]
    table = {row["p"]: row for row in _values(apple.spec, lookup["from"]["data"])}
    reach = range(
        min(low for low, _ in interactive.APPLE_RANGES),
        max(high for _, high in interactive.APPLE_RANGES) + 1,
    )
    assert sorted(table) == list(reach)
    truth, _ = data.apple_harvest()
    for p in (0, 57, 90, 100, 105, 600):
        assert table[p]["a"] == losses.l1(truth[:1], [p])
        assert table[p]["s"] == losses.l2(truth[:1], [p])


def test_apple_sliders_span_the_explorers_ranges_and_start_at_the_forecasts(apple) -> None:
    params = apple.spec["params"]
    assert [p["value"] for p in params] == data.apple_harvest()[1].tolist()
    assert [(p["bind"]["min"], p["bind"]["max"]) for p in params] == list(interactive.APPLE_RANGES)
    assert all(p["bind"]["name"].startswith(f"forecast {k + 1}") for k, p in enumerate(params))


@pytest.mark.parametrize(
    ("forecasts", "error", "match"),
    [
        ((90, 95), ValueError, "3 numbers"),
        ((90, 95, 601), ValueError, r"forecasts\[2\].*0 to 600"),
        ((90, 95.5, 105), ValueError, "whole number"),
        ((90, "95", 105), TypeError, r"forecasts\[1\]"),
    ],
)
def test_apple_rejects_forecasts_outside_its_sliders(forecasts, error, match) -> None:
    with pytest.raises(error, match=match):
        interactive.apple_penalties(forecasts=forecasts)


# -- descent ------------------------------------------------------------------------------------


def test_descent_stores_gd_fit_at_the_kept_updates(small_descent) -> None:
    runs = _values(small_descent.spec, small_descent.spec["data"])
    kept = small_descent.spec["params"][-1]["value"]
    assert len(runs) == 2 * len(interactive.DESCENT_LOSSES) * 2 * 3
    sets = interactive.experiment_data((0.0, 5.0))
    for run in runs:
        x, y = sets[run["noise"]]
        history = gd.fit(
            x,
            y,
            loss=run["loss"],
            w0=SOURCE.w0,
            lr=schedules.named(run["schedule"], run["lr"]),
            batch_size=SOURCE.batch_size,
            epochs=3,
            reduction=SOURCE.reduction,
        )
        index = np.asarray(kept)
        assert run["w"] == pytest.approx(history.w[index], rel=1e-3)
        assert run["L"] == pytest.approx(history.loss[index - 1], rel=1e-3, abs=1e-12)


def test_descent_offers_every_loss_noise_rate_and_schedule() -> None:
    figure = interactive.descent(epochs=1, points=3)
    options = {p["name"]: p["bind"]["options"] for p in figure.spec["params"] if "bind" in p}
    assert options == {
        "loss": list(interactive.DESCENT_LOSSES),
        "noise": list(interactive.DESCENT_NOISES),
        "lr": list(interactive.DESCENT_RATES),
        "schedule": list(interactive.DESCENT_SCHEDULES),
    }
    assert {0.001, 0.0001, SOURCE.lr} <= set(interactive.DESCENT_RATES)
    start = {p["name"]: p["value"] for p in figure.spec["params"] if "bind" in p}
    assert start == {"loss": "l1", "noise": 5.0, "lr": SOURCE.lr, "schedule": "constant"}
    assert all(p["bind"]["input"] == "radio" for p in figure.spec["params"] if "bind" in p)


def test_descent_data_are_rounded_to_four_significant_digits(small_descent) -> None:
    for run in _values(small_descent.spec, small_descent.spec["data"]):
        for value in run["w"] + run["L"]:
            assert value == float(f"{value:.4g}")


def test_descent_default_page_stays_small() -> None:
    """The grid of the book (180 runs of 2000 updates) fits in a few hundred KiB of HTML."""
    size = len(interactive.descent().to_html().encode())
    assert size < 300 * 1024, size


def test_experiment_data_are_the_chapters_draws() -> None:
    rng = np.random.default_rng(4)
    x, y_small = data.linear(SOURCE.n, noise=0.05, rng=rng)
    _, y_noisy = data.linear(SOURCE.n, noise=5.0, rng=rng)
    sets = interactive.experiment_data()
    np.testing.assert_array_equal(sets[0.05][1], y_small)
    np.testing.assert_array_equal(sets[5.0][1], y_noisy)
    np.testing.assert_array_equal(sets[0.0][1], np.full(SOURCE.n, SOURCE.true_w * SOURCE.x))
    np.testing.assert_array_equal(sets[5.0][0], x)


@pytest.mark.parametrize(
    ("name", "step", "expected"),
    [
        ("constant", 700, 0.01),
        ("inverse_time", 2000, 0.005),
        ("exponential", 1000, 0.01 * 0.999**1000),
    ],
)
def test_descent_schedules_are_chapter_fives(name, step, expected) -> None:
    schedule = schedules.named(name, 0.01)
    assert isinstance(schedule, schedules.Schedule)
    assert schedule(step) == pytest.approx(expected)


def test_sampled_updates_keep_the_first_and_last_update_in_order() -> None:
    kept = interactive.sampled_updates(2000, 100)
    assert kept[0] == 1
    assert kept[-1] == 2000
    assert kept == sorted(set(kept))
    assert 50 < len(kept) <= 100


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: interactive.descent(learning_rates=(0.01, 0.0)), ValueError, "> 0"),
        (lambda: interactive.descent(learning_rates=(0.01, 0.01)), ValueError, "repeat"),
        (lambda: interactive.descent(noises="5"), TypeError, "noises"),
        (lambda: interactive.descent(epochs=0), ValueError, "epochs"),
        (lambda: interactive.descent(start={"loss": "l3"}), ValueError, "loss"),
        (lambda: interactive.descent(start={"seed": 1}), ValueError, "start"),
        (lambda: interactive.sampled_updates(0, 10), ValueError, "steps"),
        (lambda: interactive.sampled_updates(10, 1), ValueError, "points"),
        (lambda: interactive.experiment_data(rng=1.5), TypeError, "rng"),
    ],
)
def test_descent_rejects_bad_arguments(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


# -- Huber's delta ------------------------------------------------------------------------------


def _grid(figure: interactive.InteractiveFigure) -> list[dict[str, float]]:
    return _values(figure.spec, figure.spec["layer"][-1]["data"])


def test_huber_grid_holds_the_ends_of_hubers_minimisers_for_every_delta(huber) -> None:
    figure, x, y = huber
    grid = _grid(figure)
    assert [row["d"] for row in grid] == pytest.approx(np.arange(1, len(grid) + 1) * 0.1)
    for row in grid[:: max(1, len(grid) // 15)] + grid[:3]:
        design = np.broadcast_to(x, y.shape)[:, np.newaxis]
        fit = regression.solve(design, y, loss="huber", delta=row["d"], fit_intercept=False)
        assert row["w"] <= round(fit.slope, 4) <= row["w2"]
        assert (row["w"] == row["w2"]) == fit.unique
        expected = gd.minimizer(x, y, loss="huber", delta=row["d"])
        assert row["w"] - 1e-4 <= expected <= row["w2"] + 1e-4


def _evaluate(expression: str, row: dict[str, float]) -> list[str]:
    """Evaluate the chart's readout, a Vega expression ``c ? [...] : [...]``, for ``row``."""
    python = expression.replace("datum.", "datum_")
    condition, rest = python.split(" ? ", 1)
    then, otherwise = rest.split("] : [")
    python = f"({then}]) if ({condition}) else ([{otherwise})"
    names = {f"datum_{key}": value for key, value in row.items()}
    return eval(python, {"format": format, "min": min, "max": max}, names)


def _readout_expression(figure: interactive.InteractiveFigure) -> str:
    (calculate,) = [t for t in figure.spec["layer"][-1]["transform"] if "calculate" in t]
    return calculate["calculate"]


def _huber_rules(figure: interactive.InteractiveFigure) -> list[dict]:
    """The layers drawn from Huber's rows of the grid: its +-delta band and its lines."""
    grid_name = figure.spec["layer"][-1]["data"]
    return [layer for layer in figure.spec["layer"][:-1] if layer.get("data") == grid_name]


def test_huber_readout_gives_the_range_where_the_minimum_is_flat(huber) -> None:
    figure, x, y = huber
    expression = _readout_expression(figure)
    rows = {row["d"]: row for row in _grid(figure)}
    flat = _evaluate(expression, rows[0.1])
    assert flat == [
        "δ = 0.1: Huber: any w from 0.5417 to 0.6749",
        "fitted values w·x from 1.0834 to 1.3498",
    ]
    assert _evaluate(expression, rows[0.2])[0] == ("δ = 0.2: Huber: any w from 0.5917 to 0.6249")
    low, high = experiments.huber_interval(x, y, delta=5.0)
    assert low == high
    assert _evaluate(expression, rows[5]) == [
        f"δ = 5.0: Huber settles at w = {low:.4f}",
        f"fitted value w·x = {round(low, 4) * 2:.4f}",
    ]


def test_huber_chart_draws_a_line_at_each_end_and_the_band_beyond_both(huber) -> None:
    figure, x, _ = huber
    layers = _huber_rules(figure)
    marks = [layer["mark"]["type"] for layer in layers]
    assert marks == ["rect", "rule", "rule"]
    band, first, second = layers
    assert (first["encoding"]["y"]["field"], second["encoding"]["y"]["field"]) == ("y", "y2")
    transforms = {t["as"]: t["calculate"] for t in band["transform"] if "calculate" in t}
    rows = {row["d"]: row for row in _grid(figure)}
    for d, fitted in ((0.1, (1.0834, 1.3498)), (5, (None, None))):
        row = rows[d]
        names = {f"datum_{k}": v for k, v in row.items()}
        value = {
            key: eval(transforms[key].replace("datum.", "datum_"), {"min": min, "max": max}, names)
            for key in ("y", "y2", "lo", "hi")
        }
        assert value["y"] == pytest.approx(row["w"] * x)
        assert value["y2"] == pytest.approx(row["w2"] * x)
        assert value["lo"] == pytest.approx(row["w"] * x - d)
        assert value["hi"] == pytest.approx(row["w2"] * x + d)
        if fitted[0] is not None:
            assert (value["y"], value["y2"]) == pytest.approx(fitted)
    # Both lines in Huber's colour and dash, as the vocabulary has them.
    huber_row = vocabulary.LOSSES["huber"]
    for rule in (first, second):
        encoding = rule["encoding"]
        label = next(v for v in transforms.values() if v.startswith("'Huber"))[1:-1]
        colours, dashes = (
            dict(zip(encoding[k]["scale"]["domain"], encoding[k]["scale"]["range"], strict=True))
            for k in ("color", "strokeDash")
        )
        assert colours[label] == huber_row.color
        assert dashes[label] == huber_row.dash


def test_huber_static_fallback_draws_each_end_of_a_flat_minimum(huber) -> None:
    from matplotlib import pyplot as plt  # noqa: PLC0415

    _, x, y = huber
    x0 = float(np.asarray(x).flat[0])
    for delta, expected in ((0.1, (0.5417, 0.6749)), (5.0, None)):
        figure = interactive._huber_static(x0, np.asarray(y), delta)
        (ax,) = figure.axes
        green = [
            line for line in ax.get_lines() if line.get_color() == vocabulary.LOSSES["huber"].color
        ]
        low, high = experiments.huber_interval(x, y, delta=delta)
        drawn = sorted(line.get_ydata()[0] / x0 for line in green)
        labels = [
            t.get_text() for t in ax.get_legend().get_texts() if t.get_text().startswith("Huber")
        ]
        if expected is None:
            assert drawn == pytest.approx([low])
            assert labels == [f"Huber: w = {low:.4f}"]
        else:
            assert drawn == pytest.approx([low, high])
            assert labels == [f"Huber: w from {expected[0]:.4f} to {expected[1]:.4f}"]
        assert {line.get_linestyle() for line in green} == {vocabulary.LOSSES["huber"].linestyle}
        plt.close(figure)


def test_huber_slider_runs_from_abs_l1s_answers_to_least_squares(huber) -> None:
    """The story of the slider, recomputed independently: median end and mean end."""
    figure, x, y = huber
    grid = _grid(figure)
    low, high = l1_interval(x, y)
    assert low - 1e-4 <= grid[0]["w"] <= high + 1e-4
    assert grid[-1]["w"] == pytest.approx(np.mean(y / x), abs=1e-4)
    # The last delta is at least the largest error at the least-squares answer.
    assert grid[-1]["d"] >= np.max(np.abs(np.mean(y / x) * x - y))
    (param,) = figure.spec["params"]
    assert param["value"] == 5.0
    assert (param["bind"]["min"], param["bind"]["max"]) == (grid[0]["d"], grid[-1]["d"])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([2.0, 2.0], [1.0]), {}, "x must be one common|y must"),
        (([1.0, 2.0], [1.0, 2.0]), {}, "one common"),
        ((2.0, [1.0]), {}, "2 to 10000 targets"),
        ((2.0, [1.0, np.nan]), {}, "finite"),
        ((2.0, [1.0, 3.0]), {"step": 0.0}, "step"),
        ((2.0, [1.0, 3.0]), {"delta": -1.0}, "delta"),
    ],
)
def test_huber_rejects_bad_data_and_options(args, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        interactive.huber_delta(*args, **kwargs)


# -- bounded and validated (issue 21) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        # Once looped for ever: 1e300 apart needs 1e301 slider positions of 0.1.
        (lambda: interactive.huber_delta(2.0, [1e300, -1e300, 0.0]), ValueError, "at most 1e"),
        (lambda: interactive.huber_delta(2.0, [1e50, -1e50, 0.0]), ValueError, "step"),
        (lambda: interactive.huber_delta(2.0, np.zeros(10_001)), ValueError, "10000 targets"),
        (lambda: interactive.huber_delta(2.0, ["1", "2"]), TypeError, "y must hold real"),
        (lambda: interactive.huber_delta(2.0, [True, False]), TypeError, "y must hold real"),
        (lambda: interactive.huber_delta("2", [1.0, 2.0]), TypeError, "x must hold real"),
        (lambda: interactive.huber_delta(2.0, [[1.0, 2.0]]), ValueError, r"1-D.*\(1, 2\)"),
        (lambda: interactive.huber_delta(2.0, [1.0, 2.0], delta="5"), TypeError, "delta"),
        (lambda: interactive.huber_delta(2.0, [1.0, 2.0], step=True), TypeError, "step"),
        (lambda: interactive.huber_delta(1e-300, [1.0, 2.0]), ValueError, "x must be non-zero"),
        # Once a raw OverflowError: 1 / 1e-320 slider positions.
        (lambda: interactive.huber_delta(2.0, [1.0, 3.0], step=1e-320), ValueError, "step"),
        (lambda: interactive.descent(epochs=10**30), ValueError, "epochs must be .* <= 1000"),
        (lambda: interactive.descent(points=10**6), ValueError, "points must be .* <= 500"),
        (lambda: interactive.descent(noises=tuple(range(11))), ValueError, "at most 10"),
        (lambda: interactive.descent(learning_rates=(0.01, True)), TypeError, "learning_rates"),
        (lambda: interactive.sampled_updates(10**400, 5), ValueError, "steps"),
    ],
)
def test_limits_and_bad_types_give_clear_errors(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_huber_delta_at_the_limit_runs_without_warnings() -> None:
    """Large but allowed data: every fitted value and error is a float (warnings are errors)."""
    figure = interactive.huber_delta(2.0, [1e99, -1e99, 0.0], step=2e97)
    assert len(_grid(figure)) <= interactive.MAX_DELTAS


# -- colours and dashes, read from the specification (issue 20.5) -------------------------------

# The book's colours and line styles, written out (l1l2.vocabulary): Okabe-Ito blue and solid
# for abs L1, orange and dashed for L2, bluish green and dash-dotted for Huber, vermillion and
# dotted for signed L1; grey for the targets, and long dashes for the true w. Dashes in px.
SIGNED, ABS_L1, L2, HUBER, GREY = "#D55E00", "#0072B2", "#E69F00", "#009E73", "#555555"
SOLID, DASHED, DASH_DOT, DOTTED = [1, 0], [6, 3], [8, 3, 2, 3], [2, 2]
LONG_DASHES = [12, 5]


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _legend(spec: dict) -> dict[str, tuple[str, list[int]]]:
    """Each legend entry's colour and dash, read from the colour and strokeDash encodings."""
    scales: dict[str, list[dict]] = {"color": [], "strokeDash": []}
    for node in _walk(spec):
        for channel, found in scales.items():
            if isinstance(node.get(channel), dict) and "scale" in node[channel]:
                found.append(node[channel]["scale"])
    colours, dashes = scales["color"], scales["strokeDash"]
    assert colours, "no colour scale"
    assert dashes, "no dash scale"
    assert all(c == colours[0] for c in colours)
    assert all(d == dashes[0] for d in dashes)
    assert colours[0]["domain"] == dashes[0]["domain"]
    return {
        name: (colour, dash)
        for name, colour, dash in zip(
            colours[0]["domain"], colours[0]["range"], dashes[0]["range"], strict=True
        )
    }


def test_vocabulary_dashes_are_the_line_styles_of_the_table() -> None:
    assert [row.dash for row in vocabulary.LOSSES.values()] == [
        DOTTED,
        SOLID,
        DASHED,
        DASH_DOT,
        [8, 3, 2, 3, 2, 3],  # the pinball loss: dash-dot-dot, its own pattern at width 1.5
    ]
    assert vocabulary.REFERENCES["true_w"].dash == LONG_DASHES


def test_the_true_w_lines_dash_is_no_losss() -> None:
    """Beside the chosen loss the true-w line differs by its dash too, not by colour alone."""
    dash = vocabulary.REFERENCES["true_w"].dash
    assert all(dash != row.dash for row in vocabulary.LOSSES.values()), dash


def test_apple_bars_are_l1_blue_and_l2_orange_with_dashed_means(apple) -> None:
    marks = [n["mark"] for n in _walk(apple.spec) if isinstance(n.get("mark"), dict)]
    assert [m["color"] for m in marks if m["type"] == "bar"] == [ABS_L1, L2]
    rules = [m for m in marks if m["type"] == "rule"]
    assert [(m["color"], m["strokeDash"]) for m in rules] == [("#000000", DASHED)] * 2


def test_descent_draws_each_loss_in_its_colour_and_line_style(small_descent) -> None:
    assert _legend(small_descent.spec) == {
        "signed L1": (SIGNED, DOTTED),
        "abs L1": (ABS_L1, SOLID),
        "L2": (L2, DASHED),
        "Huber": (HUBER, DASH_DOT),
        "true w = 1": (GREY, LONG_DASHES),
    }
    lines = [n for n in _walk(small_descent.spec) if n.get("mark", {}).get("type") == "line"]
    assert len(lines) == 2
    assert all(n["encoding"]["strokeDash"]["field"] == "label" for n in lines)


def _legend_values(spec: dict) -> str:
    (expr,) = {
        node["legend"]["values"]["expr"]
        for node in _walk(spec)
        if isinstance(node.get("legend"), dict) and "values" in node["legend"]
    }
    return expr


@pytest.mark.parametrize("loss", ["signed", "l1", "l2", "huber"])
def test_descent_legend_lists_only_the_loss_drawn_and_the_true_w(small_descent, loss) -> None:
    """The legend's values follow the loss control: one loss is drawn, one is listed."""
    expr = _legend_values(small_descent.spec)
    # [<labels by loss>[loss], <true w>]: a JSON object indexed by the control, and a string.
    match = re.fullmatch(r"\[(\{.*\})\[loss\], (\"[^\"]*\")\]", expr)
    assert match, expr
    shown = [json.loads(match[1])[loss], json.loads(match[2])]
    assert shown == [vocabulary.LOSSES[loss].label, "true w = 1"]
    assert "loss" in {p["name"] for p in small_descent.spec["params"]}


def _axes(spec: dict) -> dict[str, dict]:
    return {
        n["field"]: n["axis"]
        for n in _walk(spec)
        if isinstance(n.get("axis"), dict) and "field" in n
    }


def test_descent_axes_have_ticks_a_reader_can_read_at_small_losses_and_on_a_phone(
    small_descent,
) -> None:
    axes = _axes(small_descent.spec)
    loss, update = axes["L"], axes["update"]
    assert {0, 1, 2, 5, 10} <= set(loss["values"])  # ticks below 20
    assert loss["tickCount"] >= len(loss["values"])  # none dropped before they are drawn
    assert update["values"][:4] == [1, 10, 100, 1000]  # one label a decade, no crowding
    assert update["labelOverlap"] is True
    assert loss["labelOverlap"] is True


def test_descent_text_promises_no_hover_on_a_touch_screen(small_descent) -> None:
    assert "hover" not in small_descent.description.lower()
    assert "with a mouse" in small_descent.description


def test_huber_legend_names_each_series_in_the_books_colours(huber) -> None:
    figure, x, y = huber
    low, high = l1_interval(x, y)
    w_l2 = float(gd.minimizer(x, y, loss="l2"))
    assert _legend(figure.spec) == {
        "targets y": (GREY, SOLID),
        f"abs L1: w from {low:.4f} to {high:.4f}": (ABS_L1, SOLID),
        f"least squares: w = {w_l2:.4f}": (L2, DASHED),
        "Huber: w·x ± δ": (HUBER, DASH_DOT),
    }


def test_huber_abs_l1_band_is_outlined_under_the_lines_and_the_readout_clears_the_axis(
    huber,
) -> None:
    figure, _, _ = huber
    layers = figure.spec["layer"]
    kinds = [layer["mark"]["type"] for layer in layers]
    # Huber's second rule marks the high end of a flat minimum (on the low one when unique).
    assert kinds == ["rect", "rect", "rule", "rule", "rule", "point", "text"]
    band = layers[1]["mark"]
    assert band["stroke"] == ABS_L1  # its edges show where a line runs through it
    assert band["opacity"] < 0.5
    # Two lines of bold text: the second ends above the panel's top tick label.
    readout = layers[-1]["encoding"]["y"]["value"]
    assert readout + 1.25 * 11 <= -8, readout


def test_old_chart_names_warn_and_name_the_new_ones() -> None:
    with pytest.warns(DeprecationWarning, match="apple_penalties"):
        old = interactive.apple_harvest()
    assert old.spec == interactive.apple_penalties().spec
    with pytest.warns(DeprecationWarning, match="schedules.named"):
        schedule = interactive.descent_schedule("inverse_time", 0.01)
    assert schedule(2000) == pytest.approx(0.005)


def _y_axes(spec: dict) -> list[dict]:
    return [
        node["y"]["axis"]
        for node in _walk(spec)
        if isinstance(node.get("y"), dict) and isinstance(node["y"].get("axis"), dict)
    ]


def test_descent_axes_each_keep_one_tick_format(small_descent) -> None:
    """Each y axis names its format, so that Vega never mixes "2e+3" with plain numbers; the
    loss axis in SI steps ("-1M", not "-1,000,000", which pushed its title out of the chart)
    from 1000 on, each label formatted on its own (an axis format of "~s" gives every tick
    the prefix of the largest: "0.01k" for 10 and for 5; the browser test reads the labels)."""
    axes = _y_axes(small_descent.spec)
    assert {axis.get("format") for axis in axes if "values" not in axis} == {",~r"}
    loss_axes = [axis for axis in axes if "values" in axis]
    assert loss_axes
    for axis in loss_axes:
        assert "format" not in axis
        assert axis["labelExpr"] == (
            "abs(datum.value) >= 1000 ? format(datum.value, '.2~s') : format(datum.value, '~g')"
        )


def test_descent_legend_leaves_room_between_its_two_entries(small_descent) -> None:
    paddings = {
        node["legend"].get("columnPadding")
        for node in _walk(small_descent.spec)
        if isinstance(node.get("legend"), dict) and "values" in node["legend"]
    }
    assert paddings == {24}, paddings


def test_huber_legend_shows_the_targets_as_a_dot_and_the_rest_as_lines(huber) -> None:
    figure, _, _ = huber
    shapes = [
        node["shape"]
        for node in _walk(figure.spec)
        if isinstance(node.get("shape"), dict) and "scale" in node["shape"]
    ]
    assert len(shapes) == 1, shapes  # only on the dots
    scale = shapes[0]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["targets y"] == "circle"
    assert scale["range"][1:] == ["stroke"] * 3
    (size,) = [
        node["size"]
        for node in _walk(figure.spec)
        if isinstance(node.get("size"), dict) and "scale" in node["size"]
    ]
    assert size["scale"]["range"] == [40, 400, 400, 400]  # the dot as drawn, 20-px lines
    assert "symbolSize" not in size["legend"]  # which would override the sizes
    points = [n for n in _walk(figure.spec) if n.get("mark", {}).get("type") == "point"]
    assert all("shape" in n["encoding"] for n in points)


def test_descent_legend_symbols_are_strokes_only(small_descent) -> None:
    assert not any(
        isinstance(n.get(key), dict) for n in _walk(small_descent.spec) for key in ("shape", "size")
    )


def test_descent_chart_pads_its_left_and_right_edges(small_descent) -> None:
    """Room for the rotated loss-axis title and the longest readout, which Vega's own measure
    of the texts left a few px outside the svg (tests/browser checks the drawn chart)."""
    padding = small_descent.spec["padding"]
    assert padding["left"] >= 12, padding
    assert padding["right"] >= 8, padding
