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
    """One row per (pair of metric columns, level, method)."""
    levels: list[tuple[str, Callable[[Matrix, Matrix, str], tuple[float, int]]]] = [
        ("summary", _within(0)), ("system", _system)
    ]
    if control == "system":
        levels.append(("partial:system", _within(1)))
    rows = []
    rows_draws = draws if draws is not None else np.empty((0, human.shape[0]), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        per_doc = {(c, m): per_document(x, human, m) for c, x in metrics.items() for m in COMPARE_METHODS}
        for a, b in combinations(list(metrics), 2):
            for method in COMPARE_METHODS:
                for level, corr in levels:
                    rows.append(_pair(metrics, human, per_doc, a, b, method, level, corr, rows_draws)
                                | {"human": human_name})
    return rows


def _pair(
    metrics: dict[str, Matrix],
    human: Matrix,
    per_doc: dict[tuple[str, str], np.ndarray],
    a: str,
    b: str,
    method: str,
    level: str,
    corr: Callable[[Matrix, Matrix, str], tuple[float, int]],
    draws: np.ndarray,
) -> dict[str, Any]:
    ma, mb = metrics[a], metrics[b]
    wa, n = corr(ma, human, method)
    wb, _ = corr(mb, human, method)
    wab, _ = corr(ma, mb, method)
    if level == "summary":
        da, db = per_doc[(a, method)], per_doc[(b, method)]
        ra, rb = _mean(da), _mean(db)
        resampled = np.array([_mean(da[d]) - _mean(db[d]) for d in draws])
    else:
        ra, rb = wa, wb
        resampled = np.array([corr(ma[d], human[d], method)[0] - corr(mb[d], human[d], method)[0]
                              for d in draws])
    a_better = not (rb > ra)
    sign = 1.0 if a_better else -1.0
    boot = partial.paired_bootstrap(sign * (ra - rb), sign * resampled)
    test = partial.williams(wa, wb, wab, n) if a_better else partial.williams(wb, wa, wab, n)
    return {
        "level": level, "method": method, "metric_a": a, "metric_b": b,
        "r_a": ra, "r_b": rb, "diff": ra - rb,
        "diff_low": sign * boot.low if a_better else sign * boot.high,
        "diff_high": sign * boot.high if a_better else sign * boot.low,
        "better": a if a_better else b, "p_bootstrap": boot.p,
        "williams_r_a": wa, "williams_r_b": wb, "williams_r_ab": wab, "williams_n": n,
        "williams_t": test.t, "p_williams": test.p,
    }


def _mean(values: np.ndarray) -> float:
    valid = values[~np.isnan(values)]
    return float(valid.mean()) if len(valid) else math.nan


def comparison_table(rows: Sequence[dict[str, Any]], level: str) -> tuple[list[str], list[list[str]]]:
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
