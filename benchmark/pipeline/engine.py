"""run(config) -> Results: summarize through the cache, score through the cache, collect.

Each stage is a plain function over plain data, sharing one :class:`RunContext`.
Summaries are written to the cache one batch at a time (one transaction each), scores go
through :func:`benchmark.pipeline.scoring.score_pairs`, so an interrupted run resumes where it
stopped and an identical rerun computes nothing.
"""

from __future__ import annotations

import platform
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath
from typing import Any

from benchmark import __version__
from benchmark.components.build import (
    MetricRun,
    System,
    build_metrics,
    build_systems,
    check_text_needs,
    load_plugins,
)
from benchmark.core.errors import ConfigError
from benchmark.core.hashing import stable_hash
from benchmark.core.progress import NullProgress, Progress, listening
from benchmark.inputs.documents import Document, ReferenceSet, load_reference_set
from benchmark.pipeline.cache import Cache, default_cache_path
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.executors import make_executor
from benchmark.pipeline.scoring import Pair, RunContext, RunStats, score_pairs
from benchmark.results.metadata import CacheInfo, DatasetInfo, MetricInfo, RunMetadata, SystemInfo
from benchmark.results.table import Results, document_records
from benchmark.summarizers import Summarizer, SummaryFailure

LIBRARIES = ("rouge-score", "bert-score", "transformers", "torch", "blingfire", "nltk", "pandas", "numpy")


@dataclass
class SummaryRecord:
    doc_id: str
    system: str
    summary: str | None
    seconds: float
    error: str | None
    cached: bool


Outcome = tuple[str | None, str | None, float]
ScoreRow = tuple[str, str, str, float]


def _batches(items: Sequence[Document], size: int) -> list[Sequence[Document]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


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


def summarize_system(system: System, docs: Sequence[Document], ctx: RunContext) -> list[SummaryRecord]:
    """All summaries of one system, from the cache where present.

    Batches run on the context's executor; each finished batch is written to the cache in
    one transaction as it arrives (unless the summarizer opts out with ``cache_summaries``).
    """
    fingerprint = system.fingerprint
    use_cache = system.summarizer.cache_summaries
    cached = ctx.cache.get_summaries(fingerprint, [d.fingerprint for d in docs]) if use_cache else {}
    todo = [d for d in docs if d.fingerprint not in cached]
    task = f"summarize {system.label}"
    ctx.progress.start(task, len(docs))
    ctx.progress.advance(task, len(docs) - len(todo))
    computed: dict[str, Outcome] = {}
    batches = _batches(todo, ctx.batch_size)
    arguments = ((system.summarizer, batch) for batch in batches)
    parallel = system.summarizer.parallel_safe
    live = [0, 0]  # documents the component reported done in the running batch; batches finished

    def advance_live(count: int) -> None:  # in-process batches run in order
        size = len(batches[live[1]]) if live[1] < len(batches) else 0
        step = max(0, min(count, size - live[0]))
        live[0] += step
        ctx.progress.advance(task, step)

    with listening(advance_live):
        for index, outcomes in ctx.executor.imap(summarize_batch, arguments, parallel=parallel):
            batch = batches[index]
            pairs = zip(batch, outcomes, strict=True)
            done = [(d.fingerprint, s, t) for d, (s, _, t) in pairs if s is not None]
            if use_cache:
                ctx.cache.put_summaries(fingerprint, done)
            for doc, outcome in zip(batch, outcomes, strict=True):
                computed[doc.id] = outcome
            ctx.progress.advance(task, max(0, len(batch) - live[0]))
            live[0], live[1] = 0, live[1] + 1
    ctx.progress.finish(task)
    records = []
    stats = ctx.stats
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


def score_systems(
    run: MetricRun, per_system: dict[str, list[SummaryRecord]], docs: Sequence[Document], ctx: RunContext
) -> list[ScoreRow]:
    """Per-document scores ``(doc_id, system, column, value)`` of every system under one metric."""
    by_id = {d.id: d for d in docs}
    records = [r for rows in per_system.values() for r in rows if r.summary is not None]
    pairs = [Pair(r.system, r.summary or "", by_id[r.doc_id]) for r in records]
    values = score_pairs(run, pairs, ctx)
    return [
        (record.doc_id, record.system, column, value)
        for record, columns in zip(records, values, strict=True)
        for column, value in columns.items()
    ]


def documents_ref(config: RunConfig, refset: ReferenceSet) -> dict[str, Any]:
    """Where a report reads the documents again: the reference set's path, load options, fingerprint."""
    source = refset.source
    if source and not source.startswith("hf:") and Path(source).is_file():
        source = str(Path(source).resolve())
    return {
        "source": source,
        "fingerprint": refset.fingerprint,
        "documents": len(refset),
        "text_field": config.text_field,
        "ref_field": config.ref_field,
        "id_field": config.id_field,
        "limit": config.limit,
    }


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
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    load_plugins(config.plugins)
    full = reference_set or load_reference_set(
        config.dataset, text_field=config.text_field, ref_field=config.ref_field, id_field=config.id_field
    )
    systems = build_systems(config.summarizers, seed=config.seed)
    metrics = build_metrics(config.metrics)
    if config.fail_under or config.allow_failures is not None:
        from benchmark.stats.gate import parse_allowance, validate_thresholds

        parse_allowance(config.allow_failures)
        scales = {c: float(m.metric.display_scale(c)) for m in metrics for c in m.metric.columns()}
        labels = [s.label for s in systems]
        for note in validate_thresholds(config.fail_under, list(scales), scales, labels):
            (progress or NullProgress()).note(f"note: {note}")
    check_text_needs(full, systems, metrics)
    for system in systems:
        system.summarizer.prepare(full.documents)
    refset = full.head(config.limit)
    docs = list(refset.documents)
    cache_path = (config.cache or default_cache_path()) if config.use_cache else None
    summary_rows: list[SummaryRecord] = []
    score_rows: list[ScoreRow] = []
    executor = make_executor(config.executor, config.workers, config.ray_address, config.ray_gpus)
    with Cache(cache_path) as cache, executor:
        ctx = RunContext(cache, config.batch_size, progress or NullProgress(), RunStats(), executor)
        per_system: dict[str, list[SummaryRecord]] = {}
        for system in systems:
            t = time.perf_counter()
            per_system[system.label] = summarize_system(system, docs, ctx)
            ctx.stats.timings[f"summarize:{system.label}"] = time.perf_counter() - t
            summary_rows.extend(per_system[system.label])
        for metric_run in metrics:
            t = time.perf_counter()
            score_rows.extend(score_systems(metric_run, per_system, docs, ctx))
            ctx.stats.timings[f"score:{metric_run.name}"] = time.perf_counter() - t
    stats = ctx.stats
    if cache.bad_rows:
        stats.warn(f"{cache.bad_rows} unreadable cache row(s) were recomputed")
    stats.timings["total"] = time.perf_counter() - t0
    for message in stats.warnings:
        ctx.progress.note(f"warning: {message}")
    metadata = run_metadata(config, refset, systems, metrics, summary_rows, stats, started, cache_path)
    return Results.from_rows(summary_rows, score_rows, metadata, document_records(docs),
                             documents_ref(config, refset), config.embed_documents)


def system_info(system: System, rows: Sequence[SummaryRecord]) -> SystemInfo:
    """What results.json records of one system."""
    cls = type(system.summarizer)
    return SystemInfo(
        name=system.label,
        spec=str(system.spec),
        summarizer=system.spec.name,
        cls=f"{cls.__module__}.{cls.__qualname__}",
        fingerprint=system.fingerprint,
        documents=len(rows),
        failed=sum(r.error is not None for r in rows),
        seconds=round(sum(r.seconds for r in rows), 4),
    )


def metric_info(run: MetricRun) -> MetricInfo:
    """What results.json records of one metric: signature, columns, scales, direction."""
    metric = run.metric
    columns = tuple(metric.columns())
    return MetricInfo(
        name=run.name,
        spec=str(run.spec),
        signature=run.signature,
        columns=columns,
        scales={c: float(metric.display_scale(c)) for c in columns},
        headline=tuple(metric.headline),
        higher_is_better=metric.higher_is_better,
    )


def run_metadata(
    config: RunConfig,
    refset: ReferenceSet,
    systems: list[System],
    metrics: list[MetricRun],
    summary_rows: list[SummaryRecord],
    stats: RunStats,
    started: datetime,
    cache_path: Any,
) -> RunMetadata:
    """The typed metadata of a finished run."""
    return RunMetadata(
        sumbench_version=__version__,
        run_id=make_run_id(config, started),
        created=started.isoformat(timespec="seconds"),
        dataset=DatasetInfo(refset.name, refset.source, refset.fingerprint, len(refset)),
        systems=tuple(system_info(s, [r for r in summary_rows if r.system == s.label]) for s in systems),
        metrics=tuple(metric_info(m) for m in metrics),
        seed=config.seed,
        bootstrap=config.bootstrap,
        config=config.to_dict(),
        libraries=library_versions(),
        platform={"machine": platform.machine(), "system": platform.system()},
        cache=CacheInfo(
            path=str(cache_path) if cache_path else None,
            summaries_cached=stats.summaries_cached,
            summaries_computed=stats.summaries_computed,
            summaries_failed=stats.summaries_failed,
            scores_cached=stats.scores_cached,
            scores_computed=stats.scores_computed,
        ),
        timings={k: round(v, 4) for k, v in stats.timings.items()},
        warnings=tuple(stats.warnings),
    )


def score(
    reference_set: str,
    predictions: Sequence[str],
    *,
    metrics: Sequence[str] = ("rouge",),
    progress: Progress | None = None,
    **options: Any,
) -> Results:
    """Score prediction files against a reference set (the ``sumbench score`` shortcut).

    Each file is one system named after the file (its stem; the whole path when two files
    share a stem), or one system per value of its system field (see
    :mod:`benchmark.summarizers.predictions`). ``options`` are further :class:`RunConfig`
    fields (``cache``, ``use_cache``, ``text_field``, ``plugins``, ...).
    """
    if not predictions:
        raise ConfigError("no prediction file given; pass one or more files after the reference set")
    stems = [PurePath(path).stem for path in predictions]
    specs = tuple(
        f"predictions:path={path}" + (f",name={path}" if stems.count(stem) > 1 else "")
        for path, stem in zip(predictions, stems, strict=True)
    )
    config = RunConfig(dataset=str(reference_set), summarizers=specs, metrics=tuple(metrics), **options)
    return run(config, progress)
