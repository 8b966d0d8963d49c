"""The data sets of the book: the apple harvest and the one-parameter line y = w·x + noise."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from l1l2._validation import check_int, check_scalar

__all__ = ["apple_harvest", "linear"]

FloatArray = NDArray[np.float64]
Seed = int | np.random.Generator | np.random.SeedSequence | None


def apple_harvest() -> tuple[FloatArray, FloatArray]:
    """Return the apple-harvest example: a true harvest of 100 apples and three predictions.

    Returns
    -------
    y_true, y_pred : numpy.ndarray
        ``[100, 100, 100]`` and ``[90, 95, 105]``, in apples.

    Examples
    --------
    >>> y_true, y_pred = apple_harvest()
    >>> y_pred - y_true
    array([-10.,  -5.,   5.])
    """
    return np.full(3, 100.0), np.array([90.0, 95.0, 105.0])


def linear(
    n: int = 20,
    *,
    x: float = 2.0,
    w: float = 1.0,
    noise: float = 0.0,
    runs: int | None = None,
    rng: Seed = None,
) -> tuple[FloatArray, FloatArray]:
    r"""Sample the one-parameter line of the w-estimation experiment.

    .. math:: y_i = w\,x + z_i, \qquad z_i \sim \mathcal N(0, \sigma^2)

    Every sample has the same input ``x``, as in the source experiment.

    Parameters
    ----------
    n : int
        Number of samples per data set, at least 1.
    x : float
        The input of every sample.
    w : float
        The true weight.
    noise : float
        Standard deviation :math:`\sigma` of the Gaussian noise, at least 0.
    runs : int, optional
        If given, draw that many independent data sets at once: ``y`` then has shape
        ``(runs, n)``.
    rng : int, numpy.random.Generator or None
        Seed or generator for the noise (passed to :func:`numpy.random.default_rng`).

    Returns
    -------
    x, y : numpy.ndarray
        Inputs of shape ``(n,)`` and targets of shape ``(n,)`` or ``(runs, n)``.

    Examples
    --------
    >>> x, y = linear(4)
    >>> x, y
    (array([2., 2., 2., 2.]), array([2., 2., 2., 2.]))
    >>> _, y = linear(4, noise=5.0, runs=3, rng=0)
    >>> y.shape
    (3, 4)
    """
    n = check_int(n, "n", low=1)
    x_value = check_scalar(x, "x")
    w_value = check_scalar(w, "w")
    sigma = check_scalar(noise, "noise", low=0.0)
    shape: tuple[int, ...] = (n,) if runs is None else (check_int(runs, "runs", low=1), n)
    generator = np.random.default_rng(rng)
    inputs = np.full(n, x_value)
    targets = np.full(shape, w_value * x_value)
    if sigma > 0:
        targets += generator.normal(0.0, sigma, size=shape)
    return inputs, targets
