"""Chapter 2's claims, recomputed by hand-written NumPy (not with l1l2)."""

import numpy as np
import pytest

TRUTH4 = np.full(4, 100.0)
FORECASTS4 = np.array([90.0, 95.0, 105.0, 150.0])


def test_an_error_of_2_costs_4_and_of_10_costs_100() -> None:
    assert np.array([2.0, 10.0]) ** 2 == pytest.approx([4.0, 100.0])


def test_l2_is_gentler_exactly_below_an_error_of_one() -> None:
    r = np.linspace(0.001, 3.0, 3000)
    gentler = r[r**2 < r]
    assert gentler.max() < 1.0 <= r[r**2 >= r][0] + 1e-3


def test_doubling_multiplies_a_square_by_4_and_2_to_the_r_by_2_to_the_r() -> None:
    r = np.array([1.0, 2.0, 5.0, 10.0])
    assert (2 * r) ** 2 / r**2 == pytest.approx(np.full(4, 4.0))
    assert np.exp2(2 * r) / np.exp2(r) == pytest.approx(np.exp2(r))


def test_square_exceeds_2_to_the_r_only_between_2_and_4() -> None:
    r = np.linspace(0.0, 50.0, 50_001)
    above = r[r**2 > np.exp2(r)]
    assert above.min() == pytest.approx(2.0, abs=1e-3)
    assert above.max() == pytest.approx(4.0, abs=1e-3)


@pytest.mark.parametrize("base", [1.1, 1.5, 2.0])
def test_every_exponential_overtakes_the_square_and_leaves_it_behind(base: float) -> None:
    r = np.linspace(1.0, 2000.0, 200_000)
    ratio = r * np.log(base) - 2 * np.log(r)  # log of base**r / r**2
    overtakes = r[np.flatnonzero(ratio <= 0)[-1] + 1]
    assert np.all(np.diff(ratio[r > overtakes]) > 0)  # the lead only grows
    assert ratio[-1] > np.log(1e6)  # a million times larger at the end


def test_ten_times_the_error_costs_a_hundred_times_more() -> None:
    r = np.array([0.3, 1.0, 7.0])
    assert (10 * r) ** 2 / r**2 == pytest.approx(np.full(3, 100.0))


def test_one_outlier_takes_71_percent_of_l1_and_94_percent_of_l2() -> None:
    errors = FORECASTS4 - TRUTH4
    assert np.abs(errors[3]) / np.abs(errors).sum() == pytest.approx(0.714, abs=0.001)
    assert errors[3] ** 2 / (errors**2).sum() == pytest.approx(0.943, abs=0.001)
    assert np.mean(np.abs(errors)) / (20 / 3) == pytest.approx(2.62, abs=0.005)
    assert np.mean(errors**2) / 50 == pytest.approx(13.25)


def test_the_outlier_pulls_like_the_others_under_l1_ten_times_harder_under_l2() -> None:
    errors = FORECASTS4 - TRUTH4
    l1_grad, l2_grad = np.sign(errors) / 4, 2 * errors / 4
    assert np.abs(l1_grad) == pytest.approx(np.full(4, 0.25))
    assert l2_grad[3] / l2_grad[2] == pytest.approx(10.0)


def test_in_dozens_l1_shrinks_12_times_l2_144_times_and_is_smaller() -> None:
    errors = (FORECASTS4[:3] - TRUTH4[:3]) / 12
    l1, l2 = np.mean(np.abs(errors)), np.mean(errors**2)
    assert (l1, l2) == pytest.approx((20 / 3 / 12, 50 / 144))
    assert l2 < l1


def test_rmse_equals_l1_only_for_equal_sizes_and_the_gap_widens_with_the_outlier() -> None:
    def gap(errors: np.ndarray) -> float:
        return float(np.sqrt(np.mean(errors**2)) - np.mean(np.abs(errors)))

    assert gap(np.array([3.0, -3.0, 3.0])) == pytest.approx(0.0, abs=1e-12)
    assert gap(FORECASTS4 - TRUTH4) > gap(FORECASTS4[:3] - TRUTH4[:3]) > 0


def test_abs_r_has_its_minimum_at_the_kink_where_0_is_a_subgradient() -> None:
    r = np.linspace(-1.0, 1.0, 2001)
    assert r[np.argmin(np.abs(r))] == 0.0
    # every g in [-1, 1] is a subgradient at 0: g * r stays below |r| everywhere
    for g in np.linspace(-1.0, 1.0, 21):
        assert np.all(g * r <= np.abs(r) + 1e-15)
    assert np.sign(0.0) == 0.0  # the code's convention picks the subgradient 0


def test_a_sum_of_absolute_values_is_minimal_where_its_slopes_change_sign() -> None:
    y = np.array([0.0, 1.0, 3.0, 7.0])
    w = np.linspace(-2.0, 9.0, 11_001)
    total = np.abs(w[:, None] - y).sum(axis=1)
    flat = w[np.isclose(total, total.min())]
    assert (flat.min(), flat.max()) == pytest.approx((1.0, 3.0), abs=1e-3)
    left, right = np.sign(flat.min() - 1e-3 - y).sum(), np.sign(flat.max() + 1e-3 - y).sum()
    assert left < 0 < right


def test_half_of_l2_at_sqrt_150_and_half_of_l1_at_20() -> None:
    def shares(e: float) -> tuple[float, float]:
        errors = np.array([-10.0, -5.0, 5.0, e])
        return errors[3] ** 2 / (errors**2).sum(), e / np.abs(errors).sum()

    assert shares(np.sqrt(150.0))[0] == pytest.approx(0.5)
    assert shares(20.0)[1] == pytest.approx(0.5)
    assert shares(np.sqrt(150.0))[1] < 0.5 < shares(20.0)[0]


def test_l2_is_the_negative_log_likelihood_of_gaussian_noise() -> None:
    sigma = 3.0
    eps = np.linspace(-10.0, 10.0, 41)
    density = np.exp(-(eps**2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    nll = -np.log(density)
    # minus a constant, the negative log-density is the squared error over 2 sigma^2
    assert nll - nll[20] == pytest.approx(eps**2 / (2 * sigma**2))


def test_l1_is_the_negative_log_likelihood_of_laplace_noise() -> None:
    b = 2.0
    eps = np.linspace(-10.0, 10.0, 41)
    nll = -np.log(np.exp(-np.abs(eps) / b) / (2 * b))
    assert nll - nll[20] == pytest.approx(np.abs(eps) / b)


def test_the_most_likely_location_is_the_mean_under_gaussian_and_the_median_under_laplace() -> None:
    y = np.random.default_rng(5).standard_cauchy(15)
    grid = np.linspace(y.min(), y.max(), 200_001)
    gauss_nll = ((y[None, :] - grid[:, None]) ** 2).sum(axis=1)
    laplace_nll = np.abs(y[None, :] - grid[:, None]).sum(axis=1)
    step = grid[1] - grid[0]
    assert grid[np.argmin(gauss_nll)] == pytest.approx(y.mean(), abs=step)
    assert grid[np.argmin(laplace_nll)] == pytest.approx(np.median(y), abs=step)


def test_in_dozens_l2_is_the_smaller_number() -> None:
    errors = np.array([-10.0, -5.0, 5.0]) / 12
    assert np.mean(np.abs(errors)) == pytest.approx(0.556, abs=5e-4)
    assert np.mean(errors**2) == pytest.approx(0.347, abs=5e-4)
