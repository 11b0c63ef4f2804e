"""Statistics of pairwise verdicts: win rates, a sign test, Bradley-Terry, length and position bias.

Definitions (also in docs/statistics.md); every CI is a seeded percentile bootstrap over
*documents* (all of a document's verdicts move together), ``R`` resamples, and every random
draw takes its own generator from the seed and the names involved
(:func:`benchmark.stats.resampling.generator`).

* **Win rate** of ``a`` over ``b``: the mean over the documents judged in both orders of 1
  (``a`` won both orders), 0 (``b`` did), 0.5 (a tie, or an inconsistent verdict).
* **Sign test**: two-sided binomial test of ``a``'s wins against ``b``'s (ties and
  inconsistent verdicts left out), ``scipy.stats.binomtest``.
* **Bradley-Terry** strengths (Chatbot Arena's ``compute_mle_elo``): a logistic regression
  over every judged document and pair, ``P(a beats b) = sigmoid(s_a - s_b)``, a tie or an
  inconsistent verdict counting half a win each way, no intercept, fitted by maximum likelihood
  with a ridge of ``RIDGE`` (:mod:`benchmark.stats.logistic`), so the strengths are log-odds
  with mean 0. Ranked from strongest to weakest, each with its bootstrap CI.
* **Length-controlled win rate** (after AlpacaEval 2's GLM): per pair, the logistic model
  ``logit P(a wins) = b0 + b1 * tanh(dlen / sd(dlen))`` with ``dlen`` the word-count difference
  of the two summaries, fitted like Bradley-Terry; reported at zero difference, ``sigmoid(b0)``.
* **Soft win rate** (AlpacaEval's): with the judge's probabilities, the mean over documents of
  ``a``'s preference averaged over both orders, ``P(a better) + P(tie) / 2``.
* **Position bias**: of the single-order verdicts that named a winner, the share naming the
  summary shown first. **Length bias**: of the consistent wins between summaries of different
  length, the share won by the longer one. **Inconsistency rate**: inconsistent verdicts over
  documents judged in both orders.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from benchmark.results.pairwise import (
    Bias,
    PairRecord,
    RankRecord,
    Share,
    VerdictRow,
    rows_by_pair,
    score_of_a,
)
from benchmark.stats.logistic import fit_logistic
from benchmark.stats.resampling import StatsOptions, bootstrap_ci, generator

RIDGE = 0.01
_CHUNK = 200  # resamples fitted at once (bounds memory)


def signature(options: StatsOptions) -> str:
    """Everything that decides the pairwise statistics' numbers."""
    return "|".join([
        "winrate:ties-and-inconsistent-half",
        "ci:bootstrap-percentile-over-documents",
        f"resamples:{options.resamples}",
        f"seed:{options.seed}",
        f"level:{options.level:g}",
        "sign-test:binomial-two-sided",
        f"bradley-terry:ml-logistic,ties-half,ridge-{RIDGE:g}",
        f"length-control:logistic-tanh-dlen-over-sd,ridge-{RIDGE:g},at-zero",
        "length:words",
    ])


def _ci(values: Sequence[float], options: StatsOptions, *names: str) -> Share:
    """The mean with its bootstrap CI; no CI (None) from one document or without resamples."""
    if not values:
        return Share(None)
    if len(values) < 2 or options.resamples < 1:
        return Share(_num(sum(values) / len(values)))
    interval = bootstrap_ci(values, resamples=options.resamples, level=options.level,
                            rng=generator(options.seed, *names))
    return Share(_num(interval.mean), _num(interval.low), _num(interval.high))


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 10) + 0.0  # no -0.0


def _draws(n: int, options: StatsOptions, *names: str) -> npt.NDArray[np.float64]:
    """``(R, n)`` counts: how often each of ``n`` documents was drawn in each resample."""
    rng = generator(options.seed, *names)
    counts = np.zeros((options.resamples, n))
    for start in range(0, options.resamples, _CHUNK):
        rows = min(_CHUNK, options.resamples - start)
        index = rng.integers(0, n, (rows, n))
        for r in range(rows):
            counts[start + r] = np.bincount(index[r], minlength=n)
    return counts


def _percentiles(samples: npt.NDArray[np.float64], level: float) -> tuple[float, float]:
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
    return float(low), float(high)


def _fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.concatenate([fit_logistic(x, y, weights[i : i + _CHUNK], ridge=RIDGE)
                           for i in range(0, len(weights), _CHUNK)])


def length_controlled(rows: Sequence[VerdictRow], options: StatsOptions, a: str, b: str) -> Share:
    """``sigmoid(b0)`` of the logistic model of the verdict on the squashed length difference."""
    judged = [r for r in rows if score_of_a(r.outcome) is not None]
    if not judged:
        return Share(None)
    y = np.array([score_of_a(r.outcome) for r in judged], dtype=float)
    diff = np.array([r.length_a - r.length_b for r in judged], dtype=float)
    sd = float(diff.std())
    x = np.column_stack([np.ones(len(judged)), np.tanh(diff / sd) if sd > 0 else np.zeros(len(judged))])
    point = 1 / (1 + math.exp(-float(_fit(x, y, np.ones((1, len(y))))[0, 0])))
    if len(judged) < 2 or options.resamples < 1:
        return Share(_num(point))
    intercepts = _fit(x, y, _draws(len(judged), options, "pairwise-lc", *sorted((a, b))))[:, 0]
    low, high = _percentiles(1 / (1 + np.exp(-intercepts)), options.level)
    return Share(_num(point), _num(low), _num(high))


def _soft(row: VerdictRow) -> float | None:
    if row.p_ab is None or row.p_ba is None or score_of_a(row.outcome) is None:
        return None
    return 0.5 * ((row.p_ab[0] + row.p_ab[2] / 2) + (row.p_ba[1] + row.p_ba[2] / 2))


def pair_record(a: str, b: str, rows: Sequence[VerdictRow], options: StatsOptions) -> PairRecord:
    """Counts, win rate with CI, sign test, length-controlled and soft win rates of one pair."""
    from scipy.stats import binomtest

    count = {o: sum(r.outcome == o for r in rows) for o in ("a", "b", "tie", "inconsistent", "failed")}
    scores = [s for r in rows if (s := score_of_a(r.outcome)) is not None]
    decisive = count["a"] + count["b"]
    sign_p = float(binomtest(count["a"], decisive, 0.5).pvalue) if decisive else None
    softs = [_soft(r) for r in rows if score_of_a(r.outcome) is not None]
    names = sorted((a, b))
    orders = [v for r in rows for v in (r.verdict_ab, r.verdict_ba) if v in ("A", "B")]
    unequal = [r for r in rows if r.outcome in ("a", "b") and r.length_a != r.length_b]
    return PairRecord(
        a=a, b=b, n=len(rows), a_wins=count["a"], b_wins=count["b"], ties=count["tie"],
        inconsistent=count["inconsistent"], failed=count["failed"],
        win_rate_a=_ci(scores, options, "pairwise-win", *names),
        sign_p=_num(sign_p) if sign_p is not None else None,
        lc_win_rate_a=length_controlled(rows, options, a, b),
        soft_win_rate_a=_ci([s for s in softs if s is not None], options, "pairwise-soft", *names)
        if softs and all(s is not None for s in softs) else Share(None),
        first_wins=sum(v == "A" for v in orders),
        decisive_orders=len(orders),
        longer_wins=sum((r.outcome == "a") == (r.length_a > r.length_b) for r in unequal),
        decisive_unequal=len(unequal),
    )


def bradley_terry(
    rows: Sequence[VerdictRow], systems: Sequence[str], options: StatsOptions
) -> list[RankRecord]:
    """Strengths (log-odds, mean 0) with bootstrap CIs over documents, strongest first.

    Systems with no judged battle are left out (nothing ranks them)."""
    judged = [r for r in rows if score_of_a(r.outcome) is not None]
    ranked = [s for s in systems if any(s in (r.a, r.b) for r in judged)]
    if len(ranked) < 2:
        return []
    index = {s: i for i, s in enumerate(ranked)}
    pairs = [(a, b) for a, b in combinations(ranked, 2) if any({r.a, r.b} == {a, b} for r in judged)]
    docs = list(dict.fromkeys(r.doc_id for r in judged))
    doc_index = {d: i for i, d in enumerate(docs)}
    # per document and pair: battles (0/1) and a's wins (ties half); the fit needs only their sums
    battles = np.zeros((len(docs), len(pairs)))
    wins = np.zeros((len(docs), len(pairs)))
    pair_index = {p: i for i, p in enumerate(pairs)}
    for r in judged:
        key, flip = ((r.a, r.b), False) if (r.a, r.b) in pair_index else ((r.b, r.a), True)
        score = score_of_a(r.outcome) or 0.0
        battles[doc_index[r.doc_id], pair_index[key]] += 1
        wins[doc_index[r.doc_id], pair_index[key]] += 1 - score if flip else score
    x = np.zeros((2 * len(pairs), len(ranked)))
    for i, (a, b) in enumerate(pairs):
        x[2 * i, index[a]], x[2 * i, index[b]] = 1, -1  # a beats b, weight: a's wins
        x[2 * i + 1, index[a]], x[2 * i + 1, index[b]] = -1, 1  # b beats a, weight: b's wins

    def weights(counts: np.ndarray) -> np.ndarray:
        w = counts @ wins
        lost = counts @ battles - w
        return np.stack([w, lost], axis=2).reshape(len(counts), -1)

    y = np.ones(2 * len(pairs))
    point = _fit(x, y, weights(np.ones((1, len(docs)))))[0]
    point -= point.mean()
    lows: list[float | None] = [None] * len(ranked)
    highs: list[float | None] = [None] * len(ranked)
    if len(docs) > 1 and options.resamples > 0:
        boot = _fit(x, y, weights(_draws(len(docs), options, "pairwise-bt", *ranked)))
        boot -= boot.mean(axis=1, keepdims=True)
        tail = 100 * (1 - options.level) / 2
        low, high = np.percentile(boot, [tail, 100 - tail], axis=0)
        lows, highs = [_num(v) for v in low], [_num(v) for v in high]
    count = {s: sum(s in (r.a, r.b) for r in judged) for s in ranked}
    records = [RankRecord(s, _num(float(point[i])) or 0.0, lows[i], highs[i], count[s])
               for i, s in enumerate(ranked)]
    return sorted(records, key=lambda rec: -rec.strength)


def _ratio_ci(num: np.ndarray, den: np.ndarray, options: StatsOptions, *names: str) -> Share:
    """``sum(num) / sum(den)`` with a bootstrap CI over the documents (rows of num and den)."""
    total = float(den.sum())
    if total == 0:
        return Share(None)
    value = float(num.sum()) / total
    if len(num) < 2 or options.resamples < 1:
        return Share(_num(value))
    counts = _draws(len(num), options, *names)
    with np.errstate(invalid="ignore", divide="ignore"):
        samples = (counts @ num) / (counts @ den)
    samples = samples[np.isfinite(samples)]
    low, high = _percentiles(samples, options.level) if len(samples) else (math.nan, math.nan)
    return Share(_num(value), _num(low), _num(high))


def biases(rows: Sequence[VerdictRow], options: StatsOptions) -> Bias:
    """Position, length and inconsistency rates over every pair, with CIs over documents."""
    docs = list(dict.fromkeys(r.doc_id for r in rows))
    where = {d: i for i, d in enumerate(docs)}
    # per document: first wins, decisive orders, longer wins, unequal, inconsistent, judged
    table = np.zeros((len(docs), 6))
    for r in rows:
        row = table[where[r.doc_id]]
        orders = [v for v in (r.verdict_ab, r.verdict_ba) if v in ("A", "B")]
        row[0] += sum(v == "A" for v in orders)
        row[1] += len(orders)
        if r.outcome in ("a", "b") and r.length_a != r.length_b:
            row[2] += (r.outcome == "a") == (r.length_a > r.length_b)
            row[3] += 1
        if r.outcome != "failed":
            row[4] += r.outcome == "inconsistent"
            row[5] += 1
    sums = table.sum(axis=0).astype(int) if len(docs) else np.zeros(6, dtype=int)
    return Bias(
        position=_ratio_ci(table[:, 0], table[:, 1], options, "pairwise-position"),
        first_wins=int(sums[0]), decisive_orders=int(sums[1]),
        length=_ratio_ci(table[:, 2], table[:, 3], options, "pairwise-length"),
        longer_wins=int(sums[2]), decisive_unequal=int(sums[3]),
        inconsistency=_ratio_ci(table[:, 4], table[:, 5], options, "pairwise-inconsistency"),
        inconsistent=int(sums[4]), judged=int(sums[5]),
        failed=sum(r.outcome == "failed" for r in rows),
    )


def summarize(
    rows: Sequence[VerdictRow], systems: Sequence[str], options: StatsOptions
) -> tuple[list[PairRecord], list[RankRecord], Bias]:
    """Every pair's record, the Bradley-Terry ranking and the biases of one set of verdicts."""
    pairs = [pair_record(a, b, group, options) for (a, b), group in rows_by_pair(rows).items()]
    return pairs, bradley_terry(rows, systems, options), biases(rows, options)
