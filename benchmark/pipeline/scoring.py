"""The one scoring loop: (candidate, document) pairs -> per-pair columns, through the cache.

``sumbench run``, ``sumbench score`` and ``sumbench meta-eval`` all score here. A metric
gets ``prepare`` once with every distinct document, then work goes out one document batch
at a time, with every group's candidates (the run's systems, the judged systems) for that
batch in one call, so what a metric derives from a document (tokenized or embedded
references) is reused across groups, also in a worker process. Each finished batch is
written to the cache in one transaction as it arrives, so an interrupted run resumes and
an identical rerun computes nothing. A row with a NaN (a pair the metric could not score, such
as a failed LLM judgement) is not cached, so the next run tries it again. A metric's evidence
and the cost of its model calls travel with its columns, into the cache and out of it.

Cache keys use the metric's full signature (:attr:`MetricRun.signature`), which holds the data
key its ``prepare`` returned: prepare runs before anything is read from the cache.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmark.components.base import Metric, Scored, Usage, check_columns
from benchmark.components.build import MetricRun
from benchmark.core.guard import ComponentExit, guarded
from benchmark.core.progress import NullProgress, Progress, listening
from benchmark.inputs.documents import Document
from benchmark.pipeline.cache import Cache, CachedScore
from benchmark.pipeline.executors import Executor, make_executor

Columns = dict[str, float]


@dataclass(frozen=True, slots=True)
class PairScore:
    """One pair's columns under one metric, its evidence and cost, and whether it was cached."""

    columns: Columns
    evidence: dict[str, Any] | None = None
    usage: Usage | None = None
    cached: bool = False


@dataclass
class RunStats:
    """What a run computed and what it took from the cache."""

    summaries_cached: int = 0
    summaries_computed: int = 0
    summaries_failed: int = 0
    scores_cached: int = 0
    scores_computed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass
class RunContext:
    """Where work runs and what it reports to: shared by every stage of a run."""

    cache: Cache
    batch_size: int = 16
    progress: Progress = field(default_factory=NullProgress)
    stats: RunStats = field(default_factory=RunStats)
    executor: Executor = field(default_factory=lambda: make_executor("local"))


@dataclass(frozen=True, slots=True)
class Pair:
    """One candidate to score against one document; ``group`` labels it (a system name)."""

    group: str
    candidate: str
    document: Document


def score_batch(
    metric: Metric, name: str, candidates: list[str], documents: list[Document]
) -> tuple[Scored, list[str]]:
    """One metric call: validated float columns, evidence and usage per candidate, and the
    warnings it raised (runs in workers).

    The call runs under :class:`~benchmark.core.guard.guarded`: a batch in which the metric
    raises ``SystemExit`` (or another ``BaseException`` but ``KeyboardInterrupt``) is retried
    one candidate at a time, and a candidate that still fails gets no value (NaN, not cached;
    gates count it as missing) and a warning naming its document."""
    what = f"metric {name!r}"
    try:
        with warnings.catch_warnings(record=True) as caught, guarded(what, "in score"):
            warnings.simplefilter("always")
            answer = metric.score(candidates=candidates, documents=documents)
    except ComponentExit as exc:
        if len(candidates) > 1:
            parts = [score_batch(metric, name, [c], [d]) for c, d in zip(candidates, documents, strict=True)]
            return _joined([scored for scored, _ in parts]), [w for _, found in parts for w in found]
        with guarded(what, "in columns"):
            missing = {column: [math.nan] for column in metric.columns()}
        return Scored(missing), [f"{exc}; document {documents[0].id!r} has no value"]
    scored = answer if isinstance(answer, Scored) else Scored(answer)
    n = len(candidates)
    columns = check_columns(scored.columns, n, name)
    for kind, items in (("evidence", scored.evidence), ("usage", scored.usage)):
        if items and len(items) != n:
            raise ValueError(f"metric {name!r} returned {len(items)} {kind} items, expected {n}")
    values = {col: [float(v) for v in vals] for col, vals in columns.items()}
    return Scored(values, list(scored.evidence), list(scored.usage)), [str(w.message) for w in caught]


def _joined(parts: Sequence[Scored]) -> Scored:
    """One-candidate answers as one batch's answer (columns, evidence and usage aligned)."""
    columns: dict[str, list[float]] = {}
    for index, part in enumerate(parts):
        for column, values in part.columns.items():
            columns.setdefault(column, [math.nan] * index).extend(values)
        for values in columns.values():
            values.extend([math.nan] * (index + 1 - len(values)))
    evidence = [p.evidence[0] if p.evidence else None for p in parts]
    usage = [p.usage[0] if p.usage else None for p in parts]
    return Scored(
        columns,
        evidence if any(e is not None for e in evidence) else [],
        usage if any(u is not None for u in usage) else [],
    )


def score_pairs(run: MetricRun, pairs: Sequence[Pair], ctx: RunContext) -> list[PairScore]:
    """Every pair's columns under one metric, in the order of ``pairs``.

    Cached pairs are read back; the rest are computed in document batches of the
    metric's ``batch_documents`` (default ``ctx.batch_size``) documents, every group's
    candidates of those documents together, and cached batch by batch.
    Progress is reported per group as ``"{metric} {group}"``.
    """
    metric, name = run.metric, run.name
    signature = run.signature
    keys = [(p.candidate, p.document.fingerprint) for p in pairs]
    unreadable = ctx.cache.bad_rows
    cached = ctx.cache.get_scores(signature, keys)
    with guarded(run.describe(), "in columns"):
        expected = set(metric.columns())
    incomplete = [key for key, hit in cached.items() if not expected <= set(hit.columns)]
    for key in incomplete:
        del cached[key]
    if incomplete or ctx.cache.bad_rows > unreadable:
        ctx.stats.warn(f"{name}: unreadable cached scores found; recomputed them")
    groups = list(dict.fromkeys(p.group for p in pairs))
    for group in groups:
        total = sum(p.group == group for p in pairs)
        hits = sum(p.group == group and key in cached for p, key in zip(pairs, keys, strict=True))
        ctx.progress.start(f"{name} {group}", total)
        ctx.progress.advance(f"{name} {group}", hits)
    documents = list({p.document.id: p.document for p in pairs}.values())
    position = {d.id: i for i, d in enumerate(documents)}
    todo: dict[tuple[str, str], list[Pair]] = {}
    for pair, key in zip(pairs, keys, strict=True):
        if key not in cached:
            todo.setdefault(key, []).append(pair)
    fresh: dict[tuple[str, str], PairScore] = {}
    if todo:
        with guarded(run.describe(), "in batch_documents"):
            size = metric.batch_documents or ctx.batch_size
        by_batch: dict[int, list[Pair]] = {}
        for same in todo.values():
            by_batch.setdefault(position[same[0].document.id] // size, []).append(same[0])
        tasks = [by_batch[key] for key in sorted(by_batch)]
        arguments = (
            (metric, name, [p.candidate for p in batch], [p.document for p in batch]) for batch in tasks
        )
        results = ctx.executor.imap(score_batch, arguments, parallel=metric.parallel_safe)
        live = [0, 0]  # candidates the metric reported done in the running batch; batches finished

        def advance(pairs: Sequence[Pair]) -> None:
            for pair in pairs:
                for twin in todo[(pair.candidate, pair.document.fingerprint)]:
                    ctx.progress.advance(f"{name} {twin.group}", 1)

        def advance_live(count: int) -> None:  # progress.document_done() inside score(), in order
            if live[1] < len(tasks) and count > 0:
                advance(tasks[live[1]][live[0] : live[0] + count])
                live[0] = min(len(tasks[live[1]]), live[0] + count)

        with listening(advance_live):
            for index, (scored, caught) in results:
                batch = tasks[index]
                owners = (todo[(p.candidate, p.document.fingerprint)] for p in batch)
                labels = ", ".join(dict.fromkeys(t.group for same in owners for t in same))
                for text in caught:
                    ctx.stats.warn(f"{name} ({labels}): {text}")
                items = []
                for i, pair in enumerate(batch):
                    key = (pair.candidate, pair.document.fingerprint)
                    evidence = scored.evidence[i] if scored.evidence else None
                    usage = scored.usage[i] if scored.usage else None
                    columns = {col: vals[i] for col, vals in scored.columns.items()}
                    fresh[key] = PairScore(columns, evidence, usage)
                    if not any(math.isnan(v) for v in columns.values()):
                        items.append((*key, CachedScore(columns, evidence, usage)))
                advance(batch[live[0] :])  # what the metric did not report as it went
                live[0], live[1] = 0, live[1] + 1
                ctx.cache.put_scores(signature, items)
    out: list[PairScore] = []
    for key in keys:
        hit = cached.get(key)
        ctx.stats.scores_cached += hit is not None
        ctx.stats.scores_computed += hit is None
        out.append(PairScore(hit.columns, hit.evidence, hit.usage, True) if hit is not None else fresh[key])
    for group in groups:
        ctx.progress.finish(f"{name} {group}")
    return out
