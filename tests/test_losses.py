"""Values, gradients and properties of the losses in :mod:`l1l2.losses`."""

from __future__ import annotations

import math
from collections.abc import Callable

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from l1l2 import _engine, losses
from l1l2.data import apple_harvest

REDUCTIONS = ("mean", "sum", "none")
NAMES = ("signed", "l1", "l2", "huber")


def huber_reference(r: np.ndarray, delta: float) -> np.ndarray:
    """Per-sample Huber loss straight from its two-branch definition."""
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))


# Per-sample losses and derivatives in the residual r = y_pred - y_true, written independently.
REFERENCE: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "signed": lambda r, _: r,
    "l1": lambda r, _: np.abs(r),
    "l2": lambda r, _: r**2,
    "huber": huber_reference,
}
REFERENCE_GRAD: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "signed": lambda r, _: np.ones_like(r),
    "l1": lambda r, _: np.sign(r),
    "l2": lambda r, _: 2 * r,
    "huber": lambda r, d: np.where(np.abs(r) <= d, r, d * np.sign(r)),
}


def reduce_reference(values: np.ndarray, reduction: str) -> float | np.ndarray:
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "sum":
        return float(np.sum(values))
    return values


def call(name: str, y_true, y_pred, *, reduction: str, delta: float = 1.0, grad: bool = False):
    """Call the loss (or gradient) called ``name``, passing ``delta`` to Huber only."""
    fn = getattr(losses, f"{name}_grad" if grad else name)
    if name == "huber":
        return fn(y_true, y_pred, delta=delta, reduction=reduction)
    return fn(y_true, y_pred, reduction=reduction)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4), (50, 1500)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_loss_matches_independent_formula(name: str, reduction: str, shape: tuple[int, ...]):
    rng = np.random.default_rng(0)
    y_true = rng.normal(10.0, 3.0, shape)
    y_pred = y_true + rng.normal(0.0, 2.0, shape)
    delta = 1.3
    got = call(name, y_true, y_pred, reduction=reduction, delta=delta)
    want = reduce_reference(REFERENCE[name](y_pred - y_true, delta), reduction)
    if reduction == "none":
        assert got.shape == shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    else:
        assert isinstance(got, float)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_independent_formula(name: str, reduction: str):
    rng = np.random.default_rng(1)
    y_true = rng.normal(0.0, 1.0, 9)
    y_pred = y_true + rng.normal(0.0, 2.0, 9)
    delta = 0.8
    got = call(name, y_true, y_pred, reduction=reduction, delta=delta, grad=True)
    want = REFERENCE_GRAD[name](y_pred - y_true, delta) / (9 if reduction == "mean" else 1)
    assert got.shape == y_pred.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_apple_l1_is_twenty_thirds():
    y_true, y_pred = apple_harvest()
    assert losses.l1(y_true, y_pred) == pytest.approx(20 / 3, rel=1e-15)


def test_apple_l2_is_fifty():
    y_true, y_pred = apple_harvest()
    assert losses.l2(y_true, y_pred) == pytest.approx(50.0, rel=1e-15)


def test_apple_rmse_is_root_fifty():
    y_true, y_pred = apple_harvest()
    assert math.sqrt(losses.l2(y_true, y_pred)) == pytest.approx(math.sqrt(50.0), rel=1e-15)


def test_apple_signed_errors_partly_cancel():
    y_true, y_pred = apple_harvest()
    assert losses.signed(y_true, y_pred) == pytest.approx((-10 - 5 + 5) / 3, rel=1e-15)


def test_apple_sums_are_n_times_the_means():
    y_true, y_pred = apple_harvest()
    assert losses.l1(y_true, y_pred, reduction="sum") == pytest.approx(20.0)
    assert losses.l2(y_true, y_pred, reduction="sum") == pytest.approx(150.0)


def test_huber_is_half_the_square_inside_delta():
    r = np.array([-1.5, -0.3, 0.0, 0.7, 2.0])
    got = losses.huber(np.zeros_like(r), r, delta=2.0, reduction="none")
    np.testing.assert_allclose(got, 0.5 * r**2, rtol=1e-15)


def test_huber_is_linear_beyond_delta():
    r = np.array([-9.0, -2.5, 2.5, 40.0])
    got = losses.huber(np.zeros_like(r), r, delta=2.0, reduction="none")
    np.testing.assert_allclose(got, 2.0 * np.abs(r) - 2.0**2 / 2, rtol=1e-15)


@pytest.mark.parametrize("delta", [0.1, 1.0, 7.5])
def test_huber_is_continuous_at_delta(delta: float):
    eps = 1e-9 * delta
    at = delta**2 / 2
    for side in (-1.0, 1.0):
        r = side * np.array([delta - eps, delta, delta + eps])
        got = losses.huber(np.zeros(3), r, delta=delta, reduction="none")
        np.testing.assert_allclose(got, at, rtol=1e-8)


@pytest.mark.parametrize("delta", [0.1, 1.0, 7.5])
def test_huber_slope_is_continuous_at_delta(delta: float):
    eps = 1e-9 * delta
    r = np.array([delta - eps, delta + eps, -delta + eps, -delta - eps])
    got = losses.huber_grad(np.zeros(4), r, delta=delta, reduction="none")
    np.testing.assert_allclose(got, [delta, delta, -delta, -delta], rtol=1e-8)


def test_huber_with_delta_beyond_every_residual_is_half_l2():
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.normal(size=20), rng.normal(size=20)
    assert losses.huber(y_true, y_pred, delta=100.0) == pytest.approx(
        0.5 * losses.l2(y_true, y_pred), rel=1e-12
    )


def test_l1_gradient_of_a_zero_residual_is_zero():
    got = losses.l1_grad([1.0, 2.0, 3.0], [1.0, 5.0, 0.0], reduction="sum")
    np.testing.assert_array_equal(got, [0.0, 1.0, -1.0])


def test_signed_gradient_ignores_the_predictions():
    got = losses.signed_grad([0.0, 0.0, 0.0], [-100.0, 0.0, 1e9], reduction="mean")
    np.testing.assert_allclose(got, np.full(3, 1 / 3), rtol=1e-15)


def test_signed_is_accurate_when_predictions_are_close_to_large_targets():
    # The residuals are [0, 1]; adding up predictions and targets separately would round 1e16 + 1.
    y_true, y_pred = [1e16, 1.0], [1e16, 2.0]
    assert losses.signed(y_true, y_pred, reduction="sum") == 1.0
    assert losses.signed([1e308, 1e308], [1e308, 1e308]) == 0.0


@pytest.mark.parametrize("n", [2, 20, 100_000])
@pytest.mark.parametrize("name", NAMES)
def test_a_loss_too_large_for_floats_is_an_error_naming_y_pred(name, n):
    # n times 1e308 is beyond float64: an error says so, rather than a silent inf.
    y_true, y_pred = np.zeros(n), np.full(n, 1e308)
    with pytest.raises(ValueError, match=r"^y_pred is so far from y_true") as caught:
        call(name, y_true, y_pred, reduction="sum")
    assert caught.value.argument == "y_pred"


@pytest.mark.parametrize("name", NAMES)
def test_per_sample_values_beyond_floats_are_an_error_and_finite_ones_are_returned(name):
    y_true, y_pred = np.zeros(3), np.full(3, 1e308)
    with np.errstate(over="ignore"):  # the reference's unused Huber branch overflows
        want = REFERENCE[name](np.full(3, 1e308), 1.0) if name != "l2" else None
    if want is None:  # 1e308 squared is beyond float64
        with pytest.raises(ValueError, match=r"^y_pred is so far"):
            call(name, y_true, y_pred, reduction="none")
    else:
        np.testing.assert_array_equal(call(name, y_true, y_pred, reduction="none"), want)


def test_losses_do_not_modify_their_inputs():
    y_true, y_pred = np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.5, 9.0])
    before = y_true.copy(), y_pred.copy()
    for name in NAMES:
        for reduction in REDUCTIONS:
            call(name, y_true, y_pred, reduction=reduction)
            call(name, y_true, y_pred, reduction=reduction, grad=True)
    np.testing.assert_array_equal(y_true, before[0])
    np.testing.assert_array_equal(y_pred, before[1])


def test_default_reduction_is_mean():
    y_true, y_pred = [0.0, 0.0], [1.0, 3.0]
    for name in NAMES:
        assert call(name, y_true, y_pred, reduction="mean") == getattr(losses, name)(y_true, y_pred)


@pytest.mark.parametrize("name", NAMES)
def test_get_returns_the_named_loss_and_gradient(name: str):
    loss, grad = losses.get(name)
    assert loss is getattr(losses, name)
    assert grad is getattr(losses, f"{name}_grad")


@pytest.mark.parametrize("name", ["l3", "L1", "mse", "", None, 1])
def test_get_rejects_an_unknown_name(name: object):
    with pytest.raises(ValueError, match=r"^name must be one of 'signed', 'l1', 'l2', 'huber'"):
        losses.get(name)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Gradients against central finite differences
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "delta"), [(n, 1.0) for n in NAMES] + [("huber", 0.6)])
def test_gradient_matches_central_differences(name: str, delta: float, reduction: str):
    rng = np.random.default_rng(3)
    n, h = 8, 1e-6
    # Residuals of both signs, at least 0.1 away from the kinks at 0 and at +-delta.
    size = np.concatenate([rng.uniform(0.1, 0.5, n // 2), rng.uniform(1.1, 3.0, n - n // 2)])
    residual = size * rng.choice([-1.0, 1.0], n)
    y_true = rng.normal(0.0, 5.0, n)
    y_pred = y_true + residual

    def f(p: np.ndarray):
        return call(name, y_true, p, reduction=reduction, delta=delta)

    grad = call(name, y_true, y_pred, reduction=reduction, delta=delta, grad=True)
    if reduction == "none":  # element-wise losses: one derivative per element
        numeric = (f(y_pred + h) - f(y_pred - h)) / (2 * h)
    else:
        eye = np.eye(n) * h
        numeric = np.array([(f(y_pred + e) - f(y_pred - e)) / (2 * h) for e in eye])
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions of one (possibly 2-D) shape."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=12))
    y_true = draw(hnp.arrays(np.float64, shape, elements=finite))
    y_pred = draw(hnp.arrays(np.float64, shape, elements=finite))
    return y_true, y_pred


deltas = st.floats(min_value=1e-3, max_value=1e3)
distances = st.sampled_from(("l1", "l2", "huber"))
reductions = st.sampled_from(REDUCTIONS)


@given(pairs(), distances, reductions, deltas)
def test_distance_losses_are_never_negative(data, name, reduction, delta):
    value = call(name, *data, reduction=reduction, delta=delta)
    assert np.all(np.asarray(value) >= 0)


@given(pairs(), distances, reductions, deltas)
def test_distance_losses_are_symmetric(data, name, reduction, delta):
    y_true, y_pred = data
    forward = call(name, y_true, y_pred, reduction=reduction, delta=delta)
    backward = call(name, y_pred, y_true, reduction=reduction, delta=delta)
    np.testing.assert_allclose(forward, backward, rtol=1e-12)


@given(pairs(), reductions)
def test_signed_loss_changes_sign_when_the_arguments_swap(data, reduction):
    y_true, y_pred = data
    forward = losses.signed(y_true, y_pred, reduction=reduction)
    backward = losses.signed(y_pred, y_true, reduction=reduction)
    np.testing.assert_allclose(forward, -np.asarray(backward), rtol=1e-12, atol=1e-300)


@given(pairs(), distances, deltas)
def test_loss_of_a_perfect_prediction_is_zero(data, name, delta):
    y_true, _ = data
    assert call(name, y_true, y_true.copy(), reduction="sum", delta=delta) == 0.0


@given(pairs())
def test_mean_absolute_error_is_at_most_root_mean_squared_error(data):
    mae = losses.l1(*data)
    rmse = math.sqrt(losses.l2(*data))
    # The slack covers residuals below 1e-154, whose squares underflow to zero.
    assert mae <= rmse * (1 + 1e-12) + 1e-150


@given(pairs(), deltas)
def test_huber_lies_between_its_linear_and_quadratic_bounds(data, delta):
    y_true, y_pred = data
    value = losses.huber(y_true, y_pred, delta=delta, reduction="none")
    a = np.abs(y_pred - y_true)
    tol = 1e-12 * (a**2 + delta * a) + 1e-300
    assert np.all(value <= 0.5 * a**2 + tol)
    assert np.all(value <= delta * a + tol)
    assert np.all(value >= delta * a - 0.5 * delta**2 - tol)


@given(pairs(), st.sampled_from(NAMES), deltas)
def test_reductions_agree(data, name, delta):
    none = call(name, *data, reduction="none", delta=delta)
    total = call(name, *data, reduction="sum", delta=delta)
    mean = call(name, *data, reduction="mean", delta=delta)
    # Relative to the total, plus a few subnormal steps: a mean of subnormals has few bits.
    tol = 1e-12 * none.size * float(np.sum(np.abs(none))) + 4 * none.size * 5e-324
    assert total == pytest.approx(float(np.sum(none)), rel=1e-12, abs=tol)
    assert mean * none.size == pytest.approx(total, rel=1e-12, abs=tol)


@given(pairs(), st.sampled_from(NAMES), deltas)
def test_gradient_reductions_agree(data, name, delta):
    none = call(name, *data, reduction="none", delta=delta, grad=True)
    total = call(name, *data, reduction="sum", delta=delta, grad=True)
    mean = call(name, *data, reduction="mean", delta=delta, grad=True)
    np.testing.assert_allclose(total, none, rtol=1e-15)
    np.testing.assert_allclose(mean * none.size, total, rtol=1e-12, atol=1e-300)


@given(pairs())
def test_l1_gradient_is_minus_one_zero_or_one(data):
    grad = losses.l1_grad(*data, reduction="sum")
    assert set(np.unique(grad)) <= {-1.0, 0.0, 1.0}


@given(pairs(), deltas)
def test_huber_gradient_never_exceeds_delta(data, delta):
    grad = losses.huber_grad(*data, delta=delta, reduction="sum")
    assert np.all(np.abs(grad) <= delta)


# ---------------------------------------------------------------------------------------------
# The Loss records and the engine that reduces their formulas
# ---------------------------------------------------------------------------------------------


def test_every_loss_has_one_record_named_as_its_key():
    assert losses.LOSS_NAMES == NAMES
    assert tuple(losses.LOSSES) == (*NAMES, "quantile")  # the pinball loss: not for descent
    for name, record in losses.LOSSES.items():
        assert record.name == name
        assert record.label
        assert (record.settle is None) == (name in {"signed", "quantile"})
        assert record.uses_delta == (name == "huber")
        assert record.uses_quantile == (name == "quantile")


@pytest.mark.parametrize("name", NAMES)
def test_record_derivative_is_the_slope_of_its_value(name):
    record = losses.LOSSES[name]
    delta, h = 1.3, 1e-6
    r = np.array([-3.0, -1.0, -0.4, 0.3, 0.9, 2.5])

    def value(points: np.ndarray) -> np.ndarray:
        return record.value(points.copy(), delta, np.empty_like(points))

    slope = (value(r + h) - value(r - h)) / (2 * h)
    got = record.derivative(r.copy(), delta, np.empty_like(r))
    np.testing.assert_allclose(got, slope, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_record_degree_is_the_homogeneity_of_its_value(name):
    record = losses.LOSSES[name]
    r, delta, s = np.array([-3.0, -0.5, 0.25, 2.0]), 0.75, 8.0
    plain = record.value(r.copy(), delta, np.empty_like(r))
    scaled = record.value(r * s, delta * s, np.empty_like(r))
    np.testing.assert_allclose(scaled, s**record.degree * plain, rtol=1e-15)


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_record_settle_point_is_a_minimum_of_the_total_loss(name):
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0.5, 3.0, 15), rng.normal(2.0, 3.0, 15)
    record = losses.LOSSES[name]
    assert record.settle is not None
    w = float(record.settle(x, y, 1.0))

    def total(weight: float) -> float:
        r = weight * x - y
        return float(np.sum(record.value(r, 1.0, np.empty_like(r))))

    for step in (1e-3, 1e-1, 1.0):
        assert total(w) <= total(w + step) + 1e-12
        assert total(w) <= total(w - step) + 1e-12


BLOCK = _engine.BLOCK


@pytest.mark.parametrize(
    "size", [1, 3, 7, 8, 100, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5], ids=str
)
@pytest.mark.parametrize("name", NAMES)
def test_engine_reduces_a_formula_like_the_plain_expression_at_every_size(name, size):
    # Below SMALL values, one block, and several blocks with a shorter last one: one engine.
    rng = np.random.default_rng(size)
    y_true = rng.normal(100.0, 10.0, size)
    y_pred = y_true + rng.normal(0.0, 3.0, size)
    record = losses.LOSSES[name]
    plain = REFERENCE[name](y_pred - y_true, 0.8)
    for reduction in REDUCTIONS:
        got = _engine.reduce(
            y_true,
            y_pred,
            record.value,
            delta=0.8,
            degree=record.degree,
            reduction=reduction,
        )
        want = reduce_reference(plain, reduction)
        if reduction == "none":
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
        else:
            assert got == pytest.approx(want, rel=1e-12)


def test_engine_keeps_no_full_size_temporary_for_a_large_total():
    import tracemalloc  # noqa: PLC0415

    y_true, y_pred = np.zeros(10 * BLOCK), np.ones(10 * BLOCK)
    tracemalloc.start()
    try:
        losses.huber(y_true, y_pred)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * BLOCK * 8  # two block buffers, not ten blocks' worth


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_huber_with_a_tiny_delta_and_a_residual_beyond_float64_is_exact(reduction):
    # The residual 2e308 overflows, the loss delta * (|r| - delta / 2) = 2e108 does not: scaling
    # the inputs all the way down would shrink delta to 0 and give 0.
    value = losses.huber([-1e308], [1e308], delta=1e-200, reduction=reduction)
    assert value == pytest.approx(2e108, rel=1e-15)
    per_sample = losses.huber([-1e308], [1e308], delta=1e-200, reduction="none")
    assert per_sample[0] == pytest.approx(2e108, rel=1e-15)
    two = losses.huber([-1e308, 0.0], [1e308, 1e-300], delta=1e-200, reduction=reduction)
    assert two == pytest.approx(2e108 / (2 if reduction == "mean" else 1), rel=1e-15)
