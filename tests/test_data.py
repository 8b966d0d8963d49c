"""The data sets in :mod:`l1l2.data`: the apple harvest and the noisy line."""

from __future__ import annotations

import math

import numpy as np
import pytest

from l1l2.data import apple_harvest, linear


def test_apple_harvest_is_one_hundred_apples_and_three_predictions():
    y_true, y_pred = apple_harvest()
    np.testing.assert_array_equal(y_true, [100.0, 100.0, 100.0])
    np.testing.assert_array_equal(y_pred, [90.0, 95.0, 105.0])
    assert y_true.dtype == y_pred.dtype == np.float64


def test_apple_harvest_returns_fresh_arrays():
    y_true, _ = apple_harvest()
    y_true[0] = -1.0
    assert apple_harvest()[0][0] == 100.0


def test_linear_defaults_are_the_source_experiment():
    x, y = linear()
    np.testing.assert_array_equal(x, np.full(20, 2.0))
    np.testing.assert_array_equal(y, np.full(20, 2.0))


def test_linear_without_noise_is_exactly_w_times_x():
    x, y = linear(5, x=3.0, w=-0.5, rng=123)
    np.testing.assert_array_equal(x, np.full(5, 3.0))
    np.testing.assert_array_equal(y, np.full(5, -1.5))


@pytest.mark.parametrize(("n", "runs", "shape"), [(1, None, (1,)), (7, None, (7,)), (7, 3, (3, 7))])
def test_linear_shapes(n, runs, shape):
    x, y = linear(n, noise=1.0, runs=runs, rng=0)
    assert x.shape == (n,)
    assert y.shape == shape
    assert x.dtype == y.dtype == np.float64


def test_linear_noise_has_the_requested_mean_and_spread():
    n, sigma = 20_000, 3.0
    x, y = linear(n, x=2.0, w=1.5, noise=sigma, rng=42)
    noise = y - 1.5 * x
    # Five standard errors: sigma / sqrt(n) for the mean, about sigma / sqrt(2n) for the std.
    assert np.mean(noise) == pytest.approx(0.0, abs=5 * sigma / math.sqrt(n))
    assert np.std(noise) == pytest.approx(sigma, abs=5 * sigma / math.sqrt(2 * n))


def test_linear_noise_is_independent_between_samples():
    _, y = linear(20_000, noise=1.0, rng=7)
    lag_one = np.corrcoef(y[:-1], y[1:])[0, 1]
    assert abs(lag_one) < 5 / math.sqrt(y.size)


def test_linear_same_seed_gives_the_same_data():
    a = linear(50, noise=2.0, runs=4, rng=2024)
    b = linear(50, noise=2.0, runs=4, rng=2024)
    np.testing.assert_array_equal(a[1], b[1])


def test_linear_accepts_a_generator_as_well_as_a_seed():
    _, from_seed = linear(10, noise=1.0, rng=5)
    _, from_generator = linear(10, noise=1.0, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(from_seed, from_generator)


def test_linear_different_seeds_give_different_data():
    _, a = linear(10, noise=1.0, rng=1)
    _, b = linear(10, noise=1.0, rng=2)
    assert not np.array_equal(a, b)


def test_linear_runs_are_different_data_sets():
    _, y = linear(10, noise=1.0, runs=3, rng=0)
    assert not np.array_equal(y[0], y[1])
    assert not np.array_equal(y[1], y[2])


def test_linear_draws_fresh_noise_from_a_shared_generator():
    rng = np.random.default_rng(9)
    _, first = linear(10, noise=1.0, rng=rng)
    _, second = linear(10, noise=1.0, rng=rng)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, r"^n must be an integer >= 1, got 0"),
        ({"n": -3}, ValueError, r"^n must be an integer >= 1, got -3"),
        ({"n": 2.5}, TypeError, r"^n must be an integer, got 2\.5"),
        ({"n": True}, TypeError, r"^n must be an integer, got True"),
        ({"n": "20"}, TypeError, r"^n must be an integer, got '20'"),
        ({"runs": 0}, ValueError, r"^runs must be an integer >= 1, got 0"),
        ({"runs": 1.0}, TypeError, r"^runs must be an integer, got 1\.0"),
        ({"noise": -0.1}, ValueError, r"^noise must be >= 0, got -0\.1"),
        ({"noise": np.nan}, ValueError, r"^noise must be finite, got nan"),
        ({"x": np.inf}, ValueError, r"^x must be finite, got inf"),
        ({"w": "1"}, TypeError, r"^w must be a real number, got '1'"),
        ({"w": None}, TypeError, r"^w must be a real number, got None"),
    ],
)
def test_linear_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        linear(**kwargs)
