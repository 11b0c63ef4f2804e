"""run(config) -> Results: plan everything, then summarize and score through the cache.

:func:`plan` does all that can fail or that decides a number before any work: plugins,
the reference set, building every component, the modules each needs, what each reads
(article text, references), ``prepare`` with the run's documents (data keys) and every
fingerprint and signature (which resolves and hashes model weights). :func:`execute` then
summarizes (:mod:`benchmark.pipeline.summarize`) and scores through
:func:`benchmark.pipeline.scoring.score_pairs`, writing the cache one batch at a time, so an
interrupted run resumes where it stopped and an identical rerun computes nothing.
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath
from typing import Any

from benchmark import __version__
from benchmark.components.build import (
    JudgeRun,
    MetricRun,
    System,
    build_judge,
    build_metrics,
    build_systems,
    check_reference_needs,
    check_text_needs,
    load_plugins,
)
from benchmark.core.errors import ConfigError
from benchmark.core.guard import guarded
from benchmark.core.hashing import stable_hash
from benchmark.core.progress import NullProgress, Progress
from benchmark.inputs.documents import Document, ReferenceSet, load_reference_set
from benchmark.pipeline.cache import Cache, default_cache_path
from benchmark.pipeline.config import DEFAULT_REFERENCE_FREE_METRICS, DEFAULT_REFERENCE_METRICS, RunConfig
from benchmark.pipeline.executors import make_executor
from benchmark.pipeline.scoring import Pair, RunContext, RunStats, score_pairs
from benchmark.pipeline.summarize import SummaryRecord, summarize_system
from benchmark.results.metadata import CacheInfo, DatasetInfo, MetricInfo, RunMetadata, SystemInfo
from benchmark.results.table import EvidenceRow, Results, UsageRow, document_records

LIBRARIES = ("rouge-score", "bert-score", "transformers", "torch", "blingfire", "nltk", "pandas", "numpy")

ScoreRow = tuple[str, str, str, float]
SCORE_METRICS = ("rouge",)  # `sumbench score`'s default on a set with references


@dataclass(frozen=True)
class RunPlan:
    """A run with everything that decides its numbers known: built, prepared, identified."""

    config: RunConfig
    reference_set: ReferenceSet
    documents: tuple[Document, ...]
    systems: tuple[System, ...]
    metrics: tuple[MetricRun, ...]
    notes: tuple[str, ...] = ()
    judge: JudgeRun | None = None


@dataclass
class ScoreTables:
    """What scoring produced: score rows, evidence rows, and the evaluation's own usage."""

    scores: list[ScoreRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)


def plan(config: RunConfig, reference_set: ReferenceSet | None = None) -> RunPlan:
    """Everything before the first summary: raises ConfigError/InputError (exit 2) for what
    would otherwise fail later, and fixes every fingerprint and signature."""
    load_plugins(config.plugins)
    full = reference_set or load_reference_set(
        config.dataset, text_field=config.text_field, ref_field=config.ref_field, id_field=config.id_field,
        normalize_ids=config.normalize_ids,
    )
    refset = full.head(config.limit)
    metric_specs, notes = choose_metrics(config, refset)
    systems = build_systems(config.summarizers, seed=config.seed, normalize_ids=config.normalize_ids)
    metrics = build_metrics(metric_specs)
    check_text_needs(full, systems, metrics)
    check_reference_needs(refset, systems, metrics, allow_partial=config.partial_references)
    bounds = (*config.fail_under, *config.fail_over)
    if bounds:
        from benchmark.results.usage import FIGURES
        from benchmark.stats.gate import validate_bounds

        scales: dict[str, float] = {}
        for m in metrics:
            with guarded(m.describe(), "in columns or display_scale"):
                scales.update({c: float(m.metric.display_scale(c)) for c in m.metric.columns()})
        labels = [s.label for s in systems]
        figures = {f: 1.0 for f in FIGURES}
        notes += [f"note: {n}" for n in validate_bounds(bounds, {**figures, **scales}, labels)]
    docs = refset.documents
    prepared_systems = tuple(system.prepared(full.documents) for system in systems)
    prepared_metrics = tuple(run.prepared(docs) for run in metrics)
    for system in prepared_systems:
        _ = system.fingerprint  # resolves and hashes the model weights now, not after summaries
    for run in prepared_metrics:
        _ = run.signature
    judge = build_judge(config.pairwise) if config.pairwise else None
    if judge is not None:
        if len(systems) < 2:
            raise ConfigError(f"--pairwise compares systems head to head; the run has {len(systems)}")
        if judge.judge.needs_text and not full.has_text:
            raise ConfigError(f"--pairwise: judge {judge.name!r} reads the articles, but reference set "
                              f"{full.source or full.name} has none")
        _ = judge.signature  # resolves and hashes the judge's model now, not after the summaries
    return RunPlan(config, full, docs, prepared_systems, prepared_metrics, tuple(notes), judge)


def choose_metrics(config: RunConfig, refset: ReferenceSet) -> tuple[tuple[str, ...], list[str]]:
    """The metrics to run: the user's, or the defaults for what the set holds, with a note."""
    if config.metrics:
        return config.metrics, []
    if refset.has_references:
        return DEFAULT_REFERENCE_METRICS, []
    chosen = DEFAULT_REFERENCE_FREE_METRICS
    why = "has no reference summaries" if not refset.documents_with_references else (
        f"has reference summaries for only {refset.documents_with_references} of its {len(refset)} documents"
    )
    return chosen, [
        f"metrics: {', '.join(chosen)} (reference set {refset.name} {why}; "
        f"with references the defaults are {', '.join(DEFAULT_REFERENCE_METRICS)})"
    ]


def execute(run_plan: RunPlan, progress: Progress | None = None) -> Results:
    """Summarize every document with every system, score with every metric, return Results."""
    config = run_plan.config
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    progress = progress or NullProgress()
    for note in run_plan.notes:
        progress.note(note)
    docs = list(run_plan.documents)
    cache_path = (config.cache or default_cache_path()) if config.use_cache else None
    summary_rows: list[SummaryRecord] = []
    tables = ScoreTables()
    executor = make_executor(config.executor, config.workers, config.ray_address, config.ray_gpus)
    with Cache(cache_path) as cache, executor:
        ctx = RunContext(cache, config.batch_size, progress, RunStats(), executor)
        per_system: dict[str, list[SummaryRecord]] = {}
        for system in run_plan.systems:
            t = time.perf_counter()
            per_system[system.label] = summarize_system(system, docs, ctx)
            ctx.stats.timings[f"summarize:{system.label}"] = time.perf_counter() - t
            summary_rows.extend(per_system[system.label])
        for metric_run in run_plan.metrics:
            t = time.perf_counter()
            score_systems(metric_run, per_system, docs, ctx, tables)
            ctx.stats.timings[f"score:{metric_run.name}"] = time.perf_counter() - t
    stats = ctx.stats
    for message in missing_values(run_plan, summary_rows, tables.scores):
        stats.warn(message)
    if cache.bad_rows:
        stats.warn(f"{cache.bad_rows} unreadable cache row(s) were recomputed")
    stats.timings["total"] = time.perf_counter() - t0
    for message in stats.warnings:
        ctx.progress.note(f"warning: {message}")
    refset = run_plan.reference_set.head(config.limit)
    metadata = run_metadata(run_plan, refset, summary_rows, stats, started, cache_path)
    results = Results.from_rows(
        summary_rows,
        tables.scores,
        metadata,
        document_records(docs),
        documents_ref(config, refset),
        config.embed_documents,
        evidence=tables.evidence,
        usage=tables.usage,
    )
    if run_plan.judge is None:
        return results
    from benchmark.pipeline.pairwise import judge_results
    from benchmark.stats.resampling import StatsOptions

    t = time.perf_counter()
    with Cache(cache_path) as cache:
        ctx = RunContext(cache, config.batch_size, progress, RunStats())
        results = judge_results(results, run_plan.judge, ctx,
                                options=StatsOptions(resamples=config.bootstrap, seed=config.seed))
    timings = {**results.metadata.timings, "pairwise": round(time.perf_counter() - t, 4),
               "total": round(time.perf_counter() - t0, 4)}
    return replace(results, metadata=replace(results.metadata, timings=timings))


def run(
    config: RunConfig, progress: Progress | None = None, reference_set: ReferenceSet | None = None
) -> Results:
    """Plan the run, then execute it (see :func:`plan` and :func:`execute`)."""
    return execute(plan(config, reference_set), progress)


def score_systems(
    run: MetricRun,
    per_system: dict[str, list[SummaryRecord]],
    docs: Sequence[Document],
    ctx: RunContext,
    tables: ScoreTables,
) -> None:
    """Per-document scores, evidence and usage of every system under one metric.

    A metric that reads references skips the documents that have none (a set where only some
    do, run with ``partial_references``): their values are missing, and gates count them so."""
    by_id = {d.id: d for d in docs}
    needs_refs = run.metric.needs_references
    records = [
        r for rows in per_system.values() for r in rows
        if r.summary is not None and (by_id[r.doc_id].references or not needs_refs)
    ]
    pairs = [Pair(r.system, r.summary or "", by_id[r.doc_id]) for r in records]
    for record, result in zip(records, score_pairs(run, pairs, ctx), strict=True):
        tables.scores.extend((record.doc_id, record.system, column, value)
                             for column, value in result.columns.items())
        if result.evidence is not None:
            tables.evidence.append(EvidenceRow(record.doc_id, record.system, run.name, result.evidence))
        if result.usage is not None:
            tables.usage.append(
                UsageRow.of(record.doc_id, record.system, run.name, result.usage, result.cached)
            )


def missing_values(
    run_plan: RunPlan, summaries: Sequence[SummaryRecord], scores: Sequence[ScoreRow]
) -> list[str]:
    """One warning per headline column and system that a metric left without a value for a
    summary that exists (a failed judgement, a document without references), counted over the
    whole run, cached rows included: the same count the tables and gates use."""
    made = {(r.system, r.doc_id) for r in summaries if r.summary is not None}
    present: dict[tuple[str, str], set[str]] = {}
    for doc_id, label, column, value in scores:
        if not math.isnan(value):
            present.setdefault((label, column), set()).add(doc_id)
    total = len(run_plan.documents)
    out = []
    for run in run_plan.metrics:
        for column in run.metric.headline_columns():
            for system in run_plan.systems:
                have = present.get((system.label, column), set())
                lacking = sum((system.label, d.id) in made and d.id not in have for d in run_plan.documents)
                if lacking:
                    failed = total - sum((system.label, d.id) in made for d in run_plan.documents)
                    also = f"; {failed} more failed to summarize" if failed else ""
                    out.append(f"{column}: no value for {lacking} of {total} documents of {system.label}"
                               f" (the metric could not score them{also})")
    return out


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
        "normalize_ids": config.normalize_ids,
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
        model=system.summarizer.pricing_model(),
        in_flight=system.summarizer.requests_in_flight(),
    )


def metric_info(run: MetricRun) -> MetricInfo:
    """What results.json records of one metric: signature, columns, scales, direction."""
    metric = run.metric
    with guarded(run.describe(), "in columns, headline_columns or display_scale"):
        columns = tuple(metric.columns())
        scales = {c: float(metric.display_scale(c)) for c in columns}
        headline = tuple(metric.headline_columns())
    return MetricInfo(
        name=run.name,
        spec=str(run.spec),
        signature=run.signature,
        columns=columns,
        scales=scales,
        headline=headline,
        higher_is_better=metric.higher_is_better,
        model=metric.pricing_model(),
        lower_is_better=tuple(metric.lower_is_better),
    )


def run_metadata(
    run_plan: RunPlan,
    refset: ReferenceSet,
    summary_rows: list[SummaryRecord],
    stats: RunStats,
    started: datetime,
    cache_path: Any,
) -> RunMetadata:
    """The typed metadata of a finished run."""
    config, systems, metrics = run_plan.config, run_plan.systems, run_plan.metrics
    return RunMetadata(
        sumbench_version=__version__,
        run_id=make_run_id(config, started),
        created=started.isoformat(timespec="milliseconds"),
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


def score_config(
    reference_set: str, predictions: Sequence[str], *, metrics: Sequence[str] = (), **options: Any
) -> tuple[RunConfig, ReferenceSet | None]:
    """The run that scores prediction files (``sumbench score``), and the reference set when it
    had to be read to choose the metrics.

    Each file is one system named after the file (its stem; the whole path when two files
    share a stem), or one system per value of its system field (see
    :mod:`benchmark.summarizers.predictions`). With no ``metrics``: ``rouge`` when the set has
    references, the reference-free defaults when it has none.
    """
    if not predictions:
        raise ConfigError("no prediction file given; pass one or more files after the reference set")
    stems = [PurePath(path).stem for path in predictions]
    specs = tuple(
        f"predictions:path={path}" + (f",name={path}" if stems.count(stem) > 1 else "")
        for path, stem in zip(predictions, stems, strict=True)
    )
    config = RunConfig(dataset=str(reference_set), summarizers=specs, metrics=tuple(metrics), **options)
    if config.metrics:
        return config, None
    loaded = load_reference_set(
        config.dataset, text_field=config.text_field, ref_field=config.ref_field,
        id_field=config.id_field, normalize_ids=config.normalize_ids,
    )
    if loaded.head(config.limit).has_references:
        config = replace(config, metrics=SCORE_METRICS)
    return config, loaded
