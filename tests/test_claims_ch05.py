"""Chapter 5's claims (taming abs L1), recomputed by hand-written NumPy (not with l1l2)."""

import numpy as np
import pytest
from plain_descent import W0, X, book_data, descend, first

Y = book_data()["large"]
Y_SMALL = book_data()["small"]
TARGET = float(np.sort(Y / X)[10])  # the 11th smallest reading


def inverse_time(t: int) -> float:
    return 0.01 / (1 + t / 2000)


def exponential(r: float):
    return lambda t: 0.01 * r**t


@pytest.fixture(scope="module")
def constant() -> dict[float, np.ndarray]:
    return {
        rate: descend(Y, "l1", lr=rate, epochs=epochs)[0]
        for rate, epochs in ((0.01, 2000), (0.001, 2000), (0.0001, 8000))
    }


def arrival(w: np.ndarray) -> int:
    return first(w <= TARGET + 1e-9)


def test_abs_l1_moves_by_0_or_4_times_the_rate(constant) -> None:
    for rate, w in constant.items():
        steps = np.unique(np.round(np.abs(np.diff(w)) / rate, 6))
        assert set(steps) == {0.0, 4.0}


def test_a_smaller_rate_narrows_the_band_exactly_and_arrives_a_bit_more_slowly(
    constant,
) -> None:
    bands = {rate: np.ptp(w[-1000:]) for rate, w in constant.items()}
    arrivals = {rate: arrival(w) for rate, w in constant.items()}
    assert arrivals == {0.01: 631, 0.001: 6441, 0.0001: 64461}
    assert bands[0.01] == pytest.approx(0.08)
    assert bands[0.01] / bands[0.001] == pytest.approx(10)
    assert bands[0.01] / bands[0.0001] == pytest.approx(100)
    assert 10 < arrivals[0.001] / arrivals[0.01] < 10.5
    assert 100 < arrivals[0.0001] / arrivals[0.01] < 105


def test_the_pattern_of_steps_repeats_every_epoch(constant) -> None:
    steps = np.diff(constant[0.0001][-21:])
    assert steps[10:] == pytest.approx(steps[:10])


def test_a_batch_moves_w_only_when_both_targets_lie_on_one_side(constant) -> None:
    w = constant[0.0001]
    t = len(w) - 11  # one late update
    batch = Y[(t % 10) * 2 : (t % 10) * 2 + 2]
    same_side = np.sign(w[t] * X - batch[0]) == np.sign(w[t] * X - batch[1])
    assert (abs(w[t + 1] - w[t]) > 0) == same_side


def test_inverse_time_halves_at_2000_and_is_a_third_at_4000() -> None:
    assert inverse_time(2000) == pytest.approx(0.005)
    assert inverse_time(4000) == pytest.approx(0.01 / 3)


def test_inverse_time_rates_add_up_without_bound_exponential_to_eta0_over_1_minus_r() -> None:
    t = np.arange(1_000_000)
    partial = np.cumsum(0.01 / (1 + t / 2000))
    # still growing like a logarithm: each tenfold of updates adds about 2000 * 0.01 * ln 10
    assert partial[-1] - partial[100_000 - 1] == pytest.approx(20 * np.log(10), rel=0.1)
    r = 0.999
    assert np.sum(0.01 * r ** np.arange(100_000)) == pytest.approx(0.01 / (1 - r))


def test_inverse_time_arrives_120_later_and_its_band_halves_with_twice_the_epochs(
    constant,
) -> None:
    w, _ = descend(Y, "l1", lr=inverse_time, epochs=2000)
    longer, _ = descend(Y, "l1", lr=inverse_time, epochs=4000)
    assert arrival(w) - arrival(constant[0.01]) == 120
    assert np.ptp(w[-1000:]) == pytest.approx(0.0076, abs=0.0001)
    assert np.ptp(longer[-1000:]) / np.ptp(w[-1000:]) == pytest.approx(0.5, abs=0.03)


def test_exponential_0_999_arrives_and_freezes_at_the_target() -> None:
    w, _ = descend(Y, "l1", lr=exponential(0.999), epochs=2000)
    assert arrival(w) == 1041
    assert w[-1] == pytest.approx(TARGET)
    assert np.ptp(w[-1000:]) < 1e-6


def test_exponential_budgets_0_99_stops_at_16_and_0_998_short_of_the_target() -> None:
    stops = {
        r: descend(Y, "l1", lr=exponential(r), epochs=2000)[0][-1] for r in (0.99, 0.997, 0.998)
    }
    assert stops[0.99] == pytest.approx(16.0)
    distance = W0 - TARGET
    assert distance < 4 * 0.01 / (1 - 0.998)  # budget large enough ...
    assert stops[0.998] == pytest.approx(1.75, abs=0.01)  # ... and yet it stops short
    smallest_r = 1 - 0.04 / distance
    assert smallest_r == pytest.approx(0.99792, abs=1e-5)


def test_small_noise_bands_0_08_0_008_and_inverse_time_in_between_and_narrowing() -> None:
    widths = {
        label: np.ptp(descend(Y_SMALL, "l1", lr=rate, epochs=1000)[0][-1000:])
        for label, rate in (("0.01", 0.01), ("0.001", 0.001), ("inverse", inverse_time))
    }
    assert (widths["0.01"], widths["0.001"]) == pytest.approx((0.08, 0.008))
    assert widths["0.001"] < widths["inverse"] < widths["0.01"]
    assert inverse_time(10_000) == pytest.approx(0.01 / 6)
    longer = np.ptp(descend(Y_SMALL, "l1", lr=inverse_time, epochs=2000)[0][-1000:])
    assert longer < widths["inverse"]


def test_inverse_time_rates_sum_to_infinity_and_their_squares_do_not() -> None:
    lr0, d = 0.01, 1 / 2000
    t = np.arange(10**7, dtype=float)
    rates = lr0 / (1 + d * t)
    partial = np.cumsum(rates)
    # the sums grow like log t without bound: each tenfold of t adds about lr0 / d * ln 10
    assert partial[-1] - partial[10**6 - 1] == pytest.approx(lr0 / d * np.log(10), rel=0.01)
    squares = np.cumsum(rates**2)
    assert squares[-1] < lr0**2 * (1 + 1 / d)  # bounded: the integral test
    assert squares[-1] - squares[10**6 - 1] < 3e-3 * squares[-1]  # a vanishing tail


def test_other_schedules_fail_one_of_the_two_conditions() -> None:
    lr0, t = 0.01, np.arange(10**6, dtype=float)
    assert np.sum(lr0 * 0.999**t) == pytest.approx(lr0 / (1 - 0.999), rel=1e-6)  # finite sum
    root = lr0 / np.sqrt(1 + t)
    # squares of lr0 / sqrt(1 + t) sum like lr0^2 * ln t: unbounded
    assert np.sum(root**2) == pytest.approx(lr0**2 * (np.log(10**6) + 0.5772), rel=0.01)


def test_every_batch_subgradient_of_abs_l1_is_at_most_four() -> None:
    x = np.array([2.0, 2.0])
    rng = np.random.default_rng(0)
    for _ in range(1000):
        r = rng.normal(0, 5, 2)
        r[rng.random(2) < 0.2] = 0.0
        assert abs(np.sum(np.sign(r) * x)) <= 4.0
