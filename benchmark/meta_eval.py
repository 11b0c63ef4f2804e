"""Meta-evaluation: how well each metric agrees with human judgments.

Procedure (``sumbench meta-eval``):

1. Read the judgments (one row per document and system: output and human scores) and the
   reference set that holds the documents and their references.
2. Score every output with every metric (the metric's ``prepare`` once with all judged
   documents, then ``score`` per system in batches), through the score cache: a rerun
   recomputes nothing.
3. For every metric column (each metric's headline columns) and every human dimension,
   compute summary-level and system-level Pearson, Spearman and Kendall tau-b, with a
   seeded bootstrap CI over documents (see ``benchmark.correlation``).
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
from benchmark.correlation import LEVELS, METHODS, correlate, resamples
from benchmark.documents import Document, ReferenceSet
from benchmark.judgments import Judgments
from benchmark.metrics.base import check_columns
from benchmark.pipeline import MetricRun, build_metrics

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
    run: MetricRun, judgments: Judgments, docs: dict[str, Document], cache: Cache, batch_size: int,
    messages: list[str],
) -> pd.DataFrame:
    """Long table ``doc_id, system, column, value`` of one metric over every judged output."""
    metric = run.metric
    prepare = getattr(metric, "prepare", None)
    if callable(prepare):
        prepare([docs[d] for d in judgments.doc_ids])
    signature = metric.signature()
    table = judgments.table
    pairs = [(out, docs[d].fingerprint) for out, d in zip(table["output"], table["doc_id"], strict=True)]
    found = cache.get_scores(signature, pairs)
    todo = sorted({i for i, pair in enumerate(pairs) if pair not in found},
                  key=lambda i: (table["system"].iat[i], i))
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        candidates = [str(table["output"].iat[i]) for i in batch]
        documents = [docs[str(table["doc_id"].iat[i])] for i in batch]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scored = metric.score(candidates=candidates, documents=documents)
        columns = check_columns(scored, len(batch), run.spec.name)
        messages.extend(m for m in (f"{run.spec.name}: {w.message}" for w in caught) if m not in messages)
        items = [(c, d.fingerprint, {k: float(v[j]) for k, v in columns.items()})
                 for j, (c, d) in enumerate(zip(candidates, documents, strict=True))]
        cache.put_scores(signature, items)
        found.update({(c, fp): values for c, fp, values in items})
    rows = [
        (d, s, column, value)
        for d, s, pair in zip(table["doc_id"], table["system"], pairs, strict=True)
        for column, value in found[pair].items()
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
) -> MetaEval:
    """Score the judged outputs with each metric and correlate with every human dimension."""
    runs = build_metrics(metric_specs)
    docs = {d.id: d for d in refset}
    messages: list[str] = []
    owned = cache is None
    cache = cache or Cache(None)
    try:
        frames, columns, metrics_meta = [], [], []
        for run in runs:
            frame = score_outputs(run, judgments, docs, cache, batch_size, messages)
            frames.append(frame)
            cols = getattr(run.metric, "columns", None)
            wanted = list(cols() if all_columns and callable(cols) else getattr(run.metric, "headline", ()))
            columns += [c for c in wanted or frame["column"].unique() if c not in columns]
            metrics_meta.append({"spec": str(run.spec), "signature": run.metric.signature()})
    finally:
        if owned:
            cache.close()
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
