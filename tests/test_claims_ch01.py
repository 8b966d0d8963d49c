"""Chapter 1's claims, recomputed by hand-written NumPy (not with l1l2)."""

import numpy as np
import pytest

TRUTH = np.full(3, 100.0)
FORECASTS = np.array([90.0, 95.0, 105.0])


def test_apple_losses_are_twenty_thirds_and_fifty() -> None:
    errors = FORECASTS - TRUTH
    assert np.mean(np.abs(errors)) == pytest.approx(20 / 3)
    assert np.mean(errors**2) == pytest.approx(50.0)


def test_the_forecast_of_90_weighs_twice_under_l1_four_times_under_l2() -> None:
    absolute, squared = np.abs(FORECASTS - TRUTH), (FORECASTS - TRUTH) ** 2
    assert absolute[0] / absolute[1] == pytest.approx(2.0)
    assert squared[0] / squared[1] == pytest.approx(4.0)


def test_the_forecast_of_90_carries_two_thirds_of_l2() -> None:
    squared = (FORECASTS - TRUTH) ** 2
    assert squared[0] / squared.sum() == pytest.approx(2 / 3)


def test_rmse_is_7_07_and_above_l1() -> None:
    errors = FORECASTS - TRUTH
    rmse = np.sqrt(np.mean(errors**2))
    assert rmse == pytest.approx(7.07, abs=0.005)
    assert rmse > np.mean(np.abs(errors))


def test_second_forecaster_same_l1_larger_l2_less_even_errors() -> None:
    other = np.array([100.0, 100.0, 120.0])
    first, second = np.abs(FORECASTS - TRUTH), np.abs(other - TRUTH)
    assert first.sum() == second.sum() == 20.0  # the same total error
    assert np.mean(second**2) == pytest.approx(400 / 3)
    assert np.mean(second**2) > np.mean(first**2)
    # "more even": the first forecaster's largest error is a smaller part of the total
    assert first.max() / first.sum() < second.max() / second.sum()


def test_normal_errors_give_mae_0_80_s_and_rmse_over_mae_1_25() -> None:
    errors = np.random.default_rng(1).normal(0.0, 5.0, 10_000)
    mae, rmse = np.mean(np.abs(errors)), np.sqrt(np.mean(errors**2))
    assert mae == pytest.approx(5 * np.sqrt(2 / np.pi), rel=0.02)
    assert rmse / mae == pytest.approx(np.sqrt(np.pi / 2), rel=0.02)


def test_rmse_is_never_smaller_than_mae() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        errors = rng.standard_cauchy(rng.integers(1, 30))
        assert np.sqrt(np.mean(errors**2)) >= np.mean(np.abs(errors)) * (1 - 1e-12)


def test_l2_above_l1_is_a_matter_of_units_not_of_a_big_error() -> None:
    # three equal misses of 10 apples: no big error at all, and still L2 > L1 as numbers
    errors = np.full(3, 10.0)
    assert np.mean(np.abs(errors)) == pytest.approx(10.0)
    assert np.mean(errors**2) == pytest.approx(100.0)
    # on one scale the two agree when every error has the same size
    assert np.sqrt(np.mean(errors**2)) == pytest.approx(np.mean(np.abs(errors)))


def test_squaring_shows_in_the_share_of_the_big_error() -> None:
    absolute = np.abs(FORECASTS - TRUTH)
    assert absolute[0] / absolute.sum() == pytest.approx(0.50)  # 10 of 20
    assert absolute[0] ** 2 / np.sum(absolute**2) == pytest.approx(100 / 150)  # 67%
    assert f"{100 / 150:.0%}" == "67%"


def test_check_four_equal_misses_of_two() -> None:
    errors = np.array([2.0, -2.0, 2.0, -2.0])
    assert np.mean(np.abs(errors)) == pytest.approx(2.0)
    assert np.mean(errors**2) == pytest.approx(4.0)
    assert np.sqrt(np.mean(errors**2)) == pytest.approx(2.0)
