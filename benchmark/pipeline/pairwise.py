"""pairwise(run, judge) -> Results: every pair of systems judged head to head on every document.

For a finished run (its ``results.json``, its directory, or :class:`Results` in memory), every
pair of systems (in run order; ``systems`` narrows them) on every document that both
summarized is judged in both orders by a pairwise judge (:mod:`benchmark.pipeline.judging`,
through the cache), and the verdicts' statistics (:mod:`benchmark.stats.pairwise`: win rates
with CIs, sign tests, a Bradley-Terry ranking, length and position bias) are attached to the
run's results as ``pairwise``, with what the judging cost. ``sumbench pairwise``, and ``run``
and ``score`` with ``--pairwise``, call it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from benchmark.components.build import JudgeRun, build_judge, load_plugins
from benchmark.core.errors import ConfigError, InputError
from benchmark.core.progress import NullProgress, Progress
from benchmark.inputs.documents import Document
from benchmark.pipeline.cache import Cache, default_cache_path
from benchmark.pipeline.judging import Contest, judge_contests, usage_totals
from benchmark.pipeline.scoring import RunContext
from benchmark.results.pairwise import JudgeInfo, Pairwise
from benchmark.results.table import Results, load_results, resolve_documents
from benchmark.stats import pairwise as pairwise_stats
from benchmark.stats.resampling import StatsOptions


def pick_systems(results: Results, systems: Sequence[str] | None) -> list[str]:
    """The systems to compare (run order); unknown names and fewer than two are ConfigErrors."""
    known = [s for s in results.systems if s in set(results.summaries["system"])]
    if systems:
        wanted = list(dict.fromkeys(s.strip() for s in systems if s.strip()))
        unknown = [s for s in wanted if s not in known]
        if unknown:
            raise ConfigError(f"--systems names {', '.join(map(repr, unknown))}, not in the run "
                              f"(its systems: {', '.join(known)})")
        known = [s for s in known if s in wanted]
    if len(known) < 2:
        raise ConfigError(f"pairwise judging needs two systems or more; the run has {len(known)} to compare")
    return known


def run_documents(results: Results, needs_text: bool) -> dict[str, Document]:
    """The run's documents by id (read back from its reference set when not embedded)."""
    records, missing = (results.documents, None) if results.documents else resolve_documents(results)
    if not records:
        if needs_text:
            raise InputError(
                f"the judge reads the articles, but they are not available: {missing} (rerun with "
                "--embed-documents, or keep the reference set where the run read it)"
            )
        ids = dict.fromkeys(str(d) for d in results.summaries["doc_id"])
        return {d: Document(d, "", ()) for d in ids}
    return {str(r["id"]): Document(str(r["id"]), str(r.get("text") or ""), tuple(r.get("references") or ()),
                                   r.get("title")) for r in records}


def contests(results: Results, documents: dict[str, Document], systems: Sequence[str]) -> list[Contest]:
    """Every pair of ``systems`` on every document both summarized, document by document."""
    ok = results.summaries[results.summaries["error"].isna() & results.summaries["summary"].notna()]
    text = {(str(r.doc_id), str(r.system)): str(r.summary) for r in ok.itertuples()}
    out = []
    for doc_id, doc in documents.items():
        for a, b in combinations(systems, 2):
            if (doc_id, a) in text and (doc_id, b) in text:
                out.append(Contest(doc, a, b, text[(doc_id, a)], text[(doc_id, b)]))
    return out


def judge_results(
    results: Results,
    judge_run: JudgeRun,
    ctx: RunContext,
    *,
    systems: Sequence[str] | None = None,
    options: StatsOptions | None = None,
) -> Results:
    """``results`` with ``pairwise`` set: the judge's verdicts on every pair, and their statistics."""
    started = time.perf_counter()
    chosen = pick_systems(results, systems)
    caveat = judge_run.judge.caveat()
    if caveat:
        ctx.progress.note(caveat)
    documents = run_documents(results, judge_run.judge.needs_text)
    judge_run = judge_run.prepared(list(documents.values()))
    rows = judge_contests(judge_run, contests(results, documents, chosen), ctx)
    options = options or StatsOptions(resamples=results.metadata.bootstrap, seed=results.metadata.seed)
    pairs, ranking, bias = pairwise_stats.summarize(rows, chosen, options)
    block = Pairwise(
        judge=JudgeInfo(judge_run.name, str(judge_run.spec), judge_run.signature, caveat),
        systems=tuple(chosen),
        statistics=pairwise_stats.signature(options),
        pairs=tuple(pairs),
        ranking=tuple(ranking),
        bias=bias,
        usage=usage_totals(judge_run, rows, started, results.prices()),
        verdicts=tuple(rows),
    )
    for message in ctx.stats.warnings:
        ctx.progress.note(f"warning: {message}")
    earlier = [w for w in results.metadata.warnings if not w.startswith("pairwise ")]  # judged again now
    warnings = tuple(dict.fromkeys([*earlier, *ctx.stats.warnings]))
    metadata = dataclasses.replace(results.metadata, warnings=warnings)
    return dataclasses.replace(results, metadata=metadata, pairwise=block)


def pairwise(
    run: str | Path | Results,
    judge: str | None = None,
    *,
    systems: Sequence[str] | None = None,
    cache: str | Path | None = None,
    use_cache: bool = True,
    plugins: Sequence[str] = (),
    seed: int | None = None,
    bootstrap: int | None = None,
    batch_size: int = 16,
    progress: Progress | None = None,
) -> Results:
    """Judge every pair of a finished run's systems with ``judge`` (a spec such as
    ``llm:base_url=URL,model=NAME``; None: the bundled model) and return its results with
    ``pairwise`` set. ``seed`` and ``bootstrap`` default to the run's."""
    if (bootstrap is not None and bootstrap < 0) or (seed is not None and seed < 0):
        raise ConfigError("bootstrap and seed must be non-negative")
    load_plugins(plugins)
    results = run if isinstance(run, Results) else load_results(run)
    judge_run = build_judge(judge)
    _ = judge_run.signature  # resolves and hashes the model now, before any request
    options = StatsOptions(
        resamples=results.metadata.bootstrap if bootstrap is None else bootstrap,
        seed=results.metadata.seed if seed is None else seed,
    )
    path = (cache or default_cache_path()) if use_cache else None
    with Cache(path) as store:
        ctx = RunContext(store, batch_size, progress or NullProgress())
        return judge_results(results, judge_run, ctx, systems=systems, options=options)
