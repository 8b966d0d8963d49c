"""The source experiment in plain NumPy, for the tests that check the book's claims.

Nothing here imports ``l1l2``: the claim tests recompute what a chapter says with this code, so
that a mistake in the package cannot make a wrong sentence pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
X = 2.0  # every input, as in the source experiment
N = 20
W0 = 20.0


def book_data(seed: int = 4) -> dict[str, Array]:
    """Draw the noisy targets of chapters 4 and 5 in the order the chapters draw them."""
    rng = np.random.default_rng(seed)
    return {
        "small": X + rng.normal(0.0, 0.05, N),
        "large": X + rng.normal(0.0, 5.0, N),
        "many_small": X + rng.normal(0.0, 0.05, (1000, N)),
        "many_large": X + rng.normal(0.0, 5.0, (1000, N)),
        "many_medium": X + rng.normal(0.0, 0.5, (1000, N)),
    }


def descend(
    y: Array,
    loss: str,
    *,
    lr: float | Callable[[int], float] = 0.01,
    epochs: int = 60,
    w0: float = W0,
    batch: int = 2,
) -> tuple[Array, Array]:
    """Mini-batch descent on w * X ~ y with a summed batch loss, batches in a fixed order.

    Returns the estimate before the first update and after each one (``steps + 1`` rows) and
    the batch loss just before each update (``steps`` rows); a column per data set when ``y``
    has one row per data set.
    """
    y = np.atleast_2d(y)
    ws, batch_losses = [np.full(y.shape[0], w0)], []
    t = 0
    for _ in range(epochs):
        for start in range(0, y.shape[1], batch):
            w = ws[-1]
            r = w[:, None] * X - y[:, start : start + batch]
            if loss == "l1":
                value, grad = np.abs(r), np.sign(r) * X
            elif loss == "l2":
                value, grad = r**2, 2 * r * X
            elif loss == "signed":
                value, grad = r, np.full_like(r, X)
            else:
                raise ValueError(f"loss must be 'l1', 'l2' or 'signed', got {loss!r}")
            rate = lr(t) if callable(lr) else lr
            batch_losses.append(value.sum(axis=1))
            ws.append(w - rate * grad.sum(axis=1))
            t += 1
    w_out, loss_out = np.array(ws), np.array(batch_losses)
    if w_out.shape[1] == 1:
        return w_out[:, 0], loss_out[:, 0]
    return w_out, loss_out


def first(condition: NDArray[np.bool_]) -> int:
    """Index of the first True, failing loudly when there is none."""
    hits = np.flatnonzero(condition)
    assert hits.size, "the condition never holds"
    return int(hits[0])
