"""The judging loop: contests (a document, two systems' summaries) -> verdicts in both orders, cached.

Every contest is shown to the judge twice, ``a`` first and ``b`` first (position swap, always).
Each order is one :class:`~benchmark.components.base.Matchup`; identical ordered matchups
(the same two texts of the same document, from other pairs of systems) are asked once. Two
identical summaries are a tie without a request. Verdicts are read from the cache by (judge
signature, document fingerprint, hash of the first text, hash of the second text), so a rerun
sends no request and adding a system judges only its new pairs; the rest go to the judge in
batches of ``batch_size`` matchups, and each batch's verdicts are written in one transaction
as it returns. A matchup without a verdict (an unreadable reply, a failed request, a batch
that raised) is recorded as failed and not cached: the next run asks again.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.components.base import Judgement, Matchup, Usage
from benchmark.components.build import JudgeRun
from benchmark.core.guard import guarded
from benchmark.inputs.documents import Document
from benchmark.inputs.text import count_words
from benchmark.pipeline.cache import CachedVerdict, VerdictKey
from benchmark.pipeline.scoring import RunContext
from benchmark.results.pairwise import VerdictRow, outcome
from benchmark.results.prices import Price, price_for

IDENTICAL = "identical summaries: a tie without asking the judge"


@dataclass(frozen=True, slots=True)
class Contest:
    """One document and one pair of systems, with their summaries."""

    document: Document
    a: str
    b: str
    summary_a: str
    summary_b: str


@dataclass(frozen=True, slots=True)
class Decided:
    """One ordered matchup's judgement and whether it came from the cache."""

    judgement: Judgement
    cached: bool = False


def _key(matchup: Matchup) -> VerdictKey:
    return (matchup.document.fingerprint, matchup.first, matchup.second)


def _run_batch(judge_run: JudgeRun, batch: Sequence[Matchup]) -> list[Judgement]:
    """One call to the judge; a call that raises or miscounts fails every matchup of the batch."""
    try:
        with guarded(judge_run.describe(), "in judge"):
            answers = list(judge_run.judge.judge(batch))
        if len(answers) != len(batch):
            raise RuntimeError(f"judge returned {len(answers)} judgements for {len(batch)} matchups")
        bad = [a for a in answers if not isinstance(a, Judgement) or a.verdict not in (None, "A", "B", "tie")]
        if bad:
            raise RuntimeError(f"judge returned {bad[0]!r}, not a Judgement with verdict A, B, tie or None")
    except Exception:
        lines = traceback.format_exc().strip().splitlines()
        reason = f"judge failed: {lines[-1] if lines else 'unknown error'}"
        return [Judgement(None, failure=reason) for _ in batch]
    return answers


def judge_matchups(
    judge_run: JudgeRun, matchups: Sequence[Matchup], ctx: RunContext, task: str | None = None
) -> dict[VerdictKey, Decided]:
    """Every distinct matchup's judgement, from the cache where present."""
    signature = judge_run.signature
    unique = {_key(m): m for m in matchups}
    same = {k: m for k, m in unique.items() if m.first == m.second}
    decided = {k: Decided(Judgement("tie", (0.0, 0.0, 1.0), answer=IDENTICAL)) for k in same}
    asked = [k for k in unique if k not in same]
    unreadable = ctx.cache.bad_rows
    for key, hit in ctx.cache.get_verdicts(signature, asked).items():
        decided[key] = Decided(Judgement(hit.verdict, hit.probabilities, hit.answer, usage=hit.usage), True)
    if ctx.cache.bad_rows > unreadable:
        ctx.stats.warn(f"pairwise {judge_run.name}: unreadable cached verdicts found; asked again")
    todo = [unique[k] for k in asked if k not in decided]
    label = task or f"pairwise {judge_run.name}"
    ctx.progress.start(label, len(unique))
    ctx.progress.advance(label, len(unique) - len(todo))
    size = judge_run.judge.batch_documents or ctx.batch_size
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        answers = _run_batch(judge_run, batch)
        ctx.cache.put_verdicts(signature, [
            (_key(m), CachedVerdict(j.verdict, j.probabilities, j.answer, j.usage))
            for m, j in zip(batch, answers, strict=True) if j.verdict is not None
        ])
        for matchup, judgement in zip(batch, answers, strict=True):
            decided[_key(matchup)] = Decided(judgement)
        ctx.progress.advance(label, len(batch))
    ctx.progress.finish(label)
    return decided


def judge_contests(judge_run: JudgeRun, contests: Sequence[Contest], ctx: RunContext) -> list[VerdictRow]:
    """A verdict row per contest: both orders judged (through the cache), combined, with costs."""
    orders = [(Matchup(c.document, c.summary_a, c.summary_b), Matchup(c.document, c.summary_b, c.summary_a))
              for c in contests]
    decided = judge_matchups(judge_run, [m for pair in orders for m in pair], ctx)
    failures = []
    rows = []
    counted: set[VerdictKey] = set()  # a matchup two contests share was asked once, costs once
    for contest, (ab, ba) in zip(contests, orders, strict=True):
        first, second = decided[_key(ab)], decided[_key(ba)]
        new = [k for k in dict.fromkeys((_key(ab), _key(ba))) if k not in counted]
        counted.update(new)
        fresh = [k for k in new if not decided[k].cached and k[1] != k[2]]
        usage = sum((u for k in new if (u := decided[k].judgement.usage)), Usage(requests=0))
        failures += [d.judgement.failure for d in (first, second) if d.judgement.failure]
        rows.append(VerdictRow(
            doc_id=contest.document.id, a=contest.a, b=contest.b,
            verdict_ab=first.judgement.verdict, verdict_ba=second.judgement.verdict,
            outcome=outcome(first.judgement.verdict, second.judgement.verdict),
            length_a=count_words(contest.summary_a), length_b=count_words(contest.summary_b),
            p_ab=first.judgement.probabilities, p_ba=second.judgement.probabilities,
            answer_ab=first.judgement.answer, answer_ba=second.judgement.answer,
            error_ab=first.judgement.failure, error_ba=second.judgement.failure,
            prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
            latency=round(usage.latency, 4) if usage.latency is not None else None,
            requests=len(fresh), cached=first.cached and second.cached,
        ))
    if failures:
        ctx.stats.warn(
            f"pairwise {judge_run.name}: {len(failures)} of {2 * len(contests)} judgements failed "
            f"(first: {failures[0]})"
        )
    return rows


def usage_totals(
    judge_run: JudgeRun, rows: Sequence[VerdictRow], started: float, prices: Sequence[Price] = ()
) -> dict[str, object]:
    """What the judging cost: requests sent now and verdicts reused, tokens and seconds of every
    verdict (as measured when it was made), wall time now, and USD from the judge's own prices
    or, failing those, the run's price table (``--price``) for the judge's name or model."""
    total = Usage(
        sum(r.prompt_tokens or 0 for r in rows) if any(r.prompt_tokens is not None for r in rows) else None,
        sum(r.completion_tokens or 0 for r in rows) if any(r.completion_tokens is not None for r in rows)
        else None,
        sum(r.latency or 0.0 for r in rows) if any(r.latency is not None for r in rows) else None,
        requests=sum(r.requests for r in rows),
    )
    cost = judge_run.judge.cost(total)
    price = price_for(prices, [judge_run.name, judge_run.judge.pricing_model()])
    if cost is None and price is not None:
        cost = price.cost(total.prompt_tokens or 0, total.completion_tokens or 0)
    return {
        "requests": total.requests,
        "cached_contests": sum(r.cached for r in rows),
        "prompt_tokens": total.prompt_tokens,
        "completion_tokens": total.completion_tokens,
        "latency": round(total.latency, 4) if total.latency is not None else None,
        "seconds": round(time.perf_counter() - started, 4),
        "cost_usd": round(cost, 6) if cost is not None else None,
    }
