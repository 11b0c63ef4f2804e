"""Summary-level and system-level correlation of a metric with human scores, with bootstrap CIs.

Both take ``docs x systems`` matrices (NaN where a system has no score for a document):

- summary level: for each document, correlate metric and human over the systems scored on
  it; documents where either side is constant (or fewer than 2 systems) are skipped; the
  result is the mean over the remaining documents (as in G-Eval's Table 1 and SummEval);
- system level: correlate the systems' mean metric and mean human scores.

Pearson, Spearman and Kendall tau-b come from scipy. Confidence intervals resample
documents with replacement (seeded) and recompute the statistic; the interval is the
2.5th and 97.5th percentile over the resamples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

METHODS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "pearson": lambda a, b: float(stats.pearsonr(a, b)[0]),
    "spearman": lambda a, b: float(stats.spearmanr(a, b)[0]),
    "kendall": lambda a, b: float(stats.kendalltau(a, b, variant="b")[0]),
}
LEVELS = ("summary", "system")


@dataclass(frozen=True, slots=True)
class Correlation:
    """One correlation with its bootstrap interval and the number of units it rests on."""

    value: float
    low: float
    high: float
    n: int


def per_document(metric: np.ndarray, human: np.ndarray, method: str) -> np.ndarray:
    """Correlation per document (row); NaN where a side is constant or < 2 systems overlap."""
    corr = METHODS[method]
    out = np.full(metric.shape[0], np.nan)
    for i, (a, b) in enumerate(zip(metric, human, strict=True)):
        keep = ~(np.isnan(a) | np.isnan(b))
        if keep.sum() < 2 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
            continue
        out[i] = corr(a[keep], b[keep])
    return out


def system_corr(metric: np.ndarray, human: np.ndarray, method: str) -> float:
    """Correlation of the systems' (column) means; NaN when either side is constant."""
    a, b = np.nanmean(metric, axis=0), np.nanmean(human, axis=0)
    keep = ~(np.isnan(a) | np.isnan(b))
    if keep.sum() < 2 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return math.nan
    return METHODS[method](a[keep], b[keep])


def resamples(n_docs: int, n: int, seed: int) -> np.ndarray:
    """``n x n_docs`` row indices drawn with replacement from a seeded generator."""
    return np.random.default_rng(seed).integers(0, n_docs, size=(n, n_docs))


def _interval(values: np.ndarray) -> tuple[float, float]:
    values = values[~np.isnan(values)]
    if not len(values):
        return math.nan, math.nan
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def correlate(
    metric: np.ndarray, human: np.ndarray, method: str, level: str, draws: np.ndarray | None
) -> Correlation:
    """The correlation at ``level`` with a CI over ``draws`` (rows of document indices)."""
    rows = draws if draws is not None else np.empty((0, metric.shape[0]), dtype=int)
    if level == "summary":
        per_doc = per_document(metric, human, method)
        valid = ~np.isnan(per_doc)
        value = float(per_doc[valid].mean()) if valid.any() else math.nan
        boot = np.array([np.nanmean(per_doc[d]) if valid[d].any() else np.nan for d in rows])
        n = int(valid.sum())
    elif level == "system":
        value = system_corr(metric, human, method)
        boot = np.array([system_corr(metric[d], human[d], method) for d in rows])
        n = int((~np.isnan(np.nanmean(metric, axis=0))).sum())
    else:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    low, high = _interval(boot)
    return Correlation(value, low, high, n)
