"""Benchmark 5: exact line fits of l1l2.regression against scikit-learn and SciPy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
from _common import clock, fmt_ratio, fmt_time, print_report, table, time_cases
from numpy.typing import NDArray
from scipy.optimize import minimize
from sklearn.linear_model import LinearRegression, QuantileRegressor

from l1l2 import regression

Array = NDArray[np.float64]
SIZES = (10**2, 10**3, 10**4, 10**5)
# The regression quantiles measured besides abs L1 (the 0.5 quantile), against the same
# QuantileRegressor; at 10^5 rows scikit-learn is not run for them (abs L1 shows it needs over
# 180 s there).
QUANTILES = (0.1, 0.9)
LOSSES = ("l1", "l2", "huber", *(f"quantile {q:g}" for q in QUANTILES))
# The largest abs-L1 fit measured (ours only: scikit-learn would run for hours), and its bounds.
BIG = (10**6, 10)
BIG_SECONDS = 60.0
BIG_BYTES = 2 * 2**30
FEATURES = (1, 10)
DELTA = 1.345  # Huber threshold: the usual 95%-efficiency constant, the noise scale being ~1
SEED = 0
# A single call longer than this is timed once (scikit-learn's L1 fit on 10^4 rows takes seconds).
ONCE = 1.0
# scikit-learn's L1 fit on 10^5 rows runs for many minutes: it gets this many seconds (wall clock)
# in a child process, and the table says it did not finish if it needs more.
LIMIT = 180.0


def problem(n: int, p: int) -> tuple[Array, Array]:
    """Features of different scales and offsets; Student t (2 df) noise: heavy tails."""
    rng = np.random.default_rng([SEED, n, p])
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 5.0, size=p) + rng.normal(size=p)  # noqa: N806
    return X, 3.0 + X @ rng.normal(size=p) + rng.standard_t(2, size=n)


def quantile_of(loss: str) -> float | None:
    """The q of a case named ``"quantile q"``, else ``None``."""
    return float(loss.split()[1]) if loss.startswith("quantile") else None


def totals(loss: str, X: Array, y: Array, intercept: float, coef: Array) -> float:  # noqa: N803
    r = y - X @ coef - intercept
    q = quantile_of(loss)
    if q is not None:  # the pinball loss of r = y - prediction
        return float(np.sum(np.maximum(q * r, (q - 1.0) * r)))
    if loss == "l1":
        return float(np.abs(r).sum())
    if loss == "l2":
        return float((r**2).sum())
    m = np.minimum(np.abs(r), DELTA)
    return float(np.sum(m * (np.abs(r) - 0.5 * m)))


def sklearn_l1(X: Array, y: Array) -> tuple[float, Array]:  # noqa: N803
    fit = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X, y)
    return float(fit.intercept_), fit.coef_


def sklearn_quantile(q: float) -> Callable[[Array, Array], tuple[float, Array]]:
    def fit(X: Array, y: Array) -> tuple[float, Array]:  # noqa: N803
        result = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(X, y)
        return float(result.intercept_), result.coef_

    return fit


def sklearn_l2(X: Array, y: Array) -> tuple[float, Array]:  # noqa: N803
    fit = LinearRegression().fit(X, y)
    return float(fit.intercept_), fit.coef_


def scipy_huber(X: Array, y: Array) -> tuple[float, Array]:  # noqa: N803
    """The Huber total minimised by BFGS with its exact gradient, from the least-squares fit."""
    A = np.column_stack([np.ones(len(y)), X])  # noqa: N806

    def objective(beta: Array) -> tuple[float, Array]:
        r = y - A @ beta
        m = np.minimum(np.abs(r), DELTA)
        return float(np.sum(m * (np.abs(r) - 0.5 * m))), -(A.T @ np.clip(r, -DELTA, DELTA))

    start = np.linalg.lstsq(A, y, rcond=None)[0]
    res = minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-10})
    return float(res.x[0]), res.x[1:]


def _sklearn_l1_child(X: Array, y: Array, out: object) -> None:  # noqa: N803
    start = clock()
    b, c = sklearn_l1(X, y)
    out.put((clock() - start, b, c))  # type: ignore[attr-defined]


def sklearn_l1_limited(X: Array, y: Array) -> tuple[float, float, Array] | None:  # noqa: N803
    """Time one scikit-learn L1 fit in a child process; ``None`` if it exceeds ``LIMIT``."""
    import multiprocessing  # noqa: PLC0415

    queue: multiprocessing.Queue[tuple[float, float, Array]] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_sklearn_l1_child, args=(X, y, queue))
    child.start()
    child.join(LIMIT)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return queue.get()


def _big_l1_child(out: object) -> None:
    import resource  # noqa: PLC0415 - POSIX only, and only here

    X, y = problem(*BIG)  # noqa: N806
    start = clock()
    fit = regression.solve(X, y, loss="l1")
    elapsed = clock() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out.put((elapsed, peak, fit.total_loss))  # type: ignore[attr-defined]


def big_l1() -> tuple[float, float, float]:
    """Seconds, peak memory (bytes, the whole process with its data) of the 10^6 x 10 L1 fit."""
    import multiprocessing  # noqa: PLC0415

    queue: multiprocessing.Queue[tuple[float, float, float]] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_big_l1_child, args=(queue,))
    child.start()
    child.join(LIMIT)
    if child.is_alive():
        child.terminate()
        child.join()
        return float("inf"), float("nan"), float("nan")
    return queue.get()


def ours(loss: str) -> Callable[[Array, Array], tuple[float, Array]]:
    q = quantile_of(loss)
    options: dict[str, Any] = {"loss": loss} if q is None else {"loss": "quantile", "quantile": q}
    if loss == "huber":
        options["delta"] = DELTA

    def fit(X: Array, y: Array) -> tuple[float, Array]:  # noqa: N803
        result = regression.solve(X, y, **options)
        return result.intercept, result.coef

    return fit


OTHERS = {
    "l1": sklearn_l1,
    "l2": sklearn_l2,
    "huber": scipy_huber,
    **{f"quantile {q:g}": sklearn_quantile(q) for q in QUANTILES},
}
OTHER_NAMES = {
    "l1": "QuantileRegressor(highs)",
    "l2": "LinearRegression",
    "huber": "scipy minimize (BFGS)",
    **{f"quantile {q:g}": f"QuantileRegressor(highs, q = {q:g})" for q in QUANTILES},
}


@dataclass(frozen=True)
class Row:
    n: int
    p: int
    loss: str
    ours: float
    other: float
    timed_once: bool
    rel_diff: float  # (our total - their total) / their total: negative means ours is lower
    peak: float = float("nan")  # peak memory of the process, bytes (the 10^6 x 10 row only)


def _time(cases: dict[str, Callable[[], object]], quick: bool) -> tuple[dict[str, float], bool]:
    start = clock()
    for case in cases.values():
        case()
    if quick or clock() - start > ONCE:
        times = {}
        for name, case in cases.items():
            t0 = clock()
            case()
            times[name] = clock() - t0
        return times, True
    timed = time_cases(cases, repeat=5, min_time=0.05)
    return {name: t.median for name, t in timed.items()}, False


def measure(*, quick: bool = False) -> list[Row]:
    rows = []
    sizes = SIZES[:2] if quick else SIZES
    for n in sizes:
        for p in FEATURES:
            X, y = problem(n, p)  # noqa: N806
            for loss in LOSSES:
                mine, theirs = ours(loss), OTHERS[loss]
                b1, c1 = mine(X, y)
                if quantile_of(loss) is not None and n >= 10**5:
                    start = clock()
                    mine(X, y)
                    elapsed = clock() - start
                    rows.append(Row(n, p, loss, elapsed, float("nan"), True, float("nan")))
                    continue
                if loss == "l1" and n >= 10**5:
                    t_ours = totals(loss, X, y, b1, c1)
                    start = clock()
                    mine(X, y)
                    elapsed = clock() - start
                    limited = sklearn_l1_limited(X, y)
                    if limited is None:
                        rows.append(Row(n, p, loss, elapsed, float("inf"), True, float("nan")))
                    else:
                        t_other = totals(loss, X, y, limited[1], limited[2])
                        rows.append(
                            Row(n, p, loss, elapsed, limited[0], True, (t_ours - t_other) / t_other)
                        )
                    continue
                b2, c2 = theirs(X, y)
                t_ours, t_other = totals(loss, X, y, b1, c1), totals(loss, X, y, b2, c2)
                times, once = _time(
                    {
                        "ours": lambda m=mine, X=X, y=y: m(X, y),  # noqa: N803
                        "other": lambda t=theirs, X=X, y=y: t(X, y),  # noqa: N803
                    },
                    quick,
                )
                rows.append(
                    Row(n, p, loss, times["ours"], times["other"], once,
                        (t_ours - t_other) / t_other)
                )  # fmt: skip
    if not quick:
        elapsed, peak, _ = big_l1()
        rows.append(Row(BIG[0], BIG[1], "l1", elapsed, float("nan"), True, float("nan"), peak))
    return rows


def _other_cell(r: Row) -> str:
    if np.isnan(r.other) and np.isnan(r.peak):
        return f"not run (abs L1's QuantileRegressor needs over {LIMIT:g} s at this size)"
    if np.isnan(r.other):
        return f"not run; peak memory {r.peak / 2**20:.0f} MiB (process with its data)"
    if not np.isfinite(r.other):
        return f"{OTHER_NAMES[r.loss]}: > {LIMIT:g} s, stopped"
    return f"{OTHER_NAMES[r.loss]}: {fmt_time(r.other)}"


def _slowest(rows: list[Row], loss: str, max_n: int) -> Row:
    timed = [r for r in rows if r.loss == loss and r.n <= max_n and np.isfinite(r.other)]
    return min(timed, key=lambda r: r.other / r.ours)


def _targets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    compared = [r for r in rows if np.isfinite(r.rel_diff)]
    worst = max(compared, key=lambda r: r.rel_diff / (1e-12 if r.loss == "huber" else 1e-9))
    limit = 1e-12 if worst.loss == "huber" else 1e-9
    l1, l2 = _slowest(rows, "l1", 10**4), _slowest(rows, "l2", 10**5)
    huber = _slowest(rows, "huber", 10**5)
    targets = [
        (
            "Exact fits: the same total loss as the other solver (L1, L2 and the quantiles to "
            "1e-9, Huber to 1e-12 relative, or lower)",
            worst.rel_diff <= limit,
            f"largest excess {worst.rel_diff:+.1e} ({worst.loss}, n = {worst.n}, p = {worst.p})",
        ),
        (
            "abs-L1 `solve` ten times as fast as QuantileRegressor at every size 10^2..10^4",
            l1.other >= 10 * l1.ours,
            f"smallest speed-up {fmt_ratio(l1.other / l1.ours)} (n = {l1.n}, p = {l1.p})",
        ),
        (
            "L2 `solve` at least as fast as LinearRegression at every size up to 10^5",
            l2.other >= l2.ours,
            f"smallest speed-up {fmt_ratio(l2.other / l2.ours)} (n = {l2.n}, p = {l2.p})",
        ),
        (
            "Huber `solve` at least as fast as BFGS with the exact gradient up to 10^5",
            huber.other >= huber.ours,
            f"smallest speed-up {fmt_ratio(huber.other / huber.ours)} "
            f"(n = {huber.n}, p = {huber.p})",
        ),
    ]
    big = [r for r in rows if r.n == BIG[0]]
    if big:
        r = big[0]
        targets.append(
            (
                f"abs-L1 `solve` of 10^6 x 10 within {BIG_SECONDS:g} s and 2 GiB",
                r.ours <= BIG_SECONDS and r.peak <= BIG_BYTES,
                f"{fmt_time(r.ours)}, peak {r.peak / 2**20:.0f} MiB",
            )
        )
    return targets


def report(rows: list[Row]) -> tuple[str, list[tuple[str, bool, str]]]:
    header = [
        "n",
        "p",
        "loss",
        "l1l2 `solve`",
        "other",
        "other / l1l2",
        "total loss: l1l2 vs other",
    ]
    body = [
        [
            f"10^{round(np.log10(r.n))}",
            str(r.p),
            r.loss,
            fmt_time(r.ours) + (" (once)" if r.timed_once else ""),
            _other_cell(r),
            fmt_ratio(r.other / r.ours) if np.isfinite(r.other) else "n/a",
            f"{r.rel_diff:+.1e}" if np.isfinite(r.rel_diff) else "n/a",
        ]
        for r in rows
    ]
    targets = _targets(rows)
    text = "\n".join(
        [
            "## 5. Exact line fits",
            "",
            "`l1l2.regression.solve` against independent solvers on the same data: p features of "
            "different scales and offsets, an intercept, Student t noise with 2 degrees of "
            f"freedom (seed {SEED}). L1: scikit-learn's `QuantileRegressor(quantile=0.5, "
            "alpha=0, solver='highs')`, which builds the primal linear program (2n + 2p "
            "variables, n equality constraints); `solve` solves the dual (n bounded variables, "
            "p + 1 constraints) on centred, power-of-two-scaled columns: up to 5,000 rows by "
            "exchanging the p + 1 samples the fit passes through until the dual multipliers "
            "certify the optimum (Barrodale and Roberts, 1973), from the fit of a few "
            "reweighted least-squares steps whose smoothing shrinks, with LAPACK's own "
            "routines on the small matrices, and with HiGHS when ties leave no "
            "certificate; above 5,000 rows by HiGHS on a band of samples near a first "
            "fit to a subsample, widened until every other sample is on the side its fixed sign "
            "says (Portnoy and Koenker, 1997). The 10^6 x 10 row is `solve` alone, in a child "
            "process whose peak memory (data included) is given. L2: `LinearRegression`; "
            "`solve` uses the normal equations with one refinement step when the scaled columns "
            f"are well conditioned, QR otherwise. Huber (delta = {DELTA}): "
            "`scipy.optimize.minimize` with BFGS and the exact gradient, from the least-squares "
            "fit; `solve` takes Newton steps on the quadratic of the current split of samples "
            "(inside delta, above, below) until the split no longer changes, updating the "
            "inside samples' k x k matrix with the few that cross delta and writing every pass "
            "into two reused buffers. Times are medians of interleaved repeats, "
            "except a case whose single call "
            f"took more than {ONCE:g} s, timed once; scikit-learn's L1 fit on 10^5 rows gets "
            f"{LIMIT:g} s (wall clock) in a child process and is stopped after that. The last "
            "column is (total loss of l1l2's fit - total loss of the other) / the other's: "
            "negative means l1l2's fit is lower. "
            f"SciPy {metadata.version('scipy')} (HiGHS, for both L1 solvers).",
            "",
            table(header, body),
        ]
    )
    quantiles = [
        r for r in rows if quantile_of(r.loss) is not None and np.isfinite(r.other) and r.other
    ]
    if quantiles:
        q = min(quantiles, key=lambda r: r.other / r.ours)
        text += (
            "\n\nThe regression quantiles (`solve(X, y, loss='quantile', quantile=q)`, abs L1's "
            "exchange and linear program with tilted costs) against "
            "`QuantileRegressor(quantile=q, alpha=0, solver='highs')` on the same data: smallest "
            f"speed-up {fmt_ratio(q.other / q.ours)} ({q.loss}, n = {q.n}, p = {q.p}); at 10^5 "
            "rows `solve` alone."
        )
    if any(not np.isfinite(r.other) for r in rows):
        text += (
            "\n\nWhere scikit-learn was stopped there is no second total to compare; "
            "`tests/test_regression.py` checks the band route of `solve` against the full "
            "dual linear program instead."
        )
    return text, targets


def main() -> None:
    print_report(*report(measure(quick=True)))


if __name__ == "__main__":
    main()
