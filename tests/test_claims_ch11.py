"""The claims of chapter 11 (the explorers' static figures and exercises), recomputed with NumPy.

The data of the descent figures are drawn as the chapter draws them (x = 2, true w = 1,
sigma = 5, seed 0) and the descent loop is written out again, without ``l1l2``.
"""

import numpy as np
import pytest

X, N = 2.0, 20


def data_seed0() -> np.ndarray:
    return X + np.random.default_rng(0).normal(0.0, 5.0, N)


def descend(y, *, loss, lr, w0, batch, epochs, mean=False):
    w, path = w0, [w0]
    per_epoch = len(y) // batch
    for t in range(epochs * per_epoch):
        k = t % per_epoch
        r = w * X - y[k * batch : (k + 1) * batch]
        g = np.sum((np.sign(r) if loss == "l1" else 2 * r) * X)
        w -= lr * (g / batch if mean else g)
        path.append(w)
    return np.array(path)


def test_the_apple_totals_and_shares_when_the_third_forecast_moves_out():
    truth = 100.0
    for third, l1, l2, share_l1, share_l2 in [
        (105.0, 20 / 3, 50.0, 0.25, 25 / 150),
        (300.0, 215 / 3, 40125 / 3, 200 / 215, 40000 / 40125),
    ]:
        errors = np.abs(np.array([90.0, 95.0, third]) - truth)
        assert errors.mean() == pytest.approx(l1)
        assert (errors**2).mean() == pytest.approx(l2)
        assert errors[2] / errors.sum() == pytest.approx(share_l1)
        assert errors[2] ** 2 / (errors**2).sum() == pytest.approx(share_l2)
    assert 200 / 5 == 40
    assert (200 / 5) ** 2 == 1600
    assert round(40000 / 40125, 3) == 0.997


def test_minibatch_abs_l1_moves_by_0_04_or_not_at_all_and_hops_around_the_upper_edge():
    y = data_seed0()
    path = descend(y, loss="l1", lr=0.01, w0=3.0, batch=2, epochs=60)
    moves = np.unique(np.round(np.abs(np.diff(path)), 10))
    assert moves.tolist() == [0.0, 0.04]
    readings = np.sort(y / X)
    low, high = readings[9], readings[10]
    tail = path[-200:]
    assert tail.min() < high < tail.max()
    assert tail.min() > (low + high) / 2


def test_l2_converges_below_the_bound_and_diverges_above_it():
    y = data_seed0()
    w_mean = np.mean(y) / X
    bound = 1 / (2 * X**2)
    assert bound == 0.125
    for lr, limit in ((0.01, 0.75), (0.1, 8.0)):
        path = descend(y, loss="l2", lr=lr, w0=20.0, batch=2, epochs=20)
        assert np.abs(path[-20:] - w_mean).max() < limit
    assert abs(descend(y, loss="l2", lr=0.13, w0=20.0, batch=2, epochs=20)[-1]) > 1e6


def test_the_bound_for_every_batch_size_and_the_full_batch_after_50_updates():
    y = data_seed0()
    w_mean = np.mean(y) / X
    for batch in (1, 2, 5, 20):
        bound = 1 / (batch * X**2)
        under = descend(y, loss="l2", lr=0.95 * bound, w0=20.0, batch=batch, epochs=50)
        over = descend(y, loss="l2", lr=1.05 * bound, w0=20.0, batch=batch, epochs=50)
        assert np.abs(under - w_mean).max() < 40
        assert abs(over[-1] - w_mean) > 1e3
    full = descend(y, loss="l2", lr=0.95 / (20 * X**2), w0=20.0, batch=20, epochs=50)
    gap = np.abs(full - w_mean)
    assert gap[-1] == pytest.approx(0.10, abs=0.005)
    assert gap[-20:].max() == pytest.approx(0.74, abs=0.005)
    assert gap[-20:].argmax() == 0  # the largest of the last 20 is the first of them
    grow = descend(y, loss="l2", lr=1.05 / (20 * X**2), w0=20.0, batch=20, epochs=50) - w_mean
    assert grow[-1] / grow[-2] == pytest.approx(-1.1)


def test_with_the_mean_over_the_batch_the_bound_is_one_over_x_squared_for_every_batch():
    y = data_seed0()
    for batch in (1, 2, 5, 20):
        under = descend(y, loss="l2", lr=0.95 / X**2, w0=20.0, batch=batch, epochs=50, mean=True)
        over = descend(y, loss="l2", lr=1.05 / X**2, w0=20.0, batch=batch, epochs=50, mean=True)
        assert np.abs(under).max() < 40
        assert abs(over[-1]) > 1e3


def test_for_a_fixed_l1_equal_errors_give_the_smallest_l2_and_one_error_the_largest():
    rng = np.random.default_rng(2)
    sizes = rng.dirichlet(np.ones(3), size=10_000) * 20.0
    l1 = sizes.mean(axis=1)
    l2 = (sizes**2).mean(axis=1)
    assert np.allclose(l1, 20 / 3)
    equal, single = 3 * (20 / 3) ** 2 / 3, 20.0**2 / 3
    assert (equal, single) == pytest.approx((44.44, 133.33), abs=0.01)
    assert np.all((equal - 1e-9 <= l2) & (l2 <= single + 1e-9))
