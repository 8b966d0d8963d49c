# ruff: noqa: N806 - X is the design matrix, as in the package
"""The small regression problems the fuzz tests draw: normal, tied or heavy-tailed data."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """1 to 3 independent columns and p + 2 to 30 rows: normal, integer ties, or Cauchy noise."""
    p = draw(st.integers(1, 3))
    n = draw(st.integers(p + 2, 30))
    kind = draw(st.sampled_from(["normal", "tied", "heavy"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "tied":
        X = rng.integers(0, 4, size=(n, p)).astype(float)
        y = rng.integers(0, 5, size=n).astype(float)
    else:
        X = rng.normal(size=(n, p))
        noise = rng.standard_cauchy(n) if kind == "heavy" else rng.normal(size=n)
        y = 1.0 + X @ rng.normal(size=p) + noise
    if np.linalg.matrix_rank(np.column_stack([np.ones(n), X - X.mean(axis=0)])) < p + 1:
        X[: p + 1, :] += np.eye(p + 1, p)  # make the columns independent
    return X, y
