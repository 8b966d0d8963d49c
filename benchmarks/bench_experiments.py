"""Benchmark 2: many runs of the source experiment, vectorised ``gd.fit`` against a Python loop."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
from _common import clock, fmt_ratio, fmt_time, print_report, table
from numpy.typing import NDArray

from l1l2 import data, gd

Array = NDArray[np.float64]

# The source experiment with sigma = 5: N = 20 samples, x = 2, true w = 1, w starts at 20, batches
# of 2 taken in order, batch loss summed (not averaged), learning rate 0.01 (the source's own
# rate: L2 contracts towards its minimum by 0.84 per update and abs L1 walks 0.04 per update, so
# neither diverges and both settle well within the 2,000 updates).
RUNS = 1_000
LOOP_RUNS = 20  # the Python loop is timed on this many runs and scaled to RUNS
N, X, W, SIGMA, W0, LR, BATCH = 20, 2.0, 1.0, 5.0, 20.0, 0.01, 2
EPOCHS = 200  # 20 samples / batches of 2 = 10 updates per epoch: 2,000 updates
SEED = 7
LOSSES = {"l1": "abs L1", "l2": "L2"}


def source_style_run(x: Array, y: Array, loss_type: str) -> tuple[Array, Array]:
    """Run one experiment the way the source article writes it, with the gradient corrected.

    Same structure as the article: a list of batch start indices, slices of x and y per batch,
    the loss and the gradient written out with NumPy per batch, ``w -= lr * gradient``, and the
    losses and estimates appended to lists for plotting. Unlike the article, the gradient uses the
    batch's x (not the sum of all x), and nothing is printed in the loop.
    """
    batch_start_idx = list(range(0, N, BATCH))
    losses, ws = [], [W0]
    w = W0
    for _epoch in range(EPOCHS):
        for batch_i in batch_start_idx:
            this_x, this_y = x[batch_i : batch_i + BATCH], y[batch_i : batch_i + BATCH]
            y_hat = w * this_x
            if loss_type == "l1":
                loss = np.sum(np.abs(y_hat - this_y))
                # L = |y_hat - y|, dL/dy_hat = sign(y_hat - y), dy_hat/dw = x
                gradient = np.sum(np.sign(y_hat - this_y) * this_x)
            else:
                loss = np.sum(np.square(y_hat - this_y))
                # L = (y_hat - y)**2, dL/dy_hat = 2(y_hat - y), dy_hat/dw = x
                gradient = np.sum(2 * (y_hat - this_y) * this_x)
            w -= LR * gradient
            losses.append(loss)
            ws.append(w)
    return np.array(ws), np.array(losses)


def vectorised(x: Array, y: Array, loss: str) -> gd.History:
    return gd.fit(x, y, loss=loss, w0=W0, lr=LR, batch_size=BATCH, epochs=EPOCHS, reduction="sum")


@dataclass(frozen=True)
class Row:
    loss: str
    fit_time: float
    loop_time_subset: float
    max_diff_w: float
    max_diff_loss: float
    final_w_mean: float
    final_w_sd: float

    @property
    def loop_time(self) -> float:
        return self.loop_time_subset * RUNS / LOOP_RUNS

    @property
    def speedup(self) -> float:
        return self.loop_time / self.fit_time


def measure(*, quick: bool = False) -> list[Row]:
    x, y = data.linear(N, x=X, w=W, noise=SIGMA, runs=RUNS, rng=SEED)
    repeat = 3 if quick else 7
    rows = []
    for loss in LOSSES:
        fit_times = []
        for _ in range(repeat):
            start = clock()
            history = vectorised(x, y, loss)
            fit_times.append(clock() - start)
        loop_times = []
        for _ in range(1 if quick else 3):
            start = clock()
            looped = [source_style_run(x, y[run], loss) for run in range(LOOP_RUNS)]
            loop_times.append(clock() - start)
        w_loop = np.stack([w for w, _ in looped], axis=1)
        loss_loop = np.stack([lo for _, lo in looped], axis=1)
        rows.append(
            Row(
                loss=loss,
                fit_time=statistics.median(fit_times),
                loop_time_subset=statistics.median(loop_times),
                max_diff_w=float(np.max(np.abs(history.w[:, :LOOP_RUNS] - w_loop))),
                max_diff_loss=float(np.max(np.abs(history.loss[:, :LOOP_RUNS] - loss_loop))),
                final_w_mean=float(np.mean(history.w[-1])),
                final_w_sd=float(np.std(history.w[-1])),
            )
        )
    return rows


def report(rows: list[Row]) -> tuple[str, list[tuple[str, bool, str]]]:
    steps = EPOCHS * (N // BATCH)
    header = [
        "loss",
        f"gd.fit, {RUNS:,} runs",
        f"Python loop, {RUNS:,} runs (scaled from {LOOP_RUNS})",
        "speed-up",
        "max abs difference (w · loss)",
        f"final w over {RUNS:,} runs (mean ± sd)",
    ]
    body = [
        [
            LOSSES[r.loss],
            fmt_time(r.fit_time),
            fmt_time(r.loop_time),
            fmt_ratio(r.speedup),
            f"{r.max_diff_w:.1e} · {r.max_diff_loss:.1e}",
            f"{r.final_w_mean:.3f} ± {r.final_w_sd:.3f}",
        ]
        for r in rows
    ]
    slowest = min(rows, key=lambda r: r.speedup)
    worst_diff = max(max(r.max_diff_w, r.max_diff_loss) for r in rows)
    worst_fit = max(rows, key=lambda r: r.fit_time)
    targets = [
        (
            f"{RUNS:,} runs x {steps:,} updates at least 100x faster than the Python loop",
            slowest.speedup >= 100,
            f"slowest: {LOSSES[slowest.loss]} at {fmt_ratio(slowest.speedup)}",
        ),
        (
            "Same numbers as the Python loop",
            worst_diff <= 1e-12,
            f"largest difference {worst_diff:.1e}",
        ),
        (
            f"{RUNS:,} runs x {steps:,} updates well under a second",
            worst_fit.fit_time < 0.5,
            f"slowest: {LOSSES[worst_fit.loss]} in {fmt_time(worst_fit.fit_time)}",
        ),
    ]
    text = "\n".join(
        [
            "## 2. Experiments",
            "",
            f"The source experiment with noise: N = {N} samples, x = {X:g}, true w = {W:g}, "
            f"sigma = {SIGMA:g}, w0 = {W0:g}, batches of {BATCH} in order, batch loss summed, "
            f"learning rate {LR:g}, {EPOCHS} epochs = {steps:,} updates, for {RUNS:,} data sets "
            f"(seed {SEED}). `gd.fit` runs all of them at once; the loop runs one data set at a "
            "time the way the source article writes it (slices per batch, NumPy per batch, lists "
            "for the plots), with the gradient corrected to use the batch's x and without its "
            f"per-update `print`. The loop is timed on {LOOP_RUNS} runs and scaled by "
            f"{RUNS // LOOP_RUNS}; both are the median of repeated timings. The differences "
            f"compare the two on those {LOOP_RUNS} runs, every update.",
            "",
            table(header, body),
        ]
    )
    return text, targets


def main() -> None:
    print_report(*report(measure(quick=True)))


if __name__ == "__main__":
    main()
