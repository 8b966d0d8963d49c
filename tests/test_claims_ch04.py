"""Chapter 4's claims (noise), recomputed by hand-written NumPy (not with l1l2)."""

import numpy as np
import pytest
from plain_descent import X, book_data, descend, first

DATA = book_data()


@pytest.fixture(scope="module")
def small() -> dict[str, np.ndarray]:
    return {name: descend(DATA["small"], name)[0] for name in ("l1", "l2")}


@pytest.fixture(scope="module")
def large() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {name: descend(DATA["large"], name) for name in ("l1", "l2")}


@pytest.fixture(scope="module")
def long_runs() -> dict[str, np.ndarray]:
    return {name: descend(DATA["large"], name, epochs=200)[0] for name in ("l1", "l2")}


@pytest.fixture(scope="module")
def many() -> dict[tuple[float, int, str], np.ndarray]:
    """The last 100 estimates of each of 1000 runs, by (sigma, epochs, loss)."""
    tails = {}
    for sigma, key in ((0.05, "many_small"), (5.0, "many_large")):
        for epochs in (60, 200):
            for name in ("l1", "l2"):
                tails[sigma, epochs, name] = descend(DATA[key], name, epochs=epochs)[0][-100:]
    return tails


def moves(tail: np.ndarray) -> float:
    return float(np.median(tail.std(axis=0)))


def distance(tail: np.ndarray) -> float:
    return float(np.median(np.abs(tail - 1).mean(axis=0)))


def test_small_noise_readings_are_within_a_few_hundredths_of_1() -> None:
    assert np.all(np.abs(DATA["small"] / X - 1) < 0.07)
    assert np.ptp(DATA["large"] / X) > 5  # with sigma = 5 they spread over units


def test_small_noise_l2_settles_abs_l1_moves_0_04_or_not_at_all(small) -> None:
    l2_tail, l1_tail = small["l2"][-101:], small["l1"][-101:]
    assert np.ptp(l2_tail[1:]) < 0.01
    assert np.abs(np.diff(l2_tail)).mean() == pytest.approx(0.0025, abs=0.0001)
    assert (l1_tail[1:].min(), l1_tail[1:].max()) == pytest.approx((0.96, 1.04))
    steps = np.abs(np.diff(l1_tail))
    still = steps < 1e-12
    assert still.mean() == pytest.approx(0.40)
    assert steps[~still] == pytest.approx(np.full((~still).sum(), 0.04))
    assert np.ptp(l1_tail[1:]) / np.ptp(l2_tail[1:]) == pytest.approx(11, abs=0.5)


def test_small_noise_abs_l1_arrives_around_update_475(small) -> None:
    assert first(small["l1"] <= 1.04 + 1e-9) == pytest.approx(475, abs=2)


def test_a_batch_with_targets_on_both_sides_has_abs_l1_gradient_0() -> None:
    w = 1.0
    targets = np.array([w * X - 0.3, w * X + 0.2])
    assert np.sum(np.sign(w * X - targets) * X) == 0.0


def test_large_noise_l2_arrives_fast_and_its_loss_jumps_by_tens(large) -> None:
    w, loss = large["l2"]
    assert first(w < 1.5) == 17
    assert (w[-100:].min(), w[-100:].max()) == pytest.approx((0.256, 0.739), abs=0.001)
    assert w[-100:].mean() == pytest.approx(DATA["large"].mean() / X, abs=1e-6)
    assert (loss[-100:].min(), loss[-100:].max()) == pytest.approx((6.50, 137.14), abs=0.01)
    assert loss[-100:].max() / loss[-100:].min() == pytest.approx(20, rel=0.1)


def test_a_target_8_away_costs_64_and_such_targets_exist() -> None:
    w_centre = DATA["large"].mean() / X
    assert np.abs(DATA["large"] - w_centre * X).max() > 8
    assert 8.0**2 == 64.0


def test_with_w_frozen_the_l2_loss_jumps_over_the_same_range(large) -> None:
    y = DATA["large"]
    w_centre = y.mean() / X
    frozen = ((w_centre * X - y.reshape(10, 2)) ** 2).sum(axis=1)
    _, loss = large["l2"]
    assert frozen.max() == pytest.approx(loss[-100:].max(), abs=0.1)
    assert frozen.min() == pytest.approx(loss[-100:].min(), abs=2.0)
    # the numbers the chapter states: w held at 0.4861, loss 4.80 to 137.18 against 6.50 to 137.14
    assert f"{w_centre:.4f}" == "0.4861"
    assert (f"{frozen.min():.2f}", f"{frozen.max():.2f}") == ("4.80", "137.18")
    assert (f"{loss[-100:].min():.2f}", f"{loss[-100:].max():.2f}") == ("6.50", "137.14")


def test_each_l2_update_removes_16_percent_of_the_distance_to_its_batch_w() -> None:
    y = DATA["large"][:2]
    w = 3.0
    w_next = w - 0.01 * np.sum(2 * (w * X - y) * X)
    batch_w = y.mean() / X
    assert (w_next - batch_w) / (w - batch_w) == pytest.approx(0.84)


def test_large_noise_abs_l1_is_still_coming_down_after_600_updates(large) -> None:
    w, loss = large["l1"]
    assert (w[-100:].min(), w[-100:].max()) == pytest.approx((0.88, 1.68))
    assert w[-1] == w[-100:].min()
    l2_loss = large["l2"][1]
    assert np.ptp(loss[-100:]) < np.ptp(l2_loss[-100:]) / 5  # a much narrower range


def test_after_200_epochs_abs_l1_cycles_between_072_and_080_each_epoch(long_runs) -> None:
    tail = long_runs["l1"][-100:]
    assert (tail.min(), tail.max()) == pytest.approx((0.72, 0.80))
    steps = np.round(np.abs(np.diff(long_runs["l1"][-101:])), 9)
    assert set(steps) == {0.0, 0.04}
    assert tail[-10:] == pytest.approx(tail[-20:-10])  # the same cycle every epoch
    l2_tail = long_runs["l2"][-100:]
    assert (l2_tail.min(), l2_tail.max()) == pytest.approx((0.256, 0.739), abs=0.001)


def test_small_noise_l2_moves_about_8_times_less_than_abs_l1(many) -> None:
    for epochs in (60, 200):
        ratio = moves(many[0.05, epochs, "l1"]) / moves(many[0.05, epochs, "l2"])
        assert ratio == pytest.approx(8.5, abs=1.0)


def test_large_noise_abs_l1_moves_less_at_both_horizons_10_times_at_200(many) -> None:
    assert moves(many[5.0, 60, "l1"]) < moves(many[5.0, 60, "l2"])
    ratio = moves(many[5.0, 200, "l2"]) / moves(many[5.0, 200, "l1"])
    assert ratio == pytest.approx(10, abs=1.0)


def test_large_noise_l2_is_closer_mostly_because_abs_l1_is_slower(many) -> None:
    gap_60 = distance(many[5.0, 60, "l1"]) - distance(many[5.0, 60, "l2"])
    gap_200 = distance(many[5.0, 200, "l1"]) - distance(many[5.0, 200, "l2"])
    assert gap_60 == pytest.approx(0.208, abs=0.005)
    assert 0 < gap_200 == pytest.approx(0.051, abs=0.005)
    assert (gap_60 - gap_200) / gap_60 == pytest.approx(0.76, abs=0.02)  # speed
    assert distance(many[0.05, 200, "l2"]) < distance(many[0.05, 200, "l1"])


def test_abs_l1_runs_sit_above_the_median_most_before_they_reach_it(many) -> None:
    median_w = np.median(DATA["many_large"] / X, axis=1)
    centres = many[5.0, 200, "l1"].mean(axis=0)
    assert np.mean(centres - median_w) == pytest.approx(0.145, abs=0.005)
    assert np.mean(centres > median_w) > 0.8


def test_full_batch_l2_lands_on_the_mean_abs_l1_stops_inside_its_interval() -> None:
    y = DATA["large"]
    l2, l2_loss = descend(y, "l2", lr=0.001, epochs=1000, batch=20)
    l1, _ = descend(y, "l1", lr=0.001, epochs=1000, batch=20)
    assert l2[-1] == pytest.approx(y.mean() / X)
    assert np.ptp(l2_loss[-5:]) < 1e-9  # no more jumps
    low, high = np.sort(y / X)[9:11]
    assert low < l1[-1] < high
    assert np.all(l1[-50:] == l1[-1])  # stopped for good
    # just above the 11th reading the step is 0.001 * 2 * (11 - 9) = 0.004
    just_above = high + 1e-6
    step = 0.001 * np.sum(np.sign(just_above * X - y) * X)
    assert step == pytest.approx(0.004)


def test_medium_noise_both_move_alike_and_l2_ends_a_little_closer() -> None:
    l1 = descend(DATA["many_medium"], "l1", epochs=200)[0][-100:]
    l2 = descend(DATA["many_medium"], "l2", epochs=200)[0][-100:]
    assert moves(l1) / moves(l2) == pytest.approx(1.0, abs=0.1)
    assert distance(l2) < distance(l1)


def test_l2_with_large_noise_runs_an_exact_cycle_of_ten_updates(long_runs) -> None:
    w = long_runs["l2"].ravel()
    # one epoch (ten updates) apart, w is back where it was, to rounding
    assert np.max(np.abs(w[-10:] - w[-20:-10])) < 1e-12
    # and the cycle is not shorter: the ten points differ
    assert len(np.unique(np.round(w[-10:], 6))) == 10
    assert w[-100:].min() == pytest.approx(0.26, abs=0.005)
    assert w[-100:].max() == pytest.approx(0.74, abs=0.005)


def test_the_l2_batch_loss_changes_by_a_factor_of_at_most_17_6_once_arrived(large) -> None:
    loss = large["l2"][1].ravel()
    ratio = np.maximum(loss[1:] / loss[:-1], loss[:-1] / loss[1:])
    # in the cycle (after 100 updates) the largest ratio of neighbouring batch losses is 17.6
    assert ratio[100:].max() == pytest.approx(17.6, abs=0.05)
    assert ratio[100:].max() < 20
