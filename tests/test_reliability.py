"""Nothing silently wrong: each reproducer of the reliability audit, as a test.

Each case once returned a wrong number without a word, leaked a raw error or a warning, or tried
to allocate far too much. Each now gives the right finite answer (checked against an independent
formula), or a ValueError/TypeError that names the argument in its message and in ``.argument``.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest

from l1l2 import data, experiments, gd, interactive, losses, regression, schedules
from l1l2._validation import ArgumentTypeError, ArgumentValueError


def raises_naming(error: type[Exception], argument: str, match: str = ""):
    """``pytest.raises`` for an error whose message starts with ``argument`` and that carries it."""
    return pytest.raises(error, match=rf"^{argument}\b.*{match}")


def argument_of(info: pytest.ExceptionInfo[Exception]) -> str | None:
    return getattr(info.value, "argument", None)


# ---------------------------------------------------------------------------------------------
# 1. The L2 minimiser neither overflows nor underflows for finite data
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "want"),
    [
        (1e155, [1e155] * 3, 1.0),
        (1e-200, [1e-200] * 2, 1.0),
        (1e160, [1.0, 1.0], 1e-160),
        (2.0, [1e308, 1e308], 5e307),
    ],
)
def test_l2_minimizer_of_extreme_but_finite_data_is_right(x, y, want):
    assert gd.minimizer(x, y, loss="l2") == pytest.approx(want, rel=1e-15)


def test_l2_minimizer_beyond_float64_is_an_error_naming_y():
    with pytest.raises(ValueError, match=r"^y is so large") as info:
        gd.minimizer(1e-300, [1e300, 1e300], loss="l2")
    assert argument_of(info) == "y"


# ---------------------------------------------------------------------------------------------
# 2. Masked arrays are refused, never silently unmasked
# ---------------------------------------------------------------------------------------------

MASKED = np.ma.masked_array([1.0, 2.0, 1e6], mask=[0, 0, 1])


@pytest.mark.parametrize("name", losses.LOSS_NAMES)
def test_losses_refuse_masked_arrays(name):
    loss, grad = losses.get(name)
    for fn in (loss, grad):
        with raises_naming(TypeError, "y_pred", "masked"):
            fn([1.0, 2.0, 0.0], MASKED)
        with raises_naming(TypeError, "y_true", "masked"):
            fn(MASKED, [1.0, 2.0, 0.0])


def test_issue_reproducer_for_masked_l1_is_refused():
    y_true = np.ma.masked_array([1.0, 2.0, 0.0], mask=[0, 0, 1])
    with raises_naming(TypeError, "y_true", "masked"):
        losses.l1(y_true, MASKED)


def test_fit_minimizer_and_spread_refuse_masked_arrays():
    with raises_naming(TypeError, "y", "masked"):
        gd.fit(2.0, MASKED, loss="l2", w0=0.0, lr=0.01, batch_size=1, epochs=1)
    with raises_naming(TypeError, "y", "masked"):
        gd.minimizer(2.0, MASKED, loss="l1")
    with raises_naming(TypeError, "x", "masked"):
        gd.minimizer(
            np.ma.masked_array([2.0, 2.0, 2.0], mask=[0, 1, 0]), [1.0, 2.0, 3.0], loss="l1"
        )
    with raises_naming(TypeError, "estimates", "masked"):
        experiments.spread(MASKED, true_w=1.0)


# ---------------------------------------------------------------------------------------------
# 3. Runs too large are refused up front, fast, naming the argument and the memory
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("epochs", [10**9, 10**20])
def test_fit_refuses_a_history_too_large_naming_epochs_and_the_memory(epochs):
    x, y = data.linear(20)
    start = time.perf_counter()
    with raises_naming(
        ValueError, "epochs", r"would need (\S+ [MGTP]iB|about 1e\d+ bytes)"
    ) as info:
        gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=epochs)
    assert time.perf_counter() - start < 1.0
    assert argument_of(info) == "epochs"


def test_fit_refuses_a_million_runs_of_many_steps_naming_y():
    y = np.broadcast_to(np.ones(2), (10**6, 2))
    with raises_naming(ValueError, "y", "would need") as info:
        gd.fit(2.0, y, loss="l2", w0=0.0, lr=0.01, batch_size=2, epochs=1000)
    assert argument_of(info) == "y"


def test_linear_refuses_too_many_samples():
    with raises_naming(ValueError, "runs", "would need"):
        data.linear(10**4, runs=10**5)


def test_a_scalar_rate_is_not_stored_at_full_size():
    x, y = data.linear(20, noise=1.0, runs=50, rng=0)
    h = gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=10)
    assert h.lr.shape == (100, 50)
    assert h.lr.strides == (0, 0)  # a view of one number, not a (steps, runs) table
    np.testing.assert_array_equal(h.lr, 0.01)


# ---------------------------------------------------------------------------------------------
# 4. Sums that overflow only in between give the finite answer, or a clear error
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["signed", "l1", "l2"])
def test_mean_of_huge_values_whose_sum_overflows_is_finite(name):
    y_true, y_pred = [0.0, 0.0], [1.5e308, 1.5e308]
    want = {"signed": 1.5e308, "l1": 1.5e308}.get(name)
    if want is None:  # (1.5e308)**2 is beyond float64: said clearly
        with raises_naming(ValueError, "y_pred", "float64 range"):
            losses.l2(y_true, y_pred)
    else:
        assert getattr(losses, name)(y_true, y_pred) == want


def test_huber_with_a_huge_delta_is_finite_or_a_clear_error():
    # delta (|r| - delta/2) = 1e200 * 5e199 is beyond float64: an error, never NaN.
    with raises_naming(ValueError, "y_pred", "float64 range"):
        losses.huber(np.zeros(9), np.full(9, 1e200), delta=1e200)
    # Within range, the same shape of input gives the value of the formula.
    got = losses.huber(np.zeros(9), np.full(9, 1e100), delta=1e100)
    assert got == pytest.approx(1e100 * (1e100 - 0.5e100), rel=1e-15)


def test_signed_loss_of_opposite_huge_residuals_cancels_to_zero():
    assert losses.signed([-1e308, 1e308], [1e308, -1e308]) == 0.0


def test_mean_gradient_whose_sum_overflows_is_finite():
    got = losses.l2_grad([0.0, 0.0], [1.5e308, 1.5e308])
    np.testing.assert_array_equal(got, [1.5e308, 1.5e308])  # 2 r / n with n = 2


def test_large_arrays_whose_total_overflows_are_handled_block_by_block():
    n = 200_000  # more than one block
    y_pred = np.full(n, 1e308)
    assert losses.l1(np.zeros(n), y_pred) == pytest.approx(1e308, rel=1e-12)
    with raises_naming(ValueError, "y_pred"):
        losses.l1(np.zeros(n), y_pred, reduction="sum")


# ---------------------------------------------------------------------------------------------
# 6. data.linear never returns non-finite targets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "argument", "advice"),
    [
        ({"x": 1e200, "w": 1e200}, "w", "make w smaller"),
        ({"noise": 1e308, "rng": 0}, "noise", "make noise smaller"),
        # Few degrees of freedom give heavy tails: df overflows by being too small.
        ({"noise": 1.0, "distribution": "student_t", "df": 1e-300, "rng": 0}, "df", "df larger"),
        (
            {"outliers": 1.0, "outlier_shift": 1e308, "w": 1e308, "x": 1.5},
            "outlier_shift",
            "smaller",
        ),
    ],
)
def test_linear_with_targets_beyond_float64_names_the_parameter(options, argument, advice):
    with raises_naming(ValueError, argument, "float64 range") as info:
        data.linear(20, **options)
    assert argument_of(info) == argument
    assert str(info.value).endswith(advice)


# ---------------------------------------------------------------------------------------------
# 9. Bad input that was accepted
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rng", ["abc", -1, 1.5, True, np.random.RandomState(0)])
def test_fit_checks_rng_even_without_shuffling(rng):
    x, y = data.linear(4)
    with pytest.raises((TypeError, ValueError), match=r"^rng must be") as info:
        gd.fit(x, y, loss="l2", w0=0.0, lr=0.01, batch_size=2, epochs=1, shuffle=False, rng=rng)
    assert argument_of(info) == "rng"


def test_minimizer_checks_delta_for_every_loss():
    with raises_naming(ValueError, "delta", ">"):
        gd.minimizer(2.0, [1.0, 2.0], loss="l2", delta=-5)


def test_compare_checks_delta_for_every_loss():
    x, y = data.linear(5, noise=1.0, runs=3, rng=0)
    with raises_naming(ValueError, "delta", ">"):
        experiments.compare(x, y, true_w=1.0, delta=-1)


@pytest.mark.parametrize("bad", [[True, 2.0], (1.0, np.True_), [[1.0, False]]])
def test_losses_refuse_booleans_mixed_into_numbers(bad):
    y_pred = np.zeros(np.shape(bad))
    with raises_naming(TypeError, "y_true", "booleans"):
        losses.l1(bad, y_pred)


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        (lambda t: t < 3, TypeError),  # booleans
        (lambda t: 0.01 + 0j * t, TypeError),  # complex
        (lambda t: np.full(t.shape, "0.01"), TypeError),  # strings
        (lambda t: np.zeros((2, 2)), ValueError),  # wrong shape
    ],
    ids=["booleans", "complex", "strings", "wrong shape"],
)
def test_a_schedule_returning_other_than_real_rates_is_refused_naming_lr(schedule, error):
    x, y = data.linear(4)
    with raises_naming(error, "lr", "schedule") as info:
        gd.fit(x, y, loss="l2", w0=0.0, lr=schedule, batch_size=2, epochs=2)
    assert argument_of(info) == "lr"


# ---------------------------------------------------------------------------------------------
# 10. Messages that named nothing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair",
    [
        (lambda t, p, reduction="mean": 1.0, lambda t, p, reduction="mean": np.ones_like(p)),
        (losses.l2, lambda t, p, reduction="mean": np.ones(3)),
        (losses.l2, lambda t, p, reduction="mean": np.full(np.shape(p), "a")),
    ],
    ids=["loss returns a scalar", "grad of wrong shape", "grad returns strings"],
)
def test_a_custom_pair_returning_the_wrong_thing_names_loss(pair):
    x, y = data.linear(4)
    with pytest.raises((TypeError, ValueError), match=r"^loss: the (loss|gradient) function"):
        gd.fit(x, y, loss=pair, w0=0.0, lr=0.01, batch_size=2, epochs=1)


def test_compare_with_losses_none_names_losses():
    x, y = data.linear(5, noise=1.0, runs=3, rng=0)
    with raises_naming(TypeError, "losses", "sequence"):
        experiments.compare(x, y, true_w=1.0, losses=None)  # type: ignore[arg-type]


def test_repr_of_an_empty_comparison():
    assert repr(experiments.Comparison({}, 1.0)) == "Comparison(losses=[], runs=0, true_w=1)"


# ---------------------------------------------------------------------------------------------
# 11. Warnings that leaked (the tests run with warnings as errors)
# ---------------------------------------------------------------------------------------------


def test_inverse_time_with_a_huge_decay_gives_zero_without_warnings():
    schedule = schedules.inverse_time(0.01, decay=1e308)
    # 0.01 / (1 + 1e308) is a subnormal; 1 + 2e308 overflows, and 0.01 / inf is 0.
    np.testing.assert_array_equal(schedule(np.arange(3.0)), [0.01, 0.01 / 1e308, 0.0])


def test_spread_of_huge_estimates_is_finite_without_warnings():
    stats = experiments.spread([1e308, 1.5e308], true_w=0)
    values = np.array([1e308, 1.5e308])
    assert stats["mean"] == pytest.approx(1.25e308, rel=1e-15)
    assert stats["std"] == pytest.approx(math.sqrt(2) * 0.25e308, rel=1e-15)
    assert stats["iqr"] == pytest.approx(np.percentile(values / 4, 75) * 4 - 1.125e308, rel=1e-12)
    assert stats["mae"] == pytest.approx(1.25e308, rel=1e-15)


# ---------------------------------------------------------------------------------------------
# 12. and 14.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [np.array([0.01]), np.array([0.01, 0.02])])
def test_history_lr_never_aliases_the_callers_array(lr):
    y = np.ones((lr.size, 2)) if lr.size > 1 else np.ones(2)
    h = gd.fit(2.0, y, loss="l2", w0=0.0, lr=lr, batch_size=2, epochs=1)
    before = h.lr.copy()
    lr[...] = 99.0
    np.testing.assert_array_equal(h.lr, before)


@pytest.mark.parametrize(
    ("name", "options", "argument"),
    [
        ("constant", {"decay": 5.0}, "decay"),
        ("constant", {"rate": 0.5}, "rate"),
        ("inverse_time", {"decay": 0.1, "rate": 0.5}, "rate"),
        ("exponential", {"decay": 0.1, "rate": 0.5}, "decay"),
    ],
)
def test_a_schedule_cannot_say_one_formula_and_compute_another(name, options, argument):
    with raises_naming(ValueError, argument, f"for a '{name}' schedule") as info:
        schedules.Schedule(name, 0.1, **options)
    assert argument_of(info) == argument


def test_weighted_median_has_no_tie_tolerance():
    # The weight at 10 is larger (1 + 1e-13 > 1): 10 is the unique minimiser.
    got = gd.minimizer([1, 1 + 1e-13], [0, 10 * (1 + 1e-13)], loss="l1")
    assert got == 10.0
    assert experiments.l1_interval([1, 1 + 1e-13], [0, 10 * (1 + 1e-13)]) == (10.0, 10.0)


def test_equal_weights_that_round_differently_still_tie():
    # Ten weights of 0.1: sums from either end round the same way, so the middle is a tie.
    x = np.full(10, 0.1)
    y = x * np.arange(10.0)
    assert experiments.l1_interval(x, y) == (4.0, 5.0)
    assert gd.minimizer(x, y, loss="l1") == 4.5


# ---------------------------------------------------------------------------------------------
# Errors carry the argument, for the command line and the explorers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: losses.l1([1.0], [1.0], reduction="avg"), "reduction"),
        (lambda: losses.huber([1.0], [1.0], delta=0.0), "delta"),
        (lambda: losses.l1([1.0, 2.0], [1.0]), "y_pred"),
        (lambda: losses.get("l3"), "name"),
        (lambda: gd.fit([1.0], [1.0], loss="l3", w0=0, lr=0.1, batch_size=1, epochs=1), "loss"),
        (lambda: gd.fit([1.0], [1.0], loss="l2", w0=0, lr=-1.0, batch_size=1, epochs=1), "lr"),
        (
            lambda: gd.fit([1.0], [1.0], loss="l2", w0=0, lr=0.1, batch_size=0, epochs=1),
            "batch_size",
        ),
        (lambda: gd.fit([1.0], [1.0], loss="l2", w0=0, lr=0.1, batch_size=1, epochs=1.5), "epochs"),
        (lambda: data.linear(3, distribution="cauchy"), "distribution"),
        (lambda: data.linear(3, noise=-1.0), "noise"),
        (lambda: schedules.exponential(0.1, rate=2.0), "rate"),
        (lambda: schedules.constant(0.1)(-1), "step"),
        (lambda: experiments.compare(2.0, [[1.0]] * 3, true_w=1.0, losses=["signed"]), "losses"),
        (lambda: experiments.table({}), "comparisons"),
        (lambda: gd.stability_limit([2.0], loss="l2", batch_size=1, reduction="none"), "reduction"),
        (lambda: regression.solve([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], loss="l2"), "X"),
        (lambda: regression.solve([1.0, 2.0, 3.0], [1.0, 2.0], loss="l2"), "y"),
        (lambda: regression.l1_lines([1.0, 1.0], [1.0, 2.0]), "x"),
        (
            lambda: regression.descend([1.0], [1.0], loss="l2", epochs=1, lr=0.1, reduction="none"),
            "reduction",
        ),
        (lambda: regression.descend([1.0], [1.0], loss="l2", epochs=1, lr=lambda t: t - 1.0), "lr"),
        (
            lambda: regression.descend(
                [1.0], [1.0], loss="l2", epochs=1, lr=[0.1, 0.2], intercept0=[0.0, 1.0, 2.0]
            ),
            "intercept0",
        ),
        (lambda: interactive.apple_penalties(forecasts=(90, "95", 105)), "forecasts"),
        (lambda: interactive.descent(start={"loss": "l3"}), "start"),
        (lambda: interactive.descent(learning_rates=(0.01, 0.0)), "learning_rates"),
        (lambda: schedules.named("cosine", 0.01), "schedule"),
        (lambda: interactive.sampled_updates(10, 1), "points"),
        (lambda: interactive.experiment_data(rng=1.5), "rng"),
        (lambda: interactive.huber_delta(2.0, [1.0, 3.0], step=0.0), "step"),
    ],
)
def test_every_check_carries_the_argument_it_names(call, argument):
    with pytest.raises((ArgumentValueError, ArgumentTypeError)) as info:
        call()
    assert info.value.argument == argument
    assert argument in str(info.value)


def test_argument_errors_survive_pickling():
    import pickle  # noqa: PLC0415

    error = pickle.loads(pickle.dumps(ArgumentValueError("lr", "lr must be >= 0, got -1")))
    assert (error.argument, str(error)) == ("lr", "lr must be >= 0, got -1")


def test_numbers_beyond_float64_are_not_finite_scalars():
    for huge in (10**400, Fraction(10**400)):
        with raises_naming(ValueError, "delta", "finite"):
            losses.huber([1.0], [1.0], delta=huge)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The stability limit of descent
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["l2", "huber"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_descent_settles_just_below_the_stability_limit_and_blows_up_just_above(loss, reduction):
    x, y = data.linear(20)  # noise-free: w* = 1, every residual small near the end
    limit = gd.stability_limit(x, loss=loss, batch_size=2, reduction=reduction)
    options = {"loss": loss, "batch_size": 2, "reduction": reduction, "epochs": 300}
    below = gd.fit(x, y, w0=1.0 + 1e-3, lr=0.97 * limit, **options)
    above = gd.fit(x, y, w0=1.0 + 1e-3, lr=1.03 * limit, **options)
    assert abs(below.final_w - 1.0) < 1e-6
    assert above.diverged or abs(above.final_w - 1.0) > 1e-3


def test_stability_limit_follows_its_formula_for_uneven_inputs():
    x = np.array([1.0, 3.0, 2.0, 0.5, 1.0])
    # The largest sum of 2 squares is 9 + 4; with mean, a last batch of 1 may hold x = 3 alone.
    assert gd.stability_limit(x, loss="l2", batch_size=2) == pytest.approx(2 / (2 * 13))
    want = 2 / (2 * max(13 / 2, 9))
    assert gd.stability_limit(x, loss="l2", batch_size=2, reduction="mean") == pytest.approx(want)


@pytest.mark.parametrize("loss", ["l1", "signed"])
def test_losses_with_bounded_steps_have_no_stability_limit(loss):
    assert gd.stability_limit([2.0] * 20, loss=loss, batch_size=2) == math.inf


@pytest.mark.parametrize(
    "lr",
    [[1.0, [2.0, 3.0]], lambda t: [0.01, [0.02]], lambda t: np.ma.masked_array(0.01 + 0 * t)],
    ids=["ragged rates", "schedule returning ragged", "schedule returning masked"],
)
def test_fit_refuses_rates_that_are_not_plain_numbers_naming_lr(lr):
    # Found by tests/test_fuzz.py: a ragged lr once reached NumPy before any check.
    x, y = data.linear(4)
    with pytest.raises((TypeError, ValueError), match=r"^lr\b") as info:
        gd.fit(x, y, loss="l2", w0=0.0, lr=lr, batch_size=2, epochs=1)
    assert argument_of(info) == "lr"


def test_l1_minimizer_whose_interval_spans_both_infinities_is_an_error_without_warnings():
    # Found by tests/test_fuzz.py: ratios y/x of subnormal x of both signs overflow to -inf and
    # inf, and the midpoint of the interval was computed (with a warning) before being refused.
    x = [5e-324, -5e-324, 5e-324, 5e-324, 0.0]
    with raises_naming(ValueError, "y", "float64 range"):
        gd.minimizer(x, [1.0, 2.0, 3.0, 4.0, 5.0], loss="l1")
