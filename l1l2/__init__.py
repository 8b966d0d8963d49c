"""l1l2: the companion package of the tutorial *L1 versus L2 loss*.

Modules
-------
losses
    L1, L2, signed, Huber and pinball (quantile) losses with their gradients.
data
    The apple harvest, the line y = w·x + noise, and the Belgian phone calls of 1950-1973.
schedules
    Learning-rate schedules: constant, inverse-time and exponential decay.
gd
    Mini-batch gradient descent on y = w·x, vectorised over runs, and where it settles.
experiments
    The source experiment, and many simulated data sets at once: the spread of each loss's
    estimate of w.
regression
    Lines and planes with an intercept: exact L1, L2, Huber and quantile fits, and descent on
    them.
plotting
    The book's figures (needs matplotlib).
interactive
    The book's charts that move on a web page with no kernel: Vega-Lite specs of precomputed runs
    (the static fallback needs matplotlib).
widgets
    Interactive explorers (needs ipywidgets).
book
    What the book's notebooks use besides figures: ``glue``, a value for the prose (needs IPython).

A module that needs more than NumPy and SciPy says which extra to install when it is missing
(``pip install 'l1l2[plot]'``, ``'l1l2[widgets]'``, ``'l1l2[notebooks]'``).
"""

from l1l2 import data, experiments, gd, losses, regression, schedules

#: The version, written only here: the build reads it ([tool.hatch.version] in pyproject.toml),
#: and ``l1l2 --version`` prints it.
__version__ = "0.1.0"

__all__ = [
    "__version__",
    "data",
    "experiments",
    "gd",
    "losses",
    "regression",
    "schedules",
]
