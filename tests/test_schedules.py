"""Learning-rate schedules in :mod:`l1l2.schedules`."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from l1l2 import schedules, vocabulary
from l1l2.schedules import Schedule, constant, exponential, inverse_time

STEPS = np.arange(0, 5001, 250)


def test_constant_keeps_the_rate():
    schedule = constant(0.01)
    assert schedule(0) == 0.01
    assert schedule(10**6) == 0.01
    np.testing.assert_array_equal(schedule(STEPS), np.full(STEPS.shape, 0.01))


def test_inverse_time_follows_its_formula():
    lr0, decay = 0.01, 1 / 2000
    got = inverse_time(lr0, decay=decay)(STEPS)
    np.testing.assert_allclose(got, lr0 / (1 + decay * STEPS), rtol=1e-15)


@pytest.mark.parametrize("decay", [0.5, 1 / 2000, 1e-5])
def test_inverse_time_halves_after_one_over_decay_steps(decay):
    schedule = inverse_time(0.3, decay=decay)
    assert schedule(0) == 0.3
    assert schedule(1 / decay) == pytest.approx(0.15, rel=1e-15)
    assert schedule(3 / decay) == pytest.approx(0.3 / 4, rel=1e-15)


def test_inverse_time_without_decay_is_constant():
    np.testing.assert_array_equal(inverse_time(0.2, decay=0.0)(STEPS), constant(0.2)(STEPS))


def test_exponential_follows_its_formula():
    lr0, rate = 0.01, 0.999
    got = exponential(lr0, rate=rate)(STEPS)
    np.testing.assert_allclose(got, lr0 * rate ** STEPS.astype(float), rtol=1e-12)


def test_exponential_multiplies_by_the_rate_every_step():
    rates = exponential(0.5, rate=0.9)(np.arange(50))
    np.testing.assert_allclose(rates[1:] / rates[:-1], 0.9, rtol=1e-12)


def test_exponential_with_rate_one_is_constant():
    np.testing.assert_array_equal(exponential(0.2, rate=1.0)(STEPS), constant(0.2)(STEPS))


def test_exponential_decay_overtakes_inverse_time_decay():
    # Both halve within 1000 steps; after that 1 / t falls far more slowly than r**t.
    slow = inverse_time(1.0, decay=1 / 1000)
    fast = exponential(1.0, rate=0.5 ** (1 / 1000))
    assert slow(1000) == pytest.approx(fast(1000), rel=1e-12)
    assert slow(20_000) > 1000 * fast(20_000)


@pytest.mark.parametrize(
    "schedule", [constant(0.1), inverse_time(0.1, decay=0.01), exponential(0.1, rate=0.9)]
)
def test_schedules_give_a_float_for_a_step_and_an_array_for_steps(schedule):
    assert isinstance(schedule(3), float)
    assert isinstance(schedule(np.int64(3)), float)
    many = schedule([[0, 1], [2, 3]])
    assert isinstance(many, np.ndarray)
    assert many.shape == (2, 2)
    assert many.dtype == np.float64
    assert many[1, 1] == schedule(3)


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (constant(0.01), "lr_t = 0.01"),
        (inverse_time(0.01, decay=0.0005), "lr_t = 0.01 / (1 + 0.0005 t)"),
        (exponential(0.01, rate=0.99), "lr_t = 0.01 * 0.99^t"),
    ],
)
def test_str_gives_the_formula(schedule, text):
    assert str(schedule) == text


def test_schedules_are_immutable():
    schedule = inverse_time(0.01, decay=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.decay = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: constant(-0.01), ValueError, r"^lr must be >= 0, got -0\.01"),
        (lambda: constant(np.nan), ValueError, r"^lr must be finite, got nan"),
        (lambda: constant("0.1"), TypeError, r"^lr must be a real number, got '0\.1'"),
        (lambda: constant(True), TypeError, r"^lr must be a real number, got True"),
        (lambda: inverse_time(-1.0, decay=0.1), ValueError, r"^lr0 must be >= 0, got -1\.0"),
        (lambda: inverse_time(np.inf, decay=0.1), ValueError, r"^lr0 must be finite, got inf"),
        (lambda: inverse_time(0.1, decay=-0.5), ValueError, r"^decay must be >= 0, got -0\.5"),
        (lambda: inverse_time(0.1, decay=np.nan), ValueError, r"^decay must be finite, got nan"),
        (lambda: exponential(0.1, rate=0.0), ValueError, r"^rate must be > 0, got 0\.0"),
        (lambda: exponential(0.1, rate=-0.5), ValueError, r"^rate must be > 0, got -0\.5"),
        (lambda: exponential(0.1, rate=1.01), ValueError, r"^rate must be <= 1, got 1\.01"),
        (lambda: exponential(0.1, rate=np.inf), ValueError, r"^rate must be finite, got inf"),
        (lambda: exponential(-0.1, rate=0.5), ValueError, r"^lr0 must be >= 0, got -0\.1"),
        (lambda: exponential(0.1, rate=None), TypeError, r"^rate must be a real number, got None"),
    ],
)
def test_factories_reject_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize("step", [-1, -0.5, [0, 1, -2], np.nan, [np.inf], "3", True])
def test_schedules_reject_a_step_that_is_not_a_number_at_least_zero(step):
    schedule: Schedule = inverse_time(0.1, decay=0.01)
    with pytest.raises((ValueError, TypeError), match=r"^step must (be|hold)") as info:
        schedule(step)
    assert info.value.argument == "step"


def test_named_builds_each_schedule_of_the_vocabulary_with_the_book_defaults():
    assert schedules.named("constant", 0.1) == schedules.constant(0.1)
    assert schedules.named("inverse_time", 0.1) == schedules.inverse_time(0.1, decay=1 / 2000)
    assert schedules.named("exponential", 0.1, rate=0.5) == schedules.exponential(0.1, rate=0.5)
    built = {schedules.named(name, 0.1).name for name in vocabulary.SCHEDULE_NAMES}
    assert built == set(vocabulary.SCHEDULE_NAMES)
    with pytest.raises(ValueError, match=r"^schedule must be one of 'constant', 'inverse_time'"):
        schedules.named("cosine", 0.1)
