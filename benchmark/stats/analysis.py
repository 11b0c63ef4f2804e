"""Statistics of one run: each system's mean with its CI and every pairwise test, per metric.

Systems are paired on the documents both of them have a score for. Holm's correction runs
over all pairs of one metric; a pair is significant when its Holm-adjusted approximate
randomization p-value is below ``alpha``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from benchmark.results.table import Results
from benchmark.stats.resampling import (
    Interval,
    PairedTest,
    StatsOptions,
    bootstrap_ci,
    generator,
    holm,
    paired_test,
)


@dataclass(frozen=True, slots=True)
class PairResult:
    """System ``a`` against system ``b`` on one metric (difference ``a - b``)."""

    metric: str
    a: str
    b: str
    test: PairedTest
    p_adjusted: float
    p_bootstrap_adjusted: float
    significant: bool


@dataclass(frozen=True)
class Analysis:
    """CIs and pairwise tests of a run, for the headline columns (or the columns asked for)."""

    options: StatsOptions
    systems: tuple[str, ...]
    columns: tuple[str, ...]
    cis: dict[tuple[str, str], Interval] = field(default_factory=dict)
    pairs: tuple[PairResult, ...] = ()
    higher_is_better: dict[str, bool] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)

    def scale(self, metric: str) -> float:
        """Display factor of a column (100 for fractions, 1 for counts)."""
        return self.scales.get(metric, 100.0)

    def ci(self, system: str, metric: str) -> Interval | None:
        return self.cis.get((system, metric))

    def pair(self, metric: str, a: str, b: str) -> PairResult | None:
        """The test of ``a`` against ``b`` (oriented as asked, whichever order it was computed in)."""
        for p in self.pairs:
            if p.metric == metric and (p.a, p.b) == (a, b):
                return p
            if p.metric == metric and (p.a, p.b) == (b, a):
                return _flipped(p)
        return None

    def best(self, metric: str) -> str | None:
        """The system with the best mean on ``metric``."""
        scored = [
            (s, ci.mean) for s in self.systems if (ci := self.ci(s, metric)) and not math.isnan(ci.mean)
        ]
        if not scored:
            return None
        sign = 1 if self.higher_is_better.get(metric, True) else -1
        return max(scored, key=lambda item: sign * item[1])[0]

    def below_best(self, system: str, metric: str) -> bool:
        """True when ``system`` is significantly worse than the best system on ``metric``."""
        best = self.best(metric)
        if best is None or best == system:
            return False
        pair = self.pair(metric, system, best)
        return bool(pair and pair.significant)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN and infinities become null)."""
        return {
            "signature": self.options.signature(),
            "columns": list(self.columns),
            "means": [{"system": s, "metric": m, **interval_dict(ci)} for (s, m), ci in self.cis.items()],
            "pairs": [
                {
                    "metric": p.metric,
                    "a": p.a,
                    "b": p.b,
                    "n": p.test.n,
                    "diff": interval_dict(p.test.diff),
                    "d_z": json_number(p.test.d_z),
                    "p_randomization": json_number(p.test.p_randomization),
                    "p_bootstrap": json_number(p.test.p_bootstrap),
                    "p_randomization_holm": json_number(p.p_adjusted),
                    "p_bootstrap_holm": json_number(p.p_bootstrap_adjusted),
                    "significant": p.significant,
                }
                for p in self.pairs
            ],
        }


def _flipped(p: PairResult) -> PairResult:
    d = p.test.diff
    test = PairedTest(
        p.test.n,
        Interval(d.n, -d.mean, -d.high, -d.low),
        -p.test.d_z,
        p.test.p_bootstrap,
        p.test.p_randomization,
    )
    return PairResult(p.metric, p.b, p.a, test, p.p_adjusted, p.p_bootstrap_adjusted, p.significant)


def json_number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 10)


def interval_dict(ci: Interval) -> dict[str, Any]:
    return {"n": ci.n, "mean": json_number(ci.mean), "low": json_number(ci.low), "high": json_number(ci.high)}


def options_for(results: Results, resamples: int | None = None, seed: int | None = None) -> StatsOptions:
    """Stats options from a run's metadata (its seed and bootstrap count), with overrides."""
    meta = results.metadata
    return StatsOptions(
        resamples=int(resamples if resamples is not None else meta.bootstrap),
        seed=int(seed if seed is not None else meta.seed),
    )


def analyze(
    results: Results, options: StatsOptions | None = None, columns: list[str] | None = None
) -> Analysis:
    """Means with CIs for every system and column, and Holm-corrected tests for every pair."""
    options = options or options_for(results)
    cols = tuple(columns or results.headline_columns)
    systems = tuple(s for s in results.systems if s in set(results.scores["system"]))
    cis: dict[tuple[str, str], Interval] = {}
    pairs: list[PairResult] = []
    for metric in cols:
        wide = results.wide(metric).reindex(columns=list(systems))
        for system in systems:
            rng = generator(options.seed, "ci", system, metric)
            cis[(system, metric)] = bootstrap_ci(
                wide[system].to_numpy(), resamples=options.resamples, level=options.level, rng=rng
            )
        tests = [
            (
                a,
                b,
                paired_test(
                    wide[a].to_numpy(),
                    wide[b].to_numpy(),
                    options=options,
                    seed_names=(metric, *sorted((a, b))),
                ),
            )
            for a, b in combinations(systems, 2)
        ]
        p_ar = holm(np.array([t.p_randomization for _, _, t in tests]))
        p_bs = holm(np.array([t.p_bootstrap for _, _, t in tests]))
        for (a, b, test), adj, adj_bs in zip(tests, p_ar, p_bs, strict=True):
            significant = bool(not math.isnan(adj) and adj < options.alpha)
            pairs.append(PairResult(metric, a, b, test, float(adj), float(adj_bs), significant))
    return Analysis(
        options=options,
        systems=systems,
        columns=cols,
        cis=cis,
        pairs=tuple(pairs),
        higher_is_better={c: results.higher_is_better(c) for c in cols},
        scales={c: results.scale(c) for c in cols},
    )


def analyze_run(results: Results) -> Analysis | None:
    """The statistics a run's leaderboard and reports show; None when nothing was scored."""
    return analyze(results) if len(results.scores) else None
