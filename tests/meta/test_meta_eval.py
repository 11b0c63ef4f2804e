"""Meta-evaluation through the API: judgments in several layouts, scores through the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl

from benchmark.core.errors import InputError
from benchmark.meta.judgments import JudgmentFields, load_documents, load_judgments, locate
from benchmark.meta.meta_eval import meta_evaluate, summary_table
from benchmark.pipeline.cache import Cache

OUTPUTS = {"short": "One.", "mid": "One two three.", "long": "One two three four five six."}


def make_set(folder: Path, human: str = "overall", doc: str = "doc_id") -> Path:
    """Three documents, three systems; the human score follows the summary's length."""
    folder.mkdir()
    write_jsonl(folder / "toy_docs.jsonl", [
        {"doc_id": f"d{i}", "source": f"Article {i}. It has words.", "reference": "One two."}
        for i in range(3)
    ])
    rows = []
    for i in range(3):
        for rank, (system, text) in enumerate(OUTPUTS.items()):
            rows.append({doc: f"d{i}", "system_id": system, "system_output": text, human: float(rank + i),
                         "note": "x"})
    return write_jsonl(folder / "toy_scores.jsonl", rows)


def test_length_correlates_perfectly_with_a_length_judgment(tmp_path: Path) -> None:
    path, docs = locate(make_set(tmp_path / "toy").parent, None)
    judgments = load_judgments(path)
    assert judgments.humans == ("overall",) and docs is not None and docs.name == "toy_docs.jsonl"
    with Cache(tmp_path / "c.sqlite") as cache:
        result = meta_evaluate(judgments, load_documents(docs, judgments), ["length"], cache=cache,
                               bootstrap=50, seed=3)
        assert cache.counts()["scores"] == 9
    for method in ("spearman", "kendall"):  # ranks agree exactly; Pearson sees 1, 3, 6 words vs 0, 1, 2
        assert result.value("length_words", "overall", "summary", method) == pytest.approx(1.0)
    assert result.value("length_words", "overall", "summary", "pearson") == pytest.approx(0.9934, abs=1e-4)
    assert result.value("length_sentences", "overall", "system", "kendall") != result.value(
        "length_sentences", "overall", "system", "kendall")  # NaN: every summary is one sentence
    header, rows = summary_table(result, "summary")
    assert header[:3] == ["metric", "human", "level"]
    assert rows[0][:3] == ["length_words", "overall", "summary"]
    assert result.to_dict()["metadata"]["bootstrap"] == 50


def test_field_flags_name_other_layouts(tmp_path: Path) -> None:
    path = make_set(tmp_path / "toy", human="quality", doc="article")
    with pytest.raises(InputError, match="missing field"):
        load_judgments(path)
    judgments = load_judgments(path, JudgmentFields(doc="article", humans=("quality",)))
    assert judgments.humans == ("quality",) and len(judgments.table) == 9


def test_documents_missing_from_the_reference_set_are_named(tmp_path: Path) -> None:
    path = make_set(tmp_path / "toy")
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "d0", "text": "t", "references": ["r"]}])
    with pytest.raises(InputError, match="2 judged document"):
        load_documents(other, load_judgments(path))


def test_binary_agreement_reads_a_lower_is_better_column_the_right_way(tmp_path: Path) -> None:
    """A verdict that flags (1) exactly the bad summaries has AUC 1 and balanced accuracy 1 once
    negated, as every other column's numbers read: higher agrees with the good label."""
    import pandas as pd

    from benchmark.meta.meta_eval import binary_agreement

    judgments = load_judgments(make_set(tmp_path / "toy"), JudgmentFields(extra=("note",)))
    table = judgments.table.copy()
    table["note"] = ["val" if d == "d0" else "test" for d in table["doc_id"]]
    judgments = type(judgments)(table, judgments.humans, judgments.source, judgments.binary)
    bad = table["overall"] < 2
    scores = pd.DataFrame({"doc_id": table["doc_id"], "system": table["system"], "column": "flag",
                           "value": bad.astype(float)})
    (row,) = binary_agreement(scores, judgments, ["flag"], 2.0, "note", frozenset({"flag"}))
    assert row["negated"] is True and row["auc"] == 1.0 and row["balanced_accuracy"] == 1.0
    (raw,) = binary_agreement(scores, judgments, ["flag"], 2.0, "note")
    assert raw["auc"] == 0.0 and raw["negated"] is False
