# ruff: noqa: N803, N806  (X and A: the matrix names of the linear-algebra literature)
r"""The exact fits behind :func:`l1l2.regression.solve`, on centred, rescaled data.

Every fit is equivariant: rescaling a column of ``X`` rescales its coefficient, shifting it
moves the intercept, and scaling ``y`` scales everything (Huber with its delta). The solvers
below see only a *standard* copy of the data, in which that holds by construction:

- each column of ``X`` and ``y`` is shifted by one of its own values (the lower median, so the
  shift is a data value and ``x - shift`` is exact for the values near it), and divided by a
  power of two near its largest deviation (exact: no digit is lost);
- every tolerance is relative (to a row's own size, or to the largest singular value), so no
  decision depends on the units of the data.

The private engine of :mod:`l1l2.regression`; the public names and the formulas are there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError

#: The largest problem :func:`l1l2.regression.solve` accepts: rows times coefficients. One
#: copy of the data at the limit is 160 MB; the abs-L1 fit of 10^6 x 10 takes well under a
#: minute (benchmarks/RESULTS.md).
MAX_CELLS: Final = 2 * 10**7
# Above this many samples the abs-L1 fit solves its LP on a band of samples near a first fit
# (at most _BAND_ROUNDS widenings) instead of on all of them.
_FULL_LP_N: Final = 5_000
_BAND_ROUNDS: Final = 12
# Reweighted least-squares steps before the exchange, and exchanges before the LP takes over.
_IRLS_STEPS: Final = 12
# The reweighting floors every residual at a level that falls from twice the median residual of
# the least-squares fit to a hundredth of it, step by step: a smoothed abs L1 (Huber-like)
# whose smoothing shrinks. Its steps land nearer the basis than a floor near 0 does (measured
# on heavy-tailed data of 10^2 and 10^3 rows, q = 0.1, 0.5, 0.9: about half the exchanges of
# eight steps at 1e-6 of the median).
_IRLS_FLOORS: Final = tuple(float(f) for f in np.geomspace(2.0, 0.01, _IRLS_STEPS - 1))
_EXCHANGES: Final = 200
# Newton steps of the Huber fit before it gives up on a certificate (a quarter of them from the
# least-squares start, the rest from the abs-L1 fit).
_HUBER_STEPS: Final = 200
# Up to this many coefficients the Huber fit forms A_Q^T A_Q a column at a time.
_GRAM_BY_COLUMN: Final = 4
# Halvings of the Huber line search.
_HALVINGS: Final = 60
# Relative size below which a residual is zero (a sample on the fit) and a multiplier is at
# its bound: far above rounding (1e-16), far below any real gap in the data.
_REL: Final = 1e-9
_EPS: Final = float(np.finfo(np.float64).eps)
# The abs-L1 linear program clips its costs at this many times a typical one (see _l1_dual).
_CLIP: Final = 1e4


def _power_of_two(value: float) -> float:
    """The power of two at or just below ``value`` > 0 (1.0 for 0): dividing by it is exact."""
    if not value > 0.0:
        return 1.0
    return math.ldexp(1.0, math.frexp(value)[1] - 1)


def _lower_median(values: FloatArray) -> float:
    """A data value in the middle (no averaging, so it is exact and cannot overflow)."""
    return float(np.partition(values, (values.size - 1) // 2, axis=0)[(values.size - 1) // 2])


@dataclass(frozen=True)
class Standard:
    r"""The data in standard units: :math:`A = [1, (X - c) / s]`, :math:`y' = (y - c_y) / s_y`.

    A fit :math:`(b', \beta')` in these units is :math:`\beta_j = \beta'_j s_y / s_j`,
    :math:`b = c_y + s_y b' - c^\top\beta` in the units of the data.
    """

    A: FloatArray
    y: FloatArray
    x_shift: FloatArray
    x_scale: FloatArray
    y_shift: float
    y_scale: float
    intercept: bool
    augmented: FloatArray

    @property
    def k(self) -> int:
        """Number of coefficients, the intercept included."""
        return int(self.A.shape[1])

    def unscale(self, beta: FloatArray) -> tuple[float, FloatArray]:
        """Return ``(intercept, coef)`` in the units of the data, or raise if they overflow."""
        with np.errstate(all="ignore"):
            # Powers of two: scale by the difference of their exponents, so the ratio itself
            # cannot overflow (y scaled by 2^1023 and a column by 2^-1) when the result does not.
            exponent = math.frexp(self.y_scale)[1] - np.frexp(self.x_scale)[1]
            coef = np.ldexp(beta[int(self.intercept) :], exponent)
            b = 0.0
            if self.intercept:
                # The terms added exactly (fsum); when one or the sum overflows, half of each,
                # then doubled: no term or partial sum overflows when the intercept itself is
                # representable. Halving only then, it rounds no subnormal shift (5e-324 / 2).
                terms = [self.y_shift, self.y_scale * float(beta[0]), *(-self.x_shift * coef)]
                try:
                    b = math.fsum(terms) if all(map(math.isfinite, terms)) else math.inf
                except OverflowError:  # a partial sum beyond float64
                    b = math.inf
                if not math.isfinite(b):
                    halves = [
                        0.5 * self.y_shift,
                        0.5 * self.y_scale * float(beta[0]),
                        *(-(0.5 * self.x_shift) * coef).tolist(),
                    ]
                    b = 2.0 * math.fsum(halves) if all(map(math.isfinite, halves)) else math.inf
        if not (np.all(np.isfinite(coef)) and math.isfinite(b)):
            raise ArgumentValueError(
                "X",
                "the fitted coefficients of these X and y are beyond float64 (about 1.8e308): "
                "rescale X or y",
            )
        self._refuse_underflow(beta, exponent, coef, b)
        return b, np.array(coef, dtype=np.float64)

    def _refuse_underflow(
        self, beta: FloatArray, exponent: FloatArray, coef: FloatArray, b: float
    ) -> None:
        """Raise if a coefficient fell below the smallest normal float64 on the way back.

        There it loses digits (a subnormal) or becomes 0, and the intercept, which subtracts
        ``shift * coef``, goes wrong with it. The intercept is refused when terms of its sum that
        underflowed (each off by up to half the smallest subnormal) may move it by more than a
        rounding; a subnormal intercept added from exact terms (data of 5e-324) stands.
        """
        tiny = float(np.finfo(np.float64).tiny)
        slopes = beta[int(self.intercept) :]
        for j in np.flatnonzero((slopes != 0.0) & (np.abs(coef) < tiny)):
            digits = math.log10(abs(float(slopes[j]))) + float(exponent[j]) * math.log10(2.0)
            power = math.floor(digits)
            value = f"{math.copysign(10 ** (digits - power), float(slopes[j])):.3g}e{power}"
            raise ArgumentValueError(
                "X",
                f"the fitted coefficient of X column {j} (about {value}) is below "
                f"the smallest normal float64 ({tiny:.4g}), where it loses digits or becomes 0: "
                "rescale X or y so every coefficient is 0 or between 2.2e-308 and 1.8e308 in "
                "magnitude",
            )
        if not self.intercept:
            return
        # Each product of the intercept's sum whose factors are nonzero but which came out below
        # the smallest normal float64 was rounded or lost (the shift of y is added as it is).
        left = np.concatenate(([self.y_scale], self.x_shift))
        right = np.concatenate(([beta[0]], coef))
        with np.errstate(all="ignore"):
            products = left * right
        lost = int(np.count_nonzero((left != 0.0) & (right != 0.0) & (np.abs(products) < tiny)))
        if abs(b) < lost * tiny:
            raise ArgumentValueError(
                "y",
                f"the fitted intercept of these X and y ({b:.6g}) is below or near the "
                f"smallest normal float64 ({tiny:.4g}), where it loses digits or becomes 0: "
                "rescale y so the intercept is 0 or between 2.2e-308 and 1.8e308 in magnitude",
            )


def _probe(n: int) -> NDArray[np.intp]:
    """Up to 1001 rows spread evenly over ``n``: where the shifts are taken from."""
    return np.arange(0, n, max(1, n // 1001), dtype=np.intp)


def standardise(X: FloatArray, y: FloatArray, *, intercept: bool) -> Standard:
    """Centre (with an intercept) and rescale ``X`` and ``y`` exactly; refuse degenerate columns.

    Each shift is the lower median of up to 1001 rows spread over the data: a data value (so
    ``x - shift`` is exact near it) that a few outliers do not move. Three passes over ``X``.
    """
    n, p = X.shape
    k = p + intercept
    if intercept:
        probe = _probe(n)
        middle = (probe.size - 1) // 2
        # Every column's lower median in one partition (the same values, column by column).
        x_shift = np.partition(X[probe], middle, axis=0)[middle]
        y_shift = _lower_median(y[probe])
    else:
        x_shift, y_shift = np.zeros(p), 0.0
    with np.errstate(all="ignore"):
        spread = np.maximum(X.max(axis=0) - x_shift, x_shift - X.min(axis=0))
        y_spread = max(float(y.max()) - y_shift, y_shift - float(y.min()))
    bad = range(p) if not np.all(np.isfinite(spread) & (spread > 0.0)) else range(0)
    for j in bad:  # name the first degenerate column
        if not np.isfinite(spread[j]):
            raise ArgumentValueError(
                "X", f"X column {j} spans more than float64 can hold (about 1.8e308): rescale it"
            )
        if spread[j] == 0.0:
            same = "constant, a multiple of the intercept's column of ones" if intercept else "zero"
            raise ArgumentValueError(
                "X",
                f"X column {j} is {same}: the columns must be linearly independent; drop it",
            )
    if not math.isfinite(y_spread):
        raise ArgumentValueError(
            "y", "y spans more than float64 can hold (about 1.8e308): rescale it"
        )
    x_scale = np.ldexp(1.0, np.frexp(spread)[1] - 1)  # _power_of_two of each (spread > 0)
    y_scale = _power_of_two(y_spread)
    # [1, X', y'] in one array: the least-squares factorisations read it whole.
    augmented = np.empty((n, k + 1))
    if intercept:
        augmented[:, 0] = 1.0
    columns = augmented[:, int(intercept) : k]
    np.subtract(X, x_shift, out=columns)
    with np.errstate(over="ignore"):
        inverse = 1.0 / x_scale  # powers of two: exact, unless beyond float64
    if np.all(np.isfinite(inverse)):
        np.multiply(columns, inverse, out=columns)
    else:
        np.divide(columns, x_scale, out=columns)
    np.subtract(y, y_shift, out=augmented[:, k])
    np.divide(augmented[:, k], y_scale, out=augmented[:, k])
    return Standard(
        augmented[:, :k],
        np.ascontiguousarray(augmented[:, k]),
        x_shift,
        x_scale,
        y_shift,
        y_scale,
        intercept,
        augmented,
    )


def triangular(data: Standard) -> FloatArray:
    r"""The triangular factor :math:`R` of :math:`[A, y'] = QR` (``k + 1`` square), never forming Q.

    :math:`R_{:k,:k}\beta = R_{:k,k}` is the least-squares fit and :math:`R_{k,k}^2` its total.
    """
    try:
        r = np.asarray(np.linalg.qr(data.augmented, mode="r"), dtype=np.float64)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - QR of finite data does not fail
        raise ArgumentValueError("X", f"the least-squares factorisation failed: {exc}") from None
    return r


def check_rank(data: Standard, r: FloatArray) -> None:
    """Refuse ``X`` whose columns are dependent to rounding (relative, as ``lstsq``'s ``rcond``)."""
    k = data.k
    n = data.A.shape[0]
    try:
        _, s, vt = np.linalg.svd(r[:k, :k])
    except np.linalg.LinAlgError:  # pragma: no cover - SVD of a small finite matrix
        s, vt = np.zeros(k), np.eye(k)
    if s[-1] > s[0] * max(n, k) * _EPS:
        return
    null = np.abs(vt[-1])
    involved = [int(j) for j in np.flatnonzero(null > 1e-6 * null.max())]
    names = [
        "the intercept's column of ones"
        if data.intercept and j == 0
        else f"X column {j - data.intercept}"
        for j in involved
    ]
    last = names.pop()
    others = ", ".join(names) if names else "nothing else"
    raise ArgumentValueError(
        "X",
        f"the columns of X{' and the column of ones' if data.intercept else ''} must be "
        f"linearly independent: {last} is a combination of {others} (to rounding); drop it",
    )


# ---------------------------------------------------------------------------------------------
# Least squares
# ---------------------------------------------------------------------------------------------


def least_squares(data: Standard) -> FloatArray:
    r"""The least-squares fit in standard units, after checking that the columns are independent.

    Fast route: the normal equations :math:`A^\top A\beta = A^\top y` by Cholesky, taken only
    when the triangular factor shows :math:`A` well conditioned (:math:`\kappa \le 10^4`, its
    columns being scaled), then one step of iterative refinement with the true residual, which
    brings the error down to that of a QR solve (Björck's corrected semi-normal equations).
    Otherwise the QR factorisation of :math:`[A, y]`, and the relative rank test.
    """
    k = data.k
    gram = data.augmented.T @ data.augmented
    try:
        upper = np.asarray(np.linalg.cholesky(gram[:k, :k]).T, dtype=np.float64)
        s = np.linalg.svd(upper, compute_uv=False)
        conditioned = bool(s[-1] > s[0] * 1e-4)
    except np.linalg.LinAlgError:
        conditioned = False
    if not conditioned:
        r = triangular(data)
        check_rank(data, r)
        return _back_substitute(r[:k, :k], r[:k, k])
    beta = _cholesky_solve(upper, gram[:k, k])
    residual = data.y - data.A @ beta
    refined: FloatArray = beta + _cholesky_solve(upper, data.A.T @ residual)
    return refined


def _cholesky_solve(upper: FloatArray, rhs: FloatArray) -> FloatArray:
    r"""Solve :math:`R^\top R x = b` for an upper triangular ``R``."""
    return _back_substitute(upper, _forward_substitute(upper.T, rhs))


def _forward_substitute(lower: FloatArray, rhs: FloatArray) -> FloatArray:
    k = rhs.size
    x = np.zeros(k)
    for i in range(k):
        x[i] = (rhs[i] - lower[i, :i] @ x[:i]) / lower[i, i]
    return x


def _back_substitute(upper: FloatArray, rhs: FloatArray) -> FloatArray:
    k = rhs.size
    x = np.zeros(k)
    for i in range(k - 1, -1, -1):
        x[i] = (rhs[i] - upper[i, i + 1 :] @ x[i + 1 :]) / upper[i, i]
    return x


# ---------------------------------------------------------------------------------------------
# Least absolute deviations
# ---------------------------------------------------------------------------------------------


def _lapack() -> Any:
    """SciPy's wrappers of LAPACK (imported on the first exact L1 or quantile fit)."""
    from scipy.linalg import lapack  # noqa: PLC0415 - SciPy is only needed by the exact fits

    return lapack


def solve_square(M: FloatArray, rhs: FloatArray) -> tuple[FloatArray, int]:
    """Solve ``M x = rhs`` (LU with partial pivoting, as numpy.linalg.solve); 0 or LAPACK's info.

    LAPACK's ``gesv`` itself: on a k x k matrix its fixed cost is a quarter of NumPy's. A
    nonzero info means ``M`` is singular (``x`` is then meaningless).
    """
    _, _, x, info = _lapack().dgesv(M, rhs)
    return np.asarray(x, dtype=np.float64), int(info)


def check_independent(data: Standard) -> None:
    """Refuse dependent columns as :func:`least_squares` does, without computing its fit.

    The same test: the Cholesky factor of the Gram matrix, when it shows the scaled columns
    well conditioned (condition number at most 1e4), accepts them; otherwise the relative
    rank test of :func:`check_rank` on the QR factor decides. For the fits that do not start
    from least squares (abs L1, quantiles), whose own steps never need it.
    """
    lapack = _lapack()
    upper, info = lapack.dpotrf(data.A.T @ data.A)
    if info == 0:
        # ||R||_F ||R^-1||_F bounds the condition number from above: below 1e4 it settles the
        # test without the SVD (the SVD then has the last word, as in least_squares).
        inverse, info = lapack.dtrtri(upper)
        if info == 0 and np.linalg.norm(upper) * np.linalg.norm(inverse) < 1e4:
            return
        s = np.linalg.svd(upper, compute_uv=False)
        if s[-1] > s[0] * 1e-4:
            return
    check_rank(data, triangular(data))


def _row_tolerance(A: FloatArray, y: FloatArray, beta: FloatArray) -> FloatArray:
    """Per sample, the size below which its residual is rounding: relative to its own terms."""
    tol: FloatArray = _REL * (np.abs(y) + np.abs(A) @ np.abs(beta))
    return tol


def tilt_of(quantile: float) -> float:
    r"""The tilt :math:`t = 2q - 1` of the quantile ``q``: 0 for the median (abs L1)."""
    return 2.0 * quantile - 1.0


def _tilted_total(residual: FloatArray, tilt: float) -> float:
    r""":math:`\sum_i |r_i| + t\,r_i`, twice the total pinball loss (abs L1 itself for t = 0)."""
    total = float(np.sum(np.abs(residual)))
    return total + tilt * float(np.sum(residual)) if tilt else total


def solve_l1(data: Standard, *, quantile: float = 0.5) -> tuple[FloatArray, bool]:
    r"""Least absolute deviations by the dual linear program; return the fit and its uniqueness.

    :func:`solve_l1_rows` without the samples the fit passes through.
    """
    beta, unique, _ = solve_l1_rows(data, quantile=quantile)
    return beta, unique


def solve_l1_rows(
    data: Standard, *, quantile: float = 0.5
) -> tuple[FloatArray, bool, NDArray[np.intp] | None]:
    r"""Least absolute deviations by the dual linear program: the fit, its uniqueness, its rows.

    The rows are the k samples the fit passes through, when they pin it (``None`` otherwise).

    The dual of :math:`\min_\beta \sum_i |y_i - a_i^\top\beta|` is
    :math:`\max_d y^\top d` with :math:`A^\top d = 0`, :math:`|d_i| \le 1`: n bounded
    variables and only k equality constraints, which HiGHS solves far faster than the primal's
    2n + 2k variables. The multipliers of the k constraints are :math:`-\beta`.

    A ``quantile`` :math:`q` other than 1/2 gives the regression quantile, the minimiser of the
    pinball loss :math:`\sum_i \rho_q(r_i)`, :math:`\rho_q(r) = \max(q\,r, (q - 1)\,r)`,
    :math:`r = y - A\beta`. As :math:`\rho_q(r) = \tfrac12(|r| + t\,r)` with the tilt
    :math:`t = 2q - 1`, it is the same problem with the linear term :math:`t \sum_i r_i` added:
    the dual keeps its bounds and only its right-hand side moves, :math:`A^\top d = -t\,A^\top
    \mathbf 1`, and every step below carries :math:`t` (:math:`t = 0` is abs L1 itself). The
    tilted dual is feasible too (:math:`d_i = -t` for all i), and bounded.

    For large n most samples are clearly above or below the fit, and their :math:`d_i` is
    known to be :math:`\pm 1`: fit a subsample first, keep only the samples nearest to that
    fit free, fix the others at the sign of their residual, and solve the much smaller LP;
    repeat with a wider band while a fixed sample ends up on the wrong side (Portnoy and
    Koenker, 1997). The answer satisfies the optimality conditions of the whole problem, so it
    is exact.
    """
    A, y = data.A, data.y
    n, k = A.shape
    tilt = tilt_of(quantile)
    if n <= _FULL_LP_N:
        certified = _l1_exchange(A, y, tilt)
        if certified is not None:
            return certified[0], True, certified[1]
    d: FloatArray | None = None
    beta_lp = np.zeros(k)
    if n > _FULL_LP_N:
        d, beta_lp = _l1_band(A, y, tilt)
    if d is None:
        d, beta_lp = _l1_dual(A, y, _tilt_rhs(A, tilt))
    if d is None:  # pragma: no cover - the full dual LP is bounded and feasible (d = -t)
        raise ArgumentValueError("X", "the abs-L1 linear program failed on these X and y")

    # Polish: the solution passes through k data points. Take the k samples with the smallest
    # residuals (relative to their size) that pin beta and solve for the line through them.
    residual = y - A @ beta_lp
    order = np.argsort(np.abs(residual) / (np.abs(y) + np.abs(A) @ np.abs(beta_lp) + 1e-300))
    chosen = independent_rows(A, order, k)
    beta, rows = beta_lp, None
    if chosen.size == k:
        exact, info = solve_square(A[chosen], y[chosen])
        if info != 0:  # pragma: no cover - the rows were chosen independent
            exact = beta_lp
        if np.all(np.isfinite(exact)) and _tilted_total(y - A @ exact, tilt) <= _tilted_total(
            residual, tilt
        ) * (1.0 + 1e-12):
            beta, rows = exact, chosen
    return beta, _l1_unique(A, y, beta, d), rows


def _tilt_rhs(A: FloatArray, tilt: float) -> FloatArray:
    r"""The dual's right-hand side :math:`-t\,A^\top\mathbf 1` (zeros for abs L1)."""
    if not tilt:
        return np.zeros(A.shape[1])
    rhs: FloatArray = -tilt * A.sum(axis=0)
    return rhs


def _l1_exchange(
    A: FloatArray, y: FloatArray, tilt: float
) -> tuple[FloatArray, NDArray[np.intp]] | None:
    r"""Least absolute deviations by exchanging the k samples the fit passes through.

    A few reweighted least-squares steps give a fit near the answer; the k samples nearest
    to it (independent rows, ``B``) define a fit through them. That fit is optimal exactly when
    the dual multipliers :math:`d_B = -A_B^{-\top} (A_N^\top \operatorname{sign}(r_N) +
    t\,A^\top\mathbf 1)` are all in :math:`[-1, 1]` (a certificate, checked; the tilt
    :math:`t` is 0 for abs L1). Otherwise the sample of ``B`` with the largest
    :math:`|d_j|` leaves: along the edge that keeps the others on the fit the total is convex and
    piecewise linear, and its minimum is a weighted median (a weighted quantile, tilted) of where
    each sample crosses the fit (Barrodale and Roberts, 1973); that sample enters. At most
    ``_EXCHANGES`` exchanges; ``None`` when there is no certificate or the minimiser may not be
    unique (then the linear program decides, and reports the same minimiser whatever the size of
    the data). A certified fit is unique; it comes with ``B``.
    """
    lapack = _lapack()
    k = A.shape[1]
    A = np.ascontiguousarray(A)  # a column view of the standard data: its products are faster
    pull = A.sum(axis=0) * tilt if tilt else None  # t A^T 1
    abs_a, abs_y = np.abs(A), np.abs(y)
    beta = _irls(A, y, tilt)
    residual = y - A @ beta
    size = abs_y + abs_a @ np.abs(beta) + 1e-300
    basis = independent_rows(A, np.argsort(np.abs(residual) / size), k)
    abs_a *= _REL  # from here on, for _row_tolerance: _REL (|y| + |A| |beta|)
    abs_y *= _REL
    if basis.size < k:
        return None
    # Small problems: LAPACK's own routines (SciPy's thin wrappers), whose fixed cost is a
    # quarter of numpy.linalg's on a k x k matrix.
    for _ in range(_EXCHANGES):
        lu, pivots, info = lapack.dgetrf(A[basis])
        if info == 0:
            inverse, info = lapack.dgetri(lu, pivots)
        if info != 0:  # singular: as numpy.linalg.inv's LinAlgError
            return None
        beta = inverse @ y[basis]
        residual = y - A @ beta
        tolerance = abs_a @ np.abs(beta)  # _row_tolerance, from _REL |A| and _REL |y|
        tolerance += abs_y
        on_fit = np.abs(residual) <= tolerance
        on_fit[basis] = True
        sign = np.sign(residual)
        sign[on_fit] = 0.0
        pulled = A.T @ sign
        if pull is not None:
            pulled += pull
        size_d = np.abs(inverse.T @ pulled)  # |d_B|, d_B = -A_B^-T (A_N^T sign(r_N) + t A^T 1)
        worst = int(np.argmax(size_d))
        if size_d[worst] <= 1.0 + _REL:
            ties = np.count_nonzero(on_fit) > k
            if not ties and size_d[worst] < 1.0 - _REL:
                return beta, basis
            # Possibly a whole set of minimisers: the linear program picks the one it reports,
            # the same whichever route found the minimum.
            return None
        entering = _best_on_edge(A, residual, inverse[:, worst], basis[worst], tilt)
        if entering is None:
            return None
        basis[worst] = entering  # a fresh array of independent_rows: changed in place
    return None


def _best_on_edge(
    A: FloatArray, residual: FloatArray, direction: FloatArray, leaving: int, tilt: float
) -> int | None:
    r"""The sample at the minimum of the total along ``beta + s * direction``.

    The fit at sample i moves by :math:`s c_i`, and the total :math:`\sum_i |r_i - s c_i| +
    t\,(r_i - s c_i)` has the slope :math:`\sum_i |c_i| \operatorname{sign}(s - s_i) -
    t \sum_i c_i` in :math:`s`, with :math:`s_i = r_i / c_i` where sample i crosses the fit:
    its minimum is the first crossing at which the weight :math:`|c_i|` at or below it reaches
    half of all the weight plus :math:`\tfrac12 t \sum_i c_i` (the weighted median for abs L1).
    """
    change = A @ direction  # the fit at sample i moves by s * change[i]
    weight = np.abs(change)
    index = np.flatnonzero(weight > 1e-12 * weight.max())
    crossing = residual[index] / change[index]
    order = np.argsort(crossing, kind="stable")
    cumulative = np.cumsum(weight[index[order]])
    target = 0.5 * cumulative[-1]
    if tilt:
        target += 0.5 * tilt * float(np.sum(change))
    median = int(np.searchsorted(cumulative, target))
    entering = int(index[order[min(median, order.size - 1)]])
    return None if entering == leaving else entering


def _irls(A: FloatArray, y: FloatArray, tilt: float) -> FloatArray:
    """A fit near the abs-L1 one: least squares reweighted by 1 / |residual|, a few times.

    Each residual is floored at a level that shrinks from step to step (``_IRLS_FLOORS``, in
    units of the least-squares fit's median residual), so that the first steps fit a smooth,
    Huber-like version of the loss and the last ones nearly abs L1 itself. Tilted, a sample
    above the fit weighs 1 + t and one below 1 - t (twice q and 1 - q). Only a start for the
    exchange, which certifies the answer: how near it lands sets only how many exchanges follow.
    """
    lapack = _lapack()
    n, k = A.shape
    columns = np.ascontiguousarray(A.T)
    weighted = columns.copy()  # A^T W, W = 1 to begin with: least squares
    weights = np.empty(n)
    beta: FloatArray = np.zeros(k)
    scale = 0.0
    for step in range(_IRLS_STEPS):
        # Cholesky (the weighted Gram is positive definite, the columns being independent);
        # a failure leaves the last fit, as a start is all this is.
        _, solution, info = lapack.dposv(weighted @ A, weighted @ y)
        if info != 0:
            return beta
        beta = solution
        if step == _IRLS_STEPS - 1:
            break
        signed = y - A @ beta
        np.abs(signed, out=weights)
        if step == 0:  # the median residual of least squares (the upper one, by partition)
            scale = float(np.partition(weights, n // 2)[n // 2]) or float(np.mean(weights))
            if scale == 0.0:  # least squares fits every sample: it is the answer
                return beta
        np.maximum(weights, scale * _IRLS_FLOORS[step], out=weights)
        np.divide(1.0, weights, out=weights)  # 1 / max(|r|, floor)
        if tilt:
            weights *= np.where(signed > 0.0, 1.0 + tilt, 1.0 - tilt)
        np.multiply(columns, weights, out=weighted)
    return beta


def _l1_dual(
    A: FloatArray, y: FloatArray, rhs: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray | None, FloatArray]:
    """Solve max y^T d subject to A^T d = rhs, |d| <= 1; return d (None if infeasible), beta.

    Given a ``start``, the costs are the residuals from it (the same LP up to a constant),
    scaled to at most 1: HiGHS then sees numbers of one size, and beta is found as a correction.
    """
    from scipy.optimize import linprog  # noqa: PLC0415 - SciPy is only needed here

    base = np.zeros(A.shape[1]) if start is None else start
    cost = y - A @ base
    size = np.abs(cost)
    largest = float(np.max(size)) if cost.size else 0.0
    # A few huge costs (outliers) would swamp HiGHS's absolute tolerances (about 1e-7 of the
    # largest cost) and lose the small residuals that decide the fit. So the costs are first
    # clipped at _CLIP times a typical one; a clipped sample that stays strictly on its side of
    # the fit has the same subgradient in both problems, so that fit is optimal for the
    # unclipped one too (and its d as well). Otherwise the clip widens, up to no clipping.
    typical = float(np.quantile(size, 0.75)) if cost.size else 0.0
    level = _CLIP * typical if typical > 0.0 else largest
    while True:
        clipped = np.clip(cost, -level, level) if level < largest else cost
        scale = float(np.max(np.abs(clipped))) if cost.size else 0.0
        scale = scale if scale > 0.0 else 1.0
        result = linprog(
            -clipped / scale, A_eq=A.T, b_eq=rhs, bounds=(-1.0, 1.0), method="highs-ds"
        )
        if result.status != 0:
            return None, base
        correction = -np.asarray(result.eqlin.marginals, dtype=np.float64) * scale
        if level >= largest:
            return np.asarray(result.x, dtype=np.float64), base + correction
        cut = size > level
        moved = clipped[cut] - A[cut] @ correction
        if np.all(np.sign(moved) == np.sign(cost[cut])) and np.all(np.abs(moved) > _REL * level):
            return np.asarray(result.x, dtype=np.float64), base + correction
        level *= _CLIP


def _spread_sample(n: int, m: int) -> NDArray[np.intp]:
    """``m`` of ``n`` row indices spread over the data in a fixed pseudo-random order.

    Deterministic (the same rows every call), and blind to the order of the rows: sorted or
    adversarially ordered data give as fair a sample as shuffled data.
    """
    rng = np.random.default_rng(20_241_204)
    return np.sort(rng.choice(n, size=m, replace=False))


def _l1_band(A: FloatArray, y: FloatArray, tilt: float) -> tuple[FloatArray | None, FloatArray]:
    """The large-n route of :func:`solve_l1`; ``None`` for d if it gives up (then: full LP)."""
    n, k = A.shape
    m = min(n, max(4 * k, int(np.sqrt(k) * n ** (2.0 / 3.0))))
    sub = _spread_sample(n, m)
    d_sub, beta = _l1_dual(A[sub], y[sub], _tilt_rhs(A[sub], tilt))
    pull = _tilt_rhs(A, tilt)
    if d_sub is None:  # pragma: no cover - feasible (d = -t)
        return None, beta
    band = m
    for _ in range(_BAND_ROUNDS):
        residual = y - A @ beta
        free = np.zeros(n, dtype=bool)
        free[np.argpartition(np.abs(residual), band - 1)[:band]] = True
        sign = np.sign(residual)
        sign[free] = 0.0
        fixed = ~free
        d_free, beta_new = _l1_dual(A[free], y[free], pull - A[fixed].T @ sign[fixed], beta)
        if d_free is not None:
            moved = y[fixed] - A[fixed] @ beta_new
            tol = _row_tolerance(A[fixed], y[fixed], beta_new)
            wrong = (np.sign(moved) != sign[fixed]) & (np.abs(moved) > tol)
            if not wrong.any():
                sign[free] = d_free
                return sign, beta_new
            beta = beta_new
        if band == n:  # pragma: no cover - the full problem is always feasible
            break
        band = min(n, 2 * band)
    return None, beta


def independent_rows(A: FloatArray, order: NDArray[np.intp], k: int) -> NDArray[np.intp]:
    """Return the first ``k`` rows in ``order`` that are linearly independent (relative test).

    A row is kept when its direction (the row over its norm) lies more than 1e-8 from the span
    of those kept before it. Usually the first ``k`` rows are all kept, and one Cholesky
    factorisation of their directions' Gram matrix says so: its diagonal holds those
    distances, and when all are above 1e-6 (far from the test's 1e-8, so rounding cannot tip
    it) they are the answer. Otherwise, one Gram-Schmidt projection per candidate, at most
    ``len(order)`` of them.
    """
    if len(order) >= k:
        first = np.asarray(order[:k], dtype=np.intp)
        rows = A[first]
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
        if np.all(norms > 0.0):
            unit = rows / norms[:, np.newaxis]
            factor, info = _lapack().dpotrf(unit @ unit.T)
            if info == 0 and float(np.min(np.abs(np.diagonal(factor)))) > 1e-6:
                return first
    basis: list[FloatArray] = []
    chosen: list[int] = []
    for i in order:
        row = A[int(i)]
        norm = float(np.linalg.norm(row))
        if norm == 0.0:
            continue
        v = row / norm
        for _ in range(2):  # twice is enough (Kahan)
            for q in basis:
                v = v - (q @ v) * q
        left = float(np.linalg.norm(v))
        if left > 1e-8:
            basis.append(v / left)
            chosen.append(int(i))
            if len(chosen) == k:
                break
    return np.asarray(chosen, dtype=np.intp)


def _l1_unique(A: FloatArray, y: FloatArray, beta: FloatArray, d: FloatArray) -> bool:
    r"""Whether :math:`\beta` is the only abs-L1 minimiser, from a dual solution ``d``.

    Complementary slackness with any dual optimum describes every primal optimum: a minimiser
    passes through the samples with :math:`|d_i| < 1`, keeps those with :math:`d_i = 1` on or
    below it (residual :math:`\ge 0`) and those with :math:`d_i = -1` on or above it. Near
    :math:`\beta` only the samples it passes through can bind, so :math:`\beta` is unique exactly
    when no direction :math:`s \ne 0` keeps all of those conditions: a few tiny LPs decide it.
    All tolerances are relative, so the answer does not depend on the units.
    """
    k = A.shape[1]
    residual = y - A @ beta
    on_line = np.abs(residual) <= _row_tolerance(A, y, beta)
    inside = on_line & (np.abs(d) < 1.0 - 1e-9)
    if np.count_nonzero(on_line) == k and np.count_nonzero(inside) == k:
        return True  # k equalities with independent rows pin beta
    # s moves beta; a sample i on the line gets residual -a_i s. Repeated rows (ties) are one
    # condition each.
    eq = _distinct_rows(A[inside])
    upper = _distinct_rows(
        np.vstack([A[on_line & ~inside & (d > 0)], -A[on_line & ~inside & (d < 0)]])
    )
    return _pinned(eq, upper, k)


def _pinned(eq: FloatArray, upper: FloatArray, k: int) -> bool:
    """Whether no direction s != 0 keeps ``eq @ s == 0`` and ``upper @ s <= 0``.

    ``eq`` holds the samples a move must keep where they are, ``upper`` those it may only push
    outward; the minimiser is unique when no such move exists.
    """
    if not _full_rank(np.vstack([eq, upper]), k):
        return False  # a direction moves none of these samples: a whole line of minimisers
    # With full rank, a direction s != 0 of the cone {eq s = 0, upper s <= 0} moves some sample
    # strictly: one LP decides whether such a direction exists.
    if upper.shape[0] == 0:
        return True
    from scipy.optimize import linprog  # noqa: PLC0415 - only for ties

    res = linprog(
        upper.sum(axis=0),
        A_ub=upper,
        b_ub=np.zeros(upper.shape[0]),
        A_eq=eq if eq.size else None,
        b_eq=np.zeros(eq.shape[0]) if eq.size else None,
        bounds=(-1.0, 1.0),
        method="highs",
    )
    return not (res.status == 0 and -res.fun > 1e-7)


def _distinct_rows(M: FloatArray) -> FloatArray:
    """The rows of ``M``, each once."""
    if M.shape[0] < 2:
        return M
    distinct: FloatArray = np.unique(M, axis=0)
    return distinct


# ---------------------------------------------------------------------------------------------
# Huber
# ---------------------------------------------------------------------------------------------


def huber_total(A: FloatArray, y: FloatArray, beta: FloatArray, delta: float) -> float:
    """The Huber total of the residuals of ``beta``, in two arrays the size of ``y``."""
    residual = _residual(A, y, beta, out=np.empty(y.size))
    return _huber_sum(residual, np.clip(residual, -delta, delta))


def auto_delta(data: Standard) -> float:
    r"""Huber's threshold from a robust scale, in standard units of ``y``.

    :math:`\delta = 1.345\,\hat\sigma` with :math:`\hat\sigma = \operatorname{median}|r_i| /
    0.6745`, the residuals :math:`r` of the abs-L1 fit (whose median is 0): the normal-consistent
    median absolute deviation, and 1.345 the usual 95%-efficiency constant. When more than half
    the samples lie on the L1 fit, the mean absolute residual times :math:`\sqrt{\pi/2}` stands
    in for :math:`\hat\sigma`; on an exact fit (all residuals zero) any delta gives the same fit,
    and it is the spread of ``y``.
    """
    beta, _ = solve_l1(data)
    r = np.abs(data.y - data.A @ beta)
    sigma = float(np.median(r)) / 0.6745
    if sigma <= 0.0:
        sigma = float(np.mean(r)) * math.sqrt(math.pi / 2.0)
    return 1.345 * sigma if sigma > 0.0 else 1.0


def solve_huber(
    data: Standard, delta: float, start: FloatArray | None = None
) -> tuple[FloatArray, bool]:
    r"""Minimise the Huber total by Newton steps; stop when the exact answer is certified.

    With the samples split into zones (inside :math:`\pm\delta`, above, below), the total is
    a quadratic whose minimum solves
    :math:`A_Q^\top A_Q \beta = A_Q^\top y_Q + \delta(\sum_{\text{above}} a_i -
    \sum_{\text{below}} a_i)`. If the samples keep their zones at that point, its gradient
    is zero there and it is the minimum (unique, as :math:`A_Q` has full rank): the stopping
    rule. Otherwise step towards it with a backtracking line search, which lowers the convex
    total every time. A delta tiny against the residuals leaves too few samples inside; then
    the search restarts once from the abs-L1 fit, which Huber approaches as delta shrinks.
    """
    A, y = data.A, data.y
    k = A.shape[1]
    beta = least_squares(data) if start is None else start
    certified = _huber_newton(A, y, delta, beta)
    if certified is not None:
        return certified
    residual = y - A @ beta
    value: float | None = None
    restarted = False
    for _ in range(_HUBER_STEPS):
        zone = _zones(residual, delta)
        target, clear = _zone_minimum(A, y, zone, delta)
        if target is not None:
            moved = y - A @ target
            if np.array_equal(_zones(moved, delta), zone):
                # Unique when the samples strictly inside the zone pin every coefficient: the
                # total is then strictly convex around the answer. Samples exactly at
                # |r| = delta may not (with a tiny delta the minimum can be a whole region of
                # lines, all at that boundary): then _huber_unique decides.
                strictly = np.abs(moved) < delta * (1.0 - 1e-9)
                if clear and np.array_equal(strictly, zone == 0):
                    return target, True
                return target, _huber_unique(A, moved, delta)
        if value is None:
            value = huber_total(A, y, beta, delta)
        gradient = -(A.T @ np.clip(residual, -delta, delta))
        if target is not None:
            step = target - beta
        else:  # too few samples inside: a damped Newton step
            inside = zone == 0
            ridge = 1e-8 * float(np.einsum("ij,ij->", A, A)) / k * np.eye(k)
            step = np.linalg.solve(A[inside].T @ A[inside] + ridge, -gradient)
        beta, value = _line_search(
            A, y, delta, beta=beta, value=value, step=step, slope=float(gradient @ step)
        )
        if target is None and not restarted:
            # Too few samples inside delta: Huber is close to abs L1 here, so carry on from the
            # abs-L1 fit if it is no worse (the same start whatever the units).
            restarted = True
            start = solve_l1(data)[0]
            start_value = huber_total(A, y, start, delta)
            if start_value < value:
                beta, value = start, start_value
        residual = y - A @ beta
    # No certificate (a degenerate split): the best point found, flagged as possibly not unique.
    return beta, False


def _huber_newton(
    A: FloatArray, y: FloatArray, delta: float, beta: FloatArray
) -> tuple[FloatArray, bool] | None:
    r"""Plain Newton steps on the Huber total, keeping :math:`A_Q^\top A_Q` up to date.

    The fast route of :func:`solve_huber`: from :math:`\beta`, the Newton step
    :math:`(A_Q^\top A_Q)^{-1} A^\top \psi(r)` (:math:`\psi` the residuals clipped at
    :math:`\pm\delta`) lands on the minimum of the quadratic of the current zones. When no
    sample changes zone there, that point, refined once, is the answer, certified as in
    :func:`solve_huber`. Otherwise the whole step is kept if it lowers the total enough (the
    Armijo test of :func:`_line_search`, from residuals already at hand), and the k x k matrix
    is updated with the few samples that crossed :math:`\pm\delta` instead of being formed
    again. ``None`` (leave it to the line search) when a whole step does not lower the total
    enough, the matrix is not clearly well conditioned, or ``_HUBER_STEPS`` steps pass.

    Every pass over the data writes into two buffers made once: on large data, fresh
    temporaries cost more (the memory is mapped and zeroed again each time) than the
    arithmetic.
    """
    n = A.shape[0]
    residual, psi = np.empty(n), np.empty(n)
    _residual(A, y, beta, out=residual)
    zone = _zones(residual, delta)
    gram = _inside_gram(A, zone == 0, work=psi)
    pull = A.T @ np.clip(residual, -delta, delta, out=psi)
    value = _huber_sum(residual, psi)
    for _ in range(_HUBER_STEPS):
        upper = _conditioned_cholesky(gram)
        if upper is None:
            return None
        step = _cholesky_solve(upper, pull)
        slope = -float(pull @ step)
        trial = beta + step
        _residual(A, y, trial, out=residual)
        new_zone = _zones(residual, delta)
        pull = A.T @ np.clip(residual, -delta, delta, out=psi)
        changed = np.flatnonzero(new_zone != zone)
        if changed.size == 0:
            # The minimum of this quadratic, and it keeps the zones: refine once, check again.
            refined: FloatArray = trial + _cholesky_solve(upper, pull)
            _residual(A, y, refined, out=residual)
            if not np.array_equal(_zones(residual, delta), zone):
                return None
            strictly = np.abs(residual, out=psi) < delta * (1.0 - 1e-9)
            if np.array_equal(strictly, zone == 0):
                return refined, True
            return refined, _huber_unique(A, residual, delta)
        trial_value = _huber_sum(residual, psi)
        if not trial_value <= value + 1e-4 * slope:  # not enough of a fall: the line search
            return None
        crossed = A[changed]  # (A.take would copy all of the strided A first)
        sign = (new_zone[changed] == 0).astype(np.float64) - (zone[changed] == 0)
        gram = gram + (crossed.T * sign) @ crossed
        beta, zone, value = trial, new_zone, trial_value
    return None


def _huber_unique(A: FloatArray, residual: FloatArray, delta: float) -> bool:
    r"""Whether the Huber minimiser with these ``residual`` is the only one.

    Moving the fit by :math:`s` changes the total, to second order, only through the samples
    strictly inside :math:`\pm\delta` (:math:`a_i^\top s \ne 0`) and through those exactly at
    :math:`\pm\delta` that :math:`s` moves inside (the gradient being zero, every sample
    that stays on a linear piece adds nothing). So another minimiser exists exactly when some
    :math:`s \ne 0` keeps :math:`a_i^\top s = 0` for the samples strictly inside and moves
    every sample at :math:`\pm\delta` outward or not at all: when the samples strictly inside
    do not pin the fit, a rank test and one small linear program (as for abs L1) decide it.
    "At" is to a relative 1e-9 of delta.
    """
    k = A.shape[1]
    size = np.abs(residual)
    strictly = size < delta * (1.0 - 1e-9)
    if _full_rank(A[strictly], k):
        return True
    bound = ~strictly & (size <= delta * (1.0 + 1e-9))
    eq = _distinct_rows(A[strictly])
    # A sample at +delta moves outward when a_i s <= 0, one at -delta when -a_i s <= 0.
    upper = _distinct_rows(np.vstack([A[bound & (residual > 0)], -A[bound & (residual < 0)]]))
    return _pinned(eq, upper, k)


def _residual(A: FloatArray, y: FloatArray, beta: FloatArray, *, out: FloatArray) -> FloatArray:
    """Write ``y - A @ beta`` into ``out`` and return it."""
    np.matmul(A, beta, out=out)
    np.subtract(y, out, out=out)
    return out


def _inside_gram(A: FloatArray, inside: NDArray[np.bool_], *, work: FloatArray) -> FloatArray:
    r""":math:`A_Q^\top A_Q` of the samples ``inside``.

    With a few columns, a column at a time and no rows copied (a product with a 0/1 weight,
    then one matrix-vector product per column); with more, the rows copied once and one
    matrix product, which is faster from about six columns on.
    """
    k = A.shape[1]
    if k > _GRAM_BY_COLUMN:
        rows = A[inside]
        product: FloatArray = rows.T @ rows
        return product
    gram = np.empty((k, k))
    for j in range(k):
        np.multiply(A[:, j], inside, out=work)
        gram[:, j] = A.T @ work
    return gram


def _huber_sum(residual: FloatArray, psi: FloatArray) -> float:
    r"""The Huber total from the residuals and the same clipped at :math:`\pm\delta` (``psi``).

    With :math:`m = |\psi|`, each term :math:`m(|r| - m/2)` is :math:`\psi r - \psi^2/2`
    (:math:`\psi` and :math:`r` share their sign), so the total is two sums of products, read
    without temporaries; the first is at least twice the second, so no digits cancel.
    """
    return float(np.einsum("i,i->", psi, residual)) - 0.5 * float(np.einsum("i,i->", psi, psi))


def _zones(residual: FloatArray, delta: float) -> NDArray[np.int8]:
    """-1 below the fit by more than delta, 0 inside, +1 above."""
    above = (residual > delta).view(np.int8)
    below = (residual < -delta).view(np.int8)
    zone: NDArray[np.int8] = above - below
    return zone


def _line_search(
    A: FloatArray,
    y: FloatArray,
    delta: float,
    *,
    beta: FloatArray,
    value: float,
    step: FloatArray,
    slope: float,
) -> tuple[FloatArray, float]:
    """Backtrack along ``step`` until the total falls enough (Armijo); at most _HALVINGS times."""
    t = 1.0
    for _ in range(_HALVINGS):
        trial = beta + t * step
        trial_value = huber_total(A, y, trial, delta)
        if trial_value <= value + 1e-4 * t * slope:
            return trial, trial_value
        t *= 0.5
    return beta, value


def _full_rank(M: FloatArray, k: int) -> bool:
    """Whether ``M`` has ``k`` independent columns, relative to its largest singular value.

    From the k x k Gram matrix when that is clear (condition number below 1e4), otherwise from
    the triangular factor of a QR factorisation (never forming Q).
    """
    if M.shape[0] < k:
        return False
    upper = _conditioned_cholesky(M.T @ M)
    if upper is not None:
        return True
    r = np.linalg.qr(M, mode="r")
    s = np.linalg.svd(r, compute_uv=False)
    return bool(s[-1] > s[0] * max(M.shape) * _EPS)


def _conditioned_cholesky(gram: FloatArray) -> FloatArray | None:
    """The Cholesky factor R (upper) of ``gram``, or ``None`` if R's condition exceeds 1e4."""
    try:
        upper = np.asarray(np.linalg.cholesky(gram).T, dtype=np.float64)
    except np.linalg.LinAlgError:
        return None
    s = np.linalg.svd(upper, compute_uv=False)
    return upper if s[-1] > s[0] * 1e-4 else None


def _zone_minimum(
    A: FloatArray, y: FloatArray, zone: NDArray[np.int8], delta: float
) -> tuple[FloatArray | None, bool]:
    r"""The minimum of the quadratic that the total is while every sample keeps its ``zone``.

    It solves :math:`A_Q^\top A_Q\beta = A_Q^\top y_Q + \delta A^\top z` (z the zones):
    by Cholesky plus one refinement step when :math:`A_Q` is well conditioned, else from the
    triangular factor of :math:`[A_Q, y_Q]`; ``None`` when :math:`A_Q` lacks full rank. The
    flag says whether :math:`A_Q` is clearly of full rank (the Cholesky route).
    """
    k = A.shape[1]
    inside = zone == 0
    m = int(np.count_nonzero(inside))
    if m < k:
        return None, False
    AQ, yQ = A[inside], y[inside]
    pull = delta * (zone.astype(np.float64) @ A)
    upper = _conditioned_cholesky(AQ.T @ AQ)
    if upper is not None:
        beta = _cholesky_solve(upper, AQ.T @ yQ + pull)
        refined: FloatArray = beta + _cholesky_solve(upper, AQ.T @ (yQ - AQ @ beta) + pull)
        return refined, True
    r = np.asarray(np.linalg.qr(np.column_stack([AQ, yQ]), mode="r"), dtype=np.float64)
    s = np.linalg.svd(r[:k, :k], compute_uv=False)
    if not s[-1] > s[0] * max(m, k) * _EPS:
        return None, False
    solution = _back_substitute(r[:k, :k], r[:k, k] + _forward_substitute(r[:k, :k].T, pull))
    return solution, False
