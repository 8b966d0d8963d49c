"""Bad input is rejected at the public surface with a message that names the argument."""

from __future__ import annotations

import re
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import l1l2
from l1l2 import data, gd, losses, plotting, schedules
from l1l2._validation import ArgumentValueError, check_choice
from l1l2.data import linear

LOSS_FUNCTIONS = [
    getattr(losses, name + suffix)
    for name in ("signed", "l1", "l2", "huber")
    for suffix in ("", "_grad")
]
by_name = pytest.mark.parametrize("fn", LOSS_FUNCTIONS, ids=lambda fn: fn.__name__)

NOT_NUMBERS = {
    "strings": ["1.0", "2.0"],
    "booleans": [True, False],
    "complex": [1 + 2j, 3 + 0j],
    "objects": [object(), object()],
    "none": None,
    "datetimes": np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
}
NOT_FINITE = {"nan": [1.0, np.nan], "inf": [np.inf, 1.0], "minus inf": [1.0, -np.inf]}


@by_name
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
@pytest.mark.parametrize("bad", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
def test_losses_reject_values_that_are_not_real_numbers(fn, argument, bad):
    args = {"y_true": [1.0, 2.0], "y_pred": [1.5, 2.5], argument: bad}
    with pytest.raises(TypeError, match=rf"^{argument} must hold real numbers"):
        fn(args["y_true"], args["y_pred"])


@by_name
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
@pytest.mark.parametrize("bad", NOT_FINITE.values(), ids=NOT_FINITE.keys())
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_reject_nan_and_infinity(fn, argument, bad, reduction):
    args = {"y_true": [1.0, 2.0], "y_pred": [1.5, 2.5], argument: bad}
    with pytest.raises(ValueError, match=rf"^{argument} must hold finite numbers"):
        fn(args["y_true"], args["y_pred"], reduction=reduction)


@by_name
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_losses_reject_empty_arrays(fn, argument):
    args = {"y_true": [1.0], "y_pred": [1.0], argument: []}
    with pytest.raises(ValueError, match=rf"^{argument} must not be empty"):
        fn(args["y_true"], args["y_pred"])


@by_name
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_losses_reject_ragged_arrays(fn, argument):
    args = {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0], argument: [1.0, [2.0, 3.0]]}
    with pytest.raises(ValueError, match=rf"^{argument} must be a rectangular array"):
        fn(args["y_true"], args["y_pred"])


@by_name
@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [([1.0, 2.0], [1.0, 2.0, 3.0]), ([[1.0, 2.0]], [1.0, 2.0]), ([1.0, 2.0], [[1.0], [2.0]])],
)
def test_losses_reject_mismatched_shapes(fn, y_true, y_pred):
    with pytest.raises(ValueError, match=r"^y_true and y_pred must have the same shape"):
        fn(y_true, y_pred)


@by_name
@pytest.mark.parametrize("reduction", ["avg", "MEAN", "", None, 0, "batchmean"])
def test_losses_reject_an_unknown_reduction(fn, reduction):
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum', 'none', got"):
        fn([1.0], [2.0], reduction=reduction)


@pytest.mark.parametrize("fn", [losses.huber, losses.huber_grad], ids=lambda fn: fn.__name__)
@pytest.mark.parametrize(
    ("delta", "error", "message"),
    [
        (0.0, ValueError, r"delta must be > 0, got 0\.0"),
        (-1.0, ValueError, r"delta must be > 0, got -1\.0"),
        (np.nan, ValueError, r"delta must be finite, got nan"),
        (np.inf, ValueError, r"delta must be finite, got inf"),
        ("1", TypeError, r"delta must be a real number, got '1'"),
        (True, TypeError, r"delta must be a real number, got True"),
        (None, TypeError, r"delta must be a real number, got None"),
    ],
)
def test_huber_rejects_a_bad_delta(fn, delta, error, message):
    with pytest.raises(error, match=rf"^{message}"):
        fn([1.0], [2.0], delta=delta)


def test_error_message_points_at_the_first_bad_value():
    with pytest.raises(ValueError, match=r"got nan at index 3 \(of 5 values\)"):
        losses.l2([0.0] * 5, [0.0, 1.0, 2.0, np.nan, np.inf])


def test_integer_inputs_are_accepted_as_numbers():
    assert losses.l2([1, 2, 3], [2, 2, 2]) == pytest.approx(2 / 3)
    assert losses.l1(np.arange(3, dtype=np.uint8), [1.0, 1.0, 1.0]) == pytest.approx(2 / 3)


def test_the_shared_checks_guard_every_entry_point():
    x, y = linear(4)
    with pytest.raises(ValueError, match=r"^y must hold finite numbers"):
        gd.fit(x, [1.0, np.nan, 2.0, 2.0], loss="l2", w0=0.0, lr=0.1, batch_size=2, epochs=1)
    with pytest.raises(TypeError, match=r"^x must hold real numbers"):
        gd.fit(["a"] * 4, y, loss="l2", w0=0.0, lr=0.1, batch_size=2, epochs=1)
    with pytest.raises(ValueError, match=r"^w0 must hold finite numbers"):
        gd.fit(x, y, loss="l2", w0=np.inf, lr=0.1, batch_size=2, epochs=1)
    with pytest.raises(ValueError, match=r"^y must not be empty"):
        gd.minimizer(2.0, [], loss="l1")
    with pytest.raises(TypeError, match=r"^y must hold real numbers"):
        gd.minimizer(2.0, [1 + 1j], loss="l2")


# ---------------------------------------------------------------------------------------------
# Properties of the checks
# ---------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6)
finite_arrays = hnp.arrays(np.float64, st.integers(1, 20), elements=finite)


@given(finite_arrays, st.data(), st.sampled_from([np.nan, np.inf, -np.inf]))
def test_any_non_finite_prediction_is_reported_with_its_index(y_pred, data, bad):
    index = data.draw(st.integers(0, y_pred.size - 1))
    y_pred[index] = bad
    fn = data.draw(st.sampled_from(LOSS_FUNCTIONS))
    where = f" at index {index} " if y_pred.size > 1 else "$"
    message = rf"^y_pred must hold finite numbers, got {bad}{where}"
    with pytest.raises(ValueError, match=message):
        fn(np.zeros_like(y_pred), y_pred, reduction=data.draw(st.sampled_from(["mean", "none"])))


@given(finite_arrays, finite_arrays, st.sampled_from(LOSS_FUNCTIONS))
def test_any_two_lengths_that_differ_are_rejected(y_true, y_pred, fn):
    if y_true.size == y_pred.size:
        y_pred = np.append(y_pred, 0.0)
    with pytest.raises(ValueError, match=rf"same shape, got \({y_true.size},\) and"):
        fn(y_true, y_pred)


@given(st.text(max_size=10).filter(lambda s: s not in {"mean", "sum", "none"}))
def test_any_other_reduction_name_is_rejected(reduction):
    with pytest.raises(ValueError, match=r"^reduction must be one of"):
        losses.l1([1.0], [2.0], reduction=reduction)


@given(hnp.arrays(np.bool_, st.integers(1, 10)))
def test_any_boolean_array_is_rejected(flags):
    with pytest.raises(TypeError, match=r"^y_true must hold real numbers .* got dtype bool"):
        losses.l2(flags, np.zeros(flags.size))


@given(st.floats(max_value=0.0, exclude_max=True, allow_infinity=False))
def test_any_negative_learning_rate_is_rejected(lr):
    with pytest.raises(ValueError, match=r"^lr must be >= 0, got"):
        gd.fit(2.0, [2.0, 2.0], loss="l2", w0=0.0, lr=lr, batch_size=1, epochs=1)


@given(st.floats(max_value=0.0, allow_infinity=False))
def test_any_non_positive_delta_is_rejected(delta):
    with pytest.raises(ValueError, match=rf"^delta must be > 0, got {re.escape(repr(delta))}"):
        losses.huber([1.0], [2.0], delta=delta)


@given(st.integers(max_value=0))
def test_any_batch_size_below_one_is_rejected(batch_size):
    with pytest.raises(ValueError, match=rf"^batch_size must be an integer >= 1, got {batch_size}"):
        gd.fit(2.0, [2.0, 2.0], loss="l2", w0=0.0, lr=0.1, batch_size=batch_size, epochs=1)


@given(st.integers(max_value=0))
def test_any_sample_count_below_one_is_rejected(n):
    with pytest.raises(ValueError, match=rf"^n must be an integer >= 1, got {n}"):
        linear(n)


@given(finite_arrays, st.floats(min_value=1e-3, max_value=1e3))
def test_valid_input_is_never_rejected(y_pred, delta):
    for fn in LOSS_FUNCTIONS:
        kwargs = {"delta": delta} if "huber" in fn.__name__ else {}
        fn(y_pred[::-1], y_pred, **kwargs)


@pytest.mark.parametrize("rng", ["x", 1.5, True, [1, 2]])
def test_linear_rejects_an_rng_that_is_not_a_seed_or_generator(rng):
    with pytest.raises(TypeError, match=r"^rng must be None, an int seed"):
        data.linear(4, noise=1.0, rng=rng)


def test_linear_rejects_a_negative_seed():
    with pytest.raises(ValueError, match=r"^rng must be a seed >= 0, got -1"):
        data.linear(4, noise=1.0, rng=-1)


def test_fit_rejects_delta_with_a_custom_pair():
    x, y = data.linear(4)
    pair = (losses.huber, losses.huber_grad)
    with pytest.raises(ValueError, match=r"^delta applies to loss='huber' only"):
        gd.fit(x, y, loss=pair, w0=0.0, lr=0.1, batch_size=2, epochs=1, delta=0.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "bogus", "lr0": 0.1}, r"^name must be one of"),
        ({"name": "constant", "lr0": -1.0}, r"^lr0 must be >= 0"),
        ({"name": "exponential", "lr0": 0.1, "rate": 2.0}, r"^rate must be <= 1"),
    ],
)
def test_a_hand_built_schedule_is_checked_like_a_factory_built_one(kwargs, match):
    with pytest.raises(ValueError, match=match):
        schedules.Schedule(**kwargs)


def test_plot_lr_rejects_a_list_of_schedules():
    with pytest.raises(TypeError, match=r"^schedules must be a non-empty mapping"):
        plotting.plot_lr([schedules.constant(0.1)], 10)  # type: ignore[arg-type]


# Every module of the package but _validation itself, which builds the errors.
PACKAGE = Path(l1l2.__file__).parent
MODULES = sorted(
    path.relative_to(PACKAGE).as_posix()
    for path in PACKAGE.rglob("*.py")
    if path.name != "_validation.py"
)


def test_the_module_list_holds_the_core_and_the_newer_modules():
    for module in ("losses.py", "gd.py", "_engine.py", "regression.py", "interactive.py", "cli.py"):
        assert module in MODULES
    assert "widgets/_experiment.py" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_modules_raise_only_errors_that_carry_their_argument(module):
    # One validation path: every error the package raises is built by _validation's helpers or
    # is an ArgumentValueError/ArgumentTypeError, never a bare ValueError or TypeError.
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert not re.search(r"raise (ValueError|TypeError)\(", source)
    assert "must be one of" not in source  # written once, in check_choice


def test_check_choice_names_the_argument_the_value_and_the_choices():
    with pytest.raises(
        ArgumentValueError, match=r"^loss must be one of 'a', 'b', got 'c'$"
    ) as info:
        check_choice("c", "loss", ("a", "b"))
    assert info.value.argument == "loss"
    assert check_choice("b", "loss", ("a", "b")) == "b"


@pytest.mark.parametrize(
    ("values", "dtype", "first"),
    [
        ([2**53 + 1, 0, 0, 0, 0], np.int64, 2**53 + 1),  # rounds down to 2**53: same size
        ([0, 0, -(2**53) - 1, 0, 0], np.int64, -(2**53) - 1),
        ([2**63 - 1, 0, 0, 0, 0], np.int64, 2**63 - 1),  # rounds to 2**63, beyond int64
        ([2**64 - 1, 0, 0, 0, 0], np.uint64, 2**64 - 1),
    ],
)
@pytest.mark.parametrize("argument", ["X", "y"])
def test_integers_that_float64_would_round_are_refused_naming_the_argument(
    values: list[int], dtype: type, first: int, argument: str
) -> None:
    from l1l2.regression import solve  # noqa: PLC0415

    given = {"X": np.arange(5.0), "y": np.arange(5.0)}
    given[argument] = np.array(values, dtype=dtype)
    with pytest.raises(ValueError, match=f"got {first} at index") as caught:
        solve(given["X"], given["y"], loss="l1")
    assert getattr(caught.value, "argument", None) == argument
    assert "float64 holds exactly" in str(caught.value)


def test_integers_that_float64_holds_exactly_are_read_at_any_size() -> None:
    from l1l2._validation import as_float_array  # noqa: PLC0415

    held = np.array([2**53, -(2**53), 2**53 + 2, 2**62, -(2**63), 7], dtype=np.int64)
    assert as_float_array(held, "y").tolist() == [float(v) for v in held.tolist()]
    assert as_float_array(np.array([2**31 - 1], dtype=np.int32), "y").tolist() == [2**31 - 1]
