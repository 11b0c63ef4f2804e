"""The summarize stage: one system over the documents, through the cache, batch by batch.

A batch that raises is retried one document at a time, so only the documents that fail on
their own are recorded as failed. Each finished batch is written to the cache in one
transaction as it arrives, with what each summary cost (tokens, latency, retries, why
generation stopped), so a cached rerun reports the same totals as the run that made them.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.components.base import Summarizer, Summary, SummaryFailure, Usage
from benchmark.components.build import System
from benchmark.core.guard import ComponentExit, guarded
from benchmark.core.progress import listening
from benchmark.inputs.documents import Document
from benchmark.pipeline.cache import CachedSummary
from benchmark.pipeline.scoring import RunContext

MEASURED, BATCH_AVERAGE = "measured", "batch-average"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One document's result from a summarizer call."""

    summary: str | None
    error: str | None
    seconds: float
    timing: str = BATCH_AVERAGE
    usage: Usage | None = None
    finish_reason: str | None = None


@dataclass
class SummaryRecord:
    """One row of the summaries table."""

    doc_id: str
    system: str
    summary: str | None
    seconds: float
    error: str | None
    cached: bool
    timing: str = BATCH_AVERAGE
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency: float | None = None
    retries: int | None = None
    tokens_counted: bool | None = None
    finish_reason: str | None = None

    @classmethod
    def of(cls, doc_id: str, system: str, outcome: Outcome, cached: bool) -> SummaryRecord:
        usage = outcome.usage
        return cls(
            doc_id,
            system,
            outcome.summary,
            outcome.seconds,
            outcome.error,
            cached,
            outcome.timing,
            usage.prompt_tokens if usage else None,
            usage.completion_tokens if usage else None,
            usage.latency if usage else None,
            usage.retries if usage else None,
            usage.counted if usage else None,
            outcome.finish_reason,
        )


def _batches(items: Sequence[Document], size: int) -> list[Sequence[Document]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _describe_exception() -> str:
    lines = traceback.format_exc().strip().splitlines()
    return lines[-1] if lines else "unknown error"


def summarize_batch(summarizer: Summarizer, docs: Sequence[Document]) -> list[Outcome]:
    """The outcome of each document of one batch; a failing batch is retried per document.

    Runs under :class:`~benchmark.core.guard.guarded` (here, in a worker process or on a Ray
    actor alike): a summarizer that raises ``SystemExit`` fails the document, not the run."""
    start = time.perf_counter()
    try:
        with guarded(f"summarizer {summarizer.name!r}", "in summarize"):
            outputs = list(summarizer.summarize(docs))
        if len(outputs) != len(docs):
            raise RuntimeError(f"returned {len(outputs)} summaries for {len(docs)} documents")
    except Exception as exc:
        if len(docs) == 1:
            reason = str(exc) if isinstance(exc, ComponentExit) else _describe_exception()
            return [Outcome(None, reason, time.perf_counter() - start, MEASURED)]
        return [item for doc in docs for item in summarize_batch(summarizer, [doc])]
    elapsed = time.perf_counter() - start
    each = elapsed / max(len(docs), 1)
    timing = MEASURED if len(docs) == 1 else BATCH_AVERAGE
    results: list[Outcome] = []
    for out in outputs:
        if isinstance(out, SummaryFailure):
            results.append(Outcome(None, out.reason, each, timing))
        elif isinstance(out, Summary):
            seconds, how = (out.seconds, MEASURED) if out.seconds is not None else (each, timing)
            results.append(Outcome(out.text, None, seconds, how, out.usage, out.finish_reason))
        elif isinstance(out, str):
            results.append(Outcome(out, None, each, timing))
        else:
            results.append(Outcome(None, f"summarizer returned {type(out).__name__}, not str", each, timing))
    return results


def summarize_system(system: System, docs: Sequence[Document], ctx: RunContext) -> list[SummaryRecord]:
    """All summaries of one system, from the cache where present.

    Batches run on the context's executor; each finished batch is written to the cache in
    one transaction as it arrives (unless the summarizer opts out with ``cache_summaries``).
    """
    key = system.fingerprint
    use_cache = system.summarizer.cache_summaries
    cached = ctx.cache.get_summaries(key, [d.fingerprint for d in docs]) if use_cache else {}
    unscorable = {
        d.id: Outcome(None, "no reference summary (the summarizer reads the references)", 0.0, MEASURED)
        for d in docs if system.summarizer.needs_references and not d.references
    }
    todo = [d for d in docs if d.fingerprint not in cached and d.id not in unscorable]
    task = f"summarize {system.label}"
    ctx.progress.start(task, len(docs))
    ctx.progress.advance(task, len(docs) - len(todo))  # cached, or nothing to summarize from
    computed: dict[str, Outcome] = dict(unscorable)
    with guarded(system.describe(), "in batch_documents"):
        size = system.summarizer.batch_documents or ctx.batch_size
    batches = _batches(todo, size)
    arguments = ((system.summarizer, batch) for batch in batches)
    live = [0, 0]  # documents the component reported done in the running batch; batches finished

    def advance_live(count: int) -> None:  # in-process batches run in order
        size = len(batches[live[1]]) if live[1] < len(batches) else 0
        step = max(0, min(count, size - live[0]))
        live[0] += step
        ctx.progress.advance(task, step)

    with listening(advance_live):
        parallel = system.summarizer.parallel_safe
        for index, outcomes in ctx.executor.imap(summarize_batch, arguments, parallel=parallel):
            batch = batches[index]
            if use_cache:
                ctx.cache.put_summaries(key, [_cached(d, o) for d, o in zip(batch, outcomes, strict=True)
                                              if o.summary is not None])
            for doc, outcome in zip(batch, outcomes, strict=True):
                computed[doc.id] = outcome
            ctx.progress.advance(task, max(0, len(batch) - live[0]))
            live[0], live[1] = 0, live[1] + 1
    ctx.progress.finish(task)
    records = []
    stats = ctx.stats
    for doc in docs:
        hit = cached.get(doc.fingerprint)
        if hit is not None:
            outcome = Outcome(hit.summary, None, hit.seconds, hit.timing, hit.usage, hit.finish_reason)
            records.append(SummaryRecord.of(doc.id, system.label, outcome, True))
            stats.summaries_cached += 1
        else:
            outcome = computed[doc.id]
            records.append(SummaryRecord.of(doc.id, system.label, outcome, False))
            stats.summaries_computed += 1
            stats.summaries_failed += outcome.error is not None
    return records


def _cached(doc: Document, outcome: Outcome) -> CachedSummary:
    return CachedSummary(
        doc.fingerprint, outcome.summary or "", outcome.seconds, outcome.timing, outcome.usage,
        outcome.finish_reason,
    )
