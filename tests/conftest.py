"""Shared test settings: hypothesis profiles that suit a busy machine, and the book's data."""

import os

import numpy as np
import pytest
from chapter_data import draw_book_data
from hypothesis import settings

# No per-example deadline: the machine is shared, and a slow example is not a wrong one.
settings.register_profile("l1l2", deadline=None, max_examples=100)
# HYPOTHESIS_PROFILE=thorough searches twenty times harder, for a one-off hunt for edge cases.
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "l1l2"))


@pytest.fixture(scope="module")
def book_data():
    """The noisy data set of chapters 04 to 06 and 08 (``chapter_data.draw_book_data``, seed 4)."""
    return draw_book_data(np.random.default_rng(4))
