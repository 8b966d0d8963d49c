"""Chapter 07, a thousand data sets: L2 tighter under Gaussian noise, abs L1 tighter under heavy
tails and outliers. The chapter's seed (7) and, to show it is no accident of one seed, two more.

A change in ``l1l2`` that breaks a sentence of the chapter fails here, not only in nbval.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from chapter_data import RUNS, SIGMA, TRUE_W, N, X, noise_stacks

from l1l2 import data, experiments, gd, schedules


@pytest.fixture(scope="module")
def ch07():
    rng = np.random.default_rng(7)
    stacks = noise_stacks(rng)
    results = {label: experiments.compare(x, y, true_w=TRUE_W) for label, (x, y) in stacks.items()}
    return rng, stacks, results


@pytest.mark.parametrize("seed", [7, 0, 1])
def test_ch07_l2_is_tighter_under_gaussian_noise_and_l1_under_heavy_tails_and_outliers(seed):
    stacks = noise_stacks(np.random.default_rng(seed))
    for label, (x, y) in stacks.items():
        result = experiments.compare(x, y, true_w=TRUE_W)
        winner = "l2" if label == "Gaussian" else "l1"
        for statistic in ("std", "iqr", "mad", "mae"):
            assert result.tighter(statistic) == winner, (seed, label, statistic)


def test_ch07_printed_table(ch07):
    _, _, results = ch07
    stats = {label: result.stats() for label, result in results.items()}
    expected = {  # (std, mean |error|) of abs L1 and L2, as the chapter prints them
        "Gaussian": {"l1": (0.670, 0.536), "l2": (0.564, 0.449)},
        "Laplace": {"l1": (0.477, 0.370), "l2": (0.569, 0.449)},
        "Student t (df 2)": {"l1": (0.798, 0.635), "l2": (1.733, 1.119)},
        "10% outliers": {"l1": (0.773, 0.671), "l2": (1.766, 2.498)},
    }
    for label, per_loss in expected.items():
        for loss, (std, mae) in per_loss.items():
            assert stats[label][loss]["std"] == pytest.approx(std, abs=5e-4)
            assert stats[label][loss]["mae"] == pytest.approx(mae, abs=5e-4)
    assert stats["10% outliers"]["l2"]["mean"] == pytest.approx(3.442, abs=5e-4)
    assert stats["10% outliers"]["l1"]["mean"] == pytest.approx(1.348, abs=5e-4)
    # The Gaussian ratio of standard deviations is near sqrt(pi / 2) = 1.253.
    ratio = stats["Gaussian"]["l1"]["std"] / stats["Gaussian"]["l2"]["std"]
    assert 1.1 < ratio < 1.35


def test_ch07_descent_and_closed_form_agree_on_a_thousand_data_sets(ch07):
    _, stacks, results = ch07
    x, y = stacks["Gaussian"]
    l2 = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=N, epochs=100, reduction="sum")
    np.testing.assert_allclose(l2.final_w, results["Gaussian"].estimates["l2"], rtol=0, atol=1e-12)
    l1 = gd.fit(
        x,
        y,
        loss="l1",
        w0=20.0,
        lr=schedules.exponential(0.01, rate=0.997),
        batch_size=N,
        epochs=1000,
        reduction="sum",
    )
    low, high = experiments.l1_interval(x, y)
    assert np.all((low <= l1.final_w) & (l1.final_w <= high))


def test_ch07_student_t_throws_some_l2_estimates_off_the_plot(ch07):
    _, _, results = ch07
    wild = results["Student t (df 2)"].estimates["l2"]
    assert np.count_nonzero((wild < -2.0) | (wild > 4.0)) == 44
    assert np.count_nonzero(np.abs(results["Student t (df 2)"].estimates["l1"] - 1) > 3) == 0


def test_ch07_exercises(ch07):
    rng = np.random.default_rng(7)
    noise_stacks(rng)  # the chapter's draws come first
    by_fraction = {}
    for fraction in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3):
        x, y = data.linear(
            N, x=X, w=TRUE_W, noise=SIGMA, runs=RUNS, rng=rng, outliers=fraction, outlier_shift=50.0
        )
        by_fraction[fraction] = experiments.compare(x, y, true_w=TRUE_W).stats()
    assert by_fraction[0.0]["l2"]["mae"] < by_fraction[0.0]["l1"]["mae"]
    for fraction in (0.02, 0.05, 0.1, 0.2, 0.3):
        assert by_fraction[fraction]["l1"]["mae"] < by_fraction[fraction]["l2"]["mae"]
    l1_errors = [by_fraction[f]["l1"]["mae"] for f in sorted(by_fraction)]
    assert l1_errors == sorted(l1_errors)  # abs L1's error grows too
    assert by_fraction[0.3]["l1"]["std"] > by_fraction[0.3]["l2"]["std"]

    ratios = []
    for n in (5, 20, 80, 320):
        x, y = data.linear(n, x=X, w=TRUE_W, noise=SIGMA, runs=4000, rng=rng)
        per_loss = experiments.compare(x, y, true_w=TRUE_W).stats()
        ratios.append(per_loss["l1"]["std"] / per_loss["l2"]["std"])
    assert all(r > 1.15 for r in ratios)
    assert ratios[-1] == pytest.approx(math.sqrt(math.pi / 2), abs=0.03)
    assert ratios[-1] > ratios[0]
