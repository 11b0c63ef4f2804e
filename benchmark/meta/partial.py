"""Telling metrics apart: partial correlation controlling for the system, Williams' test, paired bootstrap.

- Partial correlation (FRANK, Pagnoni et al. 2021): over every judged summary pooled, the
  correlation of metric and human after removing what the system explains. Both variables
  are residualised on system indicator variables (for a categorical control this is
  subtracting each system's mean), then correlated. Pearson uses the values; Spearman
  ranks each variable over the pooled summaries first, then residualises the ranks.
- Williams' test (Steiger 1980, eq. 7; as in Graham and Baldwin 2014) of whether metric A
  correlates with the human score better than metric B, on the same units: with r12 = r(A,
  human), r13 = r(B, human), r23 = r(A, B) and n units,
  ``t = (r12 - r13) sqrt((n-1)(1+r23)) / sqrt(2 K (n-1)/(n-3) + ((r12+r13)/2)^2 (1-r23)^3)``,
  ``K = 1 - r12^2 - r13^2 - r23^2 + 2 r12 r13 r23``, Student t with n - 3 degrees of freedom.
  For partial correlations n is the number of summaries less the number of control
  variables (systems - 1).
- Paired bootstrap: the same document resamples for both metrics; the share of resamples
  in which the better metric's correlation does not exceed the other's is a one-sided p.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

PARTIAL_METHODS = ("pearson", "spearman")


def residualise(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``values`` minus their group's mean (least-squares residuals on group indicators)."""
    codes, inverse = np.unique(groups, return_inverse=True)
    means = np.bincount(inverse, weights=values, minlength=len(codes)) / np.bincount(inverse)
    return values - means[inverse]


def pooled(metric: np.ndarray, human: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flatten ``docs x systems`` matrices to the summaries scored on both sides, with system ids."""
    systems = np.broadcast_to(np.arange(metric.shape[1]), metric.shape)
    keep = ~(np.isnan(metric) | np.isnan(human))
    return metric[keep], human[keep], systems[keep]


def partial_corr(a: np.ndarray, b: np.ndarray, groups: np.ndarray, method: str) -> float:
    """Correlation of ``a`` and ``b`` controlling for the categorical ``groups``."""
    if method not in PARTIAL_METHODS:
        raise ValueError(f"partial correlation supports {', '.join(PARTIAL_METHODS)}, not {method!r}")
    if method == "spearman":
        a, b = stats.rankdata(a), stats.rankdata(b)
    ra, rb = residualise(a.astype(float), groups), residualise(b.astype(float), groups)
    if len(ra) < 3 or np.ptp(ra) == 0 or np.ptp(rb) == 0:
        return math.nan
    return float(np.corrcoef(ra, rb)[0, 1])


def pooled_corr(a: np.ndarray, b: np.ndarray, method: str) -> float:
    """Plain correlation over pooled summaries (Pearson or Spearman)."""
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    if method == "spearman":
        return float(stats.spearmanr(a, b)[0])
    return float(np.corrcoef(a, b)[0, 1])


@dataclass(frozen=True, slots=True)
class Williams:
    """Williams' t for r12 > r13 with its degrees of freedom and one-sided p."""

    t: float
    df: int
    p: float


def williams(r12: float, r13: float, r23: float, n: int) -> Williams:
    """Williams' test (Steiger 1980) that r12 exceeds r13, both sharing variable 1."""
    if n <= 3 or any(math.isnan(x) for x in (r12, r13, r23)):
        return Williams(math.nan, max(n - 3, 0), math.nan)
    k = 1 - r12**2 - r13**2 - r23**2 + 2 * r12 * r13 * r23
    denominator = 2 * k * (n - 1) / (n - 3) + ((r12 + r13) / 2) ** 2 * (1 - r23) ** 3
    if denominator <= 0:
        return Williams(math.nan, n - 3, math.nan)
    t = (r12 - r13) * math.sqrt((n - 1) * (1 + r23)) / math.sqrt(denominator)
    return Williams(t, n - 3, float(stats.t.sf(t, n - 3)))


@dataclass(frozen=True, slots=True)
class PairedBootstrap:
    """Difference r(A) - r(B) with its percentile interval and one-sided p (A not better)."""

    diff: float
    low: float
    high: float
    p: float


def bootstrap_difference(diff: float, resampled: np.ndarray) -> PairedBootstrap:
    """Summarise resampled differences of the same document draws for both metrics."""
    values = resampled[~np.isnan(resampled)]
    if math.isnan(diff) or not len(values):
        return PairedBootstrap(diff, math.nan, math.nan, math.nan)
    low, high = np.percentile(values, [2.5, 97.5])
    return PairedBootstrap(diff, float(low), float(high), float(np.mean(values <= 0)))
