"""run(config) -> Results: summarize through the cache, score through the cache, collect.

Each stage is a plain function over plain data. Summaries and scores are written to the
cache one batch at a time (one transaction each), so an interrupted run resumes where it
stopped and an identical rerun computes nothing.
"""

from __future__ import annotations

import platform
import time
import traceback
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from benchmark import __version__
from benchmark.cache import Cache, default_cache_path
from benchmark.config import RunConfig
from benchmark.documents import Document, ReferenceSet, load_reference_set
from benchmark.errors import ConfigError
from benchmark.hashing import stable_hash
from benchmark.metrics import METRICS, Metric
from benchmark.metrics.base import check_columns
from benchmark.progress import NullProgress, Progress
from benchmark.registry import load_plugins
from benchmark.results import Results
from benchmark.specs import ComponentSpec, build_component, default_label
from benchmark.summarizers import SUMMARIZERS, Summarizer, SummaryFailure

LIBRARIES = ("rouge-score", "bert-score", "transformers", "torch", "blingfire", "nltk", "pandas", "numpy")


@dataclass(frozen=True, slots=True)
class System:
    """A summarizer as it appears in results: its label, spec and built instance."""

    label: str
    spec: ComponentSpec
    summarizer: Summarizer


@dataclass(frozen=True, slots=True)
class MetricRun:
    """A metric as it appears in results: its spec and built instance."""

    spec: ComponentSpec
    metric: Metric


@dataclass
class SummaryRecord:
    doc_id: str
    system: str
    summary: str | None
    seconds: float
    error: str | None
    cached: bool


@dataclass
class RunStats:
    summaries_cached: int = 0
    summaries_computed: int = 0
    summaries_failed: int = 0
    scores_cached: int = 0
    scores_computed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def build_systems(specs: Sequence[str]) -> list[System]:
    """Resolve summarizer specs through the registry; labels must be unique."""
    systems: list[System] = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        summarizer = build_component(SUMMARIZERS.get(spec.name), spec, "summarizer")
        systems.append(System(default_label(spec, summarizer), spec, summarizer))
    labels = [s.label for s in systems]
    dupes = sorted({label for label in labels if labels.count(label) > 1})
    if dupes:
        raise ConfigError(f"system name(s) {dupes} given twice; set distinct names with name=...")
    return systems


def build_metrics(specs: Sequence[str]) -> list[MetricRun]:
    """Resolve metric specs through the registry."""
    runs = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        runs.append(MetricRun(spec, build_component(METRICS.get(spec.name), spec, "metric")))
    return runs


def _batches(items: Sequence[Document], size: int) -> list[Sequence[Document]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def summarize_batch(summarizer: Summarizer, docs: Sequence[Document]) -> list[tuple[str | None, str | None, float]]:
    """Summaries of one batch as ``(summary, error, seconds)``; a failing batch is retried per document."""
    start = time.perf_counter()
    try:
        outputs = list(summarizer.summarize(docs))
        if len(outputs) != len(docs):
            raise RuntimeError(f"returned {len(outputs)} summaries for {len(docs)} documents")
    except Exception:
        if len(docs) == 1:
            return [(None, _describe_exception(), time.perf_counter() - start)]
        return [item for doc in docs for item in summarize_batch(summarizer, [doc])]
    each = (time.perf_counter() - start) / max(len(docs), 1)
    results: list[tuple[str | None, str | None, float]] = []
    for out in outputs:
        if isinstance(out, SummaryFailure):
            results.append((None, out.reason, each))
        elif isinstance(out, str):
            results.append((out, None, each))
        else:
            results.append((None, f"summarizer returned {type(out).__name__}, not str", each))
    return results


def _describe_exception() -> str:
    lines = traceback.format_exc().strip().splitlines()
    return lines[-1] if lines else "unknown error"


def summarize_system(
    system: System, docs: Sequence[Document], cache: Cache, batch_size: int, progress: Progress, stats: RunStats
) -> list[SummaryRecord]:
    """All summaries of one system, from the cache where present."""
    fingerprint = system.summarizer.fingerprint()
    cached = cache.get_summaries(fingerprint, [d.fingerprint for d in docs])
    todo = [d for d in docs if d.fingerprint not in cached]
    task = f"summarize {system.label}"
    progress.start(task, len(docs))
    progress.advance(task, len(docs) - len(todo))
    computed: dict[str, tuple[str | None, str | None, float]] = {}
    for batch in _batches(todo, batch_size):
        outcomes = summarize_batch(system.summarizer, batch)
        cache.put_summaries(
            fingerprint,
            [(d.fingerprint, s, sec) for d, (s, err, sec) in zip(batch, outcomes, strict=True) if s is not None],
        )
        for doc, outcome in zip(batch, outcomes, strict=True):
            computed[doc.id] = outcome
        progress.advance(task, len(batch))
    progress.finish(task)
    records = []
    for doc in docs:
        if doc.fingerprint in cached:
            summary, seconds = cached[doc.fingerprint]
            records.append(SummaryRecord(doc.id, system.label, summary, seconds, None, True))
            stats.summaries_cached += 1
        else:
            summary_or_none, error, seconds = computed[doc.id]
            records.append(SummaryRecord(doc.id, system.label, summary_or_none, seconds, error, False))
            stats.summaries_computed += 1
            stats.summaries_failed += error is not None
    return records


def score_system(
    run: MetricRun,
    label: str,
    records: Sequence[SummaryRecord],
    docs_by_id: dict[str, Document],
    cache: Cache,
    batch_size: int,
    progress: Progress,
    stats: RunStats,
) -> list[tuple[str, str, str, float]]:
    """Per-document scores ``(doc_id, system, column, value)`` of one system under one metric."""
    signature = run.metric.signature()
    ok = [r for r in records if r.summary is not None]
    pairs = [(r.summary or "", docs_by_id[r.doc_id].fingerprint) for r in ok]
    cached = cache.get_scores(signature, pairs)
    todo = [r for r, pair in zip(ok, pairs, strict=True) if pair not in cached]
    task = f"{run.spec.name} {label}"
    progress.start(task, len(ok))
    progress.advance(task, len(ok) - len(todo))
    fresh: dict[tuple[str, str], dict[str, float]] = {}
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        batch_docs = [docs_by_id[r.doc_id] for r in batch]
        candidates = [r.summary or "" for r in batch]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            columns = check_columns(
                run.metric.score(candidates=candidates, documents=batch_docs), len(batch), run.spec.name
            )
        for w in caught:
            message = f"{run.spec.name} ({label}): {w.message}"
            if message not in stats.warnings:
                stats.warnings.append(message)
        items = []
        for i, (cand, doc) in enumerate(zip(candidates, batch_docs, strict=True)):
            values = {col: float(vals[i]) for col, vals in columns.items()}
            fresh[(cand, doc.fingerprint)] = values
            items.append((cand, doc.fingerprint, values))
        cache.put_scores(signature, items)
        progress.advance(task, len(batch))
    progress.finish(task)
    rows: list[tuple[str, str, str, float]] = []
    for record, pair in zip(ok, pairs, strict=True):
        if pair in cached:
            values = cached[pair]
            stats.scores_cached += 1
        else:
            values = fresh[pair]
            stats.scores_computed += 1
        rows.extend((record.doc_id, label, col, val) for col, val in values.items())
    return rows


def document_records(docs: Sequence[Document]) -> list[dict[str, Any]]:
    """The documents as results.json stores them (for the report's per-article drill-down)."""
    return [{"id": d.id, "title": d.title, "text": d.text, "references": list(d.references)} for d in docs]


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def make_run_id(config: RunConfig, started: datetime) -> str:
    return f"{started:%Y%m%d-%H%M%S}-{stable_hash(config.to_dict(), 6)}"


def run(config: RunConfig, progress: Progress | None = None, reference_set: ReferenceSet | None = None) -> Results:
    """Summarize every document with every system, score with every metric, return Results."""
    progress = progress or NullProgress()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    load_plugins(list(config.plugins))
    refset = reference_set or load_reference_set(
        config.dataset,
        text_field=config.text_field,
        ref_field=config.ref_field,
        id_field=config.id_field,
        limit=config.limit,
    )
    systems = build_systems(config.summarizers)
    metrics = build_metrics(config.metrics)
    stats = RunStats()
    docs = list(refset.documents)
    docs_by_id = {d.id: d for d in docs}
    cache_path = (config.cache or default_cache_path()) if config.use_cache else None
    summary_rows: list[SummaryRecord] = []
    score_rows: list[tuple[str, str, str, float]] = []
    with Cache(cache_path) as cache:
        per_system: dict[str, list[SummaryRecord]] = {}
        for system in systems:
            t = time.perf_counter()
            per_system[system.label] = summarize_system(system, docs, cache, config.batch_size, progress, stats)
            stats.timings[f"summarize:{system.label}"] = time.perf_counter() - t
            summary_rows.extend(per_system[system.label])
        for metric_run in metrics:
            t = time.perf_counter()
            prepare = getattr(metric_run.metric, "prepare", None)
            if callable(prepare):
                prepare(docs)
            for system in systems:
                score_rows.extend(
                    score_system(
                        metric_run, system.label, per_system[system.label], docs_by_id,
                        cache, config.batch_size, progress, stats,
                    )
                )
            stats.timings[f"score:{metric_run.spec.name}"] = time.perf_counter() - t
    stats.timings["total"] = time.perf_counter() - t0
    for message in stats.warnings:
        progress.note(f"warning: {message}")
    metadata = _metadata(config, refset, systems, metrics, summary_rows, stats, started, cache_path)
    summaries = pd.DataFrame([r.__dict__ for r in summary_rows])
    scores = pd.DataFrame(score_rows, columns=["doc_id", "system", "metric", "value"])
    return Results(summaries=summaries, scores=scores, metadata=metadata, documents=document_records(docs))


def _metadata(
    config: RunConfig,
    refset: ReferenceSet,
    systems: list[System],
    metrics: list[MetricRun],
    summary_rows: list[SummaryRecord],
    stats: RunStats,
    started: datetime,
    cache_path: Any,
) -> dict[str, Any]:
    def system_meta(system: System) -> dict[str, Any]:
        rows = [r for r in summary_rows if r.system == system.label]
        cls = type(system.summarizer)
        return {
            "name": system.label,
            "spec": str(system.spec),
            "summarizer": system.spec.name,
            "class": f"{cls.__module__}.{cls.__qualname__}",
            "fingerprint": system.summarizer.fingerprint(),
            "documents": len(rows),
            "failed": sum(r.error is not None for r in rows),
            "seconds": round(sum(r.seconds for r in rows), 4),
        }

    def metric_meta(run_: MetricRun) -> dict[str, Any]:
        metric = run_.metric
        columns = getattr(metric, "columns", None)
        headline = tuple(getattr(metric, "headline", ()))
        return {
            "name": run_.spec.name,
            "spec": str(run_.spec),
            "signature": metric.signature(),
            "columns": list(columns() if callable(columns) else headline),
            "headline": list(headline),
            "higher_is_better": bool(getattr(metric, "higher_is_better", True)),
        }

    return {
        "sumbench_version": __version__,
        "run_id": make_run_id(config, started),
        "created": started.isoformat(timespec="seconds"),
        "dataset": {
            "name": refset.name,
            "source": refset.source,
            "fingerprint": refset.fingerprint,
            "documents": len(refset),
        },
        "systems": [system_meta(s) for s in systems],
        "metrics": [metric_meta(m) for m in metrics],
        "seed": config.seed,
        "bootstrap": config.bootstrap,
        "config": config.to_dict(),
        "libraries": library_versions(),
        "platform": {"machine": platform.machine(), "system": platform.system()},
        "cache": {
            "path": str(cache_path) if cache_path else None,
            "summaries_cached": stats.summaries_cached,
            "summaries_computed": stats.summaries_computed,
            "summaries_failed": stats.summaries_failed,
            "scores_cached": stats.scores_cached,
            "scores_computed": stats.scores_computed,
        },
        "timings": {k: round(v, 4) for k, v in stats.timings.items()},
        "warnings": stats.warnings,
    }
