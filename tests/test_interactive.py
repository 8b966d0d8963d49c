"""l1l2.interactive: the figures' data are l1l2's numbers, and their HTML is safe and small."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

from l1l2 import data, gd, interactive, losses, schedules
from l1l2.experiments import SOURCE, l1_interval

SPEC = re.compile(r'<script type="application/json" class="l1l2-interactive-spec">(.*?)</script>')


@pytest.fixture(scope="module")
def apple() -> interactive.InteractiveFigure:
    return interactive.apple_harvest()


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


def test_mime_bundle_offers_html_png_and_text(apple) -> None:
    bundle = apple._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]) == apple.png
    assert apple.description in bundle["text/plain"]


def test_the_same_call_gives_the_same_html(apple) -> None:
    """Stable stored output: nbval compares the HTML, the PNG is sanitised."""
    again = interactive.apple_harvest()
    assert again.spec_json() == apple.spec_json()


# -- apple harvest ------------------------------------------------------------------------------


def test_apple_table_holds_l1l2s_penalties_for_every_slider_position(apple) -> None:
    lookup = apple.spec["transform"][1]
    table = {row["p"]: row for row in lookup["from"]["data"]["values"]}
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
        interactive.apple_harvest(forecasts=forecasts)


# -- descent ------------------------------------------------------------------------------------


def test_descent_stores_gd_fit_at_the_kept_updates(small_descent) -> None:
    runs = small_descent.spec["data"]["values"]
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
            lr=interactive.descent_schedule(run["schedule"], run["lr"]),
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
    for run in small_descent.spec["data"]["values"]:
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
    schedule = interactive.descent_schedule(name, 0.01)
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
        (lambda: interactive.descent_schedule("cosine", 0.01), ValueError, "cosine"),
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
    return figure.spec["layer"][-1]["data"]["values"]


def test_huber_grid_holds_gd_minimizer_for_every_delta(huber) -> None:
    figure, x, y = huber
    grid = _grid(figure)
    assert [row["d"] for row in grid] == pytest.approx(np.arange(1, len(grid) + 1) * 0.1)
    for row in grid[:: max(1, len(grid) // 15)]:
        expected = gd.minimizer(x, y, loss="huber", delta=row["d"])
        assert row["w"] == pytest.approx(round(float(expected), 4), abs=1e-12)


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
        ((2.0, [1.0]), {}, "at least 2"),
        ((2.0, [1.0, np.nan]), {}, "finite"),
        ((2.0, [1.0, 3.0]), {"step": 0.0}, "step"),
        ((2.0, [1.0, 3.0]), {"delta": -1.0}, "delta"),
    ],
)
def test_huber_rejects_bad_data_and_options(args, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        interactive.huber_delta(*args, **kwargs)
