"""Pairwise agreement with human preferences: metrics and judges on toy judgments, ROUGE-1 on SummEval."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from conftest import run_cli, write_jsonl

from benchmark.components.base import JudgeBase, Judgement, Matchup
from benchmark.components.build import JUDGES, build_metrics
from benchmark.meta.judgments import JudgmentFields, load_documents, load_judgments
from benchmark.meta.meta_eval import meta_evaluate
from benchmark.meta.pairwise_agreement import candidate_pairs
from benchmark.pipeline.cache import Cache
from benchmark.pipeline.scoring import Pair, RunContext, score_pairs

OUTPUTS = ["One.", "One two three.", "One two three four five six.", "One two three four five six seven."]


@dataclass(frozen=True)
class Longer(JudgeBase):
    """Prefers the longer summary (agrees with the toy humans)."""

    name: ClassVar[str] = "test-longer"
    needs_text: ClassVar[bool] = False

    def judge(self, matchups: Sequence[Matchup]) -> list[Judgement]:
        return [Judgement("A" if len(m.first) > len(m.second) else "B") for m in matchups]


@dataclass(frozen=True)
class First(JudgeBase):
    """Always the first shown: pure position bias."""

    name: ClassVar[str] = "test-first"
    needs_text: ClassVar[bool] = False

    def judge(self, matchups: Sequence[Matchup]) -> list[Judgement]:
        return [Judgement("A") for _ in matchups]


@pytest.fixture(scope="module", autouse=True)
def _judges() -> None:
    for cls in (Longer, First):
        if cls.name not in JUDGES.names():
            JUDGES.register(cls, "test")


def toy(folder: Path) -> Path:
    """Five documents, four systems; 'quality' follows the length, 'noise' ties two systems."""
    folder.mkdir()
    write_jsonl(folder / "toy_docs.jsonl", [
        {"doc_id": f"d{i}", "source": f"Article {i}. It has words.", "reference": "One two."}
        for i in range(5)
    ])
    rows = [{"doc_id": f"d{i}", "system_id": f"s{k}", "system_output": text, "quality": float(k),
             "noise": float(min(k, 2))}
            for i in range(5) for k, text in enumerate(OUTPUTS)]
    return write_jsonl(folder / "toy_scores.jsonl", rows)


def test_metrics_and_judges_agree_as_constructed(tmp_path: Path) -> None:
    path = toy(tmp_path / "toy")
    judgments = load_judgments(path)
    refset = load_documents(tmp_path / "toy" / "toy_docs.jsonl", judgments)
    with Cache(tmp_path / "c.sqlite") as cache:
        result = meta_evaluate(judgments, refset, ["length"], cache=cache, bootstrap=200, pairwise=True,
                               judges=["test-longer", "test-first"])
        assert cache.counts()["verdicts"] == 2 * 2 * 6 * 5  # two judges, every pair in both orders
    rows = {(r["metric"], r["human"]): r for r in result.pairwise}
    words = rows[("length_words", "quality")]
    assert (words["agreement"], words["n"], words["documents"]) == (1.0, 30, 5)  # 6 pairs x 5 documents
    assert rows[("length_words", "noise")]["n"] == 25  # s2 and s3 are rated alike: 5 pairs fewer
    sentences = rows[("length_sentences", "quality")]  # every summary is one sentence: metric ties
    assert sentences["agreement"] == 0.5 and sentences["metric_ties"] == 55
    longer = rows[("judge:test-longer", "quality")]
    assert (longer["agreement"], longer["consistency"], longer["failed"]) == (1.0, 1.0, 0)
    first = rows[("judge:test-first", "quality")]
    assert (first["agreement"], first["consistency"]) == (0.5, 0.0)  # inconsistent everywhere: ties
    assert first["kind"] == "judge" and first["signature"].startswith("judge:test-first|")
    assert result.to_dict()["pairwise"] and result.metadata["pairs"] == {"measured": 30, "sample": None}


def test_a_seeded_sample_of_pairs(tmp_path: Path) -> None:
    judgments = load_judgments(toy(tmp_path / "toy"))
    every = candidate_pairs(judgments, None, 0)
    assert len(every) == 30
    sample = candidate_pairs(judgments, 7, 0)
    assert len(sample) == 7 and set(sample) <= set(every) and sample == candidate_pairs(judgments, 7, 0)
    assert sample != candidate_pairs(judgments, 7, 1)


def test_meta_eval_cli_prints_and_writes_pairwise_agreement(tmp_path: Path) -> None:
    path = toy(tmp_path / "toy")
    out = tmp_path / "meta.json"
    proc = run_cli("meta-eval", str(path.parent), "-m", "length", "--pairwise", "--pairs", "12",
                   "--bootstrap", "100", "--json", str(out), "--cache", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    assert "Pairwise agreement with human preferences (12 document-pairs" in proc.stdout
    data = json.loads(out.read_text())
    assert {r["n"] for r in data["pairwise"] if r["human"] == "quality"} == {12}
    bad = run_cli("meta-eval", str(path.parent), "-m", "length", "--judge", "nope")
    assert bad.returncode == 2 and "unknown judge 'nope'" in bad.stderr


def test_rouge1_agreement_on_summeval_matches_a_direct_count(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "summeval"
    if not (folder / "summeval_expert_scores.jsonl").is_file():
        pytest.skip("SummEval judgments missing")
    judgments = load_judgments(folder / "summeval_expert_scores.jsonl", JudgmentFields(humans=("relevance",)))
    refset = load_documents(folder / "summeval_docs.jsonl", judgments)
    with Cache(tmp_path / "c.sqlite") as cache:
        result = meta_evaluate(judgments, refset, ["rouge:multi_ref=mean"], cache=cache, bootstrap=0,
                               pairwise=True)
    (row,) = [r for r in result.pairwise if r["metric"] == "rouge1_f"]
    # the same number counted directly from the per-summary scores (read back from the cache)
    docs = {d.id: d for d in refset}
    table = judgments.table
    (metric,) = build_metrics(["rouge:multi_ref=mean"])
    with Cache(tmp_path / "c.sqlite") as cache:
        values = score_pairs(metric.prepared(list(docs.values())),
                             [Pair(s, o, docs[d]) for d, s, o in zip(table["doc_id"], table["system"],
                                                                     table["output"], strict=True)],
                             RunContext(cache))
    keys = list(zip(table["doc_id"], table["system"], strict=True))
    rouge = {key: v.columns["rouge1_f"] for key, v in zip(keys, values, strict=True)}
    human = {(d, s): h for d, s, h in zip(table["doc_id"], table["system"], table["relevance"], strict=True)}
    agree = []
    for doc in dict.fromkeys(table["doc_id"]):
        systems = sorted(s for d, s in human if d == doc)
        for a, b in combinations(systems, 2):
            if human[(doc, a)] != human[(doc, b)]:
                ra, rb = rouge[(doc, a)], rouge[(doc, b)]
                agree.append(0.5 if ra == rb else float((ra > rb) == (human[(doc, a)] > human[(doc, b)])))
    assert row["n"] == len(agree) > 9000
    assert row["agreement"] == pytest.approx(float(np.mean(agree)), abs=1e-12)
    assert 0.5 < row["agreement"] < 0.75
