"""The random and oracle baselines on hand-made documents, and the oracle against ROUGE."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.components.build import build_systems
from benchmark.inputs.documents import Document, load_reference_set
from benchmark.inputs.text import count_words, split_sentences
from benchmark.metrics.rouge import Rouge
from benchmark.summarizers.baselines import Oracle, RandomSentences, oracle_objective

SENTENCES = [
    "The storm reached the coast on Monday night.",
    "Schools in the region stayed closed.",
    "Forecasters had warned of winds above 100 miles per hour.",
    "Power lines fell across three counties.",
    "A local bakery gave away free bread.",
    "Officials said repairs could take a week.",
    "The mayor thanked emergency crews.",
    "Tourists left the beach hotels early.",
    "Rain is expected to ease by Thursday.",
    "Insurance claims are already rising.",
]
TEXT = " ".join(SENTENCES)


def make_doc(references: tuple[str, ...], doc_id: str = "storm", text: str = TEXT) -> Document:
    return Document(id=doc_id, text=text, references=references)


def positions(summary: str) -> list[int]:
    return [SENTENCES.index(s) for s in split_sentences(summary)]


DOC = make_doc(("Storm closes schools; repairs to power lines could take a week.",))
OTHER = make_doc(("Rain eases.",), doc_id="other", text=" ".join(reversed(SENTENCES)))


def test_random_keeps_k_sentences_in_document_order() -> None:
    chosen = positions(RandomSentences(k=4).summarize_one(DOC))
    assert len(chosen) == 4
    assert chosen == sorted(chosen)


def test_random_is_seeded_and_seeds_differ() -> None:
    assert RandomSentences(seed=1).summarize_one(DOC) == RandomSentences(seed=1).summarize_one(DOC)
    draws = {RandomSentences(seed=s).summarize_one(DOC) for s in range(5)}
    assert len(draws) > 1


def test_random_does_not_depend_on_batch_order() -> None:
    forward = RandomSentences().summarize([DOC, OTHER])
    backward = RandomSentences().summarize([OTHER, DOC])
    assert forward == backward[::-1]
    assert RandomSentences().summarize([DOC]) == forward[:1]


def test_random_respects_a_word_budget() -> None:
    summary = RandomSentences(words=20).summarize_one(DOC)
    assert 0 < count_words(summary) <= 20


def test_oracle_finds_the_sentences_the_reference_copies_and_stops() -> None:
    doc = make_doc((SENTENCES[5] + " " + SENTENCES[1],))
    # Both copied sentences, in document order; a third would only lower the score.
    assert positions(Oracle(k=3).summarize_one(doc)) == [1, 5]
    assert positions(Oracle(k=None).summarize_one(doc)) == [1, 5]
    assert len(positions(Oracle(k=1).summarize_one(doc))) == 1


def test_oracle_scores_against_the_best_reference() -> None:
    doc = make_doc(("Completely unrelated words here.", SENTENCES[7]))
    assert positions(Oracle(k=1).summarize_one(doc)) == [7]


def test_oracle_objective_is_what_the_rouge_metric_reports(cnndm_path: Path) -> None:
    docs = list(load_reference_set(str(cnndm_path), limit=15).documents)
    oracle = Oracle()
    summaries = oracle.summarize(docs)
    scores = Rouge().score(candidates=summaries, documents=docs)
    for i, (summary, doc) in enumerate(zip(summaries, docs, strict=True)):
        objective = oracle_objective(oracle.tokenize(summary), oracle.reference_counts(doc.references))
        mean = (scores["rouge1_f"][i] + scores["rouge2_f"][i]) / 2
        assert objective == pytest.approx(mean, abs=1e-12)


@pytest.mark.parametrize(
    ("summarizer", "changed"),
    [
        (RandomSentences(), RandomSentences(seed=1)),
        (RandomSentences(), RandomSentences(k=2)),
        (RandomSentences(), RandomSentences(words=40)),
        (Oracle(), Oracle(k=2)),
        (Oracle(), Oracle(k=None)),
        (Oracle(), Oracle(tokenizer="unicode")),
        (Oracle(), Oracle(stemmer=False)),
    ],
)
def test_fingerprint_changes_with_every_option(summarizer: object, changed: object) -> None:
    assert summarizer.fingerprint() != changed.fingerprint()  # type: ignore[attr-defined]


def test_oracle_without_limit_from_a_spec() -> None:
    (system,) = build_systems(["oracle:k=none"])
    assert system.summarizer == Oracle(k=None)
