"""Chapter 3's claims (no noise), recomputed by hand-written NumPy (not with l1l2)."""

import numpy as np
import pytest
from plain_descent import N, X, book_data, descend, first

Y = np.full(N, 2.0)


@pytest.fixture(scope="module")
def runs() -> dict[str, np.ndarray]:
    return {name: descend(Y, name, epochs=60)[0] for name in ("l1", "l2")}


def test_a_mean_loss_with_twice_the_rate_takes_the_same_steps() -> None:
    w_sum, _ = descend(Y, "l1", lr=0.01, epochs=20)
    w, ws = 20.0, [20.0]
    for _ in range(200):  # the batch mean: gradient halved, rate doubled
        w -= 0.02 * np.mean(np.sign(w * 2.0 - Y[:2]) * 2.0)
        ws.append(w)
    assert np.array_equal(w_sum, ws)


def test_signed_l1_steps_0_04_goes_negative_after_476_and_runs_away() -> None:
    w, loss = descend(Y, "signed", epochs=100)
    assert np.diff(w) == pytest.approx(np.full(1000, -0.04))
    k = first(loss < 0)
    assert k == 476
    assert (w[k], loss[k]) == pytest.approx((0.96, -0.16))
    assert (w[-1], loss[-1]) == pytest.approx((-20.0, -83.84))
    assert np.all(np.diff(loss) < 0)  # the loss only falls: it has no bottom


def test_the_source_signed_step_is_ten_times_too_large() -> None:
    w = 20.0 - 0.01 * np.sum(np.full(N, 2.0)) * np.arange(201)  # all inputs, as printed
    true_w, _ = descend(Y, "signed", epochs=20)
    assert (w[0] - w[1]) / (true_w[0] - true_w[1]) == pytest.approx(10.0)
    assert w[-1] == pytest.approx(-60.0)


def test_after_the_source_20_epochs_l2_is_at_1_and_abs_l1_at_12(runs) -> None:
    assert runs["l2"][200] == pytest.approx(1.0, abs=1e-4)
    assert runs["l1"][200] == pytest.approx(12.0)


def test_l2_follows_1_plus_19_times_0_84_to_the_k_and_is_within_001_after_44(runs) -> None:
    k = np.arange(601)
    assert runs["l2"] == pytest.approx(1 + 19 * 0.84**k, abs=1e-12)
    assert first(np.abs(runs["l2"] - 1) < 0.01) == 44


def test_abs_l1_reaches_1_after_475_equal_steps_then_hops_between_096_and_1(runs) -> None:
    w = runs["l1"]
    arrival = first(w <= 1.0 + 1e-9)
    assert arrival == 475
    assert np.diff(w[: arrival + 1]) == pytest.approx(np.full(arrival, -0.04))
    assert set(np.round(w[arrival:], 9)) == {0.96, 1.0}


def test_the_abs_l1_step_never_shrinks(runs) -> None:
    steps = np.abs(np.diff(runs["l1"]))
    assert steps == pytest.approx(np.full(600, 0.04))


def test_in_floating_point_abs_l1_lands_a_hair_above_1(runs) -> None:
    assert 0 < runs["l1"][475] - 1 == pytest.approx(2.5e-13, rel=0.05)


def test_from_100_abs_l1_needs_2475_updates_and_l2_53() -> None:
    l1, _ = descend(Y, "l1", epochs=300, w0=100.0)
    l2, _ = descend(Y, "l2", epochs=300, w0=100.0)
    assert first(l1 <= 1.0 + 1e-9) == 2475
    assert first(np.abs(l2 - 1) < 0.01) == 53


def test_l2_rates_0_1_converges_0_125_swings_0_2_explodes() -> None:
    slow, _ = descend(Y, "l2", lr=0.1, epochs=60)
    swing, _ = descend(Y, "l2", lr=0.125, epochs=60)
    with np.errstate(over="ignore", invalid="ignore"):
        wild, wild_loss = descend(Y, "l2", lr=0.2, epochs=60)
    assert slow[1] == pytest.approx(-10.4)
    assert abs(slow[-1] - 1) < 1e-6
    assert set(np.round(swing, 9)) == {20.0, -18.0}
    factor = (wild[1:50] - 1) / (wild[:49] - 1)
    assert factor == pytest.approx(np.full(49, -2.2))  # each update: w - 1 times -2.2
    assert not np.all(np.isfinite(wild_loss))  # until the squared loss overflows


def test_with_noise_no_single_w_zeroes_every_batch_gradient() -> None:
    for y in (book_data()["small"], book_data()["large"]):
        pairs = np.sort(y.reshape(10, 2) / X, axis=1)
        # a batch of two has gradient 0 only strictly between its two readings
        assert pairs[:, 0].max() >= pairs[:, 1].min()


def seed_loop(*, whole_sum: bool, updates: int = 10) -> np.ndarray:
    """The source's signed-L1 loop, re-typed in NumPy, with np.sum(x) or np.sum(this_x)."""
    x = 2 * np.ones(20)
    w, path = 20.0, [20.0]
    for start in range(0, 2 * updates, 2):
        this_x = x[start : start + 2]
        gradient = np.sum(x) if whole_sum else np.sum(this_x)
        w -= 0.01 * gradient
        path.append(w)
    return np.array(path)


def test_the_source_step_with_all_inputs_is_ten_times_the_batch_step() -> None:
    assert np.diff(seed_loop(whole_sum=True)) == pytest.approx(np.full(10, -0.4))
    assert np.diff(seed_loop(whole_sum=False)) == pytest.approx(np.full(10, -0.04))


def test_the_noise_branch_is_complete_once_its_else_is_restored() -> None:
    # the copy reads "if add_noise: z = ...; y = 1.0*x + z; y = 1.0*x": with "else:" before the
    # last line, the noisy data keep their noise and the clean data have none
    rng = np.random.default_rng(0)
    x = 2 * np.ones(20)
    for add_noise in (True, False):
        if add_noise:
            z = rng.normal(0, 0.05, 20)
            y = 1.0 * x + z
        else:
            y = 1.0 * x
        assert (np.std(y) > 0) == add_noise


def test_check_next_steps_from_one_and_a_half() -> None:
    w, lr = 1.5, 0.01
    x = np.array([2.0, 2.0])
    l1_step = lr * np.sum(np.sign(w * x - 2.0) * x)
    l2_step = lr * np.sum(2 * (w * x - 2.0) * x)
    assert l1_step == pytest.approx(0.04)
    assert l2_step == pytest.approx(0.08)
    assert lr * np.sum(2 * (1.1 * x - 2.0) * x) == pytest.approx(0.016)
