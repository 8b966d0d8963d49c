"""Every public function of the numerical core, fed bad and extreme values one argument at a time.

The other arguments stay valid. Whatever the value, the call either raises a ValueError or
TypeError whose message names the argument (and whose ``.argument`` says which input is wrong),
or returns a finite result that matches an independent formula: exact rational arithmetic
(:class:`fractions.Fraction`) for the losses, gradients and the L2 minimiser, a plain Python loop
for descent. Never another exception type and never a NumPy warning (the tests run with warnings
as errors). Each test has a deadline, so a hang fails too.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from datetime import timedelta
from fractions import Fraction
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l1l2 import data, experiments, gd, losses, schedules

FUZZ = settings(
    max_examples=2 * settings.default.max_examples,  # 200; HYPOTHESIS_PROFILE=thorough: 4000
    deadline=timedelta(seconds=5),  # a hang fails; a busy machine does not
    suppress_health_check=[HealthCheck.too_slow],
)
TOP = Fraction(np.finfo(np.float64).max)

# ---------------------------------------------------------------------------------------------
# The corpus: bad and extreme inputs
# ---------------------------------------------------------------------------------------------

EXTREME_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1.7e308, 1e-308, 5e-324, -5e-324,
                  0.0, -0.0, 1e154, 1e-154]  # fmt: skip
ODD_VALUES: list[Any] = [
    True,
    False,
    np.True_,
    1 + 2j,
    np.complex128(1.0),
    "abc",
    "1.0",
    None,
    object(),
    [],
    [[]],
    [1.0, [2.0, 3.0]],  # ragged
    np.ma.masked_array([1.0, 2.0, 1e6], mask=[0, 0, 1]),
    np.array(1.0),  # 0-d
    np.ones((2, 3)),  # wrong shape
    np.ones((2, 2, 2)),
    np.array(["a", "b", "c"]),
    np.array([1, 2, 3], dtype="datetime64[D]"),
    np.array([1.0, 2.0, 3.0], dtype=np.float16),
    np.array([1.0, 2.0, 3.0], dtype=np.longdouble) * np.longdouble(1e300) ** 2,  # beyond float64
    [True, 2.0, 3.0],
    10**20,
    -(10**20),
    10**400,
    Fraction(10**400),
    -1,
    0,
    1,
    2,
    1.5,
    np.int64(2**62),
    np.float64(math.nan),
    {"a": 1},
    (1.0, 2.0, 3.0),
    np.random.RandomState(0),
]
float_lists = st.lists(st.sampled_from(EXTREME_FLOATS) | st.floats(), min_size=1, max_size=5)
float_arrays = hnp.arrays(
    np.float64,
    st.sampled_from([(3,), (3,), (1,), (2,), (1, 3), (0,)]),
    elements=st.sampled_from(EXTREME_FLOATS) | st.floats(allow_subnormal=True),
)
CORPUS = st.one_of(
    st.sampled_from(ODD_VALUES), st.sampled_from(EXTREME_FLOATS), float_lists, float_arrays
)


def check_outcome(call: Callable[[], Any], argument: str) -> Any:
    """Return the call's result, or None if it raised an error that names ``argument``."""
    try:
        return call()
    except (ValueError, TypeError) as error:
        caught: ValueError | TypeError = error
    message = str(caught)
    assert re.search(rf"(?<![\w.]){re.escape(argument)}(?!\w)", message), (argument, message)
    assert getattr(caught, "argument", None) is not None, f"no .argument on {caught!r}"
    return None


# ---------------------------------------------------------------------------------------------
# Exact references
# ---------------------------------------------------------------------------------------------


def exact_value(name: str, r: Fraction, delta: Fraction) -> Fraction:
    if name == "signed":
        return r
    if name == "l1":
        return abs(r)
    if name == "l2":
        return r * r
    return r * r / 2 if abs(r) <= delta else delta * (abs(r) - delta / 2)


def exact_derivative(name: str, r: Fraction, delta: Fraction) -> Fraction:
    if name == "signed":
        return Fraction(1)
    if name == "l1":
        return Fraction((r > 0) - (r < 0))
    if name == "l2":
        return 2 * r
    return max(-delta, min(r, delta))


def fractions_of(a: Any) -> list[Fraction]:
    return [Fraction(float(v)) for v in np.asarray(a, dtype=np.float64).ravel()]


def holds_bool(a: Any) -> bool:
    if isinstance(a, (list, tuple)):
        return any(map(holds_bool, a))
    return isinstance(a, (bool, np.bool_))


def plain_reals(a: Any) -> tuple[tuple[int, ...], list[Fraction]] | None:
    """Return the shape and exact values of ``a`` if it is a valid input, judged independently.

    Valid: a non-empty, rectangular, unmasked array of finite ints or floats (no bools).
    """
    if a is None or isinstance(a, (str, bytes, dict, np.ma.MaskedArray)) or holds_bool(a):
        return None
    try:
        array = np.asarray(a)
    except ValueError:
        return None
    if array.dtype.kind not in "iuf" or array.size == 0:
        return None
    with np.errstate(over="ignore"):
        values = array.astype(np.float64).ravel().tolist()
    if not all(math.isfinite(v) for v in values):
        return None
    return array.shape, [Fraction(v) for v in values]


def plain_real(a: Any, low: float = -math.inf) -> Fraction | None:
    """Return ``a`` exactly if it is a valid real number above ``low``, judged independently."""
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, np.integer, np.floating)):
        return None
    if isinstance(a, int) and abs(a) > 2**1023:
        return None
    value = float(a)
    return Fraction(value) if math.isfinite(value) and value > low else None


def assert_close(got: float, want: Fraction, scale: Fraction) -> None:
    """``got`` within 1e-12 of the exact ``want``, relative to ``scale`` (the sum of magnitudes)."""
    tolerance = Fraction(1, 10**12) * scale + Fraction(1e-320)
    assert abs(Fraction(got) - want) <= tolerance, (got, float(want))


# ---------------------------------------------------------------------------------------------
# Losses and gradients
# ---------------------------------------------------------------------------------------------

LOSS_ARGS = {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, -1.0], "reduction": "mean"}


@FUZZ
@given(
    name=st.sampled_from(losses.LOSS_NAMES),
    gradient=st.booleans(),
    argument=st.sampled_from(["y_true", "y_pred", "reduction", "delta"]),
    value=CORPUS,
    reduction=st.sampled_from(["mean", "sum", "none"]),
)
def test_losses_and_gradients_fuzzed(name, gradient, argument, value, reduction):
    kwargs: dict[str, Any] = {**LOSS_ARGS, "reduction": reduction}
    if name == "huber":
        kwargs["delta"] = 1.0
    elif argument == "delta":
        argument = "y_pred"
    kwargs[argument] = value
    fn = getattr(losses, f"{name}_grad" if gradient else name)
    result = check_outcome(lambda: fn(**kwargs), argument)
    truth, pred = plain_reals(kwargs["y_true"]), plain_reals(kwargs["y_pred"])
    delta = plain_real(kwargs.get("delta", 1.0), low=0.0)
    how = kwargs["reduction"]
    valid = (
        truth is not None
        and pred is not None
        and truth[0] == pred[0]
        and delta is not None
        and isinstance(how, str)
        and how in ("mean", "sum", "none")
    )
    if not valid:
        assert result is None, f"accepted {argument}={value!r}"
        return
    assert truth is not None
    assert pred is not None
    assert delta is not None
    rule = exact_derivative if gradient else exact_value
    per = [rule(name, p - t, delta) for t, p in zip(truth[1], pred[1], strict=True)]
    n = len(per)
    divide = n if how == "mean" and (gradient or how != "none") else 1
    if gradient or how == "none":
        wanted = [v / divide for v in per]
        if result is None:  # right only when a true value is beyond float64
            assert any(abs(v) > TOP for v in wanted)
            return
        values = np.asarray(result).ravel()
        assert np.all(np.isfinite(values))
        for got, want in zip(values, wanted, strict=True):
            assert_close(float(got), want, abs(want))
    else:
        want = sum(per) / divide
        if result is None:
            assert abs(want) > TOP
            return
        assert isinstance(result, float)
        assert math.isfinite(result)
        assert_close(result, want, sum(map(abs, per)) / divide)


@FUZZ
@given(value=CORPUS)
def test_get_fuzzed(value):
    result = check_outcome(lambda: losses.get(value), "name")
    if result is not None:
        assert value in losses.LOSS_NAMES


# ---------------------------------------------------------------------------------------------
# Descent
# ---------------------------------------------------------------------------------------------

FIT_ARGS: dict[str, Any] = {
    "x": [2.0, 2.0, 1.0, 3.0],
    "y": [2.0, 2.5, 1.5, 2.0],
    "loss": "l2",
    "w0": 5.0,
    "lr": 0.01,
    "batch_size": 2,
    "epochs": 3,
    "reduction": "sum",
    "shuffle": False,
    "rng": 0,
    "delta": 1.0,
}


def reference_fit(kw: dict[str, Any]) -> tuple[list[float], bool]:
    """The descent as the source article writes it, in Python floats, one update at a time.

    ``kw["lr"]`` is a number or a plain function of the update number (0, 1, 2, ...).
    """
    x = [float(v) for v in np.broadcast_to(np.asarray(kw["x"], float), np.shape(kw["y"]))]
    y = [float(v) for v in np.asarray(kw["y"], float)]
    name, d, batch = kw["loss"], float(kw["delta"]), int(kw["batch_size"])
    w, ws = float(kw["w0"]), [float(kw["w0"])]
    lr = kw["lr"] if callable(kw["lr"]) else (lambda _t, rate=float(kw["lr"]): rate)

    def value(r: float) -> float:
        a = abs(r)
        m = min(a, d)
        return {"signed": r, "l1": a, "l2": r * r, "huber": m * (a - 0.5 * m)}[name]

    def slope(r: float) -> float:
        sign = float((r > 0) - (r < 0))
        return {"signed": 1.0, "l1": sign, "l2": 2.0 * r, "huber": max(-d, min(r, d))}[name]

    for _ in range(int(kw["epochs"])):
        for s in range(0, len(y), batch):
            xb, yb = x[s : s + batch], y[s : s + batch]
            scale = 1.0 / len(xb) if kw["reduction"] == "mean" else 1.0
            residuals = [w * a - b for a, b in zip(xb, yb, strict=True)]
            grad = sum((slope(r) * a for r, a in zip(residuals, xb, strict=True)), 0.0)
            loss = sum(map(value, residuals), 0.0) * scale
            base = float(lr(len(ws) - 1))  # the rate of update t = 0, 1, 2, ...
            rate = base * scale if scale != 1.0 else base
            w_next = w - rate * grad
            if not (math.isfinite(w_next) and math.isfinite(loss)):
                return ws + [w] * 0, True
            w = w_next
            ws.append(w)
    return ws, False


@FUZZ
@given(
    argument=st.sampled_from(sorted(FIT_ARGS)),
    value=CORPUS,
    loss=st.sampled_from(losses.LOSS_NAMES),
)
def test_fit_fuzzed(argument, value, loss):
    kwargs = {**FIT_ARGS, "loss": loss, argument: value}
    if loss != "huber" and argument != "delta":
        kwargs["delta"] = 1.0
    with np.errstate(all="raise"):  # a NumPy floating-point problem inside would surface
        history = check_outcome(lambda: gd.fit(**kwargs), argument)
    if history is None:
        return
    assert np.all(np.isfinite(history.w))
    simple = np.ndim(kwargs["y"]) == 1 and np.ndim(kwargs["w0"]) == 0 and np.ndim(kwargs["lr"]) == 0
    if simple and not kwargs["shuffle"]:
        want, diverged = reference_fit(kwargs)
        assert bool(history.diverged) == diverged
        np.testing.assert_allclose(history.w[: len(want)], want, rtol=1e-12, atol=1e-300)


# The corpus above gives batch_size only a few sizes (1, 2, ...); here every batch size from 1
# to n, and one past it, meets data of every length from 1 to 7, so that a batch of 3 or 4, a last
# batch that is smaller than the others, and a schedule read at the wrong update all differ from
# the reference.
finite = st.floats(-4.0, 4.0, allow_subnormal=False)


def inverse_time_by_hand(t: Any) -> Any:
    """0.05 / (1 + 0.5 t), written here (not with l1l2.schedules), for arrays and numbers."""
    return 0.05 / (1.0 + 0.5 * t)


@FUZZ
@given(samples=st.lists(st.tuples(finite, finite), min_size=1, max_size=7), draw=st.data())
def test_fit_equals_the_reference_for_every_batch_size(samples, draw):
    n = len(samples)
    kwargs = {
        **FIT_ARGS,
        "x": [a for a, _ in samples],
        "y": [b for _, b in samples],
        "batch_size": draw.draw(st.integers(1, n + 1), label="batch_size"),
        "loss": draw.draw(st.sampled_from(losses.LOSS_NAMES), label="loss"),
        "reduction": draw.draw(st.sampled_from(["sum", "mean"]), label="reduction"),
        "lr": draw.draw(st.sampled_from([0.03, inverse_time_by_hand]), label="lr"),
        "w0": draw.draw(finite, label="w0"),
        "epochs": draw.draw(st.integers(1, 3), label="epochs"),
    }
    history = gd.fit(**kwargs)
    want, diverged = reference_fit(kwargs)
    assert bool(history.diverged) == diverged
    scale = 1.0 + max(map(abs, want))
    np.testing.assert_allclose(history.w[: len(want)], want, rtol=1e-10, atol=1e-12 * scale)


@pytest.mark.parametrize("batch_size", range(1, 8))
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_fit_equals_the_reference_at_each_batch_size_from_1_to_n(batch_size, reduction):
    """Each size surely met (hypothesis draws sizes at random): n = 7 data, batches of 1 to 7."""
    x = [2.0, -1.0, 3.0, 0.5, 1.5, -2.0, 1.0]
    y = [2.0, 2.5, -1.5, 2.0, 0.5, -3.0, 4.0]
    for loss in losses.LOSS_NAMES:
        for lr in (0.02, inverse_time_by_hand):
            kwargs = {**FIT_ARGS, "x": x, "y": y, "loss": loss, "batch_size": batch_size,
                      "reduction": reduction, "lr": lr, "epochs": 3}  # fmt: skip
            history = gd.fit(**kwargs)
            want, diverged = reference_fit(kwargs)
            assert not diverged
            np.testing.assert_allclose(history.w, want, rtol=1e-12, atol=1e-12)


MIN_ARGS: dict[str, Any] = {"x": [2.0, 1.0, 3.0], "y": [2.0, 2.5, 1.5], "loss": "l2", "delta": 1.0}


@FUZZ
@given(
    argument=st.sampled_from(sorted(MIN_ARGS)),
    value=CORPUS,
    loss=st.sampled_from(["l1", "l2", "huber"]),
)
def test_minimizer_fuzzed(argument, value, loss):
    kwargs = {**MIN_ARGS, "loss": loss, argument: value}
    result = check_outcome(lambda: gd.minimizer(**kwargs), argument)
    if result is None:
        return
    assert np.all(np.isfinite(result))
    if kwargs["loss"] == "l2" and np.ndim(kwargs["y"]) == 1:
        x = np.broadcast_to(np.asarray(kwargs["x"], float), np.shape(kwargs["y"]))
        xs, ys = fractions_of(x), fractions_of(kwargs["y"])
        want = sum(a * b for a, b in zip(xs, ys, strict=True)) / sum(a * a for a in xs)
        assert_close(float(result), want, abs(want) * 10)  # two roundings of the scaled sums
    if kwargs["loss"] == "l1" and np.ndim(kwargs["y"]) == 1:
        # The minimiser's total abs loss is no larger than at any sample's ratio (exactly).
        x = fractions_of(np.broadcast_to(np.asarray(kwargs["x"], float), np.shape(kwargs["y"])))
        y = fractions_of(kwargs["y"])

        def total(w: Fraction) -> Fraction:
            return sum(abs(w * a - b) for a, b in zip(x, y, strict=True))

        best = min(total(b / a) for a, b in zip(x, y, strict=True) if a != 0)
        assert total(Fraction(float(result))) <= best * (1 + Fraction(1, 10**9)) + Fraction(1e-300)


@FUZZ
@given(
    argument=st.sampled_from(["x", "loss", "batch_size", "reduction", "delta"]),
    value=CORPUS,
)
def test_stability_limit_fuzzed(argument, value):
    kwargs: dict[str, Any] = {
        "x": [2.0, 1.0, 3.0],
        "loss": "l2",
        "batch_size": 2,
        "reduction": "sum",
        "delta": 1.0,
        argument: value,
    }
    limit = check_outcome(lambda: gd.stability_limit(**kwargs), argument)
    if limit is None or kwargs["loss"] not in ("l2", "huber"):
        return
    x2 = sorted((Fraction(v) ** 2 for v in fractions_of(kwargs["x"])), reverse=True)
    k, n = min(int(kwargs["batch_size"]), len(x2)), len(x2)
    sizes = {k} | ({n % int(kwargs["batch_size"])} if n % int(kwargs["batch_size"]) else set())
    worst = max(sum(x2[:m]) / (m if kwargs["reduction"] == "mean" else 1) for m in sizes)
    want = 2 / ({"l2": 2, "huber": 1}[kwargs["loss"]] * worst)
    if want > TOP:
        assert limit == math.inf
    else:
        assert_close(limit, want, want * 10)


# ---------------------------------------------------------------------------------------------
# Schedules, data and experiments
# ---------------------------------------------------------------------------------------------


@FUZZ
@given(
    factory=st.sampled_from(["constant", "inverse_time", "exponential", "Schedule"]),
    argument=st.sampled_from(["lr0", "decay", "rate", "step", "name"]),
    value=CORPUS,
)
def test_schedules_fuzzed(factory, argument, value):
    kwargs: dict[str, Any] = {"lr0": 0.1, "decay": 0.5, "rate": 0.9, "step": [0, 1, 10]}
    if factory == "constant":
        argument = {"lr0": "lr", "decay": "lr", "rate": "lr", "name": "lr"}.get(argument, argument)
        kwargs = {"lr": 0.1, "step": [0, 1, 10]}
    kwargs["name"] = "inverse_time"
    kwargs[argument] = value
    step = kwargs.pop("step")
    name = kwargs.pop("name")

    def build_and_call() -> Any:
        if factory == "constant":
            schedule = schedules.constant(kwargs["lr"])
        elif factory == "inverse_time":
            schedule = schedules.inverse_time(kwargs["lr0"], decay=kwargs["decay"])
        elif factory == "exponential":
            schedule = schedules.exponential(kwargs["lr0"], rate=kwargs["rate"])
        else:
            rate = 1.0 if isinstance(name, str) and name == "inverse_time" else kwargs["rate"]
            schedule = schedules.Schedule(name, kwargs["lr0"], decay=kwargs["decay"], rate=rate)
        return schedule, schedule(step)

    outcome = check_outcome(build_and_call, argument)
    if outcome is None:
        return
    schedule, got = outcome
    t = np.asarray(step, dtype=np.float64).ravel()
    want = [schedule.lr0 / (1.0 + schedule.decay * s) * schedule.rate**s for s in t.tolist()]
    np.testing.assert_allclose(np.ravel(got), want, rtol=1e-12, atol=1e-300)


@FUZZ
@given(
    argument=st.sampled_from(
        ["n", "x", "w", "noise", "runs", "rng", "distribution", "df", "outliers", "outlier_shift"]
    ),
    value=CORPUS,
)
def test_linear_fuzzed(argument, value):
    kwargs: dict[str, Any] = {"n": 5, "noise": 1.0, "rng": 0, "runs": 2, argument: value}
    result = check_outcome(lambda: data.linear(**kwargs), argument)
    if result is not None:
        x, y = result
        assert np.all(np.isfinite(x))
        assert np.all(np.isfinite(y))
        assert y.shape[-1] == x.shape[0]


@FUZZ
@given(argument=st.sampled_from(["estimates", "true_w"]), value=CORPUS)
def test_spread_fuzzed(argument, value):
    kwargs: dict[str, Any] = {"estimates": [0.0, 1.0, 2.0, 10.0], "true_w": 1.0, argument: value}
    stats = check_outcome(lambda: experiments.spread(**kwargs), argument)
    if stats is None:
        return
    values = fractions_of(kwargs["estimates"])
    truth = Fraction(float(kwargs["true_w"]))
    mean = sum(values) / len(values)
    scale = max(map(abs, [*values, truth]))
    assert all(math.isfinite(v) for v in stats.values())
    assert_close(stats["mean"], mean, scale)
    assert_close(stats["mae"], sum(abs(v - truth) for v in values) / len(values), scale)


@FUZZ
@given(argument=st.sampled_from(["x", "y", "true_w", "losses", "delta"]), value=CORPUS)
def test_compare_fuzzed(argument, value):
    x, y = data.linear(5, noise=1.0, runs=3, rng=0)
    kwargs: dict[str, Any] = {"x": x, "y": y, "true_w": 1.0, "losses": ("l1", "l2"), "delta": 1.0}
    kwargs[argument] = value
    result = check_outcome(lambda: experiments.compare(**kwargs), argument)
    if result is not None:
        assert all(np.all(np.isfinite(v)) for v in result.estimates.values())
        assert isinstance(repr(result), str)


@FUZZ
@given(argument=st.sampled_from(["x", "y"]), value=CORPUS)
def test_l1_interval_fuzzed(argument, value):
    kwargs: dict[str, Any] = {"x": 2.0, "y": [0.0, 2.0, 4.0, 10.0], argument: value}
    result = check_outcome(lambda: experiments.l1_interval(**kwargs), argument)
    if result is not None:
        low, high = result
        assert np.all(np.isfinite(low))
        assert np.all(low <= high)
        assert np.all(gd.minimizer(kwargs["x"], kwargs["y"], loss="l1") == 0.5 * low + 0.5 * high)


@FUZZ
@given(value=CORPUS)
def test_table_and_tighter_fuzzed(value):
    comparison = experiments.compare(*data.linear(5, noise=1.0, runs=3, rng=0), true_w=1.0)
    check_outcome(lambda: experiments.table({"a": comparison}, digits=value), "digits")
    check_outcome(lambda: experiments.table(value), "comparisons")
    check_outcome(lambda: comparison.tighter(value), "statistic")


@pytest.mark.parametrize("epochs", [10**8, 10**12, 10**20])
def test_huge_sizes_are_refused_in_well_under_a_second(epochs):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"^epochs makes the run too large"):
        gd.fit(**{**FIT_ARGS, "epochs": epochs})
    assert time.perf_counter() - start < 1.0
