"""Summary- and system-level correlations equal scipy's on hand-made matrices; CIs are seeded."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from benchmark.meta.correlation import correlate, per_document, resamples, system_corr

METRIC = np.array([
    [0.1, 0.4, 0.3, 0.9],
    [0.5, 0.5, 0.5, 0.5],  # constant metric: skipped
    [0.2, 0.1, np.nan, 0.6],  # one system missing: correlated over the other three
    [0.3, 0.8, 0.2, 0.4],
])
HUMAN = np.array([
    [1.0, 3.0, 2.0, 5.0],
    [1.0, 2.0, 3.0, 4.0],
    [2.0, 1.0, 4.0, 3.0],
    [3.0, 3.0, 3.0, 3.0],  # constant human: skipped
])


def test_summary_level_skips_constant_documents_and_averages() -> None:
    rows = per_document(METRIC, HUMAN, "kendall")
    assert math.isnan(rows[1]) and math.isnan(rows[3])
    assert rows[0] == pytest.approx(stats.kendalltau([0.1, 0.4, 0.3, 0.9], [1, 3, 2, 5])[0])
    assert rows[2] == pytest.approx(stats.kendalltau([0.2, 0.1, 0.6], [2, 1, 3])[0])
    result = correlate(METRIC, HUMAN, "kendall", "summary", None)
    assert result.value == pytest.approx((rows[0] + rows[2]) / 2) and result.n == 2


@pytest.mark.parametrize(("method", "scipy_fn"), [
    ("pearson", stats.pearsonr), ("spearman", stats.spearmanr), ("kendall", stats.kendalltau),
])
def test_system_level_correlates_system_means(method: str, scipy_fn: object) -> None:
    means_m, means_h = np.nanmean(METRIC, axis=0), HUMAN.mean(axis=0)
    assert system_corr(METRIC, HUMAN, method) == pytest.approx(scipy_fn(means_m, means_h)[0])  # type: ignore[operator]


def test_bootstrap_is_seeded_and_brackets_the_value() -> None:
    rng = np.random.default_rng(1)
    human = rng.normal(size=(60, 8))
    metric = human + rng.normal(scale=1.0, size=(60, 8))
    draws = resamples(60, 300, seed=7)
    first = correlate(metric, human, "spearman", "summary", draws)
    again = correlate(metric, human, "spearman", "summary", resamples(60, 300, seed=7))
    other = correlate(metric, human, "spearman", "summary", resamples(60, 300, seed=8))
    assert first == again and first != other
    assert first.low < first.value < first.high
    system = correlate(metric, human, "pearson", "system", draws)
    assert system.low <= system.value <= system.high and system.n == 8
