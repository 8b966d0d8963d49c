"""The claims of chapter 07 (a thousand data sets), recomputed with plain NumPy.

Each test draws its own data sets (y = 2 + noise, x = 2, true w = 1, N = 20) and takes the
least-squares estimate as the mean of y / x and the abs-L1 estimate as the median, without
``l1l2``. The sizes asserted are those the chapter states, with a margin for simulation noise.
"""

import math

import numpy as np
import pytest

X, N, SIGMA, RUNS = 2.0, 20, 5.0, 1000


def noise(kind, rng, shape):
    if kind == "gaussian":
        return rng.normal(0.0, SIGMA, shape)
    if kind == "laplace":
        return rng.laplace(0.0, SIGMA / np.sqrt(2), shape)
    if kind == "t2":
        return SIGMA * rng.standard_t(2.0, shape)
    return rng.normal(0.0, SIGMA, shape) + 50.0 * (rng.random(shape) < 0.1)


def estimates(kind, seed, runs=RUNS, n=N):
    y = X + noise(kind, np.random.default_rng(seed), (runs, n))
    return {"l2": y.mean(axis=1) / X, "l1": np.median(y, axis=1) / X}, y


def iqr(a):
    q75, q25 = np.percentile(a, [75, 25], axis=-1)
    return q75 - q25


def mad(a):
    return np.median(np.abs(a - np.median(a, axis=-1, keepdims=True)), axis=-1)


def mae(a):
    return np.mean(np.abs(a - 1.0), axis=-1)


def test_maximum_likelihood_gives_least_squares_for_gaussian_and_abs_l1_for_laplace_noise():
    y = X + np.random.default_rng(1).normal(0.0, SIGMA, N)
    w = np.linspace(-3.0, 5.0, 80001)
    r = y[None, :] - w[:, None] * X
    gaussian_nll = np.sum(r**2 / (2 * SIGMA**2), axis=1)
    laplace_nll = np.sum(np.abs(r) / (SIGMA / np.sqrt(2)), axis=1)
    assert w[np.argmin(gaussian_nll)] == pytest.approx(np.mean(y) / X, abs=1e-4)
    readings = np.sort(y / X)
    assert readings[9] - 1e-4 <= w[np.argmin(laplace_nll)] <= readings[10] + 1e-4


@pytest.mark.parametrize(
    ("kind", "winner"), [("gaussian", "l2"), ("laplace", "l1"), ("t2", "l1"), ("outliers", "l1")]
)
def test_each_noise_has_the_winner_the_chapter_names_in_every_spread(kind, winner):
    est, _ = estimates(kind, seed=11)
    loser = "l2" if winner == "l1" else "l1"
    for spread in (iqr, mad, mae):
        assert spread(est[winner]) < spread(est[loser])


def test_the_standard_deviations_match_the_predictions_of_the_theory():
    gaussian, _ = estimates("gaussian", seed=12, runs=4000)
    laplace, _ = estimates("laplace", seed=13, runs=4000)
    mean_std = SIGMA / (X * np.sqrt(N))
    assert gaussian["l2"].std() == pytest.approx(mean_std, rel=0.05)
    assert laplace["l2"].std() == pytest.approx(mean_std, rel=0.05)
    ratio = gaussian["l1"].std() / gaussian["l2"].std()
    assert 1.1 < ratio < np.sqrt(np.pi / 2) + 0.03
    # Laplace: the median is above its large-N value at N = 20, and reaches it for large N
    large_n = SIGMA / np.sqrt(2) / (X * np.sqrt(N))
    assert laplace["l1"].std() > 1.1 * large_n
    big, _ = estimates("laplace", seed=14, runs=2000, n=400)
    assert big["l1"].std() == pytest.approx(SIGMA / np.sqrt(2) / (X * np.sqrt(400)), rel=0.1)


def test_under_student_t_the_l2_standard_deviation_jumps_between_simulations_and_the_iqr_does_not():
    est, _ = estimates("t2", seed=15, runs=20 * RUNS)
    blocks_l2 = est["l2"].reshape(20, RUNS)
    blocks_l1 = est["l1"].reshape(20, RUNS)
    stds = blocks_l2.std(axis=1)
    assert stds.max() / stds.min() > 1.5
    for blocks in (blocks_l2, blocks_l1):
        spreads = iqr(blocks)
        assert spreads.max() / spreads.min() < 1.3


def test_under_student_t_the_l2_standard_deviation_does_not_settle_and_tends_to_grow():
    # the check's answer: the sample value jumps between simulations of the same size and
    # tends to grow with the number of data sets (the median over 20 simulations of each size)
    rng = np.random.default_rng(17)
    typical = []
    for runs in (1_000, 10_000, 100_000):
        stds = [(SIGMA * rng.standard_t(2.0, (runs, N))).mean(axis=1).std() for _ in range(20)]
        assert max(stds) / min(stds) > 1.3  # it jumps at every size
        typical.append(np.median(stds))
    assert typical[0] < typical[1] < typical[2]


def test_outliers_bias_l2_by_two_and_a_half_and_widen_it_as_predicted():
    est, _ = estimates("outliers", seed=16, runs=4000)
    assert est["l2"].mean() == pytest.approx(1 + 0.1 * 50 / X, abs=0.1)
    predicted = np.sqrt(SIGMA**2 + 50**2 * 0.1 * 0.9) / (X * np.sqrt(N))
    assert est["l2"].std() == pytest.approx(predicted, rel=0.06)
    assert mae(est["l1"]) < mae(est["l2"]) / 2.5


def test_full_batch_abs_l1_with_exponential_decay_stops_inside_every_flat_bottom():
    est, y = estimates("gaussian", seed=17)
    w = np.full(RUNS, 20.0)
    for t in range(1000):
        w -= 0.01 * 0.997**t * X * np.sum(np.sign(w[:, None] * X - y), axis=1)
    readings = np.sort(y / X, axis=1)
    assert np.all((readings[:, 9] <= w) & (w <= readings[:, 10]))
    # Where in the flat bottom it stops changes the error a little, not the winner.
    assert abs(mae(w) - mae(est["l1"])) < 0.04
    assert min(mae(w), mae(est["l1"])) > 1.1 * mae(est["l2"])


def test_the_l2_estimates_off_the_plot_come_from_enormous_readings():
    est, y = estimates("t2", seed=18)
    off = (est["l2"] < -2.0) | (est["l2"] > 4.0)
    assert 10 < np.count_nonzero(off) < 100
    assert np.all(np.max(np.abs(y[off] - X), axis=1) > 6 * SIGMA)
    l1_off = (est["l1"] < -2.0) | (est["l1"] > 4.0)
    assert np.count_nonzero(l1_off) <= np.count_nonzero(off) / 20


def test_from_two_per_cent_outliers_abs_l1_has_the_smaller_error_and_at_thirty_the_larger_std():
    rng = np.random.default_rng(19)
    errors = {}
    for fraction in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3):
        shape = (RUNS, N)
        y = X + rng.normal(0.0, SIGMA, shape) + 50.0 * (rng.random(shape) < fraction)
        l1, l2 = np.median(y, axis=1) / X, y.mean(axis=1) / X
        errors[fraction] = mae(l1), mae(l2), l1.std(), l2.std()
    assert errors[0.0][1] < errors[0.0][0]
    for fraction in (0.02, 0.05, 0.1, 0.2, 0.3):
        assert errors[fraction][0] < errors[fraction][1]
    l1_errors = [errors[f][0] for f in sorted(errors)]
    assert l1_errors == sorted(l1_errors)
    assert errors[0.3][2] > errors[0.3][3]


def test_the_std_ratio_of_median_to_mean_approaches_root_half_pi():
    ratios = {}
    for n in (5, 80, 320):
        est, _ = estimates("gaussian", seed=20 + n, runs=4000, n=n)
        ratios[n] = est["l1"].std() / est["l2"].std()
    assert all(r > 1 for r in ratios.values())
    assert ratios[5] < ratios[80]
    for n in (80, 320):
        assert ratios[n] == pytest.approx(np.sqrt(np.pi / 2), rel=0.04)


def test_laplace_tails_are_heavier_than_gaussian_but_exponential_not_a_power_law() -> None:
    # both with standard deviation 1: Laplace scale b = 1 / sqrt(2)
    b = 1 / math.sqrt(2)
    t = np.array([2.0, 4.0, 8.0, 16.0])
    gauss_tail = np.array([math.erfc(v / math.sqrt(2)) for v in t])  # P(|e| > t)
    laplace_tail = np.exp(-t / b)  # P(|e| > t)
    t2_tail = 1 - t / np.sqrt(2 + t**2)  # Student t, 2 degrees of freedom: P(|e| > t)
    # heavier than the normal's, more so the further out
    assert np.all(laplace_tail > gauss_tail)
    assert np.all(np.diff(laplace_tail / gauss_tail) > 0)
    # lighter than a power law: t^3 * tail goes to 0 for Laplace, not for Student t (df 2)
    assert np.all(np.diff(t**3 * laplace_tail) < 0)
    assert (t**3 * laplace_tail)[-1] < 1e-6
    assert (t**2 * t2_tail)[-1] == pytest.approx(1.0, rel=0.02)


def test_one_sided_outliers_move_the_mean_by_about_2_5_and_the_median_much_less() -> None:
    rng = np.random.default_rng(3)
    y = 2.0 + rng.normal(0, SIGMA, (RUNS, N)) + 50.0 * (rng.random((RUNS, N)) < 0.1)
    mean_bias = np.mean(y.mean(axis=1) / X) - 1.0
    median_bias = np.mean(np.median(y, axis=1) / X) - 1.0
    assert mean_bias == pytest.approx(2.5, abs=0.15)
    assert 0 < median_bias < 0.6


def test_bridge_five_readings_mean_median_and_capped_pull() -> None:
    readings = np.array([0.8, 0.9, 1.0, 1.1, 6.0])
    assert readings.mean() == pytest.approx(1.96)
    assert readings.mean() - readings[:4].mean() == pytest.approx(1.01)  # "about one"
    assert np.median(readings) == pytest.approx(1.0)
    # the capped pull (Huber, delta = 0.5) cancels at 1.075: find it by bisection
    low, high = 0.0, 6.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if np.sum(np.clip(readings - mid, -0.5, 0.5)) > 0 else (low, mid)
    assert mid == pytest.approx(4.3 / 4)
    assert np.all(np.abs(readings[:4] - mid) <= 0.5)  # the four near ones pull with residuals
