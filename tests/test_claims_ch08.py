"""The claims of chapter 08 (the Huber loss), recomputed with plain NumPy.

The Huber slope is written out as the clipped error, its minimiser found by bisection on that
monotone slope, and the descent loop rewritten, all without ``l1l2``.
"""

import numpy as np
import pytest

X, N, SIGMA = 2.0, 20, 5.0


def book_noisy() -> np.ndarray:
    rng = np.random.default_rng(4)
    rng.normal(0.0, 0.05, N)  # the sigma = 0.05 draw that comes first
    return X + rng.normal(0.0, SIGMA, N)


def descend(y, *, loss, lr, delta=5.0, w0=20.0, steps=200):
    w, path = w0, [w0]
    for t in range(steps):
        k = t % (len(y) // 2)
        r = w * X - y[2 * k : 2 * k + 2]
        g = {"l1": np.sign(r), "l2": 2 * r, "huber": np.clip(r, -delta, delta)}[loss]
        w -= lr * np.sum(g * X)
        path.append(w)
    return np.array(path)


def huber_minimizer(y, delta):
    """Where x * sum(clip(w x - y, -delta, delta)) changes sign, by bisection (rows of y)."""
    y = np.atleast_2d(y)
    low = np.full(len(y), y.min() / X - 1.0)
    high = np.full(len(y), y.max() / X + 1.0)
    for _ in range(80):
        mid = (low + high) / 2
        up = np.sum(np.clip(mid[:, None] * X - y, -delta, delta), axis=1) > 0
        high, low = np.where(up, mid, high), np.where(up, low, mid)
    return (low + high) / 2


def first_within(path, tolerance=0.05):
    return int(np.flatnonzero(np.abs(path - 1.0) < tolerance)[0])


def test_huber_and_its_slope_meet_continuously_at_delta():
    delta, eps = 2.0, 1e-9
    inner = lambda r: r**2 / 2  # noqa: E731
    outer = lambda r: delta * (abs(r) - delta / 2)  # noqa: E731
    assert inner(delta) == outer(delta) == delta**2 / 2
    assert (inner(delta) - inner(delta - eps)) / eps == pytest.approx(delta, rel=1e-6)
    assert (outer(delta + eps) - outer(delta)) / eps == pytest.approx(delta, rel=1e-6)


def test_without_noise_huber_arrives_at_update_130_and_l2_at_35():
    clean = np.full(N, X)
    assert first_within(descend(clean, loss="l2", lr=0.01)) == 35
    assert first_within(descend(clean, loss="huber", lr=0.01)) == 130
    assert descend(clean, loss="l1", lr=0.01)[-1] == pytest.approx(12.0)


def test_most_of_hubers_smaller_swing_is_the_half_in_half_r_squared():
    y = book_noisy()
    swing = lambda path: np.ptp(path[-10:])  # noqa: E731
    l2 = swing(descend(y, loss="l2", lr=0.01))
    half_rate = swing(descend(y, loss="l2", lr=0.005))
    unclipped = swing(descend(y, loss="huber", lr=0.01, delta=1e6))
    clipped = swing(descend(y, loss="huber", lr=0.01, delta=5.0))
    assert unclipped == pytest.approx(half_rate, abs=1e-12)
    assert (l2, unclipped, clipped) == pytest.approx((0.482, 0.231, 0.177), abs=1e-3)
    assert l2 - unclipped > 2 * (unclipped - clipped)


def test_delta_of_1345_sigma_gives_95_per_cent_efficiency_under_gaussian_noise():
    k = 1.345
    r = np.linspace(-12.0, 12.0, 480001)
    density = np.exp(-(r**2) / 2) / np.sqrt(2 * np.pi)
    dr = r[1] - r[0]
    psi = np.clip(r, -k, k)
    mean_square = np.sum(psi**2 * density) * dr
    slope = np.sum((np.abs(r) <= k) * density) * dr
    assert slope**2 / mean_square == pytest.approx(0.95, abs=1e-3)
    # and by simulation: the variance of the mean over that of Huber's estimate
    y = np.random.default_rng(3).normal(0.0, 1.0, (4000, 200)) + X
    huber = huber_minimizer(y, k)
    assert y.mean(axis=1).var() / X**2 / huber.var() == pytest.approx(0.95, abs=0.03)


def test_the_mad_estimate_of_sigma():
    y = book_noisy()
    assert np.median(np.abs(y - np.median(y))) / 0.6745 == pytest.approx(5.10, abs=0.01)
    big = np.random.default_rng(5).normal(0.0, SIGMA, 100_000)
    assert np.median(np.abs(big - np.median(big))) / 0.6745 == pytest.approx(SIGMA, rel=0.02)


def test_rlms_scale_is_the_median_absolute_residual_about_zero_not_about_the_median():
    # For the median fit the residuals have median 0 and the two scales agree (the book's 5.10);
    # for another fit, such as the least-squares one, rlm's median(|r|) / 0.6745 differs from the
    # MAD of the residuals about their own median.
    y = book_noisy()
    r = y - np.median(y)
    assert np.median(np.abs(r)) == np.median(np.abs(r - np.median(r)))
    r = y - y.mean()
    about_zero = np.median(np.abs(r)) / 0.6745
    about_median = np.median(np.abs(r - np.median(r))) / 0.6745
    assert abs(about_zero - about_median) > 1e-3


def thousand(kind, seed):
    rng = np.random.default_rng(seed)
    shape = (1000, N)
    if kind == "gaussian":
        noise = rng.normal(0.0, SIGMA, shape)
    elif kind == "t2":
        noise = SIGMA * rng.standard_t(2.0, shape)
    else:
        noise = rng.normal(0.0, SIGMA, shape) + 50.0 * (rng.random(shape) < 0.1)
    return X + noise


@pytest.mark.parametrize("kind", ["gaussian", "t2", "outliers"])
def test_huber_never_loses_by_much_and_small_and_large_delta_give_l1_and_l2(kind):
    y = thousand(kind, seed={"gaussian": 31, "t2": 32, "outliers": 33}[kind])
    mae = lambda w: np.mean(np.abs(w - 1.0))  # noqa: E731
    l1, l2 = mae(np.median(y, axis=1) / X), mae(y.mean(axis=1) / X)
    # 95 % efficiency is about 1 / sqrt(0.95) = 1.026 in error; delta = sigma is less efficient
    assert mae(huber_minimizer(y, 1.345 * SIGMA)) <= 1.04 * min(l1, l2)
    assert mae(huber_minimizer(y, 5.0)) <= 1.08 * min(l1, l2)
    assert mae(huber_minimizer(y, 0.5)) == pytest.approx(l1, rel=0.05)
    if kind == "gaussian":
        assert mae(huber_minimizer(y, 50.0)) == pytest.approx(l2, abs=1e-6)
    if kind == "outliers":
        assert mae(huber_minimizer(y, 50.0)) == pytest.approx(l2, rel=0.03)


def test_huber_is_least_squares_exactly_from_the_largest_residual_on():
    y = book_noisy()
    w_mean = np.mean(y) / X
    largest = np.max(np.abs(w_mean * X - y))
    assert largest == pytest.approx(9.56, abs=0.005)
    assert huber_minimizer(y, largest + 1e-9)[0] == pytest.approx(w_mean, abs=1e-10)
    assert huber_minimizer(y, 20.0)[0] == pytest.approx(w_mean, abs=1e-10)
    assert abs(huber_minimizer(y, 9.5)[0] - w_mean) > 1e-3
    median = np.median(y) / X
    for delta in (1.0, 5.0):
        assert w_mean < huber_minimizer(y, delta)[0] < median


def test_at_tiny_delta_the_huber_minimisers_are_an_interval():
    y = book_noisy()
    tiny = 1e-3
    readings = np.sort(y / X)
    low, high = readings[9] + tiny / X, readings[10] - tiny / X
    slope = lambda w: X * np.sum(np.clip(w * X - y, -tiny, tiny))  # noqa: E731
    for w in np.linspace(low, high, 9):
        assert slope(w) == pytest.approx(0.0, abs=1e-12)
    assert slope(low - 1e-4) < 0 < slope(high + 1e-4)


@pytest.mark.parametrize("delta", [1.0, 5.0, 9.5, 9.6, 20.0, 1000.0])
def test_from_delta_one_on_the_huber_minimiser_is_a_single_point(delta):
    """The table prints one number: some sample is within delta there, so the slope rises."""
    y = book_noisy()
    w = huber_minimizer(y, delta)[0]
    assert np.any(np.abs(w * X - y) < delta)


@pytest.mark.parametrize(("delta", "ends"), [(0.1, (0.5417, 0.6749)), (0.2, (0.5917, 0.6249))])
def test_the_charts_small_deltas_have_a_flat_huber_minimum(delta, ends):
    """No sample within delta and ten on each side: the ends the chart's readout gives."""
    y = np.sort(book_noisy())
    low, high = (y[9] + delta) / X, (y[10] - delta) / X
    assert (round(low, 4), round(high, 4)) == ends
    slope = lambda w: X * np.sum(np.clip(w * X - y, -delta, delta))  # noqa: E731
    for w in np.linspace(low, high, 9):
        assert slope(w) == pytest.approx(0.0, abs=1e-12)
    assert slope(low - 1e-4) < 0 < slope(high + 1e-4)


def test_one_sided_outliers_bias_huber_and_symmetric_ones_do_not():
    # 100 000 samples, 10% moved by 50: all up, or half up and half down (chapter 8's seed 8)
    rng = np.random.default_rng(8)
    size = 100_000
    noise = rng.normal(0.0, SIGMA, size)
    moved = 50.0 * (rng.random(size) < 0.1)
    side = np.where(rng.random(size) < 0.5, 1.0, -1.0)
    delta = 1.345 * SIGMA
    one_sided = huber_minimizer(X + noise + moved, delta)[0]
    symmetric = huber_minimizer(X + noise + moved * side, delta)[0]
    assert one_sided - 1.0 == pytest.approx(0.45, abs=0.02)  # a bias that stays
    assert abs(symmetric - 1.0) < 0.01
    assert np.mean(X + noise + moved) / X == pytest.approx(3.45, abs=0.03)  # L2: far more


def test_the_thousand_data_sets_with_one_sided_outliers_average_about_1_5_for_huber():
    rng = np.random.default_rng(11)
    y = X + rng.normal(0.0, SIGMA, (1000, N)) + 50.0 * (rng.random((1000, N)) < 0.1)
    huber_mean = huber_minimizer(y, 1.345 * SIGMA).mean()
    median_mean = np.mean(np.median(y, axis=1) / X)
    assert huber_mean == pytest.approx(1.5, abs=0.06)
    assert median_mean == pytest.approx(1.4, abs=0.06)


def test_check_huber_gradient_with_delta_2():
    assert np.clip([0.5, 2.0, -30.0], -2.0, 2.0) == pytest.approx([0.5, 2.0, -2.0])


@pytest.mark.parametrize("kind", ["gaussian", "t2", "outliers"])
def test_huber_at_delta_5_is_a_few_per_cent_above_l2_level_with_l1_or_below_both(kind):
    y = thousand(kind, seed={"gaussian": 41, "t2": 42, "outliers": 43}[kind])
    mae = lambda w: np.mean(np.abs(w - 1.0))  # noqa: E731
    l1, l2 = mae(np.median(y, axis=1) / X), mae(y.mean(axis=1) / X)
    huber = mae(huber_minimizer(y, 5.0))
    if kind == "gaussian":
        assert l2 < huber <= 1.08 * l2
    elif kind == "t2":
        assert huber <= 1.01 * l1 < l2
    else:
        assert huber < l1 < l2
