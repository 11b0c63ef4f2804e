"""Pairwise agreement with human preferences: does a metric or a judge pick the summary people rated higher?

From human ratings per summary: every pair of summaries of one document whose ratings on a
dimension differ is a human preference for that dimension (SummEval's expert means give
thousands per dimension). A metric (higher is better) agrees when it scores the preferred
summary higher: 1, lower: 0, equal: 0.5. A pairwise judge sees each pair in both orders
(:mod:`benchmark.pipeline.judging`, through the cache): a consistent win for the preferred
summary is 1, for the other 0, a tie or an inconsistent verdict 0.5; a pair the judge failed on
is left out and counted. Agreement is the mean, with a seeded percentile-bootstrap CI over
documents (the ratio of the resampled sums). A judge's **position consistency** is the share of
its judged pairs whose two orders agree (the rest it decided by position, not content).

With ``pairs``, a seeded random sample of that many document-pairs (among those where at least
one human dimension differs) is measured, metrics and judges alike, so their numbers compare.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from benchmark.components.build import JudgeRun
from benchmark.inputs.documents import Document
from benchmark.meta.correlation import resamples
from benchmark.meta.judgments import Judgments
from benchmark.pipeline.judging import Contest, judge_contests
from benchmark.pipeline.scoring import RunContext
from benchmark.results.pairwise import VerdictRow

DocPair = tuple[str, str, str]  # (document, system a, system b), a before b in the judgments' order


def candidate_pairs(judgments: Judgments, pairs: int | None, seed: int) -> list[DocPair]:
    """Document-pairs where some human dimension differs; a seeded sample of ``pairs`` of them."""
    ratings = _ratings(judgments)
    found: list[DocPair] = []
    for doc_id, part in judgments.table.groupby("doc_id", sort=False):
        systems = [s for s in judgments.systems if s in set(part["system"])]
        for a, b in combinations(systems, 2):
            if ratings[(str(doc_id), a)] != ratings[(str(doc_id), b)]:
                found.append((str(doc_id), a, b))
    if pairs is None or pairs >= len(found):
        return found
    rng = np.random.default_rng([int(seed), 7_101])  # its own stream: the bootstrap's stays as it was
    keep = sorted(rng.choice(len(found), size=pairs, replace=False).tolist())
    return [found[i] for i in keep]


def _ratings(judgments: Judgments) -> dict[tuple[str, str], tuple[float, ...]]:
    table = judgments.table
    columns = [table[h].to_numpy(dtype=float) for h in judgments.humans]
    return {(str(d), str(s)): tuple(float(c[i]) for c in columns)
            for i, (d, s) in enumerate(zip(table["doc_id"], table["system"], strict=True))}


def _ratio(num: np.ndarray, den: np.ndarray, draws: np.ndarray | None) -> tuple[float, float, float]:
    total = float(den.sum())
    if total == 0:
        return math.nan, math.nan, math.nan
    value = float(num.sum()) / total
    if draws is None or not len(draws):
        return value, math.nan, math.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = num[draws].sum(axis=1) / den[draws].sum(axis=1)
    boot = boot[np.isfinite(boot)]
    low, high = np.percentile(boot, [2.5, 97.5]) if len(boot) else (math.nan, math.nan)
    return value, float(low), float(high)


def _rows(
    name: str, kind: str, agree: dict[str, dict[DocPair, float]], docs: list[str], draws: np.ndarray | None,
    extra: dict[str, Any],
) -> list[dict[str, Any]]:
    where = {d: i for i, d in enumerate(docs)}
    out = []
    for human, values in agree.items():
        num, den = np.zeros(len(docs)), np.zeros(len(docs))
        for (doc, _, _), value in values.items():
            num[where[doc]] += value
            den[where[doc]] += 1
        value, low, high = _ratio(num, den, draws)
        out.append({"metric": name, "kind": kind, "human": human, "agreement": value, "low": low,
                    "high": high, "n": int(den.sum()), "documents": int((den > 0).sum()), **extra})
    return out


def preferences(judgments: Judgments, pairs: Sequence[DocPair]) -> dict[str, dict[DocPair, int]]:
    """Per human dimension: +1 when ``a`` was rated higher, -1 when ``b`` was (equal ratings left out)."""
    ratings = _ratings(judgments)
    out: dict[str, dict[DocPair, int]] = {h: {} for h in judgments.humans}
    for key in pairs:
        doc, a, b = key
        ra, rb = ratings[(doc, a)], ratings[(doc, b)]
        for i, h in enumerate(judgments.humans):
            if ra[i] != rb[i]:
                out[h][key] = 1 if ra[i] > rb[i] else -1
    return out


def metric_agreement(
    scores: pd.DataFrame, judgments: Judgments, columns: Sequence[str], pairs: Sequence[DocPair],
    bootstrap: int, seed: int,
) -> list[dict[str, Any]]:
    """Agreement of each metric column (higher is better) with every dimension's preferences."""
    prefs = preferences(judgments, pairs)
    docs = judgments.doc_ids
    draws = resamples(len(docs), bootstrap, seed) if bootstrap > 0 else None
    rows = []
    for column in columns:
        values = scores[scores["column"] == column].set_index(["doc_id", "system"])["value"].to_dict()
        agree: dict[str, dict[DocPair, float]] = {}
        ties = 0
        for human, wanted in prefs.items():
            agree[human] = {}
            for key, sign in wanted.items():
                va, vb = values.get((key[0], key[1]), math.nan), values.get((key[0], key[2]), math.nan)
                if math.isnan(va) or math.isnan(vb):
                    continue
                ties += va == vb
                agree[human][key] = 0.5 if va == vb else float((va > vb) == (sign > 0))
        rows += _rows(column, "metric", agree, docs, draws, {"metric_ties": ties})
    return rows


def judge_agreement(
    judge_run: JudgeRun, judgments: Judgments, documents: dict[str, Document], pairs: Sequence[DocPair],
    ctx: RunContext, bootstrap: int, seed: int,
) -> list[dict[str, Any]]:
    """Agreement of a pairwise judge with every dimension's preferences, and its position consistency."""
    outputs = judgments.table.set_index(["doc_id", "system"])["output"].to_dict()
    judge_run = judge_run.prepared(list(dict.fromkeys(documents[d] for d, _, _ in pairs)))
    contests = [Contest(documents[d], a, b, str(outputs[(d, a)]), str(outputs[(d, b)])) for d, a, b in pairs]
    verdicts = {(r.doc_id, r.a, r.b): r for r in judge_contests(judge_run, contests, ctx)}
    prefs = preferences(judgments, pairs)
    docs = judgments.doc_ids
    draws = resamples(len(docs), bootstrap, seed) if bootstrap > 0 else None
    agree: dict[str, dict[DocPair, float]] = {}
    for human, wanted in prefs.items():
        agree[human] = {}
        for key, sign in wanted.items():
            row = verdicts[key]
            if row.outcome != "failed":
                agree[human][key] = 0.5 if row.outcome in ("tie", "inconsistent") else \
                    float((row.outcome == "a") == (sign > 0))
        # failed verdicts are left out of the agreement and counted below
    consistency = _consistency(list(verdicts.values()), docs, draws)
    failed = sum(r.outcome == "failed" for r in verdicts.values())
    extra = {"judged": len(verdicts), "failed": failed, **consistency, "signature": judge_run.signature}
    return _rows(f"judge:{judge_run.spec}", "judge", agree, docs, draws, extra)


def _consistency(rows: list[VerdictRow], docs: list[str], draws: np.ndarray | None) -> dict[str, float]:
    where = {d: i for i, d in enumerate(docs)}
    num, den = np.zeros(len(docs)), np.zeros(len(docs))
    for r in rows:
        if r.outcome != "failed":
            num[where[r.doc_id]] += r.outcome != "inconsistent"
            den[where[r.doc_id]] += 1
    value, low, high = _ratio(num, den, draws)
    return {"consistency": value, "consistency_low": low, "consistency_high": high}
