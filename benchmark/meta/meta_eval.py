"""Meta-evaluation: how well each metric agrees with human judgments.

Procedure (``sumbench meta-eval``):

1. Read the judgments (one row per document and system: output and human scores) and the
   reference set that holds the documents and their references.
2. Score every output with every metric through the one scoring loop
   (:func:`benchmark.pipeline.scoring.score_pairs`, the same as ``sumbench run``), so a rerun, or
   outputs a run already scored on the same documents, recompute nothing.
3. For every metric column (each metric's headline columns) and every human dimension,
   compute summary-level and system-level Pearson, Spearman and Kendall tau-b, with a
   seeded bootstrap CI over documents (see ``benchmark.meta.correlation``); with
   ``control="system"`` also FRANK's partial correlation controlling for the system
   (``benchmark.meta.partial``).
4. Compare every pair of metric columns (Williams' test, paired bootstrap:
   ``benchmark.meta.compare_metrics``); with binary labels (a threshold or a boolean
   column), ROC AUC and balanced accuracy (``benchmark.meta.binary``).
5. With ``pairwise`` or ``judges``: pairwise agreement of every metric column and every
   pairwise judge with the human preferences (``benchmark.meta.pairwise_agreement``), on every
   document-pair whose ratings differ or on a seeded sample of ``pairs`` of them.
6. With ``group_by``, repeat 3-4 within each value of that judgments field.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from benchmark.components.build import MetricRun, build_judge, build_metrics
from benchmark.core.errors import ConfigError
from benchmark.core.progress import NullProgress, Progress
from benchmark.inputs.documents import Document, ReferenceSet
from benchmark.meta import binary, partial
from benchmark.meta import pairwise_agreement as agreement
from benchmark.meta.compare_metrics import compare
from benchmark.meta.correlation import LEVELS, METHODS, Correlation, correlate, resamples
from benchmark.meta.judgments import Judgments
from benchmark.pipeline.cache import Cache
from benchmark.pipeline.scoring import Pair, RunContext, score_pairs

META_EVAL_METRICS = ("rouge:multi_ref=mean", "bertscore")
SCHEMA = "sumbench-meta-eval"


@dataclass
class MetaEval:
    """Correlation rows plus what produced them."""

    rows: list[dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    binary: list[dict[str, Any]] = field(default_factory=list)
    pairwise: list[dict[str, Any]] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def value(self, column: str, human: str, level: str, method: str, group: str = "all") -> float:
        for row in self.rows:
            key = (row["metric"], row["human"], row["level"], row["method"], row.get("group", "all"))
            if key == (column, human, level, method, group):
                return float(row["value"])
        raise KeyError((column, human, level, method, group))

    def to_dict(self) -> dict[str, Any]:
        def clean(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                    for r in rows]

        return {"schema": SCHEMA, "schema_version": 2, "metadata": self.metadata, "rows": clean(self.rows),
                "comparisons": clean(self.comparisons), "binary": clean(self.binary),
                "pairwise": clean(self.pairwise)}


def score_outputs(
    run: MetricRun, judgments: Judgments, docs: dict[str, Document], ctx: RunContext
) -> pd.DataFrame:
    """Long table ``doc_id, system, column, value`` of one metric over every judged output."""
    table = judgments.table
    pairs = [
        Pair(str(system), str(output), docs[str(doc_id)])
        for doc_id, system, output in zip(table["doc_id"], table["system"], table["output"], strict=True)
    ]
    values = score_pairs(run, pairs, ctx)
    rows = [
        (pair.document.id, pair.group, column, value)
        for pair, scored in zip(pairs, values, strict=True)
        for column, value in scored.columns.items()
    ]
    return pd.DataFrame(rows, columns=["doc_id", "system", "column", "value"])


def matrix(frame: pd.DataFrame, value: str, judgments: Judgments) -> np.ndarray:
    """``docs x systems`` matrix of ``value`` in the judgments' order (NaN where missing)."""
    wide = frame.pivot_table(index="doc_id", columns="system", values=value, aggfunc="first")
    return wide.reindex(index=judgments.doc_ids, columns=judgments.systems).to_numpy(dtype=float)


def partial_correlation(
    metric: np.ndarray, human: np.ndarray, method: str, draws: np.ndarray | None
) -> Correlation:
    """FRANK's partial correlation controlling for the system, with a CI over document resamples."""

    def value(a: np.ndarray, b: np.ndarray) -> float:
        x, y, systems = partial.pooled(a, b)
        return partial.partial_corr(x, y, systems, method)

    rows = draws if draws is not None else np.empty((0, metric.shape[0]), dtype=int)
    boot = np.array([value(metric[d], human[d]) for d in rows])
    boot = boot[~np.isnan(boot)]
    low, high = (np.percentile(boot, [2.5, 97.5]) if len(boot) else (math.nan, math.nan))
    n = int(partial.pooled(metric, human)[0].size)
    return Correlation(value(metric, human), float(low), float(high), n)


def correlations(
    scores: pd.DataFrame,
    judgments: Judgments,
    columns: Sequence[str],
    bootstrap: int,
    seed: int,
    control: str | None = None,
) -> list[dict[str, Any]]:
    """Every (column, human, level, method) correlation with its bootstrap CI."""
    draws = resamples(len(judgments.doc_ids), bootstrap, seed) if bootstrap > 0 else None
    levels = [*((level, method) for level in LEVELS for method in METHODS)]
    if control == "system":
        levels += [("partial:system", method) for method in partial.PARTIAL_METHODS]
    rows = []
    for column in columns:
        metric = matrix(scores[scores["column"] == column], "value", judgments)
        for human in judgments.humans:
            target = matrix(judgments.table, human, judgments)
            for level, method in levels:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    corr = (partial_correlation(metric, target, method, draws) if level == "partial:system"
                            else correlate(metric, target, method, level, draws))
                rows.append({
                    "metric": column, "human": human, "level": level, "method": method,
                    "value": corr.value, "low": corr.low, "high": corr.high, "n": corr.n,
                })
    return rows


def comparisons(
    scores: pd.DataFrame, judgments: Judgments, columns: Sequence[str], bootstrap: int, seed: int,
    control: str | None = None,
) -> list[dict[str, Any]]:
    """Every pair of columns compared per human dimension (see ``compare_metrics``)."""
    if len(columns) < 2:
        return []
    draws = resamples(len(judgments.doc_ids), bootstrap, seed) if bootstrap > 0 else None
    metrics = {c: matrix(scores[scores["column"] == c], "value", judgments) for c in columns}
    rows = []
    for human in judgments.humans:
        rows += compare(metrics, matrix(judgments.table, human, judgments), human, draws, control)
    return rows


def binary_agreement(
    scores: pd.DataFrame, judgments: Judgments, columns: Sequence[str],
    threshold: float | None, split_field: str | None, lower_is_better: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """ROC AUC and balanced accuracy of every column against each binary label.

    Positive labels are the good summaries (human score >= threshold); a column whose metric
    says lower is better (``faith_flagged``) is negated first, so its AUC and balanced accuracy
    read the same way as every other column's (its threshold is reported negated)."""
    labels = {f"{h}>={threshold:g}": h for h in judgments.humans if h not in judgments.binary} \
        if threshold is not None else {}
    labels |= {h: h for h in judgments.binary}
    table = judgments.table
    rows = []
    for column in columns:
        values = scores[scores["column"] == column].set_index(["doc_id", "system"])["value"]
        aligned = values.reindex(pd.MultiIndex.from_frame(table[["doc_id", "system"]])).to_numpy(dtype=float)
        if column in lower_is_better:
            aligned = -aligned
        splits = table[split_field].to_numpy() if split_field else None
        for label, human in labels.items():
            truth = table[human].to_numpy(dtype=float)
            thresholded = human not in judgments.binary and threshold is not None
            truth = truth >= threshold if thresholded else truth > 0
            result = binary.evaluate(aligned, truth.astype(int), splits)
            rows.append({"metric": column, "human": human, "label": label, "auc": result.auc,
                         "balanced_accuracy": result.balanced_accuracy, "threshold": result.threshold,
                         "n_test": result.n_test, "n_validation": result.n_validation,
                         "positives": result.positives, "split_field": split_field,
                         "negated": column in lower_is_better})
    return rows


def subsets(judgments: Judgments, group_by: str | None) -> list[tuple[str, Judgments]]:
    """``("all", judgments)`` and, with ``group_by``, one subset per value of that field."""
    out = [("all", judgments)]
    if group_by:
        for value, part in judgments.table.groupby(group_by, sort=True):
            out.append((str(value), replace(judgments, table=part.reset_index(drop=True))))
    return out


def meta_evaluate(
    judgments: Judgments,
    refset: ReferenceSet,
    metric_specs: Sequence[str] = META_EVAL_METRICS,
    *,
    cache: Cache | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    batch_size: int = 64,
    all_columns: bool = False,
    progress: Progress | None = None,
    control: str | None = None,
    binary_threshold: float | None = None,
    split_field: str | None = None,
    group_by: str | None = None,
    pairwise: bool = False,
    judges: Sequence[str] = (),
    pairs: int | None = None,
) -> MetaEval:
    """Score the judged outputs with each metric and correlate with every human dimension;
    with ``pairwise`` or ``judges``, also the pairwise agreement of the metrics and judges."""
    if control not in (None, "system"):
        raise ConfigError(f"--control supports 'system' only, got {control!r}")
    if pairs is not None and pairs < 1:
        raise ConfigError(f"--pairs must be at least 1, got {pairs}")
    judge_runs = [build_judge(spec) for spec in judges]
    for name in (split_field, group_by):
        if name and name not in judgments.table.columns:
            raise ConfigError(f"judgments have no field {name!r} (load it with JudgmentFields(extra=...))")
    docs = {d.id: d for d in refset}
    judged = [docs[d] for d in dict.fromkeys(str(i) for i in judgments.table["doc_id"]) if d in docs]
    runs = [run.prepared(judged) for run in build_metrics(metric_specs)]
    owned = cache is None
    ctx = RunContext(cache or Cache(None), batch_size, progress or NullProgress())
    try:
        frames, columns, metrics_meta = [], [], []
        for run in runs:
            frame = score_outputs(run, judgments, docs, ctx)
            frames.append(frame)
            wanted = list(run.metric.columns() if all_columns else run.metric.headline_columns())
            columns += [c for c in wanted or frame["column"].unique() if c not in columns]
            metrics_meta.append({"spec": str(run.spec), "signature": run.signature})
        agreement_rows, sampled = [], 0
        if pairwise or judge_runs:
            chosen = agreement.candidate_pairs(judgments, pairs, seed)
            sampled = len(chosen)
            scored = pd.concat(frames, ignore_index=True)
            agreement_rows = agreement.metric_agreement(scored, judgments, columns, chosen, bootstrap, seed)
            for judge_run in judge_runs:
                if caveat := judge_run.judge.caveat():
                    ctx.progress.note(caveat)
                agreement_rows += agreement.judge_agreement(
                    judge_run, judgments, docs, chosen, ctx, bootstrap, seed
                )
    finally:
        if owned:
            ctx.cache.close()
    messages = ctx.stats.warnings
    scores = pd.concat(frames, ignore_index=True)
    lower = frozenset(c for run in runs for c in run.metric.lower_is_better)
    rows: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    binary_rows: list[dict[str, Any]] = []
    for group, part in subsets(judgments, group_by):
        tag = {"group": group}
        rows += [r | tag for r in correlations(scores, part, columns, bootstrap, seed, control)]
        compared += [r | tag for r in comparisons(scores, part, columns, bootstrap, seed, control)]
        if binary_threshold is not None or judgments.binary:
            found = binary_agreement(scores, part, columns, binary_threshold, split_field, lower)
            binary_rows += [r | tag for r in found]
    metadata = {
        "judgments": judgments.source,
        "reference_set": {"name": refset.name, "source": refset.source, "fingerprint": refset.fingerprint},
        "documents": len(judgments.doc_ids),
        "systems": len(judgments.systems),
        "humans": list(judgments.humans),
        "metrics": metrics_meta,
        "bootstrap": bootstrap,
        "seed": seed,
        "procedure": "summary level: per document over systems, constant documents skipped, mean; "
        "system level: over per-system means; CI: 2.5/97.5 percentiles over document resamples",
        "control": control,
        "group_by": group_by,
        "binary_threshold": binary_threshold,
        "split_field": split_field,
        "comparisons": "Williams (Steiger 1980) and paired bootstrap; p one-sided for the better metric; "
        "summary-level Williams on within-document pooled correlations",
        "partial": "residuals on system indicators; Spearman ranks first, then residualises",
        "pairwise": "every pair of summaries of a document with different ratings is a human preference; "
        "metric: 1 if it scores the preferred one higher, 0 lower, 0.5 equal; judge: both orders, "
        "1 consistent win for the preferred, 0 for the other, 0.5 tie or inconsistent, failed left out; "
        "CI: 2.5/97.5 percentiles of the ratio of sums over document resamples",
        "pairs": {"measured": sampled, "sample": pairs},
        "judges": [{"spec": str(j.spec), "signature": j.signature} for j in judge_runs],
        "warnings": messages,
        "cache": {"scores_cached": ctx.stats.scores_cached, "scores_computed": ctx.stats.scores_computed},
    }
    return MetaEval(rows, metadata, compared, binary_rows, agreement_rows)


def summary_table(result: MetaEval, level: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows for display: one row per metric column, human and level, one cell per method."""
    cells: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in result.rows:
        if (level is None or row["level"] == level) and row.get("group", "all") == "all":
            key = (row["metric"], row["human"], row["level"])
            cells.setdefault(key, {})[row["method"]] = _fmt_corr(row["value"], row["low"], row["high"])
    header = ["metric", "human", "level", *METHODS]
    return header, [[*key, *(found.get(m, "—") for m in METHODS)] for key, found in cells.items()]


def _fmt_corr(value: float, low: float, high: float) -> str:
    if value != value:  # NaN
        return "—"
    if low != low:
        return f"{value:.3f}"
    return f"{value:.3f} [{low:.2f}, {high:.2f}]"
