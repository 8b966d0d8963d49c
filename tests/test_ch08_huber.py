"""Chapter 08, Huber: values and gradients, delta as the switch, the experiment re-run.

A change in ``l1l2`` that breaks a sentence of the chapter fails here, not only in nbval.
"""

from __future__ import annotations

import numpy as np
import pytest
from chapter_data import NOISES, RUNS, SIGMA, TRUE_W, N, X, draw_book_data

from l1l2 import data, experiments, gd, losses


@pytest.mark.parametrize(
    ("r", "loss", "slope"),
    [(0.5, 0.125, 0.5), (1.0, 0.5, 1.0), (3.0, 2.5, 1.0), (-3.0, 2.5, -1.0)],
)
def test_ch08_huber_values_and_gradients_with_delta_one(r, loss, slope):
    assert losses.huber([0.0], [r], delta=1.0, reduction="sum") == pytest.approx(loss)
    assert losses.huber_grad([0.0], [r], delta=1.0, reduction="sum")[0] == pytest.approx(slope)
    assert losses.l2([0.0], [r], reduction="sum") == pytest.approx(r * r)  # L2 charges 9 at 3


def test_ch08_exercise_by_hand():
    errors = np.array([1.0, -2.0])
    np.testing.assert_allclose(
        losses.huber(np.zeros(2), errors, delta=1.5, reduction="none"), [0.5, 1.875]
    )
    np.testing.assert_allclose(
        losses.huber_grad(np.zeros(2), errors, delta=1.5, reduction="none"), [1.0, -1.5]
    )


@pytest.mark.parametrize("delta", [0.5, 2.0, 7.0])
def test_ch08_huber_and_its_slope_are_continuous_at_delta(delta):
    eps = 1e-9
    below, at, above = delta - eps, delta, delta + eps
    values = [losses.huber([0.0], [r], delta=delta, reduction="sum") for r in (below, at, above)]
    slopes = [
        losses.huber_grad([0.0], [r], delta=delta, reduction="sum")[0] for r in (below, at, above)
    ]
    assert values == pytest.approx([delta**2 / 2] * 3, abs=1e-8)
    assert slopes == pytest.approx([delta] * 3, abs=1e-8)
    # Both pieces of the formula agree at |r| = delta.
    assert 0.5 * delta**2 == pytest.approx(delta * (delta - 0.5 * delta))


@pytest.fixture(scope="module")
def ch08():
    rng = np.random.default_rng(4)
    x, y_clean = data.linear(N, x=X, w=TRUE_W)
    _, y_noisy = draw_book_data(rng)
    return rng, x, y_clean, y_noisy


def test_ch08_uses_the_data_of_chapter_06(ch08, book_data):
    np.testing.assert_array_equal(ch08[3], book_data[1])


def test_ch08_experiment_with_huber(ch08):
    _, x, y_clean, y_noisy = ch08
    setup = {"w0": 20.0, "lr": 0.01, "batch_size": 2, "epochs": 20, "reduction": "sum"}
    clean = {
        name: gd.fit(x, y_clean, loss=name, delta=5.0, **setup) for name in ("l1", "l2", "huber")
    }
    assert clean["l1"].final_w == pytest.approx(12.0, abs=1e-9)  # 200 steps of 0.04
    assert np.flatnonzero(np.abs(clean["huber"].w - 1) < 0.05)[0] == 130
    assert np.flatnonzero(np.abs(clean["l2"].w - 1) < 0.05)[0] == 35
    assert clean["huber"].final_w == pytest.approx(1.0001, abs=5e-5)
    noisy = {name: gd.fit(x, y_noisy, loss=name, delta=5.0, **setup) for name in ("l2", "huber")}
    swing = {name: np.ptp(h.w[-10:]) for name, h in noisy.items()}
    assert swing["huber"] == pytest.approx(0.1766, abs=5e-5)
    assert swing["l2"] == pytest.approx(0.4822, abs=5e-5)
    # With delta = 1, Huber's far-out steps equal abs L1's: the same 200 updates.
    one = gd.fit(x, y_clean, loss="huber", delta=1.0, **setup)
    np.testing.assert_allclose(one.w, clean["l1"].w, rtol=0, atol=1e-12)


@pytest.fixture(scope="module")
def ch08_stacks(ch08):
    rng = ch08[0]
    noises = {key: NOISES[key] for key in ("Gaussian", "Student t (df 2)", "10% outliers")}
    return {
        label: data.linear(N, x=X, w=TRUE_W, runs=RUNS, rng=rng, **options)
        for label, options in noises.items()
    }


def test_ch08_huber_is_the_bridge_over_a_thousand_data_sets(ch08_stacks):
    mae = {}
    for label, (x, y) in ch08_stacks.items():
        stats = experiments.compare(
            x, y, true_w=TRUE_W, losses=("l1", "huber", "l2"), delta=1.345 * SIGMA
        ).stats()
        mae[label] = {loss: stats[loss]["mae"] for loss in stats}
        # Never far from the better of the two, never as bad as the worse one.
        assert mae[label]["huber"] < min(mae[label]["l1"], mae[label]["l2"]) + 0.025
        assert mae[label]["huber"] < max(mae[label]["l1"], mae[label]["l2"])
    assert mae["Gaussian"] == pytest.approx({"l1": 0.524, "huber": 0.443, "l2": 0.438}, abs=5e-4)
    assert mae["Student t (df 2)"] == pytest.approx(
        {"l1": 0.650, "huber": 0.624, "l2": 1.141}, abs=5e-4
    )
    assert mae["10% outliers"] == pytest.approx(
        {"l1": 0.679, "huber": 0.676, "l2": 2.634}, abs=5e-4
    )


def test_ch08_delta_sweeps_from_l1_to_l2(ch08_stacks):
    def huber_mae(label, delta):
        x, y = ch08_stacks[label]
        return experiments.compare(x, y, true_w=TRUE_W, losses=("huber",), delta=delta).stats()[
            "huber"
        ]["mae"]

    def mae(label, loss):
        x, y = ch08_stacks[label]
        return experiments.compare(x, y, true_w=TRUE_W, losses=(loss,)).stats()[loss]["mae"]

    for label in ch08_stacks:
        assert huber_mae(label, 0.5) == pytest.approx(mae(label, "l1"), abs=0.025)
    assert huber_mae("Gaussian", 20.0) == pytest.approx(mae("Gaussian", "l2"), abs=1e-3)
    assert huber_mae("10% outliers", 50.0) == pytest.approx(mae("10% outliers", "l2"), abs=0.02)
    # At delta = 5 (one noise standard deviation), the numbers of the chapter's prose.
    assert huber_mae("Gaussian", 5.0) == pytest.approx(0.448, abs=5e-4)
    assert huber_mae("Student t (df 2)", 5.0) == pytest.approx(0.616, abs=5e-4)
    assert huber_mae("10% outliers", 5.0) == pytest.approx(0.647, abs=5e-4)
    assert huber_mae("Student t (df 2)", 5.0) < mae("Student t (df 2)", "l1")
    assert huber_mae("10% outliers", 5.0) < mae("10% outliers", "l1")


def test_ch08_exercise_huber_settle_point_runs_from_the_median_to_the_mean(ch08):
    _, _, _, y = ch08
    low, high = experiments.l1_interval(X, y)
    least_squares = gd.minimizer(X, y, loss="l2")
    assert low <= gd.minimizer(X, y, loss="huber", delta=0.001) <= high
    # The table: at delta = 0.001 a flat bottom, abs L1's less delta / x at each end; from
    # delta = 1 on a single point.
    tiny = experiments.huber_interval(X, y, delta=0.001)
    assert tiny == pytest.approx((low + 0.001 / X, high - 0.001 / X), abs=1e-15)
    for delta in (1.0, 5.0, 9.5, 9.6, 20.0, 1000.0):
        w_low, w_high = experiments.huber_interval(X, y, delta=delta)
        assert w_low == w_high == pytest.approx(gd.minimizer(X, y, loss="huber", delta=delta))
    largest = np.max(np.abs(least_squares * X - y))
    assert largest == pytest.approx(9.56, abs=5e-3)
    for delta in (20.0, 1000.0):  # beyond the largest error: exactly least squares
        assert gd.minimizer(X, y, loss="huber", delta=delta) == pytest.approx(
            least_squares, abs=1e-12
        )
    midpoint = gd.minimizer(X, y, loss="l1")
    for delta in (1.0, 5.0):  # in between the mean and the median-based midpoint, at neither
        w = gd.minimizer(X, y, loss="huber", delta=delta)
        assert least_squares + 0.01 < w < midpoint - 0.01
