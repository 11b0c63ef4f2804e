"""Our ROUGE against rouge-score 0.1.2 called directly and against ROUGE-1.5.5 values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from benchmark.inputs.documents import Document, load_reference_set
from benchmark.inputs.text import sentence_lines
from benchmark.metrics.rouge import ROUGE_TYPES, Rouge
from benchmark.summarizers.lead import Lead


def test_equals_rouge_score_on_cnndm_lead3(cnndm_path: Path) -> None:
    docs = list(load_reference_set(cnndm_path))
    candidates = list(Lead(k=3).summarize(docs))
    ours = Rouge().score(candidates=candidates, documents=docs)
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    worst = 0.0
    for i, (cand, doc) in enumerate(zip(candidates, docs, strict=True)):
        expected = scorer.score(sentence_lines(doc.references[0]), sentence_lines(cand))
        for rouge_type in ROUGE_TYPES:
            score = expected[rouge_type]
            for suffix, value in (("p", score.precision), ("r", score.recall), ("f", score.fmeasure)):
                worst = max(worst, abs(ours[f"{rouge_type}_{suffix}"][i] - value))
    assert len(docs) == 193
    assert worst <= 1e-12


def _vectors(shared_data: Path) -> tuple[dict, Path]:
    folder = shared_data / "rouge_vectors"
    return json.loads((folder / "expected_rouge155.json").read_text()), folder


def test_reproduces_rouge155_line_pairs(shared_data: Path) -> None:
    expected, folder = _vectors(shared_data)
    targets = (folder / "target.txt").read_text().splitlines()
    predictions = (folder / "prediction.txt").read_text().splitlines()
    cases = expected["pairs_line_by_line"]["cases"]
    assert len(cases) == 10
    for case in cases:
        metric = Rouge(stemmer=case["use_stemmer"])
        doc = Document("x", "source", (targets[case["line"]],))
        scores = metric.score(candidates=[predictions[case["line"]]], documents=[doc])
        for key in ("P", "R", "F"):
            got = scores[f"{case['rouge_type']}_{key.lower()}"][0]
            assert got == pytest.approx(case[key], abs=1e-5), case


def test_reproduces_rouge155_multiline_rougelsum(shared_data: Path) -> None:
    expected, folder = _vectors(shared_data)
    case = expected["rougeLsum_multiline"]
    target = (folder / "target_multi.0.txt").read_text()
    prediction = (folder / "prediction_multi.0.txt").read_text()
    # newline = sentence boundary: score the files as rouge-score does, one sentence per line
    scorer = Rouge().scorer()
    score = scorer.score(target, prediction)["rougeLsum"]
    assert (score.precision, score.recall, score.fmeasure) == pytest.approx(
        (case["P"], case["R"], case["F"]), abs=1e-5
    )


def test_multi_reference_max_and_mean() -> None:
    doc = Document("x", "src", ("the cat sat on the mat", "a dog ran in the park"))
    cand = ["the cat sat on the mat"]
    best = Rouge(multi_ref="max").score(candidates=cand, documents=[doc])
    mean = Rouge(multi_ref="mean").score(candidates=cand, documents=[doc])
    other = Rouge().score(candidates=cand, documents=[Document("y", "src", ("a dog ran in the park",))])
    assert best["rouge1_f"][0] == pytest.approx(1.0)
    assert mean["rouge1_f"][0] == pytest.approx((1.0 + other["rouge1_f"][0]) / 2)


def test_stemming_and_empty_candidate() -> None:
    doc = Document("x", "src", ("The runners were running quickly",))
    stemmed = Rouge().score(candidates=["runner runs quick", ""], documents=[doc, doc])
    plain = Rouge(stemmer=False).score(candidates=["runner runs quick"], documents=[doc])
    assert stemmed["rouge1_r"][0] > plain["rouge1_r"][0]
    assert stemmed["rouge1_f"][1] == 0.0


def test_signature_is_pinned() -> None:
    assert Rouge().signature() == (
        "metric:rouge|version:rouge-score-0.1.2|impl:sumbench-rouge-1|backend:rouge-score-rs-0.2.1"
        "|types:rouge1,rouge2,rougeL,rougeLsum"
        "|tok:ascii-default|stem:porter|lsum_split:blingfire-0.1.8"
        "|rougeL:sentence-lcs;rougeLsum:summary-lcs-union|multi_ref:max|agg:per-doc"
    )
    assert "multi_ref:mean" in Rouge(multi_ref="mean").signature()
    assert "tok:unicode" in Rouge(tokenizer="unicode").signature()
