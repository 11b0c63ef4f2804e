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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from benchmark import __version__
from benchmark.cache import Cache, default_cache_path
from benchmark.config import RunConfig
from benchmark.documents import Document, ReferenceSet, load_reference_set
from benchmark.errors import ConfigError
from benchmark.executors import Executor, make_executor, parallel_safe
from benchmark.hashing import stable_hash
from benchmark.metrics import METRICS, Metric, Scores
from benchmark.metrics.base import check_columns
from benchmark.progress import NullProgress, Progress
from benchmark.registry import load_plugins
from benchmark.results import Results
from benchmark.specs import ComponentSpec, build_component, default_label, option_fields
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


def build_systems(specs: Sequence[str], seed: int | None = None) -> list[System]:
    """Resolve summarizer specs through the registry; labels must be unique.

    A run's ``seed`` fills the ``seed`` option of summarizers that have one, unless the spec sets it.
    """
    systems: list[System] = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        cls = SUMMARIZERS.get(spec.name)
        if seed is not None and "seed" in option_fields(cls) and "seed" not in dict(spec.options):
            spec = replace(spec, options=tuple(sorted((*spec.options, ("seed", str(seed))))))
        summarizer = build_component(cls, spec, "summarizer")
        systems.append(System(default_label(spec, summarizer), spec, summarizer))
    labels = [s.label for s in systems]
    dupes = sorted({label for label in labels if labels.count(label) > 1})
    if dupes:
        raise ConfigError(f"system name(s) {dupes} given twice; set distinct names with name=...")
    return systems


def metric_columns(metric: Metric) -> list[str]:
    """Every column a metric returns (its ``columns()``, else its headline)."""
    columns = getattr(metric, "columns", None)
    return list(columns() if callable(columns) else getattr(metric, "headline", ()))


def build_metrics(specs: Sequence[str]) -> list[MetricRun]:
    """Resolve metric specs through the registry."""
    runs = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        runs.append(MetricRun(spec, build_component(METRICS.get(spec.name), spec, "metric")))
    return runs


def _batches(items: Sequence[Document], size: int) -> list[Sequence[Document]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


Outcome = tuple[str | None, str | None, float]


def summarize_batch(summarizer: Summarizer, docs: Sequence[Document]) -> list[Outcome]:
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
    results: list[Outcome] = []
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
    system: System,
    docs: Sequence[Document],
    cache: Cache,
    batch_size: int,
    progress: Progress,
    stats: RunStats,
    executor: Executor | None = None,
) -> list[SummaryRecord]:
    """All summaries of one system, from the cache where present.

    Batches run on ``executor`` (in this process by default); each finished batch is
    written to the cache in one transaction as it arrives.
    """
    fingerprint = system.summarizer.fingerprint()
    cached = cache.get_summaries(fingerprint, [d.fingerprint for d in docs])
    todo = [d for d in docs if d.fingerprint not in cached]
    task = f"summarize {system.label}"
    progress.start(task, len(docs))
    progress.advance(task, len(docs) - len(todo))
    computed: dict[str, Outcome] = {}
    batches = _batches(todo, batch_size)
    arguments = ((system.summarizer, batch) for batch in batches)
    runner = executor_or_local(executor)
    for index, outcomes in runner.imap(summarize_batch, arguments, parallel=parallel_safe(system.summarizer)):
        batch = batches[index]
        done = zip(batch, outcomes, strict=True)
        cache.put_summaries(fingerprint, [(d.fingerprint, s, t) for d, (s, _, t) in done if s is not None])
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


def score_batch(
    metric: Metric, name: str, candidates: list[str], documents: list[Document]
) -> tuple[Scores, list[str]]:
    """One metric call: validated float columns and the warnings it raised (runs in workers)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = metric.score(candidates=candidates, documents=documents)
    columns = check_columns(scores, len(candidates), name)
    values = {col: [float(v) for v in vals] for col, vals in columns.items()}
    return values, [str(w.message) for w in caught]


@dataclass
class _ScorePlan:
    """One system under one metric: its scorable records, their cache keys, cache hits."""

    label: str
    records: list[SummaryRecord]
    pairs: list[tuple[str, str]]
    cached: dict[tuple[str, str], dict[str, float]]


def score_metric(
    run: MetricRun,
    per_system: dict[str, list[SummaryRecord]],
    docs: Sequence[Document],
    cache: Cache,
    batch_size: int,
    progress: Progress,
    stats: RunStats,
    executor: Executor | None = None,
) -> list[tuple[str, str, str, float]]:
    """Per-document scores ``(doc_id, system, column, value)`` of every system under one metric.

    Work goes out one document batch at a time, with every system's candidates for that
    batch in one call, so what a metric derives from a document (tokenized or embedded
    references) is reused across systems, also in a worker process. Each finished batch is
    written to the cache as it arrives; the rows come back in document order.
    """
    signature = run.metric.signature()
    position = {d.id: i for i, d in enumerate(docs)}
    docs_by_id = {d.id: d for d in docs}
    plans: list[_ScorePlan] = []
    for label, records in per_system.items():
        ok = [r for r in records if r.summary is not None]
        pairs = [(r.summary or "", docs_by_id[r.doc_id].fingerprint) for r in ok]
        plans.append(_ScorePlan(label, ok, pairs, cache.get_scores(signature, pairs)))
        progress.start(f"{run.spec.name} {label}", len(ok))
    by_batch: dict[int, list[SummaryRecord]] = {}
    for plan in plans:
        todo = [r for r, pair in zip(plan.records, plan.pairs, strict=True) if pair not in plan.cached]
        progress.advance(f"{run.spec.name} {plan.label}", len(plan.records) - len(todo))
        for record in todo:
            by_batch.setdefault(position[record.doc_id] // batch_size, []).append(record)
    tasks = [by_batch[key] for key in sorted(by_batch)]
    arguments = (
        (run.metric, run.spec.name, [r.summary or "" for r in batch], [docs_by_id[r.doc_id] for r in batch])
        for batch in tasks
    )
    fresh: dict[tuple[str, str], dict[str, float]] = {}
    for index, (columns, caught) in executor_or_local(executor).imap(
        score_batch, arguments, parallel=parallel_safe(run.metric)
    ):
        batch = tasks[index]
        labels = ", ".join(dict.fromkeys(r.system for r in batch))
        for text in caught:
            message = f"{run.spec.name} ({labels}): {text}"
            if message not in stats.warnings:
                stats.warnings.append(message)
        items = []
        for i, record in enumerate(batch):
            key = (record.summary or "", docs_by_id[record.doc_id].fingerprint)
            values = {col: vals[i] for col, vals in columns.items()}
            fresh[key] = values
            items.append((key[0], key[1], values))
            progress.advance(f"{run.spec.name} {record.system}", 1)
        cache.put_scores(signature, items)
    rows: list[tuple[str, str, str, float]] = []
    for plan in plans:
        progress.finish(f"{run.spec.name} {plan.label}")
        for record, pair in zip(plan.records, plan.pairs, strict=True):
            hit = plan.cached.get(pair)
            if hit is not None:
                stats.scores_cached += 1
            values = hit if hit is not None else fresh[pair]
            stats.scores_computed += hit is None
            rows.extend((record.doc_id, plan.label, col, val) for col, val in values.items())
    return rows


def executor_or_local(executor: Executor | None) -> Executor:
    """``executor``, or an in-process one."""
    return executor if executor is not None else make_executor("local")


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


def run(
    config: RunConfig, progress: Progress | None = None, reference_set: ReferenceSet | None = None
) -> Results:
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
    systems = build_systems(config.summarizers, seed=config.seed)
    metrics = build_metrics(config.metrics)
    if config.fail_under:
        from benchmark.gate import validate_thresholds

        validate_thresholds(list(config.fail_under), [c for m in metrics for c in metric_columns(m.metric)])
    stats = RunStats()
    docs = list(refset.documents)
    cache_path = (config.cache or default_cache_path()) if config.use_cache else None
    summary_rows: list[SummaryRecord] = []
    score_rows: list[tuple[str, str, str, float]] = []
    executor = make_executor(config.executor, config.workers, config.ray_address)
    with Cache(cache_path) as cache, executor:
        per_system: dict[str, list[SummaryRecord]] = {}
        for system in systems:
            t = time.perf_counter()
            per_system[system.label] = summarize_system(
                system, docs, cache, config.batch_size, progress, stats, executor
            )
            stats.timings[f"summarize:{system.label}"] = time.perf_counter() - t
            summary_rows.extend(per_system[system.label])
        for metric_run in metrics:
            t = time.perf_counter()
            prepare = getattr(metric_run.metric, "prepare", None)
            if callable(prepare):
                prepare(docs)
            score_rows.extend(
                score_metric(
                    metric_run, per_system, docs, cache, config.batch_size, progress, stats, executor
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
        headline = tuple(getattr(metric, "headline", ()))
        return {
            "name": run_.spec.name,
            "spec": str(run_.spec),
            "signature": metric.signature(),
            "columns": metric_columns(metric),
            "scales": {c: float(scale(c)) for c in metric_columns(metric)}
            if callable(scale := getattr(metric, "display_scale", None))
            else {},
            "headline": list(headline),
            "higher_is_better": getattr(metric, "higher_is_better", True),  # None: descriptive
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
