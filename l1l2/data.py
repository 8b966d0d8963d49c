"""The data sets of the book: the apple harvest and the one-parameter line y = w·x + noise."""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from l1l2._typing import FloatArray, Seed
from l1l2._validation import (
    ArgumentValueError,
    as_rng,
    check_choice,
    check_int,
    check_scalar,
    check_size,
)

__all__ = ["NOISE_DISTRIBUTIONS", "apple_harvest", "belgian_phones", "linear"]

#: The noise families of :func:`linear`.
NOISE_DISTRIBUTIONS: Final = ("normal", "laplace", "student_t")


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
    distribution: str = "normal",
    df: float = 3.0,
    outliers: float = 0.0,
    outlier_shift: float = 50.0,
) -> tuple[FloatArray, FloatArray]:
    r"""Sample the one-parameter line of the w-estimation experiment.

    .. math:: y_i = w\,x + z_i, \qquad z_i \sim \mathcal N(0, \sigma^2)

    Every sample has the same input ``x``, as in the source experiment. The noise is Gaussian
    unless ``distribution`` asks for a heavier-tailed one, and ``outliers`` shifts a fraction of
    the samples far away:

    - ``"normal"``: :math:`z_i \sim \mathcal N(0, \sigma^2)`.
    - ``"laplace"``: :math:`z_i \sim \operatorname{Laplace}(0, \sigma)`, density
      :math:`e^{-|z|/\sigma} / (2\sigma)`, standard deviation :math:`\sqrt2\,\sigma`.
    - ``"student_t"``: :math:`z_i = \sigma\,t_\nu` with :math:`\nu` = ``df`` degrees of
      freedom; its variance is infinite for :math:`\nu \le 2`.

    Here ``noise`` is the scale :math:`\sigma` of each distribution, which is the standard
    deviation only for ``"normal"``.

    Parameters
    ----------
    n : int
        Number of samples per data set, at least 1.
    x : float
        The input of every sample.
    w : float
        The true weight.
    noise : float
        Scale :math:`\sigma` of the noise (the standard deviation of the Gaussian), at least 0.
    runs : int, optional
        If given, draw that many independent data sets at once: ``y`` then has shape
        ``(runs, n)``.
    rng : int, numpy.random.Generator or None
        Seed or generator for the noise (passed to :func:`numpy.random.default_rng`).
    distribution : {"normal", "laplace", "student_t"}
        The family of the noise.
    df : float
        Degrees of freedom of ``"student_t"`` noise, a number > 0 (ignored otherwise).
    outliers : float
        The chance, ``0 <= outliers <= 1``, that a sample is an outlier: each sample,
        independently, gets ``outlier_shift`` added on top of its noise with this probability
        (so the number of outliers in a data set varies, about ``outliers * n`` on average).
        The noise is drawn first and is the same with or without outliers, so a data set with
        outliers is the clean one with a few samples moved.
    outlier_shift : float
        How far an outlier is moved, in units of ``y``.

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
    >>> _, y = linear(8, outliers=0.25, outlier_shift=50.0, rng=0)
    >>> y
    array([ 2.,  2., 52., 52.,  2.,  2.,  2.,  2.])
    """
    n = check_int(n, "n", low=1)
    x_value = check_scalar(x, "x")
    w_value = check_scalar(w, "w")
    sigma = check_scalar(noise, "noise", low=0.0)
    shape: tuple[int, ...] = (n,) if runs is None else (check_int(runs, "runs", low=1), n)
    check_choice(distribution, "distribution", NOISE_DISTRIBUTIONS)
    nu = check_scalar(df, "df", low=0.0, low_open=True)
    fraction = check_scalar(outliers, "outliers", low=0.0, high=1.0)
    shift = check_scalar(outlier_shift, "outlier_shift")
    generator = as_rng(rng)
    size = math.prod(shape)  # Python ints: exact however large
    many = "n" if len(shape) == 1 or n >= shape[0] else "runs"
    check_size(size, many, what=f"{size:,} targets")
    inputs = np.full(n, x_value)
    center = w_value * x_value
    if not np.isfinite(center):
        raise _overflow("w", f"w * x = {w_value!r} * {x_value!r}")
    targets = np.full(shape, center)
    # Every step below can overflow float64 for extreme parameters: each is checked, and the
    # error names the parameter to change.
    with np.errstate(over="ignore", invalid="ignore"):
        if sigma > 0:
            if distribution == "normal":
                z = generator.normal(0.0, sigma, size=shape)
            elif distribution == "laplace":
                z = generator.laplace(0.0, sigma, size=shape)
            else:
                t = generator.standard_t(nu, size=shape)
                if not np.all(np.isfinite(t)):
                    raise _overflow("df", f"Student t noise with df={nu!r}")
                z = sigma * t
            targets += z
            if not np.all(np.isfinite(targets)):
                raise _overflow("noise", f"noise of scale {sigma!r} around w * x = {center!r}")
        if fraction > 0:
            targets += shift * (generator.random(shape) < fraction)
            if not np.all(np.isfinite(targets)):
                raise _overflow("outlier_shift", f"outliers shifted by {shift!r}")
    return inputs, targets


def _overflow(name: str, what: str) -> ArgumentValueError:
    return ArgumentValueError(
        name,
        f"{name} is too large: {what} gives targets beyond the float64 range (about 1.8e308); "
        f"make {name} smaller",
    )


# International phone calls from Belgium, millions of calls, 1950-1973 (Rousseeuw and Leroy 1987,
# table 2, p. 26, where they are given in tens of millions; R's MASS::phones).
_PHONE_CALLS: Final = (
    4.4, 4.7, 4.7, 5.9, 6.6, 7.3, 8.1, 8.8, 10.6, 12.0, 13.5, 14.9,
    16.1, 21.2, 119.0, 124.0, 142.0, 159.0, 182.0, 212.0, 43.0, 24.0, 27.0, 29.0,
)  # fmt: skip


def belgian_phones() -> tuple[FloatArray, FloatArray]:
    """Return the number of international phone calls from Belgium per year, 1950 to 1973.

    From 1964 to 1969 another recording system counted the total number of *minutes* of the
    calls instead of their number, and 1963 and 1970 are partly affected, so those years are far
    too large: a block of outliers nobody planted. Source: P. J. Rousseeuw and A. M. Leroy
    (1987), *Robust Regression and Outlier Detection*, Wiley, table 2 on p. 26 (in tens of
    millions there: 0.44, 0.47, ..., 2.90); also the ``phones`` data of R's MASS package
    (Venables and Ripley, *Modern Applied Statistics with S*, 4th ed., Springer, 2002).

    Returns
    -------
    year, calls : numpy.ndarray
        The year coded as in the sources, 50 to 73 (1950 to 1973), and the number of calls in
        millions; 24 values each.

    Examples
    --------
    >>> year, calls = belgian_phones()
    >>> int(year[0]), float(calls[0]), int(year[-1]), float(calls[-1])
    (50, 4.4, 73, 29.0)
    >>> year[calls > 100]
    array([64., 65., 66., 67., 68., 69.])
    """
    return np.arange(50.0, 74.0), np.array(_PHONE_CALLS)
