# ruff: noqa: N803, N806  (X and A: the matrix names of the linear-algebra literature)
r"""The exact fits behind :func:`l1l2.regression.solve`, on centred, rescaled data.

Every fit is equivariant, so the solvers see a *standard* copy of the data: each column of
``X`` and ``y`` shifted by one of its own values and divided by a power of two (both exact), and
every tolerance relative, so that no decision depends on the units of the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from l1l2._typing import FloatArray
from l1l2._validation import ArgumentValueError

#: The largest problem :func:`l1l2.regression.solve` accepts: rows times coefficients (one copy
#: of the data at the limit is 160 MB).
MAX_CELLS: Final = 2 * 10**7
# Above this many samples the abs-L1 LP is solved on a band of samples near a first fit,
# widened at most _BAND_ROUNDS times.
_FULL_LP_N: Final = 5_000
_BAND_ROUNDS: Final = 12
# Reweighted least-squares steps before the exchange, and exchanges before the LP takes over.
_IRLS_STEPS: Final = 12
# The reweighting floors each residual at a level falling from twice the least-squares median
# residual to a hundredth of it: a smoothed abs L1 whose steps land nearer the basis (about half
# the exchanges of a floor near 0, measured on heavy-tailed data).
_IRLS_FLOORS: Final = tuple(float(f) for f in np.geomspace(2.0, 0.01, _IRLS_STEPS - 1))
_EXCHANGES: Final = 200
# Newton steps of the Huber fit, and halvings of its line search.
_HUBER_STEPS: Final = 200
_HALVINGS: Final = 60
# Up to this many coefficients the Huber fit forms A_Q^T A_Q a column at a time.
_GRAM_BY_COLUMN: Final = 4
# Relative size below which a residual is zero and a multiplier at its bound: far above
# rounding (1e-16), far below any real gap in the data.
_REL: Final = 1e-9
_EPS: Final = float(np.finfo(np.float64).eps)
# The abs-L1 linear program clips its costs at this many times a typical one (see _l1_dual).
_CLIP: Final = 1e4


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
            # By the difference of the exponents: the ratio of the scales cannot overflow.
            exponent = math.frexp(self.y_scale)[1] - np.frexp(self.x_scale)[1]
            coef = np.ldexp(beta[int(self.intercept) :], exponent)
            b = 0.0
            if self.intercept:
                # Added exactly (fsum); if a term or partial sum overflows, halves, then doubled
                # (halving only then, so no subnormal shift is rounded).
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
                    try:
                        b = 2.0 * math.fsum(halves) if all(map(math.isfinite, halves)) else math.inf
                    except OverflowError:  # a partial sum of the halves beyond float64
                        b = math.inf
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
        """Raise if a coefficient, or the intercept's sum, lost digits below the smallest normal."""
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
        # Each product of the intercept's sum that came out below the smallest normal was rounded
        # by up to half the smallest subnormal: refuse an intercept that this may move.
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


def standardise(
    X: FloatArray, y: FloatArray, *, intercept: bool, robust_y: bool = False
) -> Standard:
    """Centre (with an intercept) and rescale ``X`` and ``y`` exactly; refuse degenerate columns.

    Each shift is the lower median of up to 1001 rows spread over the data: a data value (so
    ``x - shift`` is exact near it) that a few outliers do not move. ``robust_y`` divides ``y``
    by its median deviation (see :func:`_robust_spread`), not its spread: one far outlier then
    leaves the others above the smallest normal float64 (not for L2: 2**1000 overflows).
    """
    n, p = X.shape
    k = p + intercept
    probe = np.arange(0, n, max(1, n // 1001), dtype=np.intp)
    if intercept:
        middle = (probe.size - 1) // 2
        x_shift = np.partition(X[probe], middle, axis=0)[middle]
        y_shift = float(np.partition(y[probe], middle)[middle])
    else:
        x_shift, y_shift = np.zeros(p), 0.0
    low, high = _column_extremes(X)
    with np.errstate(all="ignore"):
        spread = np.maximum(high - x_shift, x_shift - low)
        y_spread = max(float(y.max()) - y_shift, y_shift - float(y.min()))
    for j in np.flatnonzero(~(np.isfinite(spread) & (spread > 0.0))):  # the first one
        if not np.isfinite(spread[j]):
            raise ArgumentValueError(
                "X", f"X column {j} spans more than float64 can hold (about 1.8e308): rescale it"
            )
        same = "constant, a multiple of the intercept's column of ones" if intercept else "zero"
        raise ArgumentValueError(
            "X", f"X column {j} is {same}: the columns must be linearly independent; drop it"
        )
    if not math.isfinite(y_spread):
        raise ArgumentValueError(
            "y", "y spans more than float64 can hold (about 1.8e308): rescale it"
        )
    # The powers of two at or just below the spreads: dividing by them is exact.
    x_scale = np.ldexp(1.0, np.frexp(spread)[1] - 1)
    if robust_y and y_spread > 0.0:
        y_spread = _robust_spread(y, probe, y_shift, y_spread)
    y_scale = math.ldexp(1.0, math.frexp(y_spread)[1] - 1) if y_spread > 0.0 else 1.0
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
    y_standard = np.ascontiguousarray(augmented[:, k])
    return Standard(
        augmented[:, :k], y_standard, x_shift, x_scale, y_shift, y_scale, intercept, augmented
    )


def _robust_spread(y: FloatArray, probe: NDArray[np.intp], shift: float, spread: float) -> float:
    """The median non-zero deviation of ``y[probe]`` from ``shift``, at least 2**-500 ``spread``.

    Non-zero: where most values tie with the shift, their median deviation of 0 would scale the
    others by 2**-500 of one far value, and small ones would lose their digits unrefused.
    """
    deviations = np.abs(y[probe] - shift)
    if not np.any(deviations):  # the probe all at the shift: y's other values, then
        deviations = np.abs(y - shift)
    deviations = deviations[deviations > 0.0]
    middle = (deviations.size - 1) // 2
    deviation = float(np.partition(deviations, middle)[middle])
    if deviation < math.ldexp(spread, -1470):  # below 2**-970 in y's units: lost digits
        raise ArgumentValueError(
            "y",
            f"y's farthest value lies {spread:.3g} from its median, more than 2**1470 times "
            f"its median non-zero deviation ({deviation:.3g}): beside it the others lose their "
            "digits in float64; move it nearer (a robust fit does not depend on how far it "
            "lies) or drop it",
        )
    return max(deviation, math.ldexp(spread, -500))


def _column_extremes(X: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(X.min(axis=0), X.max(axis=0))``, ten times as fast for a tall, narrow ``X``.

    Row-major ``X`` reduced down its columns runs NumPy's inner loop over one row (p values);
    viewed as rows of 64 samples, the loop runs over 64 p values.
    """
    n, p = X.shape
    cut = n - n % 64
    if cut == 0 or not X.flags.c_contiguous:
        return X.min(axis=0), X.max(axis=0)
    blocks = X[:cut].reshape(-1, 64 * p)
    low = blocks.min(axis=0).reshape(64, p).min(axis=0)
    high = blocks.max(axis=0).reshape(64, p).max(axis=0)
    if cut < n:
        np.minimum(low, X[cut:].min(axis=0), out=low)
        np.maximum(high, X[cut:].max(axis=0), out=high)
    return low, high


def triangular(data: Standard) -> FloatArray:
    r"""The triangular factor :math:`R` of :math:`[A, y'] = QR` (never forming Q), checked.

    :math:`R_{:k,:k}\beta = R_{:k,k}` is the least-squares fit. ``X`` whose columns are dependent
    to rounding (relative, as ``lstsq``'s ``rcond``) is refused.
    """
    k, n = data.k, data.A.shape[0]
    try:
        r = np.asarray(np.linalg.qr(data.augmented, mode="r"), dtype=np.float64)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - QR of finite data does not fail
        raise ArgumentValueError("X", f"the least-squares factorisation failed: {exc}") from None
    try:
        _, s, vt = np.linalg.svd(r[:k, :k])
    except np.linalg.LinAlgError:  # pragma: no cover - SVD of a small finite matrix
        s, vt = np.zeros(k), np.eye(k)
    if s[-1] > s[0] * max(n, k) * _EPS:
        return r
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


def least_squares(data: Standard) -> FloatArray:
    """The least-squares fit in standard units, after checking that the columns are independent.

    The normal equations by Cholesky plus one refinement step with the true residual (as
    accurate as QR, Björck) when the scaled columns are well conditioned; QR otherwise.
    """
    k = data.k
    gram = data.augmented.T @ data.augmented
    upper = _conditioned_cholesky(gram[:k, :k])
    if upper is None:
        r = triangular(data)
        return _back_substitute(r[:k, :k], r[:k, k])
    beta = _cholesky_solve(upper, gram[:k, k])
    residual = data.y - data.A @ beta
    refined: FloatArray = beta + _cholesky_solve(upper, data.A.T @ residual)
    return refined


def check_independent(data: Standard) -> None:
    """Refuse dependent columns as :func:`least_squares` does, without computing its fit."""
    # Most fits are settled by one LAPACK Cholesky and inverse: the Frobenius norms of R and
    # R^-1 bound R's condition from above, so a bound below 1e4 gives the verdict of
    # _conditioned_cholesky without its SVD (a tenth of a small abs-L1 fit's time).
    lapack = _lapack()
    upper, info = lapack.dpotrf(data.A.T @ data.A)
    if info == 0:
        inverse, info = lapack.dtrtri(upper)
        if info == 0 and np.linalg.norm(upper) * np.linalg.norm(inverse) < 1e4:
            return
    if _conditioned_cholesky(data.A.T @ data.A) is None:
        triangular(data)  # refuses dependent columns


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


def _conditioned_cholesky(gram: FloatArray) -> FloatArray | None:
    """The Cholesky factor R (upper) of ``gram``, or ``None`` if R's condition exceeds 1e4."""
    try:
        upper = np.asarray(np.linalg.cholesky(gram).T, dtype=np.float64)
    except np.linalg.LinAlgError:
        return None
    s = np.linalg.svd(upper, compute_uv=False)
    return upper if s[-1] > s[0] * 1e-4 else None


def _full_rank(M: FloatArray, k: int) -> bool:
    """Whether ``M`` has ``k`` independent columns: by Cholesky when clear, else by QR."""
    if M.shape[0] < k:
        return False
    if _conditioned_cholesky(M.T @ M) is not None:
        return True
    r = np.linalg.qr(M, mode="r")
    s = np.linalg.svd(r, compute_uv=False)
    return bool(s[-1] > s[0] * max(M.shape) * _EPS)


def _lapack() -> Any:
    """SciPy's wrappers of LAPACK, whose fixed cost on a k x k matrix is a quarter of NumPy's."""
    from scipy.linalg import lapack  # noqa: PLC0415 - SciPy is only needed by the exact fits

    return lapack


def solve_square(M: FloatArray, rhs: FloatArray) -> tuple[FloatArray, int]:
    """Solve ``M x = rhs`` by LAPACK's ``gesv``; its info is nonzero when ``M`` is singular."""
    _, _, x, info = _lapack().dgesv(M, rhs)
    return np.asarray(x, dtype=np.float64), int(info)


def _row_tolerance(A: FloatArray, y: FloatArray, beta: FloatArray) -> FloatArray:
    """Per sample, the size below which its residual is rounding: relative to its own terms."""
    tol: FloatArray = _REL * (np.abs(y) + np.abs(A) @ np.abs(beta))
    return tol


def nearest_first(A: FloatArray, y: FloatArray, beta: FloatArray) -> NDArray[np.intp]:
    """The samples in order of their residual from ``beta``, relative to the sample's size."""
    residual = np.abs(y - A @ beta)
    order: NDArray[np.intp] = np.argsort(residual / (np.abs(y) + np.abs(A) @ np.abs(beta) + 1e-300))
    return order


def _tilted_total(residual: FloatArray, tilt: float) -> float:
    r""":math:`\sum_i |r_i| + t\,r_i`, twice the total pinball loss (abs L1 itself for t = 0)."""
    total = float(np.sum(np.abs(residual)))
    return total + tilt * float(np.sum(residual)) if tilt else total


def _tilt_rhs(A: FloatArray, tilt: float) -> FloatArray:
    r"""The dual's right-hand side :math:`-t\,A^\top\mathbf 1` (zeros for abs L1)."""
    if not tilt:
        return np.zeros(A.shape[1])
    rhs: FloatArray = -tilt * A.sum(axis=0)
    return rhs


def solve_l1(
    data: Standard, *, quantile: float = 0.5
) -> tuple[FloatArray, bool, NDArray[np.intp] | None]:
    r"""Least absolute deviations (or a regression quantile) by the dual linear program.

    Returns the fit, whether it is unique, and the k samples it passes through when they pin
    it (else ``None``). The dual of :math:`\min_\beta \sum_i |y_i - a_i^\top\beta|` is
    :math:`\max_d y^\top d` with :math:`A^\top d = 0`, :math:`|d_i| \le 1`, whose multipliers are
    :math:`-\beta`. The pinball loss is :math:`\tfrac12(|r| + t\,r)` with the tilt
    :math:`t = 2q - 1`: the same dual with :math:`A^\top d = -t\,A^\top\mathbf 1`. Up to
    ``_FULL_LP_N`` samples an exchange tries first; above, the LP on a band of samples near a
    first fit, the others fixed at their sign (Portnoy and Koenker, 1997).
    """
    A, y = data.A, data.y
    n, k = A.shape
    tilt = 2.0 * quantile - 1.0
    if n <= _FULL_LP_N:
        certified = _l1_exchange(A, y, tilt)
        if certified is not None:
            return certified[0], True, certified[1]
    d, beta_lp = _l1_band(A, y, tilt) if n > _FULL_LP_N else (None, np.zeros(k))
    if d is None:
        d, beta_lp = _l1_dual(A, y, _tilt_rhs(A, tilt))
    if d is None:  # pragma: no cover - the full dual LP is bounded and feasible (d = -t)
        raise ArgumentValueError("X", "the abs-L1 linear program failed on these X and y")
    # Polish: the fit passes through k samples; solve for it through those nearest to it.
    residual = y - A @ beta_lp
    chosen = independent_rows(A, nearest_first(A, y, beta_lp), k)
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


def _l1_exchange(
    A: FloatArray, y: FloatArray, tilt: float
) -> tuple[FloatArray, NDArray[np.intp]] | None:
    r"""Exchange the k samples the fit passes through (Barrodale and Roberts, 1973).

    The fit through the basis is optimal when the dual multipliers :math:`d_B` lie in
    :math:`[-1, 1]`; ``None`` without that certificate of a unique minimiser (the LP decides).
    """
    lapack = _lapack()
    k = A.shape[1]
    A = np.ascontiguousarray(A)  # a column view of the standard data: its products are faster
    pull = A.sum(axis=0) * tilt if tilt else None  # t A^T 1
    beta = _irls(A, y, tilt)
    basis = independent_rows(A, nearest_first(A, y, beta), k)
    if basis.size < k:
        return None
    abs_a, abs_y = _REL * np.abs(A), _REL * np.abs(y)  # _row_tolerance, in two parts
    for _ in range(_EXCHANGES):
        lu, pivots, info = lapack.dgetrf(A[basis])
        if info == 0:
            inverse, info = lapack.dgetri(lu, pivots)
        if info != 0:  # singular
            return None
        beta = inverse @ y[basis]
        residual = y - A @ beta
        tolerance = abs_a @ np.abs(beta)
        tolerance += abs_y
        on_fit = np.abs(residual) <= tolerance
        on_fit[basis] = True
        sign = np.sign(residual)
        sign[on_fit] = 0.0
        pulled = A.T @ sign
        if pull is not None:
            pulled += pull
        size_d = np.abs(inverse.T @ pulled)  # |d_B|
        worst = int(np.argmax(size_d))
        if size_d[worst] <= 1.0 + _REL:
            ties = np.count_nonzero(on_fit) > k
            if not ties and size_d[worst] < 1.0 - _REL:
                return beta, basis
            # Possibly many minimisers: the LP picks the one reported, whatever the route.
            return None
        entering = _best_on_edge(A, residual, inverse[:, worst], basis[worst], tilt)
        if entering is None:
            return None
        basis[worst] = entering  # a fresh array of independent_rows: changed in place
    return None


def _best_on_edge(
    A: FloatArray, residual: FloatArray, direction: FloatArray, leaving: int, tilt: float
) -> int | None:
    """The sample at the weighted median of where the samples cross ``beta + s * direction``."""
    change = A @ direction
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
    """A start near the abs-L1 fit: least squares reweighted by 1 / max(|r|, a falling floor)."""
    lapack = _lapack()
    n, k = A.shape
    columns = np.ascontiguousarray(A.T)
    weighted = columns.copy()  # A^T W, W = 1 to begin with: least squares
    weights = np.empty(n)
    beta: FloatArray = np.zeros(k)
    scale = 0.0
    for step in range(_IRLS_STEPS):
        _, solution, info = lapack.dposv(weighted @ A, weighted @ y)
        if info != 0:  # a start is all this is: keep the last fit
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
        np.divide(1.0, weights, out=weights)
        if tilt:
            weights *= np.where(signed > 0.0, 1.0 + tilt, 1.0 - tilt)
        np.multiply(columns, weights, out=weighted)
    return beta


def _l1_dual(
    A: FloatArray, y: FloatArray, rhs: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray | None, FloatArray]:
    """Solve max y^T d subject to A^T d = rhs, |d| <= 1; return d (None if infeasible), beta."""
    from scipy.optimize import linprog  # noqa: PLC0415 - SciPy is only needed here

    base = np.zeros(A.shape[1]) if start is None else start
    cost = y - A @ base
    size = np.abs(cost)
    largest = float(np.max(size)) if cost.size else 0.0
    # Huge costs (outliers) would swamp the small residuals that decide the fit, so they are
    # clipped at _CLIP times a typical one. A clipped sample that stays strictly on its side
    # has the same subgradient unclipped, so the fit is optimal for both; else widen the clip.
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


def _l1_band(A: FloatArray, y: FloatArray, tilt: float) -> tuple[FloatArray | None, FloatArray]:
    """The large-n route of :func:`solve_l1`; ``None`` for d if it gives up (then: full LP)."""
    n, k = A.shape
    m = min(n, max(4 * k, int(np.sqrt(k) * n ** (2.0 / 3.0))))
    # A first fit on m rows in a fixed pseudo-random order: the same every call, and fair
    # whatever the order of the rows.
    sub = np.sort(np.random.default_rng(20_241_204).choice(n, size=m, replace=False))
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


def _distinct_rows(M: FloatArray) -> FloatArray:
    """The rows of ``M``, each once (without np.unique's sort when there is one row or none)."""
    return M if M.shape[0] < 2 else np.unique(M, axis=0)


def independent_rows(A: FloatArray, order: NDArray[np.intp], k: int) -> NDArray[np.intp]:
    """Return the first ``k`` rows in ``order`` whose directions lie 1e-8 from the others' span."""
    if len(order) >= k:
        # Usually the first k: one Cholesky of their directions' Gram matrix, whose diagonal
        # holds those distances, says so when all are clearly (1e-6) above the test (the
        # Gram-Schmidt loop below costs k^2 Python steps: most of a small fit's time).
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
        for _ in range(2):  # Gram-Schmidt twice is enough (Kahan)
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
    """Whether ``beta`` is the only abs-L1 minimiser, by complementary slackness with ``d``."""
    k = A.shape[1]
    residual = y - A @ beta
    on_line = np.abs(residual) <= _row_tolerance(A, y, beta)
    inside = on_line & (np.abs(d) < 1.0 - 1e-9)
    if np.count_nonzero(on_line) == k and np.count_nonzero(inside) == k:
        return True  # k equalities with independent rows pin beta
    # A move s of beta gives a sample on the line the residual -a_i s; tied rows count once.
    eq = _distinct_rows(A[inside])
    upper = _distinct_rows(
        np.vstack([A[on_line & ~inside & (d > 0)], -A[on_line & ~inside & (d < 0)]])
    )
    return _pinned(eq, upper, k)


def _pinned(eq: FloatArray, upper: FloatArray, k: int) -> bool:
    """Whether no direction s != 0 keeps ``eq @ s == 0`` and ``upper @ s <= 0``."""
    if not _full_rank(np.vstack([eq, upper]), k):
        return False  # a direction moves none of these samples: a whole line of minimisers
    if upper.shape[0] == 0:
        return True
    # With full rank, a direction of the cone moves some sample strictly: one LP finds it.
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


def huber_total(A: FloatArray, y: FloatArray, beta: FloatArray, delta: float) -> float:
    """The Huber total of the residuals of ``beta``, in two arrays the size of ``y``."""
    residual = _residual(A, y, beta, out=np.empty(y.size))
    return _huber_sum(residual, np.clip(residual, -delta, delta))


def auto_delta(data: Standard) -> float:
    r"""Huber's threshold :math:`1.345\,\hat\sigma` in standard units of ``y``.

    :math:`\hat\sigma` is the median absolute residual of the abs-L1 fit over 0.6745. When that
    is 0 (the line passes through half the samples or more), the robust scale of the noise is 0
    and Huber's answer is abs L1's: :math:`\hat\sigma` is then 1e-9 of the median of y's
    non-zero absolute deviations from its median, as small as that and still a threshold in y's
    units (a mean of the residuals would let one outlier set it).
    """
    beta = solve_l1(data)[0]
    r = np.abs(data.y - data.A @ beta)
    # The samples the fit passes through have residuals of rounding, which differ with the
    # scale of the data: 0, so that delta scales with y (else a median of 1e-16 noise). A
    # sample whose own terms are near 0 (the one at the shift) takes the typical sample's.
    size = np.abs(data.y) + np.abs(data.A) @ np.abs(beta)
    r[r <= _REL * np.maximum(size, np.median(size))] = 0.0
    sigma = float(np.median(r)) / 0.6745
    if sigma <= 0.0:
        deviations = np.abs(data.y - np.median(data.y))
        deviations = deviations[deviations > 0.0]
        sigma = _REL * float(np.median(deviations)) if deviations.size else 1.0
    return 1.345 * sigma


def solve_huber(data: Standard, delta: float, start: FloatArray) -> tuple[FloatArray, bool]:
    r"""Minimise the Huber total by Newton steps from ``start``; return the fit and its uniqueness.

    While no sample crosses :math:`\pm\delta` the total is a quadratic, whose minimum solves
    :math:`A_Q^\top A_Q \beta = A_Q^\top y_Q + \delta A^\top z` (:math:`Q` the samples inside,
    :math:`z` the zones, -1, 0, +1). When that minimum keeps every sample in its zone it is the
    answer; otherwise step towards it with a backtracking line search. With too few samples
    inside, restart once from the abs-L1 fit, which Huber approaches as delta shrinks.
    """
    A, y = data.A, data.y
    k = A.shape[1]
    beta = start
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
                return target, _huber_unique(A, moved, zone, delta, clear=clear)
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
            # Carry on from the abs-L1 fit if it is no worse (the same start whatever the units).
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
    """The fast route of :func:`solve_huber`: whole Newton steps; ``None`` if one falls short."""
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
            return refined, _huber_unique(A, residual, zone, delta)
        trial_value = _huber_sum(residual, psi)
        if not trial_value <= value + 1e-4 * slope:  # not enough of a fall (Armijo)
            return None
        crossed = A[changed]  # (A.take would copy all of the strided A first)
        sign = (new_zone[changed] == 0).astype(np.float64) - (zone[changed] == 0)
        gram = gram + (crossed.T * sign) @ crossed
        beta, zone, value = trial, new_zone, trial_value
    return None


def _huber_unique(
    A: FloatArray, residual: FloatArray, zone: NDArray[np.int8], delta: float, *, clear: bool = True
) -> bool:
    r"""Whether the Huber minimiser with these ``residual`` is the only one (``clear``: A_Q pins).

    It is not when some :math:`s \ne 0` keeps the samples strictly inside :math:`\pm\delta`
    still and moves each sample at :math:`\pm\delta` outward or not at all.
    """
    k = A.shape[1]
    size = np.abs(residual)
    strictly = size < delta * (1.0 - 1e-9)
    if (clear and np.array_equal(strictly, zone == 0)) or _full_rank(A[strictly], k):
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
    r""":math:`A_Q^\top A_Q` of the samples ``inside``: by column without copying rows when few."""
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
    r"""The Huber total, :math:`\sum \psi r - \psi^2/2` with ``psi`` clipped at delta."""
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


def _zone_minimum(
    A: FloatArray, y: FloatArray, zone: NDArray[np.int8], delta: float
) -> tuple[FloatArray | None, bool]:
    """The minimum of the quadratic of these ``zone`` (None without full rank); if by Cholesky."""
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
