"""l1l2: the companion package of the tutorial *L1 versus L2 loss*.

Importing it imports the numerical modules (``losses``, ``data``, ``schedules``, ``gd``,
``experiments``, ``regression``). ``plotting``, ``interactive``, ``widgets`` and ``book`` need
more than NumPy and SciPy, and say which extra to install when it is missing
(``pip install 'l1l2[plot]'``, ``'l1l2[widgets]'``, ``'l1l2[notebooks]'``).
"""

from l1l2 import data, experiments, gd, losses, regression, schedules

#: The version, written only here: the build reads it ([tool.hatch.version] in pyproject.toml),
#: and ``l1l2 --version`` prints it.
__version__ = "0.1.0"

__all__ = ["__version__", "data", "experiments", "gd", "losses", "regression", "schedules"]
