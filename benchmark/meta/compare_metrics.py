"""Does metric A agree with people better than metric B? Every pair of metric columns, per human.

Levels (each with a paired bootstrap over the same document resamples, and Williams' test):

- ``summary``: the difference of the summary-level correlations (mean over documents of the
  per-document correlation). Williams' test needs one correlation over units, so it is
  computed on the within-document correlation: every judged summary pooled after removing
  each document's mean (a partial correlation on the document), n = summaries - (documents - 1).
- ``system``: correlations of the systems' means, n = systems.
- ``partial:system`` (with ``--control system``): FRANK's partial correlation controlling for
  the system, n = summaries - (systems - 1).

The p-values are one-sided, for the better of the two (``better``) truly being better.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from benchmark.meta import partial
from benchmark.meta.correlation import per_document, system_corr

COMPARE_METHODS = ("pearson", "spearman")
Matrix = np.ndarray


def _within(groups_axis: int) -> Callable[[Matrix, Matrix, str], tuple[float, int]]:
    """Partial correlation on documents (axis 0) or systems (axis 1), with its effective n."""

    def corr(a: Matrix, b: Matrix, method: str) -> tuple[float, int]:
        ids = np.broadcast_to(np.arange(a.shape[groups_axis])[:, None] if groups_axis == 0
                              else np.arange(a.shape[1]), a.shape)
        keep = ~(np.isnan(a) | np.isnan(b))
        groups = ids[keep]
        value = partial.partial_corr(a[keep], b[keep], groups, method)
        return value, int(keep.sum()) - (len(np.unique(groups)) - 1)

    return corr


def _system(a: Matrix, b: Matrix, method: str) -> tuple[float, int]:
    means = np.nanmean(a, axis=0), np.nanmean(b, axis=0)
    return system_corr(a, b, method), int((~(np.isnan(means[0]) | np.isnan(means[1]))).sum())


def compare(
    metrics: dict[str, Matrix],
    human: Matrix,
    human_name: str,
    draws: np.ndarray | None,
    control: str | None,
) -> list[dict[str, Any]]:
    """One row per (pair of metric columns, level, method).

    Each column's correlation with the human score, and its value on every resample, is
    computed once per level and method; pairs reuse them."""
    levels: list[tuple[str, Callable[[Matrix, Matrix, str], tuple[float, int]]]] = [
        ("summary", _within(0)), ("system", _system)
    ]
    if control == "system":
        levels.append(("partial:system", _within(1)))
    rows_draws = draws if draws is not None else np.empty((0, human.shape[0]), dtype=int)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for method in COMPARE_METHODS:
            for level, corr in levels:
                found = {
                    c: _against_human(x, human, method, level, corr, rows_draws) for c, x in metrics.items()
                }
                for a, b in combinations(list(metrics), 2):
                    wab, _ = corr(metrics[a], metrics[b], method)
                    rows.append(_pair(found[a], found[b], wab, a, b) | {
                        "human": human_name, "level": level, "method": method})
    return rows


def _against_human(
    metric: Matrix, human: Matrix, method: str, level: str,
    corr: Callable[[Matrix, Matrix, str], tuple[float, int]], draws: np.ndarray,
) -> dict[str, Any]:
    """The reported correlation, its resampled values, and the correlation Williams' test uses."""
    williams_r, n = corr(metric, human, method)
    if level == "summary":
        per_doc = per_document(metric, human, method)
        value = _mean(per_doc)
        resampled = np.array([_mean(per_doc[d]) for d in draws])
    else:
        value = williams_r
        resampled = np.array([corr(metric[d], human[d], method)[0] for d in draws])
    return {"r": value, "boot": resampled, "williams_r": williams_r, "n": n}


def _pair(fa: dict[str, Any], fb: dict[str, Any], wab: float, a: str, b: str) -> dict[str, Any]:
    ra, rb = fa["r"], fb["r"]
    a_better = not (rb > ra)
    sign = 1.0 if a_better else -1.0
    boot = partial.bootstrap_difference(sign * (ra - rb), sign * (fa["boot"] - fb["boot"]))
    wa, wb, n = fa["williams_r"], fb["williams_r"], fa["n"]
    test = partial.williams(wa, wb, wab, n) if a_better else partial.williams(wb, wa, wab, n)
    return {
        "metric_a": a, "metric_b": b, "r_a": ra, "r_b": rb, "diff": ra - rb,
        "diff_low": sign * boot.low if a_better else sign * boot.high,
        "diff_high": sign * boot.high if a_better else sign * boot.low,
        "better": a if a_better else b, "p_bootstrap": boot.p,
        "williams_r_a": wa, "williams_r_b": wb, "williams_r_ab": wab, "williams_n": n,
        "williams_t": test.t, "p_williams": test.p,
    }


def _mean(values: np.ndarray) -> float:
    valid = values[~np.isnan(values)]
    return float(valid.mean()) if len(valid) else math.nan


def metric_comparison_rows(rows: Sequence[dict[str, Any]], level: str) -> tuple[list[str], list[list[str]]]:
    """Header and display rows (Pearson) for one level."""
    header = ["human", "metric A", "metric B", "r A", "r B", "A - B [95% CI]", "better"]
    header += ["p boot", "p Williams"]
    out = []
    for row in rows:
        if row["level"] != level or row["method"] != "pearson" or row.get("group", "all") != "all":
            continue
        out.append([
            row["human"], row["metric_a"], row["metric_b"], _f(row["r_a"]), _f(row["r_b"]),
            f"{_f(row['diff'])} [{_f(row['diff_low'], 2)}, {_f(row['diff_high'], 2)}]",
            row["better"], _p(row["p_bootstrap"]), _p(row["p_williams"]),
        ])
    return header, out


def _f(value: float, digits: int = 3) -> str:
    return "—" if value is None or value != value else f"{value:.{digits}f}"


def _p(value: float) -> str:
    if value is None or value != value:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
