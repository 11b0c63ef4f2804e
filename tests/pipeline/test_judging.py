"""The judging loop through the public API: both orders, the verdict cache, identical texts, failures."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import write_jsonl

import benchmark
from benchmark.components.base import JudgeBase, Judgement, Matchup, Usage
from benchmark.components.build import JUDGES
from benchmark.core.errors import ConfigError
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run

CALLS: list[tuple[str, str]] = []


@dataclass(frozen=True)
class Counting(JudgeBase):
    """Prefers the longer text; records every matchup it is asked about."""

    name: ClassVar[str] = "test-counting"
    needs_text: ClassVar[bool] = False

    def judge(self, matchups: Sequence[Matchup]) -> list[Judgement]:
        CALLS.extend((m.first, m.second) for m in matchups)
        return [Judgement("A" if len(m.first) > len(m.second) else "B", (0.5, 0.3, 0.2), "ok",
                          usage=Usage(100, 2, 0.1)) for m in matchups]


@dataclass(frozen=True)
class Broken(JudgeBase):
    name: ClassVar[str] = "test-broken"

    def judge(self, matchups: Sequence[Matchup]) -> list[Judgement]:
        raise RuntimeError("the reward model is not loaded")


@pytest.fixture(autouse=True)
def _judges() -> None:
    CALLS.clear()
    for cls in (Counting, Broken):
        if cls.name not in JUDGES.names():
            JUDGES.register(cls, "test")


@pytest.fixture
def finished(tmp_path: Path) -> benchmark.Results:
    docs = [{"id": f"d{i}", "text": f"Alpha {i} rose. Beta fell today. Gamma {i} held.", "references": ["r"]}
            for i in range(4)]
    dataset = write_jsonl(tmp_path / "docs.jsonl", docs)
    config = RunConfig(dataset=str(dataset), summarizers=("lead:k=1", "lead:k=2", "lead:k=3,name=copy"),
                       metrics=("length",), use_cache=False, bootstrap=100)
    return run(config)


def test_both_orders_cached_and_identical_texts_tie_without_asking(
    finished: benchmark.Results, tmp_path: Path
) -> None:
    cache = tmp_path / "cache.sqlite"
    # lead:k=3 on three-sentence articles equals lead:k=2 plus a sentence; "copy" differs from both
    judged = benchmark.pairwise(finished, "test-counting", systems=["lead:k=1", "lead:k=2"], cache=cache)
    assert judged.pairwise is not None
    assert len(CALLS) == 8 and {(b, a) for a, b in CALLS} == set(CALLS)  # 4 documents x both orders
    (pair,) = judged.pairwise.pairs
    assert (pair.a, pair.b, pair.b_wins, pair.n) == ("lead:k=1", "lead:k=2", 4, 4)
    assert pair.soft_win_rate_a.value == pytest.approx(0.5 * ((0.3 + 0.1) + (0.5 + 0.1)))
    assert judged.pairwise.usage["requests"] == 8 and judged.pairwise.usage["prompt_tokens"] == 800
    again = benchmark.pairwise(finished, "test-counting", cache=cache)
    assert len(CALLS) == 8 + 16  # only the two new pairs were asked
    assert again.pairwise is not None and again.pairwise.usage["cached_contests"] == 4
    assert [r.system for r in again.pairwise.ranking] == ["copy", "lead:k=2", "lead:k=1"]
    frame = finished.summaries.copy()
    k2 = frame[frame["system"] == "lead:k=2"].set_index("doc_id")["summary"]
    copies = frame["system"] == "copy"
    frame.loc[copies, "summary"] = frame.loc[copies, "doc_id"].map(k2)
    twins = benchmark.pairwise(dataclasses.replace(finished, summaries=frame), "test-counting",
                               systems=["lead:k=2", "copy"], use_cache=False)
    assert twins.pairwise is not None and len(CALLS) == 24  # identical texts: no request
    assert all(v.outcome == "tie" and v.requests == 0 for v in twins.pairwise.verdicts)


def test_a_judge_that_raises_fails_its_matchups_and_the_run_goes_on(finished: benchmark.Results) -> None:
    judged = benchmark.pairwise(finished, "test-broken", use_cache=False)
    assert judged.pairwise is not None
    assert all(v.outcome == "failed" and "the reward model is not loaded" in (v.error_ab or "")
               for v in judged.pairwise.verdicts)
    assert any("judgements failed" in w for w in judged.metadata.warnings)
    assert judged.pairwise.ranking == ()


def test_systems_must_exist_and_be_two(finished: benchmark.Results) -> None:
    with pytest.raises(ConfigError, match="'nope', not in the run"):
        benchmark.pairwise(finished, "test-counting", systems=["lead:k=1", "nope"], use_cache=False)
    with pytest.raises(ConfigError, match="needs two systems or more"):
        benchmark.pairwise(finished, "test-counting", systems=["copy"], use_cache=False)
