"""Shared test settings: hypothesis profiles that suit a busy machine."""

import os

from hypothesis import settings

# No per-example deadline: the machine is shared, and a slow example is not a wrong one.
settings.register_profile("l1l2", deadline=None, max_examples=100)
# HYPOTHESIS_PROFILE=thorough searches twenty times harder, for a one-off hunt for edge cases.
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "l1l2"))
