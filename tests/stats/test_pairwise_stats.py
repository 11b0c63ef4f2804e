"""Pairwise statistics by hand: outcomes, win rates, sign test, Bradley-Terry, length and position bias."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import binomtest

from benchmark.results.pairwise import VerdictRow, outcome
from benchmark.stats.pairwise import RIDGE, biases, bradley_terry, pair_record, signature, summarize
from benchmark.stats.resampling import StatsOptions

OPTIONS = StatsOptions(resamples=500, seed=1)
FLIP = {"A": "B", "B": "A", "tie": "tie"}


def row(doc: str, a: str, b: str, winner: str, *, la: int = 10, lb: int = 10) -> VerdictRow:
    """A verdict row: ``winner`` is a, b, tie or incons (the first-shown wins both orders) or failed."""
    if winner == "incons":
        ab, ba = "A", "A"
    elif winner == "failed":
        ab, ba = "A", None
    else:
        ab = {"a": "A", "b": "B", "tie": "tie"}[winner]
        ba = FLIP[ab]
    return VerdictRow(doc, a, b, ab, ba, outcome(ab, ba), la, lb)


@pytest.mark.parametrize(("ab", "ba"), list(product(["A", "B", "tie", None], repeat=2)))
def test_outcome_needs_both_orders_to_agree(ab: str | None, ba: str | None) -> None:
    expected = {("A", "B"): "a", ("B", "A"): "b", ("tie", "tie"): "tie"}.get((ab, ba), "inconsistent")  # type: ignore[arg-type]
    assert outcome(ab, ba) == ("failed" if ab is None or ba is None else expected)


def test_pair_record_counts_rates_and_sign_test() -> None:
    winners = ["a"] * 6 + ["b"] * 2 + ["tie", "incons", "failed"]
    rows = [row(f"d{i}", "x", "y", w) for i, w in enumerate(winners)]
    record = pair_record("x", "y", rows, OPTIONS)
    assert (record.n, record.a_wins, record.b_wins, record.ties, record.inconsistent, record.failed) == (
        11, 6, 2, 1, 1, 1)
    assert record.win_rate_a.value == pytest.approx((6 + 0.5 + 0.5) / 10)
    assert record.win_rate_a.low is not None and record.win_rate_a.low < 0.7 < (record.win_rate_a.high or 0)
    assert record.sign_p == pytest.approx(binomtest(6, 8, 0.5).pvalue)
    assert record.soft_win_rate_a.value is None  # no probabilities
    # position: per order, A and B verdicts; incons gives 2 first-position wins, failed one
    assert (record.first_wins, record.decisive_orders) == (6 + 2 + 2 + 1, 6 * 2 + 2 * 2 + 2 + 1)


def test_soft_win_rate_averages_both_orders() -> None:
    rows = [VerdictRow("d", "x", "y", "A", "B", "a", 5, 5, p_ab=(0.8, 0.1, 0.1), p_ba=(0.3, 0.6, 0.1))]
    record = pair_record("x", "y", rows, OPTIONS)
    assert record.soft_win_rate_a.value == pytest.approx(0.5 * ((0.8 + 0.05) + (0.6 + 0.05)))


def _bt_scipy(rows: list[VerdictRow], systems: list[str]) -> np.ndarray:
    """Chatbot Arena's model written out: each judged document-pair is a battle, ties half each way."""
    index = {s: i for i, s in enumerate(systems)}

    def loss(s: np.ndarray) -> float:
        total = 0.0
        for r in rows:
            y = {"a": 1.0, "b": 0.0}.get(r.outcome, 0.5)
            p = expit(s[index[r.a]] - s[index[r.b]])
            total -= y * math.log(p) + (1 - y) * math.log(1 - p)
        return total + RIDGE / 2 * float(s @ s)

    fitted = minimize(loss, np.zeros(len(systems)), method="BFGS", options={"gtol": 1e-10}).x
    return np.asarray(fitted - fitted.mean())


def test_bradley_terry_is_the_maximum_likelihood_fit_and_ranks_the_known_order() -> None:
    rng = np.random.default_rng(3)
    quality = {"good": 1.0, "fair": 0.2, "poor": -1.0}
    rows = []
    for i in range(30):
        for a, b in (("poor", "fair"), ("poor", "good"), ("fair", "good")):
            u = rng.random()
            p = expit(quality[a] - quality[b])
            rows.append(row(f"d{i}", a, b, "a" if u < p * 0.9 else "tie" if u < p * 0.9 + 0.1 else "b"))
    ranking = bradley_terry(rows, ["poor", "fair", "good"], OPTIONS)
    assert [r.system for r in ranking] == ["good", "fair", "poor"]
    expected = dict(zip(["poor", "fair", "good"], _bt_scipy(rows, ["poor", "fair", "good"]), strict=True))
    for r in ranking:
        assert r.strength == pytest.approx(expected[r.system], abs=1e-5)
        assert r.low is not None and r.high is not None and r.low <= r.strength <= r.high
        assert r.battles == 60
    assert sum(r.strength for r in ranking) == pytest.approx(0, abs=1e-9)


def test_close_pairs_inconsistent_rank_between_the_consistent_winner_and_loser() -> None:
    """The scripted judge's pattern: hi beats lo on every document, the close pairs are inconsistent."""
    rows = [row(f"d{i}", a, b, w) for i in range(8)
            for a, b, w in (("lo", "mid", "incons"), ("lo", "hi", "b"), ("mid", "hi", "incons"))]
    pairs, ranking, bias = summarize(rows, ["lo", "mid", "hi"], OPTIONS)
    assert [r.system for r in ranking] == ["hi", "mid", "lo"]
    assert ranking[1].strength == pytest.approx(0, abs=1e-9)
    assert ranking[0].strength > 0.5
    assert [(p.a, p.b, p.inconsistent, p.b_wins) for p in pairs] == [
        ("lo", "mid", 8, 0), ("lo", "hi", 0, 8), ("mid", "hi", 8, 0)]
    assert bias.inconsistency.value == pytest.approx(16 / 24)
    assert (bias.first_wins, bias.decisive_orders) == (16 * 2 + 8, 48)


def test_length_bias_and_length_controlled_win_rate() -> None:
    # x wins exactly when its summary is longer: every win is explained by length
    rows = [row(f"d{i}", "x", "y", "a" if i % 2 == 0 else "b", la=30 if i % 2 == 0 else 10, lb=20)
            for i in range(20)]
    record = pair_record("x", "y", rows, OPTIONS)
    assert (record.longer_wins, record.decisive_unequal) == (20, 20)
    assert record.win_rate_a.value == pytest.approx(0.5)
    assert record.lc_win_rate_a.value == pytest.approx(0.5, abs=1e-6)  # symmetric lengths: nothing left
    bias = biases(rows, OPTIONS)
    assert bias.length.value == 1.0 and bias.position.value == pytest.approx(0.5)
    # x wins 15 of 20 whatever the length difference: controlling for length leaves it ahead
    wins = [row(f"d{i}", "x", "y", "a" if i < 15 else "b", la=10 + (i % 4), lb=12) for i in range(20)]
    lc = pair_record("x", "y", wins, OPTIONS).lc_win_rate_a
    assert lc.value is not None and lc.low is not None and lc.high is not None
    assert 0.6 < lc.value < 0.9 and lc.low <= lc.value <= lc.high


def test_statistics_are_seeded_and_signed() -> None:
    rows = [row(f"d{i}", "x", "y", "a" if i % 3 else "b") for i in range(12)]
    assert pair_record("x", "y", rows, OPTIONS) == pair_record("x", "y", rows, OPTIONS)
    other = pair_record("x", "y", rows, StatsOptions(resamples=500, seed=2))
    assert other.win_rate_a.value == pair_record("x", "y", rows, OPTIONS).win_rate_a.value
    sig = signature(OPTIONS)
    assert "resamples:500|seed:1" in sig and f"ridge-{RIDGE:g}" in sig
    assert bradley_terry([row("d", "x", "y", "failed")], ["x", "y"], OPTIONS) == []
