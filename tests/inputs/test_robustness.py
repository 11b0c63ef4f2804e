"""Property-based robustness: readers and ROUGE on arbitrary Unicode, a 1 MB article, 1,000 references."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from realdata import read_jsonl
from rouge_score import rouge_scorer

from benchmark.core.errors import InputError
from benchmark.inputs.documents import Document, ReferenceSet, load_reference_set
from benchmark.inputs.text import sentence_lines
from benchmark.metrics.rouge import ROUGE_TYPES, Rouge
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUE = st.one_of(st.text(max_size=40), st.just(""), st.integers(), st.none(),
                  st.lists(st.text(max_size=20), max_size=3))
FIELDS = ["id", "text", "article", "references", "reference", "summary", "x"]
RECORD = st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=5)
WHERE = re.compile(r":\d+: ")


def check_load(path: Path) -> None:
    """A reader either gives a valid ReferenceSet or an InputError whose problems name file:line."""
    try:
        refset = load_reference_set(path)
    except InputError as exc:
        assert exc.problems or str(path) in str(exc)
        for problem in exc.problems:
            assert problem.startswith(f"{path}:") and WHERE.search(problem), problem
        return
    assert isinstance(refset, ReferenceSet) and len(refset) >= 1
    has_text = [bool(doc.text.strip()) for doc in refset]
    assert all(has_text) or not any(has_text), "a set is text-less or has text in every record"
    for doc in refset:
        assert (doc.text or doc.references) and all(r.strip() for r in doc.references)
    assert len({d.id for d in refset}) == len(refset)


@SETTINGS
@given(records=st.lists(RECORD, min_size=1, max_size=6), blank=st.booleans())
def test_jsonl_reader_accepts_or_names_file_and_line(records: list[dict], blank: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in records]
        path.write_text(("\n\n" if blank else "\n").join(lines) + "\n", encoding="utf-8")
        check_load(path)


@SETTINGS
@given(rows=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=60), st.text(max_size=40)),
                     min_size=1, max_size=5))
def test_csv_reader_accepts_or_names_file_and_line(rows: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "reference"])
            writer.writerows(rows)
        check_load(path)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_jsonl_reader_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.jsonl"
        path.write_bytes(data)
        check_load(path)


TEXT = st.text(max_size=120)
VOCABULARY = ["The", "cat", "sat", "on", "mats", "running", ".", "\n", "Café", "東京", "42"]
WORDY = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)


@SETTINGS
@given(candidate=st.one_of(TEXT, WORDY), reference=st.one_of(TEXT, WORDY),
       tokenizer=st.sampled_from(["default", "unicode"]))
def test_rouge_scores_are_probabilities_and_symmetric(candidate: str, reference: str, tokenizer: str) -> None:
    metric = Rouge(tokenizer=tokenizer)  # type: ignore[arg-type]
    forward = metric.score(candidates=[candidate], documents=[Document("d", "src", (reference,))])
    backward = metric.score(candidates=[reference], documents=[Document("d", "src", (candidate,))])
    for values in forward.values():
        assert 0.0 <= values[0] <= 1.0
    for rouge_type in ("rouge1", "rouge2", "rougeL"):  # P and R swap when the roles swap
        assert forward[f"{rouge_type}_p"][0] == backward[f"{rouge_type}_r"][0]
        assert forward[f"{rouge_type}_r"][0] == backward[f"{rouge_type}_p"][0]
        assert forward[f"{rouge_type}_f"][0] == pytest.approx(backward[f"{rouge_type}_f"][0], abs=1e-15)


@SETTINGS
@given(text=st.one_of(TEXT, WORDY), tokenizer=st.sampled_from(["default", "unicode"]))
def test_rouge_of_identical_text_is_one_when_it_has_tokens(text: str, tokenizer: str) -> None:
    metric = Rouge(tokenizer=tokenizer)  # type: ignore[arg-type]
    scores = metric.score(candidates=[text], documents=[Document("d", "src", (text,))])
    tokens = metric.scorer()._tokenizer.tokenize(sentence_lines(text))
    if not tokens:
        assert all(v == [0.0] for v in scores.values())
        return
    for column in ("rouge1_f", "rougeL_f", "rougeLsum_f"):
        assert scores[column] == [1.0]
    assert scores["rouge2_f"] == [1.0 if len(tokens) > 1 else 0.0]


def one_megabyte_article(cnndm_path: Path) -> str:
    parts, size, records = [], 0, read_jsonl(cnndm_path)
    while size < 1_000_000:
        article = records[len(parts) % len(records)]["article"]
        parts.append(article)
        size += len(article.encode("utf-8")) + 2
    return "\n\n".join(parts)


@pytest.mark.parametrize("punctuation", [True, False])
def test_one_megabyte_article_through_lead_and_rouge(
    cnndm_path: Path, tmp_path: Path, punctuation: bool
) -> None:
    text = one_megabyte_article(cnndm_path)
    if not punctuation:  # one 1 MB "sentence": lead-3 returns the whole article
        text = re.sub(r"[.!?\n]", " ", text)
    assert len(text.encode("utf-8")) >= 990_000
    record = {"id": "big", "text": text, "references": [read_jsonl(cnndm_path)[0]["reference"]]}
    dataset = tmp_path / "big.jsonl"
    dataset.write_text(json.dumps(record) + "\n", encoding="utf-8")
    results = run(RunConfig(dataset=str(dataset), summarizers=("lead",), metrics=("rouge",),
                            cache=str(tmp_path / "c.sqlite")))
    values = results.scores["value"]
    assert len(values) == 12 and values.between(0, 1).all()
    assert results.scores.set_index("column").at["rouge1_r", "value"] > 0.1


def test_document_with_a_thousand_references(cnndm_path: Path, tmp_path: Path) -> None:
    records = read_jsonl(cnndm_path)
    references = [f"{records[i % len(records)]['reference']} (version {i})" for i in range(1000)]
    record = {"id": "many", "text": records[0]["article"], "references": references}
    dataset = tmp_path / "many.jsonl"
    dataset.write_text(json.dumps(record) + "\n", encoding="utf-8")
    refset = load_reference_set(dataset)
    assert len(refset.documents[0].references) == 1000
    results = {
        multi_ref: run(RunConfig(dataset=str(dataset), summarizers=("lead",),
                                 metrics=(f"rouge:multi_ref={multi_ref}",), cache=str(tmp_path / "c.sqlite")))
        for multi_ref in ("max", "mean")
    }
    best = results["max"].scores.set_index("column")["value"]
    mean = results["mean"].scores.set_index("column")["value"]
    assert (best.loc[["rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f"]]
            >= mean.loc[["rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f"]]).all()
    summary = results["max"].summaries.at[0, "summary"]
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    expected = scorer.score_multi([sentence_lines(r) for r in references[::25]], sentence_lines(summary))
    sample = Rouge().score(candidates=[summary], documents=[Document("s", "src", tuple(references[::25]))])
    for rouge_type in ROUGE_TYPES:
        assert sample[f"{rouge_type}_f"][0] == pytest.approx(expected[rouge_type].fmeasure, abs=1e-12)
