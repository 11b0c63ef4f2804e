"""Extractive fragments follow Grusky et al. (2018) on hand-made cases and behave on real news."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from benchmark.components.base import MetricWarning
from benchmark.inputs.documents import Document
from benchmark.metrics.fragments import Fragments, fragments, novel_ratio, tokens
from benchmark.summarizers.lead import Lead


def score_one(summary: str, article: str) -> dict[str, float]:
    out = Fragments().score(candidates=[summary], documents=[Document("d", article, ("ref",))])
    return {k: v[0] for k, v in out.items()}


@pytest.mark.parametrize(
    ("article", "summary", "expected"),
    [
        ("a b c d e", "a b c d e", [["a", "b", "c", "d", "e"]]),
        ("a b c d e", "x y", []),
        # the longest match wins over the first one
        ("a b x a b c", "a b c", [["a", "b", "c"]]),
        # two fragments, an unmatched word between them
        ("the cat sat on the mat", "the cat ran on the mat", [["the", "cat"], ["on", "the", "mat"]]),
        # a repeated summary span is matched again (fragments may reuse article text)
        ("a b c", "a b a b", [["a", "b"], ["a", "b"]]),
    ],
)
def test_fragments_match_the_papers_greedy_algorithm(
    article: str, summary: str, expected: list[list[str]]
) -> None:
    assert fragments(article.split(), summary.split()) == expected


def test_scores_match_their_definitions_by_hand() -> None:
    article = "The cat sat on the mat . The dog barked at the cat all day long ."
    summary = "The cat sat quietly on the mat"  # fragments: [the cat sat] [on the mat], 'quietly' novel
    got = score_one(summary, article)
    assert got["coverage"] == pytest.approx(6 / 7)
    assert got["density"] == pytest.approx((9 + 9) / 7)
    assert got["compression"] == pytest.approx(len(tokens(article)) / 7)
    assert got["novel_1gram"] == pytest.approx(1 / 7)
    assert got["novel_2gram"] == pytest.approx(2 / 6)  # 'sat quietly', 'quietly on'
    assert got["novel_3gram"] == pytest.approx(3 / 5)
    assert got["novel_4gram"] == pytest.approx(4 / 4)


def test_case_and_punctuation_are_ignored() -> None:
    got = score_one("THE CAT, SAT!", "the cat sat")
    assert got["coverage"] == 1.0 and got["density"] == 3.0 and got["novel_1gram"] == 0.0


def test_empty_and_short_summaries_score_zero_with_a_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = score_one("", "some article text")
    assert set(got.values()) == {0.0}
    assert any(issubclass(w.category, MetricWarning) for w in caught)
    assert novel_ratio(["a", "b"], ["a"], 2) == 0.0


def test_lead3_is_extractive_and_abstractive_summaries_are_not(cnndm_path: Path, shared_data: Path) -> None:
    records = [json.loads(line) for line in cnndm_path.read_text(encoding="utf-8").splitlines()]
    docs = [Document(r["id"], r["article"], (r["reference"],)) for r in records]
    lead3 = Lead(k=3).summarize(docs)
    outputs = {}
    for line in (shared_data / "summeval" / "summeval_expert_scores.jsonl").read_text().splitlines():
        rec = json.loads(line)
        if rec["system_id"] == "M22":  # BART, an abstractive SummEval system
            outputs[rec["doc_id"]] = rec["system_output"]
    metric = Fragments()
    lead = metric.score(candidates=list(lead3), documents=docs)
    refs = metric.score(candidates=[d.references[0] for d in docs], documents=docs)
    abstractive_docs = [d for d in docs if d.id in outputs]
    abstractive = metric.score(
        candidates=[outputs[d.id] for d in abstractive_docs], documents=abstractive_docs
    )

    def mean(scores: dict[str, list[float]], column: str) -> float:
        return sum(scores[column]) / len(scores[column])

    assert len(abstractive_docs) >= 50
    assert mean(lead, "coverage") > 0.99 and mean(lead, "density") > 20
    for other in (refs, abstractive):
        assert mean(other, "coverage") < mean(lead, "coverage") - 0.01
        assert mean(other, "density") < mean(lead, "density") / 3
        assert mean(other, "novel_2gram") > mean(lead, "novel_2gram") + 0.1
