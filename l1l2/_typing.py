"""Type aliases shared by every module of :mod:`l1l2`, defined once."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

#: What every public function returns for an array of numbers.
FloatArray: TypeAlias = NDArray[np.float64]
#: What every ``rng`` argument accepts: a seed, a generator, or ``None`` for fresh entropy.
Seed: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None
