"""Test-session set-up shared by the unit tests and the doctests of l1l2."""

import matplotlib

# Draw off screen: the tests and doctests run on machines without a display.
matplotlib.use("Agg")
