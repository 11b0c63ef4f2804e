"""The statistics against scipy and against exact enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from benchmark.results.metadata import RunMetadata
from benchmark.results.table import Results
from benchmark.stats.analysis import analyze
from benchmark.stats.resampling import (
    StatsOptions,
    approximate_randomization,
    bootstrap_ci,
    cohens_dz,
    exact_sign_flip_p,
    generator,
    holm,
    paired_bootstrap,
    paired_test,
)


def _scores(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).beta(4, 6, n)


@pytest.mark.parametrize(("n", "level", "seed"), [(2, 0.95, 0), (12, 0.95, 1), (40, 0.9, 2), (200, 0.99, 3)])
def test_bootstrap_ci_equals_scipy_on_the_same_resamples(n: int, level: float, seed: int) -> None:
    """Same Generator state -> scipy draws the same resample indices -> the same interval."""
    x = _scores(n, seed)
    ours = bootstrap_ci(x, resamples=1000, level=level, rng=np.random.default_rng(seed))
    ref = scipy.stats.bootstrap(
        (x,),
        np.mean,
        n_resamples=1000,
        confidence_level=level,
        method="percentile",
        rng=np.random.default_rng(seed),
        vectorized=True,
    )
    assert ours.mean == pytest.approx(x.mean(), abs=1e-15)
    assert ours.low == pytest.approx(ref.confidence_interval.low, abs=1e-12)
    assert ours.high == pytest.approx(ref.confidence_interval.high, abs=1e-12)


def test_bootstrap_ci_agrees_with_scipy_on_independent_resamples() -> None:
    """Different streams: endpoints agree within the Monte Carlo error of R resamples.

    A 2.5% quantile of R bootstrap means has standard error about
    sqrt(q(1-q)/R) / phi(1.96) * se = 0.027 se for R = 10,000 (se = sd/sqrt(n)); two
    independent estimates differ by about 0.038 se; we allow 5 of those (0.19 se).
    """
    x = _scores(50, 11)
    se = x.std(ddof=1) / math.sqrt(len(x))
    ours = bootstrap_ci(x, resamples=10_000, rng=generator(0, "a"))
    ref = scipy.stats.bootstrap(
        (x,),
        np.mean,
        n_resamples=10_000,
        method="percentile",
        rng=np.random.default_rng(12345),
        vectorized=True,
    )
    assert abs(ours.low - ref.confidence_interval.low) < 0.19 * se
    assert abs(ours.high - ref.confidence_interval.high) < 0.19 * se


def test_paired_bootstrap_ci_is_the_bootstrap_of_the_differences() -> None:
    d = _scores(30, 4) - _scores(30, 5)
    diff, p = paired_bootstrap(d, resamples=2000, level=0.95, rng=np.random.default_rng(9))
    ref = scipy.stats.bootstrap(
        (d,), np.mean, n_resamples=2000, method="percentile", rng=np.random.default_rng(9), vectorized=True
    )
    assert (diff.low, diff.high) == pytest.approx(
        (ref.confidence_interval.low, ref.confidence_interval.high), abs=1e-12
    )
    # p = (1 + #{|mean* - mean| >= |mean|}) / (R + 1), recomputed from scratch
    means = d[np.random.default_rng(9).integers(0, 30, (2000, 30))].mean(axis=1)
    expected = (1 + np.sum(np.abs(means - d.mean()) >= abs(d.mean()) * (1 - 1e-9))) / 2001
    assert p == pytest.approx(expected)


def _brute_force_p(d: np.ndarray) -> float:
    observed = abs(d.mean())
    hits = sum(
        abs(np.mean(np.array(signs) * d)) >= observed - 1e-12
        for signs in itertools.product((-1, 1), repeat=len(d))
    )
    return hits / 2 ** len(d)


@pytest.mark.parametrize(
    ("n", "shift", "seed"), [(10, 0.0, 1), (10, 0.03, 2), (11, 0.05, 3), (12, 0.02, 4), (12, 0.08, 5)]
)
def test_approximate_randomization_matches_exact_enumeration(n: int, shift: float, seed: int) -> None:
    d = np.round(np.random.default_rng(seed).normal(shift, 0.06, n), 4)
    exact = _brute_force_p(d)
    assert exact_sign_flip_p(d) == pytest.approx(exact)
    scipy_exact = scipy.stats.permutation_test(
        (d,), np.mean, permutation_type="samples", n_resamples=np.inf, alternative="two-sided"
    ).pvalue
    assert exact == pytest.approx(scipy_exact)
    resamples = 20_000
    p = approximate_randomization(d, resamples=resamples, rng=generator(0, "ar", str(seed)))
    tolerance = 4 * math.sqrt(exact * (1 - exact) / resamples) + 2 / (resamples + 1)
    assert abs(p - exact) <= tolerance


def test_randomization_of_identical_systems_gives_p_one() -> None:
    assert approximate_randomization(np.zeros(20), resamples=500, rng=generator(0)) == 1.0
    test = paired_test(np.ones(20) * 0.4, np.ones(20) * 0.4, options=StatsOptions(), seed_names=("x",))
    assert test.p_bootstrap == 1.0 and test.p_randomization == 1.0 and test.d_z == 0.0


def test_large_effect_gets_the_smallest_p() -> None:
    a = _scores(40, 1)
    test = paired_test(a + 0.1, a, options=StatsOptions(resamples=999), seed_names=("y",))
    assert test.p_randomization == pytest.approx(1 / 1000)
    assert test.p_bootstrap == pytest.approx(1 / 1000)
    assert test.diff.mean == pytest.approx(0.1)


def test_cohens_dz_matches_paired_t() -> None:
    a, b = _scores(25, 7), _scores(25, 8)
    t = scipy.stats.ttest_rel(a, b).statistic
    assert cohens_dz(a - b) == pytest.approx(t / math.sqrt(25))


def test_holm_matches_the_step_down_definition() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, np.nan])
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04 -> running max
    np.testing.assert_allclose(holm(p)[:4], [0.03, 0.06, 0.06, 0.02])
    assert math.isnan(holm(p)[4])
    assert holm([0.5, 0.9]).tolist() == [1.0, 1.0]


def test_signature_is_pinned() -> None:
    assert StatsOptions(resamples=1000, seed=3).signature() == (
        "ci:bootstrap-percentile|resamples:1000|seed:3|level:0.95|"
        "test:approx-randomization+paired-bootstrap|correction:holm|alpha:0.05"
    )


def _results(systems: list[str]) -> Results:
    rng = np.random.default_rng(0)
    base = rng.beta(4, 6, 30)
    rows = [
        (f"d{i}", s, "rouge1_f", float(np.clip(base[i] + 0.02 * k + rng.normal(0, 0.02), 0, 1)))
        for k, s in enumerate(sorted(systems))
        for i in range(30)
    ]
    scores = pd.DataFrame(rows, columns=["doc_id", "system", "column", "value"])
    meta = {
        "systems": [{"name": s} for s in systems],
        "seed": 5,
        "bootstrap": 500,
        "metrics": [{"name": "rouge", "columns": ["rouge1_f"], "headline": ["rouge1_f"]}],
    }
    return Results(summaries=pd.DataFrame(), scores=scores, metadata=RunMetadata.from_dict(meta))


def test_analysis_is_deterministic_and_independent_of_system_order() -> None:
    one = analyze(_results(["a", "b", "c"]))
    two = analyze(_results(["c", "a", "b"]))
    assert one.options.resamples == 500 and one.options.seed == 5
    assert one.cis == two.cis
    for pair in one.pairs:
        other = two.pair(pair.metric, pair.a, pair.b)
        assert other is not None
        assert other.p_adjusted == pair.p_adjusted and other.test.p_bootstrap == pair.test.p_bootstrap
    assert analyze(_results(["a", "b", "c"])).to_dict() == one.to_dict()
    assert one.best("rouge1_f") == "c" and one.below_best("a", "rouge1_f")
