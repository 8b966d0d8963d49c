"""The data the chapter-claim tests share (``tests/test_ch0*.py``).

The book's data (x = 2, true w = 1, N = 20, sigma = 5), drawn as chapters 04 to 06 and 08 draw it:
from ``np.random.default_rng(4)``, after a data set with sigma = 0.05. And the four noise families
of chapters 07 and 08, a thousand data sets each.
"""

from __future__ import annotations

import math

from l1l2 import data, schedules

N, X, TRUE_W, SIGMA = 20, 2.0, 1.0, 5.0
DECAY = schedules.inverse_time(0.01, decay=1 / 2000)


def draw_book_data(rng):
    x, _ = data.linear(N, x=X, w=TRUE_W, noise=0.05, rng=rng)
    _, y = data.linear(N, x=X, w=TRUE_W, noise=SIGMA, rng=rng)
    return x, y


RUNS = 1000
NOISES = {
    "Gaussian": {"noise": SIGMA},
    "Laplace": {"noise": SIGMA / math.sqrt(2), "distribution": "laplace"},
    "Student t (df 2)": {"noise": SIGMA, "distribution": "student_t", "df": 2.0},
    "10% outliers": {"noise": SIGMA, "outliers": 0.1, "outlier_shift": 50.0},
}


def noise_stacks(rng):
    return {
        label: data.linear(N, x=X, w=TRUE_W, runs=RUNS, rng=rng, **options)
        for label, options in NOISES.items()
    }
