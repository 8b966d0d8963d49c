"""``l1l2.data.linear`` beyond Gaussian noise: Laplace and Student t noise, and outliers.

Chapters 07 and 08 draw their thousand data sets with these options.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from l1l2 import data


def test_linear_normal_noise_draws_what_it_always_drew():
    _, y = data.linear(6, x=2.0, w=1.0, noise=5.0, rng=11)
    expected = 2.0 + np.random.default_rng(11).normal(0.0, 5.0, size=6)
    np.testing.assert_array_equal(y, expected)


def test_linear_laplace_noise_has_mean_absolute_deviation_sigma():
    n, sigma = 40_000, 3.0
    x, y = data.linear(n, x=1.0, w=0.0, noise=sigma, distribution="laplace", rng=1)
    noise = y - 0.0 * x
    # For Laplace(0, b): E|z| = b, Var z = 2 b^2.
    assert np.mean(np.abs(noise)) == pytest.approx(sigma, rel=0.03)
    assert np.std(noise) == pytest.approx(math.sqrt(2.0) * sigma, rel=0.03)


def test_linear_student_t_noise_is_scaled_t():
    n, sigma, nu = 40_000, 2.0, 5.0
    _, y = data.linear(n, x=1.0, w=0.0, noise=sigma, distribution="student_t", df=nu, rng=2)
    # Var(sigma t_nu) = sigma^2 nu / (nu - 2); the median absolute value of t_5 is 0.7267.
    assert np.std(y) == pytest.approx(sigma * math.sqrt(nu / (nu - 2.0)), rel=0.05)
    assert np.median(np.abs(y)) == pytest.approx(sigma * 0.7267, rel=0.03)


def test_linear_student_t_with_few_degrees_of_freedom_has_heavy_tails():
    _, normal = data.linear(20_000, x=1.0, w=0.0, noise=1.0, rng=3)
    _, heavy = data.linear(20_000, x=1.0, w=0.0, noise=1.0, distribution="student_t", df=2, rng=3)
    assert np.max(np.abs(heavy)) > 10 * np.max(np.abs(normal))


def test_linear_outliers_move_some_samples_by_the_shift_and_leave_the_noise_alone():
    kwargs = {"x": 2.0, "w": 1.0, "noise": 5.0, "runs": 200, "rng": 4}
    _, clean = data.linear(20, **kwargs)
    _, dirty = data.linear(20, outliers=0.1, outlier_shift=50.0, **kwargs)
    moved = dirty - clean
    assert set(np.unique(np.round(moved, 9))) == {0.0, 50.0}
    assert np.mean(moved > 0) == pytest.approx(0.1, abs=0.015)
    counts = np.count_nonzero(moved, axis=1)
    assert counts.min() < counts.max()  # the number of outliers varies between data sets


@pytest.mark.parametrize(("fraction", "expected"), [(0.0, 2.0), (1.0, -8.0)])
def test_linear_outlier_fraction_zero_and_one(fraction, expected):
    _, y = data.linear(5, outliers=fraction, outlier_shift=-10.0, rng=0)
    np.testing.assert_array_equal(y, np.full(5, expected))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"distribution": "cauchy"}, ValueError, "distribution must be one of 'normal'"),
        ({"distribution": 3}, ValueError, "distribution must be one of"),
        ({"df": 0.0}, ValueError, "df must be > 0"),
        ({"df": "3"}, TypeError, "df must be a real number"),
        ({"outliers": 1.5}, ValueError, "outliers must be <= 1"),
        ({"outliers": -0.1}, ValueError, "outliers must be >= 0"),
        ({"outliers": None}, TypeError, "outliers must be a real number"),
        ({"outlier_shift": math.inf}, ValueError, "outlier_shift must be finite"),
    ],
)
def test_linear_rejects_bad_noise_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.linear(5, noise=1.0, rng=0, **kwargs)
