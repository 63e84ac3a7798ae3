"""Small statistics behind key drivers and trends: rank correlation, its interval, two-proportion test, chance.

Pure functions of plain numbers (no database, no numpy beyond arrays), each with its formula:

- **Spearman rho**: the Pearson correlation of the two answers' ranks, tied answers sharing the average of their
  ranks; undefined (None) when either answer does not vary.
- **95 % interval of rho** (Fisher z with Fieller, Hartley & Pearson's standard error for a rank correlation):
  z = atanh(rho), se = 1.06 / sqrt(n - 3), interval tanh(z ± 1.96 se); significant when it excludes 0.
- **Two-proportion z-test** (pooled): p = (x1 + x2) / (n1 + n2), se = sqrt(p (1 - p) (1/n1 + 1/n2)),
  z = (x2/n2 - x1/n1) / se, two-sided p-value = erfc(|z| / sqrt 2); significant when p < 0.05.
- **Chance**: among m comparisons at 5 %, about 0.05 m look significant when nothing changed;
  Benjamini-Hochberg keeps the false discovery rate at 5 %.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

Z_95 = 1.96
ALPHA = 0.05
FIELLER_SE = 1.06  # Fieller, Hartley & Pearson (1957): se of atanh(Spearman rho) ≈ 1.06 / sqrt(n - 3)


def spearman_rho(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman rank correlation of paired answers (average ranks for ties); None when either is constant."""
    rank_x = pd.Series(x, dtype=float).rank(method="average").to_numpy()
    rank_y = pd.Series(y, dtype=float).rank(method="average").to_numpy()
    if len(rank_x) < 2 or np.ptp(rank_x) == 0 or np.ptp(rank_y) == 0:
        return None
    dx, dy = rank_x - rank_x.mean(), rank_y - rank_y.mean()
    return float((dx * dy).sum() / math.sqrt((dx * dx).sum() * (dy * dy).sum()))


def fisher_interval(rho: float, n: int) -> tuple[float, float]:
    """95 % interval of a Spearman rho on n pairs: tanh(atanh(rho) ± 1.96 x 1.06 / sqrt(n - 3)); needs n > 3."""
    if n <= 3:
        raise ValueError("the interval needs more than 3 pairs")
    z = math.atanh(max(-1 + 1e-12, min(1 - 1e-12, rho)))
    half = Z_95 * FIELLER_SE / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def excludes_zero(low: float, high: float) -> bool:
    """Significant at 95 %: the interval lies entirely above or entirely below 0."""
    return low > 0 or high < 0


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, float | None]:
    """(z, two-sided p-value) of the change from x1/n1 to x2/n2 (pooled z-test); (None, None) when every answer
    of both sets is on the same side (pooled share 0 or 1: nothing varies)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None, None
    z = (x2 / n2 - x1 / n1) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def benjamini_hochberg(p_values: Sequence[float | None], rate: float = ALPHA) -> list[bool]:
    """Which p-values stay significant with the false discovery rate kept at ``rate`` (Benjamini-Hochberg):
    sort the m p-values, find the largest rank i with p(i) <= i / m x rate, flag ranks 1..i. None = not tested."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    last = max((rank for rank, (p, _) in enumerate(tested, start=1) if p <= rank / m * rate), default=0)
    kept = {i for _, i in tested[:last]}
    return [i in kept for i in range(len(p_values))]


def expected_by_chance(comparisons: int, alpha: float = ALPHA) -> float:
    """How many of ``comparisons`` independent tests look significant at ``alpha`` when nothing changed."""
    return comparisons * alpha
