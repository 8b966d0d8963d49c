"""Mini-batch descent and its minimizers in :mod:`l1l2.gd`."""

from __future__ import annotations

import functools
import tracemalloc
import warnings

import numpy as np
import pytest

from l1l2 import gd, losses
from l1l2.data import linear
from l1l2.schedules import constant, exponential, inverse_time

NAMES = ("signed", "l1", "l2", "huber")

# The source experiment: x = 2, true w = 1, N = 20, w0 = 20, batches of 2, lr 0.01, summed loss.
# One update moves w by -lr * sum over the batch of l'(2w - 2) * 2.
EXPERIMENT = {"w0": 20.0, "lr": 0.01, "batch_size": 2, "reduction": "sum"}


def source_fit(loss: str, epochs: int, **changes) -> gd.History:
    x, y = linear(20)
    return gd.fit(x, y, loss=loss, epochs=epochs, **{**EXPERIMENT, **changes})


# ---------------------------------------------------------------------------------------------
# Closed-form trajectories of the noise-free experiment
# ---------------------------------------------------------------------------------------------


def test_l2_trajectory_is_one_plus_nineteen_times_0_84_to_the_k():
    # Per update: w - 1 shrinks by 1 - lr * 2 samples * 2 * x * x = 1 - 0.16.
    h = source_fit("l2", epochs=20)
    k = np.arange(h.steps + 1)
    np.testing.assert_allclose(h.w, 1 + 19 * 0.84**k, rtol=0, atol=1e-12)


def test_l2_batch_loss_is_eight_times_the_squared_error_in_w():
    h = source_fit("l2", epochs=5)
    np.testing.assert_allclose(h.loss, 2 * (2 * h.w[:-1] - 2) ** 2, rtol=1e-12)


def test_l1_walks_down_0_04_per_update_until_it_reaches_one():
    h = source_fit("l1", epochs=60)
    k = np.arange(476)  # (20 - 1) / 0.04 = 475 updates
    np.testing.assert_allclose(h.w[:476], 20 - 0.04 * k, rtol=0, atol=1e-9)


def test_l1_then_hops_within_0_04_of_one_forever():
    h = source_fit("l1", epochs=60)
    assert h.steps == 600
    after = h.w[475:]
    assert np.all(np.abs(after - 1) <= 0.04 + 1e-9)
    assert np.ptp(after) == pytest.approx(0.04, abs=1e-9)  # it keeps hopping: it never settles
    assert not h.diverged


def test_l1_batch_loss_is_four_times_the_distance_of_w_from_one():
    h = source_fit("l1", epochs=10)
    np.testing.assert_allclose(h.loss, 4 * np.abs(h.w[:-1] - 1), rtol=1e-12, atol=1e-12)


def test_signed_falls_0_04_per_update_forever():
    h = source_fit("signed", epochs=60)
    k = np.arange(h.steps + 1)
    np.testing.assert_allclose(h.w, 20 - 0.04 * k, rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.diff(h.w), -0.04, rtol=1e-9)
    assert h.final_w < -3  # far past the true w = 1, and still going


def test_signed_batch_loss_goes_negative():
    h = source_fit("signed", epochs=60)
    np.testing.assert_allclose(h.loss, 4 * (h.w[:-1] - 1), rtol=1e-9, atol=1e-9)
    assert h.loss[0] > 0
    assert h.loss[-1] < 0
    assert np.all(np.diff(h.loss) < 0)


@pytest.mark.parametrize("name", NAMES)
def test_mean_reduction_equals_sum_with_the_rate_times_the_batch_size(name):
    by_sum = source_fit(name, epochs=20, reduction="sum", lr=0.01)
    by_mean = source_fit(name, epochs=20, reduction="mean", lr=0.02)
    np.testing.assert_allclose(by_mean.w, by_sum.w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(by_mean.loss, by_sum.loss / 2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_zero_learning_rate_never_moves(name):
    h = source_fit(name, epochs=3, lr=0.0)
    np.testing.assert_array_equal(h.w, 20.0)


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_descent_from_the_true_weight_stays_there(name):
    h = source_fit(name, epochs=3, w0=1.0)
    np.testing.assert_array_equal(h.w, 1.0)
    np.testing.assert_array_equal(h.loss, 0.0)


# ---------------------------------------------------------------------------------------------
# The History record
# ---------------------------------------------------------------------------------------------


def test_history_of_one_run_has_steps_plus_one_estimates():
    h = source_fit("l2", epochs=3)
    assert h.steps_per_epoch == 10
    assert h.steps == 30
    assert h.runs is None
    assert h.w.shape == (31,)
    assert h.loss.shape == h.lr.shape == (30,)
    assert h.w[0] == 20.0
    assert isinstance(h.final_w, float)
    assert h.final_w == h.w[-1]
    assert h.diverged is False


def test_history_of_many_runs_has_a_column_per_run():
    x, y = linear(20, noise=1.0, runs=4, rng=0)
    h = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=3, epochs=2)
    assert h.steps_per_epoch == 7
    assert h.runs == 4
    assert h.w.shape == (15, 4)
    assert h.loss.shape == h.lr.shape == (14, 4)
    assert h.diverged.shape == (4,)
    assert h.final_w.shape == (4,)


def test_zero_epochs_keeps_the_start():
    h = source_fit("l2", epochs=0)
    assert h.steps == 0
    np.testing.assert_array_equal(h.w, [20.0])
    assert h.loss.shape == (0,)


def test_last_batch_of_an_epoch_is_smaller_when_the_batch_size_does_not_divide_n():
    # Signed loss, x = 1, summed: each update moves w down by lr times the batch's size.
    x, y = np.ones(5), np.zeros(5)
    h = gd.fit(x, y, loss="signed", w0=0.0, lr=0.1, batch_size=2, epochs=2, reduction="sum")
    assert h.steps_per_epoch == 3
    np.testing.assert_allclose(np.diff(h.w), -0.1 * np.array([2, 2, 1, 2, 2, 1]), rtol=1e-12)


def test_mean_reduction_divides_the_last_batch_by_its_own_size():
    x, y = np.ones(5), np.zeros(5)
    h = gd.fit(x, y, loss="signed", w0=0.0, lr=0.1, batch_size=2, epochs=2, reduction="mean")
    np.testing.assert_allclose(np.diff(h.w), -0.1, rtol=1e-12)


def test_batch_larger_than_the_data_is_one_full_batch():
    x, y = linear(5, noise=1.0, rng=0)
    h = gd.fit(x, y, loss="l2", w0=0.0, lr=0.01, batch_size=50, epochs=4)
    assert h.steps_per_epoch == 1
    assert h.steps == 4


def test_repr_summarises_without_the_arrays():
    assert repr(source_fit("l2", epochs=20)) == "History(steps=200, final_w=1, diverged=False)"


# ---------------------------------------------------------------------------------------------
# Learning rates and schedules
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule", [inverse_time(0.01, decay=0.05), exponential(0.01, rate=0.97)], ids=str
)
def test_history_records_the_schedule_at_every_update(schedule):
    h = source_fit("signed", epochs=5, lr=schedule)
    np.testing.assert_array_equal(h.lr, schedule(np.arange(h.steps)))


@pytest.mark.parametrize(
    "schedule", [inverse_time(0.01, decay=0.05), exponential(0.01, rate=0.97)], ids=str
)
def test_each_update_uses_its_own_scheduled_rate(schedule):
    # Signed loss, summed over 2 samples at x = 2: every update moves w by -4 * lr_t.
    h = source_fit("signed", epochs=5, lr=schedule)
    np.testing.assert_allclose(np.diff(h.w), -4 * schedule(np.arange(h.steps)), rtol=1e-9)


def test_a_plain_function_works_as_a_schedule():
    h = source_fit("signed", epochs=2, lr=lambda t: 0.01 / (1 + t))
    np.testing.assert_allclose(h.lr, 0.01 / (1 + np.arange(20)), rtol=1e-15)


def test_a_constant_rate_is_recorded_at_every_update():
    h = source_fit("l2", epochs=2, lr=0.03)
    np.testing.assert_array_equal(h.lr, np.full(20, 0.03))


# ---------------------------------------------------------------------------------------------
# Shuffling
# ---------------------------------------------------------------------------------------------


def visit_order(history: gd.History) -> np.ndarray:
    """Sample indices in the order they were used, read from the loss of a probe fit.

    With x = 1, y = 1..n, w = 0, lr = 0 and batches of one, the batch loss of the signed loss is
    minus the target, so the loss sequence spells out the order.
    """
    return np.rint(-history.loss).astype(int) - 1


def probe_fit(n: int = 12, epochs: int = 4, **kwargs) -> gd.History:
    y = np.arange(1.0, n + 1)
    return gd.fit(
        np.ones(n), y, loss="signed", w0=0.0, lr=0.0, batch_size=1, epochs=epochs, **kwargs
    )


def test_without_shuffle_batches_are_taken_in_order():
    order = visit_order(probe_fit(n=12, epochs=3))
    np.testing.assert_array_equal(order, np.tile(np.arange(12), 3))


def test_shuffle_visits_every_sample_once_per_epoch():
    order = visit_order(probe_fit(n=12, epochs=5, shuffle=True, rng=0)).reshape(5, 12)
    for epoch in order:
        np.testing.assert_array_equal(np.sort(epoch), np.arange(12))


def test_shuffle_draws_a_new_order_every_epoch():
    order = visit_order(probe_fit(n=12, epochs=5, shuffle=True, rng=0)).reshape(5, 12)
    assert len({tuple(epoch) for epoch in order}) == 5
    assert not np.array_equal(order[0], np.arange(12))


def test_shuffle_with_the_same_seed_is_reproducible():
    x, y = linear(20, noise=1.0, rng=3)
    runs = [
        gd.fit(x, y, loss="l1", w0=5.0, lr=0.01, batch_size=3, epochs=5, shuffle=True, rng=11)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].w, runs[1].w)
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)


def test_shuffle_with_another_seed_takes_another_path():
    a = probe_fit(shuffle=True, rng=1)
    b = probe_fit(shuffle=True, rng=2)
    assert not np.array_equal(visit_order(a), visit_order(b))


def test_shuffle_uses_the_same_order_for_every_run():
    n, runs = 10, 3
    y = np.arange(1.0, n + 1) * np.array([[1.0], [10.0], [100.0]])
    h = gd.fit(
        np.ones(n), y, loss="signed", w0=0.0, lr=0.0, batch_size=1, epochs=3, shuffle=True, rng=4
    )
    orders = np.rint(-h.loss / np.array([1.0, 10.0, 100.0])).astype(int)
    assert orders.shape == (30, runs)
    np.testing.assert_array_equal(orders[:, 1], orders[:, 0])
    np.testing.assert_array_equal(orders[:, 2], orders[:, 0])


# ---------------------------------------------------------------------------------------------
# Many runs at once equal the runs one by one
# ---------------------------------------------------------------------------------------------


def assert_same_run(history: gd.History, column: int, single: gd.History) -> None:
    np.testing.assert_allclose(history.w[:, column], single.w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(history.loss[:, column], single.loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(history.lr[:, column], single.lr, rtol=1e-12)
    assert history.diverged[column] == single.diverged


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", NAMES)
def test_many_data_sets_at_once_equal_one_by_one(name, reduction):
    x, y = linear(11, noise=2.0, runs=5, rng=0)
    options = {"loss": name, "batch_size": 3, "epochs": 6, "reduction": reduction}
    w0 = np.array([20.0, -3.0, 0.0, 1.0, 7.5])
    lr = np.array([0.01, 0.02, 0.005, 0.0, 0.03])
    many = gd.fit(x, y, w0=w0, lr=lr, **options)
    for run in range(5):
        assert_same_run(many, run, gd.fit(x, y[run], w0=w0[run], lr=lr[run], **options))


def test_one_data_set_with_many_starts_and_rates_equals_one_by_one():
    x, y = linear(20, noise=1.0, rng=1)
    w0, lr = np.array([20.0, -20.0, 3.0]), np.array([0.01, 0.001, 0.02])
    many = gd.fit(x, y, loss="l1", w0=w0, lr=lr, batch_size=2, epochs=10, reduction="sum")
    assert many.runs == 3
    for run in range(3):
        single = gd.fit(
            x, y, loss="l1", w0=w0[run], lr=lr[run], batch_size=2, epochs=10, reduction="sum"
        )
        assert_same_run(many, run, single)


def test_a_table_of_rates_gives_each_run_its_own_schedule():
    """Column k of an lr table of shape (steps, runs) is run k's schedule, number for number."""
    x, y = linear(20, noise=5.0, runs=3, rng=3)
    schedules = [constant(0.01), inverse_time(0.05, decay=0.1), exponential(0.02, rate=0.99)]
    options = {"loss": "huber", "w0": 20.0, "batch_size": 2, "epochs": 6, "reduction": "sum"}
    steps = 60
    table = np.column_stack([s(np.arange(steps, dtype=float)) for s in schedules])
    many = gd.fit(x, y, lr=table, **options)
    assert many.runs == 3
    for run, schedule in enumerate(schedules):
        single = gd.fit(x, y[run], lr=schedule, **options)
        np.testing.assert_array_equal(many.w[:, run], single.w)
        np.testing.assert_array_equal(many.loss[:, run], single.loss)
        np.testing.assert_array_equal(many.lr[:, run], single.lr)
    # One data set, one table: the runs differ by their schedules only.
    shared = gd.fit(x, y[0], lr=table, **options)
    np.testing.assert_array_equal(shared.w[:, 0], many.w[:, 0])
    assert not np.array_equal(shared.w[:, 1], shared.w[:, 0])


def test_many_runs_with_a_schedule_and_shuffling_equal_one_by_one():
    x, y = linear(13, noise=1.0, runs=4, rng=2)
    options = {
        "loss": "huber",
        "w0": 9.0,
        "lr": inverse_time(0.05, decay=0.1),
        "batch_size": 4,
        "epochs": 5,
        "shuffle": True,
        "delta": 0.5,
    }
    many = gd.fit(x, y, rng=8, **options)
    for run in range(4):
        assert_same_run(many, run, gd.fit(x, y[run], rng=8, **options))


def test_inputs_that_vary_per_run_are_used_per_run():
    _, y = linear(8, noise=1.0, runs=3, rng=5)
    x = np.array([[1.0], [2.0], [-1.5]]) * np.ones(8)
    many = gd.fit(x, y, loss="l2", w0=0.0, lr=0.01, batch_size=2, epochs=4)
    for run in range(3):
        single = gd.fit(x[run], y[run], loss="l2", w0=0.0, lr=0.01, batch_size=2, epochs=4)
        assert_same_run(many, run, single)


# ---------------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------------


def test_too_large_a_rate_is_marked_diverged_without_warnings():
    # Per update w - 1 is multiplied by 1 - 0.3 * 16 = -3.8: it overflows.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = source_fit("l2", epochs=60, lr=0.3)
    assert caught == []
    assert h.diverged is True
    assert np.all(np.isfinite(h.w))
    assert np.max(np.abs(h.w)) > 1e100  # it really ran away before it stopped


def test_a_diverged_run_stops_changing_at_a_finite_value():
    h = source_fit("l2", epochs=60, lr=0.3)
    stop = int(np.argmax(~np.isfinite(h.loss)))
    assert stop > 0
    assert np.all(h.w[stop:] == h.w[stop])
    assert np.isfinite(h.w[stop])
    assert np.all(np.isnan(h.loss[stop + 1 :]))


def test_a_rate_that_oscillates_but_contracts_does_not_diverge():
    # 1 - 0.1 * 16 = -0.6: w overshoots 1 at every update but converges.
    h = source_fit("l2", epochs=20, lr=0.1)
    assert h.diverged is False
    np.testing.assert_allclose(h.w, 1 + 19 * (-0.6) ** np.arange(h.steps + 1), atol=1e-12)


def test_only_the_diverging_runs_are_marked():
    x, y = linear(20)
    lr = np.array([0.01, 0.3, 0.001, 0.5])
    many = gd.fit(x, y, loss="l2", w0=20.0, lr=lr, batch_size=2, epochs=60, reduction="sum")
    np.testing.assert_array_equal(many.diverged, [False, True, False, True])
    assert np.all(np.isfinite(many.w))
    for run in (0, 2):
        single = gd.fit(
            x, y, loss="l2", w0=20.0, lr=lr[run], batch_size=2, epochs=60, reduction="sum"
        )
        np.testing.assert_allclose(many.w[:, run], single.w, rtol=1e-12, atol=1e-12)


def test_a_custom_loss_that_overflows_is_marked_diverged():
    # One update sends w to -1e308; the next residual w * x overflows to -inf.
    x, y = np.full(4, 2.0), np.zeros(4)
    options = {"w0": 0.0, "lr": 2.5e307, "batch_size": 2, "epochs": 2, "reduction": "sum"}
    named = gd.fit(x, y, loss="signed", **options)
    custom = gd.fit(x, y, loss=(losses.signed, losses.signed_grad), **options)
    assert named.diverged is custom.diverged is True
    np.testing.assert_array_equal(custom.w, named.w)


# ---------------------------------------------------------------------------------------------
# Custom (loss, grad) pairs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", NAMES)
def test_a_loss_gradient_pair_gives_the_same_fit_as_the_name(name, reduction):
    x, y = linear(15, noise=1.5, rng=4)
    options = {"w0": 6.0, "lr": 0.01, "batch_size": 4, "epochs": 8, "reduction": reduction}
    by_name = gd.fit(x, y, loss=name, **options)
    by_pair = gd.fit(x, y, loss=losses.get(name), **options)
    np.testing.assert_allclose(by_pair.w, by_name.w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(by_pair.loss, by_name.loss, rtol=1e-12, atol=1e-12)


def test_a_huber_pair_with_its_own_delta_matches_the_delta_option():
    x, y = linear(15, noise=1.5, rng=4)
    options = {"w0": 6.0, "lr": 0.01, "batch_size": 4, "epochs": 8}
    pair = (
        functools.partial(losses.huber, delta=0.3),
        functools.partial(losses.huber_grad, delta=0.3),
    )
    by_name = gd.fit(x, y, loss="huber", delta=0.3, **options)
    by_pair = gd.fit(x, y, loss=pair, **options)
    np.testing.assert_allclose(by_pair.w, by_name.w, rtol=1e-12, atol=1e-12)


def test_a_hand_written_pair_is_used():
    # Quartic loss r**4 with derivative 4 r**3, written by a reader.
    def quartic(y_true, y_pred, *, reduction="mean"):
        r = np.asarray(y_pred) - np.asarray(y_true)
        return r**4

    def quartic_grad(y_true, y_pred, *, reduction="mean"):
        r = np.asarray(y_pred) - np.asarray(y_true)
        return 4 * r**3

    h = gd.fit(
        [1.0],
        [0.0],
        loss=(quartic, quartic_grad),
        w0=1.0,
        lr=0.01,
        batch_size=1,
        epochs=2,
        reduction="sum",
    )
    assert h.w[1] == pytest.approx(1 - 0.04)
    assert h.w[2] == pytest.approx(0.96 - 0.01 * 4 * 0.96**3)
    assert h.loss[1] == pytest.approx(0.96**4)


# ---------------------------------------------------------------------------------------------
# Where descent settles: the minimizers
# ---------------------------------------------------------------------------------------------


def test_l2_minimizer_with_one_input_is_the_mean_over_x():
    _, y = linear(31, noise=3.0, rng=0)
    assert gd.minimizer(2.0, y, loss="l2") == pytest.approx(np.mean(y) / 2, rel=1e-12)


def test_l2_minimizer_with_varying_inputs_is_least_squares():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 25)
    y = 0.7 * x + rng.normal(0, 1, 25)
    (want,), *_ = np.linalg.lstsq(x[:, np.newaxis], y, rcond=None)
    assert gd.minimizer(x, y, loss="l2") == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 7, 8, 21, 40])
def test_l1_minimizer_with_one_input_is_the_median_over_x(n):
    _, y = linear(n, noise=3.0, rng=n)
    assert gd.minimizer(2.0, y, loss="l1") == pytest.approx(np.median(y) / 2, rel=1e-12)


def l1_objective(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.abs(np.multiply.outer(w, x) - y).sum(axis=-1)


@pytest.mark.parametrize("seed", range(4))
def test_l1_minimizer_with_varying_inputs_beats_a_brute_force_grid(seed):
    rng = np.random.default_rng(seed)
    n = 9 + seed
    x = rng.uniform(-3, 3, n)
    x[0] = 0.0  # a sample that no w can fit better or worse
    y = rng.normal(0, 3, n)
    grid = np.linspace(-15, 15, 300_001)
    on_grid = l1_objective(grid, x, y)
    best = gd.minimizer(x, y, loss="l1")
    assert l1_objective(np.array([best]), x, y)[0] <= on_grid.min() + 1e-12
    assert best == pytest.approx(grid[np.argmin(on_grid)], abs=grid[1] - grid[0])


def test_l1_minimizer_takes_the_middle_of_a_flat_bottom():
    # sum |w x - y| is flat (= 3) for w in [1, 2]: half the weight |x| lies on each side.
    x, y = np.array([1.0, 1.0, 2.0]), np.array([0.0, 1.0, 4.0])
    assert l1_objective(np.array([1.0, 1.5, 2.0]), x, y) == pytest.approx([3.0, 3.0, 3.0])
    assert gd.minimizer(x, y, loss="l1") == pytest.approx(1.5)


def test_l1_minimizer_ignores_an_outlier_that_moves_the_l2_minimizer():
    _, y = linear(21, noise=0.5, rng=6)
    spoilt = y.copy()
    spoilt[0] = 1000.0
    assert gd.minimizer(2.0, spoilt, loss="l2") > gd.minimizer(2.0, y, loss="l2") + 20
    assert gd.minimizer(2.0, spoilt, loss="l1") == pytest.approx(
        gd.minimizer(2.0, y, loss="l1"), abs=0.5
    )


@pytest.mark.parametrize("delta", [0.2, 1.0, 3.0])
def test_huber_minimizer_is_where_the_slope_is_zero(delta):
    rng = np.random.default_rng(2)
    x = rng.uniform(0.5, 3, 30)
    y = x + rng.standard_t(1.5, 30)
    w = gd.minimizer(x, y, loss="huber", delta=delta)
    slope = np.sum(losses.huber_grad(y, w * x, delta=delta, reduction="none") * x)
    assert slope == pytest.approx(0.0, abs=1e-9)
    h = 1e-4
    for step in (-h, h):
        assert losses.huber(y, (w + step) * x, delta=delta) > losses.huber(y, w * x, delta=delta)


def test_huber_minimizer_with_a_huge_delta_is_the_l2_minimizer():
    _, y = linear(15, noise=2.0, rng=3)
    assert gd.minimizer(2.0, y, loss="huber", delta=1e6) == pytest.approx(
        gd.minimizer(2.0, y, loss="l2"), rel=1e-12
    )


def test_huber_minimizer_with_a_tiny_delta_approaches_the_l1_minimizer():
    _, y = linear(15, noise=2.0, rng=3)
    assert gd.minimizer(2.0, y, loss="huber", delta=1e-9) == pytest.approx(
        gd.minimizer(2.0, y, loss="l1"), abs=1e-8
    )


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_minimizer_gives_one_answer_per_run(name):
    _, y = linear(9, noise=2.0, runs=4, rng=4)
    many = gd.minimizer(2.0, y, loss=name)
    assert many.shape == (4,)
    for run in range(4):
        assert many[run] == pytest.approx(gd.minimizer(2.0, y[run], loss=name), rel=1e-12)


def test_minimizer_rejects_the_signed_loss():
    with pytest.raises(
        ValueError,
        match=r"^loss must be one of 'l1', 'l2', 'huber' \(the signed loss has no min.*'signed'",
    ):
        gd.minimizer(2.0, [1.0, 2.0], loss="signed")


def test_minimizer_rejects_inputs_that_are_all_zero():
    with pytest.raises(ValueError, match=r"^x must not be all zero"):
        gd.minimizer([0.0, 0.0], [1.0, 2.0], loss="l2")


def test_minimizer_rejects_x_that_does_not_fit_y():
    with pytest.raises(ValueError, match=r"^x must broadcast to the shape of y \(3,\)"):
        gd.minimizer([1.0, 2.0], [1.0, 2.0, 3.0], loss="l1")


def noisy_with_outliers() -> tuple[np.ndarray, np.ndarray]:
    x, y = linear(21, noise=1.0, rng=3)
    y[:3] += 15.0  # three outliers pull the mean, not the median
    return x, y


@pytest.mark.parametrize(("name", "other"), [("l1", "l2"), ("l2", "l1")])
def test_descent_settles_at_its_own_minimizer(name, other):
    x, y = noisy_with_outliers()
    lr = 0.001
    h = gd.fit(x, y, loss=name, w0=20.0, lr=lr, batch_size=2, epochs=800, reduction="sum")
    settled = np.mean(h.w[-h.steps_per_epoch :])  # average over the last epoch's hops
    # Tolerance: the most an L1 epoch can move w, lr * sum |x|.
    tolerance = lr * np.sum(np.abs(x))
    assert settled == pytest.approx(gd.minimizer(x, y, loss=name), abs=tolerance)
    assert abs(settled - gd.minimizer(x, y, loss=other)) > 10 * tolerance


def test_l1_descent_with_a_small_rate_stays_close_to_the_median():
    x, y = noisy_with_outliers()
    lr = 0.001
    h = gd.fit(x, y, loss="l1", w0=20.0, lr=lr, batch_size=2, epochs=800, reduction="sum")
    last_epoch = h.w[-h.steps_per_epoch :]
    assert np.all(np.abs(last_epoch - gd.minimizer(x, y, loss="l1")) <= lr * np.sum(np.abs(x)))


# ---------------------------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------------------------


def fit_with(**changes):
    x, y = linear(6)
    arguments = {"x": x, "y": y, "loss": "l2", "w0": 0.0, "lr": 0.01, "batch_size": 2, "epochs": 1}
    arguments.update(changes)
    x, y = arguments.pop("x"), arguments.pop("y")
    return gd.fit(x, y, **arguments)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"loss": "l3"}, ValueError, r"^loss must be one of 'signed', 'l1', 'l2', 'huber'"),
        ({"loss": "L2"}, ValueError, r"^loss must be one of .* got 'L2'"),
        ({"loss": 2}, TypeError, r"^loss must be a name .* or a \(loss, grad\) pair"),
        ({"loss": (losses.l2,)}, TypeError, r"^loss must be a name"),
        ({"loss": (losses.l2, "grad")}, TypeError, r"^loss must be a name"),
        ({"reduction": "none"}, ValueError, r"^reduction must be one of 'mean', 'sum', got"),
        ({"reduction": "avg"}, ValueError, r"^reduction must be one of 'mean', 'sum', got"),
        ({"lr": -0.01}, ValueError, r"^lr must be >= 0, got -0\.01"),
        ({"lr": [0.1, -0.1]}, ValueError, r"^lr must be >= 0"),
        ({"lr": np.nan}, ValueError, r"^lr must hold finite numbers"),
        ({"lr": np.inf}, ValueError, r"^lr must hold finite numbers"),
        ({"lr": "fast"}, TypeError, r"^lr must hold real numbers"),
        (
            {"lr": [[0.1]]},
            ValueError,
            r"^lr must be .* or a table of shape \(3, runs\), a row per update, got shape \(1, 1\)",
        ),
        ({"lr": np.full((3, 2, 1), 0.1)}, ValueError, r"^lr must be .* got shape \(3, 2, 1\)"),
        ({"lr": [[0.1], [0.1], [-0.1]]}, ValueError, r"^lr must be >= 0"),
        ({"lr": lambda t: -t}, ValueError, r"^lr schedule must give finite rates >= 0"),
        ({"lr": lambda t: [0.1, 0.2]}, ValueError, r"^lr schedule must return one rate per step"),
        ({"w0": [[1.0]]}, ValueError, r"^w0 must be a number, a 1-D array \(one per run\), got"),
        ({"w0": np.nan}, ValueError, r"^w0 must hold finite numbers"),
        ({"w0": "0"}, TypeError, r"^w0 must hold real numbers"),
        ({"batch_size": 0}, ValueError, r"^batch_size must be an integer >= 1, got 0"),
        ({"batch_size": 2.0}, TypeError, r"^batch_size must be an integer, got 2\.0"),
        ({"batch_size": True}, TypeError, r"^batch_size must be an integer, got True"),
        ({"epochs": -1}, ValueError, r"^epochs must be an integer >= 0, got -1"),
        ({"epochs": 1.5}, TypeError, r"^epochs must be an integer, got 1\.5"),
        ({"shuffle": 1}, TypeError, r"^shuffle must be True or False, got 1"),
        ({"delta": 0.0}, ValueError, r"^delta must be > 0, got 0\.0"),
        ({"delta": -np.inf}, ValueError, r"^delta must be finite"),
        ({"y": [[[1.0]]]}, ValueError, r"^y must have shape \(n,\) or \(runs, n\), got shape"),
        ({"y": []}, ValueError, r"^y must not be empty"),
        ({"x": [1.0, 2.0]}, ValueError, r"^x must broadcast to the shape of y \(6,\)"),
        ({"x": [True] * 6}, TypeError, r"^x must hold real numbers"),
    ],
)
def test_fit_rejects_bad_arguments(changes, error, message):
    with pytest.raises(error, match=message):
        fit_with(**changes)


@pytest.mark.parametrize(
    ("runs", "w0", "lr"),
    [(4, np.zeros(3), 0.01), (4, 0.0, np.full(3, 0.01)), (None, np.zeros(2), np.full(4, 0.01))],
)
def test_fit_rejects_a_disagreement_on_the_number_of_runs(runs, w0, lr):
    x, y = linear(6, noise=1.0, runs=runs, rng=0)
    with pytest.raises(ValueError, match=r"^y, w0 and lr disagree on the number of runs"):
        gd.fit(x, y, loss="l2", w0=w0, lr=lr, batch_size=2, epochs=1)


# --- one engine: descend over a design matrix, fit as its one-weight case -------------------------


def _plain_descent(x, y, *, loss, lr, epochs, batch, mean, intercept):
    """Descent written out sample by sample in Python floats: the reference for the engine."""
    derivative = {"l2": lambda r: 2.0 * r, "l1": lambda r: float(np.sign(r))}[loss]
    n, p = x.shape
    coef, b = [0.0] * p, 0.0
    for _ in range(epochs):
        for start in range(0, n, batch):
            rows = range(start, min(start + batch, n))
            g = [derivative(sum(c * x[i, j] for j, c in enumerate(coef)) + b - y[i]) for i in rows]
            scale = lr / len(g) if mean else lr
            coef = [
                c - scale * sum(gi * x[i, j] for gi, i in zip(g, rows, strict=True))
                for j, c in enumerate(coef)
            ]
            b = b - scale * sum(g) if intercept else 0.0
    return np.array(coef), b


@pytest.mark.parametrize("batch", range(1, 8))
@pytest.mark.parametrize("mean", [True, False])
def test_descend_uses_every_row_for_every_batch_size(batch, mean):
    rng = np.random.default_rng(batch)
    x, y = rng.normal(size=(7, 2)), rng.normal(size=7)
    h = gd.descend(
        x, y, loss="l2", lr=0.05, epochs=3, batch_size=batch, reduction="mean" if mean else "sum"
    )
    coef, b = _plain_descent(
        x, y, loss="l2", lr=0.05, epochs=3, batch=batch, mean=mean, intercept=True
    )
    np.testing.assert_allclose(h.final_coef, coef, rtol=1e-12, atol=1e-14)
    assert h.final_intercept == pytest.approx(b, rel=1e-12, abs=1e-14)
    assert h.steps_per_epoch == -(-7 // batch)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("loss", losses.LOSS_NAMES)
def test_fit_is_descend_with_one_feature_and_no_intercept_to_the_last_bit(loss, shuffle):
    x, y = linear(9, noise=3.0, runs=4, rng=2)
    options = {"loss": loss, "lr": 0.01, "epochs": 5, "batch_size": 2, "reduction": "sum"}
    options |= {"shuffle": shuffle, "rng": 7}
    fitted = gd.fit(x, y, w0=20.0, **options)
    descended = gd.descend(x, y, coef0=20.0, fit_intercept=False, **options)
    np.testing.assert_array_equal(fitted.w, descended.coef[..., 0])
    np.testing.assert_array_equal(fitted.loss, descended.loss)
    assert not descended.fit_intercept
    assert np.all(descended.intercept == 0.0)


def test_history_of_a_line_has_no_single_weight():
    h = gd.descend([0.0, 1.0, 2.0], [1.0, 2.0, 3.0], loss="l2", lr=0.1, epochs=2)
    with pytest.raises(AttributeError, match=r"^w is the weight of one feature without intercept"):
        _ = h.w
    assert repr(h).startswith("History(steps=2, final_intercept=")


_BAD_SHARED = {
    "lr-string": {"lr": "0.1"},
    "lr-complex": {"lr": 0.1 + 0j},
    "lr-bool": {"lr": True},
    "lr-bools": {"lr": [True, False]},
    "lr-masked": {"lr": np.ma.masked_array([0.1], mask=[True])},
    "lr-negative": {"lr": -0.1},
    "schedule-string": {"lr": lambda t: "fast"},
    "schedule-complex": {"lr": lambda t: np.full(t.shape, 0.1 + 0j)},
    "schedule-bool": {"lr": lambda t: t > 0},
    "schedule-masked": {"lr": lambda t: np.ma.masked_array(np.full(t.shape, 0.1))},
    "schedule-negative": {"lr": lambda t: -t},
    "epochs-negative": {"epochs": -1},
    "epochs-float": {"epochs": 1.5},
    "reduction-none": {"reduction": "none"},
    "delta-zero": {"delta": 0.0},
    "loss-unknown": {"loss": "l3"},
    "loss-number": {"loss": 2},
    "shuffle-int": {"shuffle": 1},
    "rng-string": {"rng": "seed"},
    "batch_size-zero": {"batch_size": 0},
}


@pytest.mark.parametrize("bad", _BAD_SHARED.values(), ids=_BAD_SHARED.keys())
def test_fit_and_descend_give_the_same_error_for_the_same_bad_argument(bad):
    x, y = np.ones(6), np.arange(6.0)
    options = {"loss": "l2", "lr": 0.1, "epochs": 2, "batch_size": 2, **bad}
    with pytest.raises((TypeError, ValueError)) as from_fit:
        gd.fit(x, y, w0=0.0, **options)
    with pytest.raises((TypeError, ValueError)) as from_descend:
        gd.descend(x, y, **options)
    assert type(from_descend.value) is type(from_fit.value)
    assert str(from_descend.value) == str(from_fit.value)
    assert from_fit.value.argument == next(iter(bad))  # type: ignore[union-attr]


@pytest.mark.parametrize("lr", [0.1, inverse_time(0.1, decay=0.01)])
def test_descend_refuses_a_history_too_large_before_allocating(lr):
    tracemalloc.start()
    try:
        # 10^5 updates (the most allowed) for 1,000 runs: within the time caps, not in memory.
        with pytest.raises(
            ValueError, match=r"^epochs makes the run too large: .* 2\.24 GiB .*at most 1 GiB"
        ):
            gd.descend(
                np.ones(4), np.ones((1000, 4)), loss="l2", lr=lr, epochs=25_000, batch_size=1
            )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # refused before anything in proportion to epochs was allocated
    with pytest.raises(TypeError, match=r"^epochs must be an integer, got 1000000000\.0"):
        gd.descend(np.ones(4), np.ones(4), loss="l2", lr=lr, epochs=1e9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: gd.fit(
                np.ones(20),
                np.ones(20),
                loss="l2",
                w0=0.0,
                lr=0.01,
                batch_size=2,
                epochs=gd.MAX_UPDATES // 10 + 1,
            ),
            r"^epochs makes the run too long: 10,001 epochs of 10 update\(s\) are 100,010 "
            r"updates, at most 100,000 are allowed",
        ),
        (
            lambda: gd.descend(
                np.ones((100, 10)),
                np.ones(100),
                loss="l2",
                lr=0.01,
                epochs=gd.MAX_FEATURE_UPDATES // 10 + 1,
            ),
            r"^epochs makes the run too long: 50,001 updates of 10 features are 500,010 "
            r"coefficient updates, at most 500,000 are allowed",
        ),
        (
            lambda: gd.fit(
                np.ones(1000),
                np.ones((1000, 1000)),
                loss="l1",
                w0=0.0,
                lr=0.01,
                batch_size=1000,
                epochs=101,
            ),
            r"^epochs makes the run too long: 101 passes over 1,000 samples for 1,000 run\(s\) "
            r"and 1 feature\(s\) are 1\.01e\+08 gradient terms, at most 1e\+08 are allowed",
        ),
    ],
)
def test_a_run_too_long_to_finish_in_seconds_is_refused_before_it_starts(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert info.value.argument == "epochs"
