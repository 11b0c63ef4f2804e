"""Meta-evaluation: how well each metric agrees with human judgments.

Procedure (``sumbench meta-eval``):

1. Read the judgments (one row per document and system: output and human scores) and the
   reference set that holds the documents and their references.
2. Score every output with every metric through the one scoring loop
   (:func:`benchmark.scoring.score_pairs`, the same as ``sumbench run``), so a rerun, or
   outputs a run already scored on the same documents, recompute nothing.
3. For every metric column (each metric's headline columns) and every human dimension,
   compute summary-level and system-level Pearson, Spearman and Kendall tau-b, with a
   seeded bootstrap CI over documents (see ``benchmark.meta.correlation``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from benchmark.cache import Cache
from benchmark.components import MetricRun, build_metrics
from benchmark.documents import Document, ReferenceSet
from benchmark.meta.correlation import LEVELS, METHODS, correlate, resamples
from benchmark.meta.judgments import Judgments
from benchmark.progress import NullProgress, Progress
from benchmark.scoring import Pair, RunContext, score_pairs

DEFAULT_METRICS = ("rouge:multi_ref=mean", "bertscore")
SCHEMA = "sumbench-meta-eval"


@dataclass
class MetaEval:
    """Correlation rows plus what produced them."""

    rows: list[dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def value(self, column: str, human: str, level: str, method: str) -> float:
        for row in self.rows:
            if (row["metric"], row["human"], row["level"], row["method"]) == (column, human, level, method):
                return float(row["value"])
        raise KeyError((column, human, level, method))

    def to_dict(self) -> dict[str, Any]:
        rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in self.rows]
        return {"schema": SCHEMA, "schema_version": 1, "metadata": self.metadata, "rows": rows}


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
        for pair, columns in zip(pairs, values, strict=True)
        for column, value in columns.items()
    ]
    return pd.DataFrame(rows, columns=["doc_id", "system", "column", "value"])


def correlations(
    scores: pd.DataFrame, judgments: Judgments, columns: Sequence[str], bootstrap: int, seed: int
) -> list[dict[str, Any]]:
    """Every (column, human, level, method) correlation with its bootstrap CI."""
    doc_ids, systems = judgments.doc_ids, judgments.systems
    draws = resamples(len(doc_ids), bootstrap, seed) if bootstrap > 0 else None

    def matrix(frame: pd.DataFrame, value: str) -> np.ndarray:
        wide = frame.pivot_table(index="doc_id", columns="system", values=value, aggfunc="first")
        return wide.reindex(index=doc_ids, columns=systems).to_numpy(dtype=float)

    rows = []
    for column in columns:
        metric = matrix(scores[scores["column"] == column], "value")
        for human in judgments.humans:
            target = matrix(judgments.table, human)
            for level in LEVELS:
                for method in METHODS:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        corr = correlate(metric, target, method, level, draws)
                    rows.append({
                        "metric": column, "human": human, "level": level, "method": method,
                        "value": corr.value, "low": corr.low, "high": corr.high, "n": corr.n,
                    })
    return rows


def meta_evaluate(
    judgments: Judgments,
    refset: ReferenceSet,
    metric_specs: Sequence[str] = DEFAULT_METRICS,
    *,
    cache: Cache | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    batch_size: int = 64,
    all_columns: bool = False,
    progress: Progress | None = None,
) -> MetaEval:
    """Score the judged outputs with each metric and correlate with every human dimension."""
    runs = build_metrics(metric_specs)
    docs = {d.id: d for d in refset}
    owned = cache is None
    ctx = RunContext(cache or Cache(None), batch_size, progress or NullProgress())
    try:
        frames, columns, metrics_meta = [], [], []
        for run in runs:
            frame = score_outputs(run, judgments, docs, ctx)
            frames.append(frame)
            wanted = list(run.metric.columns() if all_columns else run.metric.headline)
            columns += [c for c in wanted or frame["column"].unique() if c not in columns]
            metrics_meta.append({"spec": str(run.spec), "signature": run.signature})
    finally:
        if owned:
            ctx.cache.close()
    messages = ctx.stats.warnings
    scores = pd.concat(frames, ignore_index=True)
    rows = correlations(scores, judgments, columns, bootstrap, seed)
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
        "warnings": messages,
        "cache": {"scores_cached": ctx.stats.scores_cached, "scores_computed": ctx.stats.scores_computed},
    }
    return MetaEval(rows, metadata)


def summary_table(result: MetaEval, level: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows for display: one row per metric column, human and level, one cell per method."""
    cells: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in result.rows:
        if level is None or row["level"] == level:
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
