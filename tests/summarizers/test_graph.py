"""TextRank and LexRank on hand-made documents: the paper's similarity, PageRank, options."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmark.components.build import build_systems
from benchmark.inputs.documents import Document
from benchmark.inputs.text import count_words, split_sentences
from benchmark.summarizers.graph import (
    LexRank,
    TextRank,
    cosine_matrix,
    overlap_similarity,
    sentence_terms,
)

# Sentence 2 shares terms with 1, 3 and 4 (the hub); sentence 0 shares nothing.
TEXT = (
    "The weather was cold in the morning. "
    "The council approved the harbour budget. "
    "Fishermen welcomed the harbour budget and the new council plan. "
    "The new plan helps fishermen repair boats. "
    "Council members said the plan protects fishermen."
)
SENTENCES = split_sentences(TEXT)
DOC = Document(id="harbour", text=TEXT, references=("Fishermen welcome the council's harbour plan.",))


def positions(summary: str) -> list[int]:
    return [SENTENCES.index(s) for s in split_sentences(summary)]


def test_overlap_similarity_is_the_papers_formula_on_a_hand_computed_example() -> None:
    # Mihalcea and Tarau (2004), eq. 2: |{w: w in Si and w in Sj}| / (log|Si| + log|Sj|).
    # Si has 3 terms, Sj 4; they share "cat" and "mat": 2 / (ln 3 + ln 4) = 2 / 2.484907 = 0.804860.
    si, sj = ["cat", "sat", "mat"], ["cat", "mat", "dog", "ran"]
    assert overlap_similarity(si, sj) == pytest.approx(0.804860, abs=1e-6)
    assert overlap_similarity(si, sj) == pytest.approx(2 / (math.log(3) + math.log(4)))
    # Shared words count once (the set in the formula), lengths count every term: 1 / ln 3.
    assert overlap_similarity(["cat", "cat", "sat"], ["cat"]) == pytest.approx(0.910239, abs=1e-6)
    assert overlap_similarity(["cat"], ["dog"]) == 0.0
    assert overlap_similarity(["cat"], ["cat"]) == 1.0  # both logs are 0: the overlap itself
    assert overlap_similarity([], ["cat"]) == 0.0


def test_sentence_terms_drop_stopwords_and_stem() -> None:
    assert sentence_terms("The cats were running quickly.") == ["cat", "run", "quickli"]
    assert sentence_terms("The cats were running.", stem=False) == ["cats", "running"]
    assert sentence_terms("The cats.", stopwords=False) == ["the", "cat"]


def test_textrank_edges_are_the_overlap_similarity_without_self_loops() -> None:
    terms = [sentence_terms(s) for s in SENTENCES]
    weights = TextRank().weights(terms)
    assert np.all(np.diag(weights) == 0)
    assert weights[1, 2] == pytest.approx(overlap_similarity(terms[1], terms[2]))
    assert np.allclose(weights, weights.T)


@pytest.mark.parametrize(
    "summarizer",
    [TextRank(k=1), TextRank(k=1, similarity="tfidf"), LexRank(k=1), LexRank(k=1, threshold=0.1)],
)
def test_the_hub_sentence_ranks_first(summarizer: TextRank | LexRank) -> None:
    assert positions(summarizer.summarize_one(DOC)) == [2]


@pytest.mark.parametrize("summarizer", [TextRank(k=3), LexRank(k=3), TextRank(k=4, similarity="tfidf")])
def test_summaries_keep_k_sentences_in_document_order(summarizer: TextRank | LexRank) -> None:
    chosen = positions(summarizer.summarize_one(DOC))
    assert len(chosen) == summarizer.k
    assert chosen == sorted(chosen)


def test_word_budget_replaces_k() -> None:
    summary = TextRank(words=12).summarize_one(DOC)
    assert count_words(summary) <= 12
    assert positions(summary) == [2]  # the 10-word hub fits, nothing else does after it
    assert TextRank(words=3).summarize_one(DOC) == "Fishermen welcomed the"


def test_lexrank_threshold_links_only_pairs_above_it() -> None:
    terms = [sentence_terms(s) for s in SENTENCES]
    cosine = cosine_matrix(terms)
    binary = LexRank(threshold=0.1).weights(terms)
    assert set(np.unique(binary)) <= {0.0, 1.0}
    assert np.array_equal(binary, (cosine > 0.1).astype(float))
    assert np.all(np.diag(binary) == 1)  # self-loops as in the paper's cosine matrix
    # Nothing but self-loops above 0.99: every sentence ranks the same, ties go to position.
    assert positions(LexRank(k=2, threshold=0.99).summarize_one(DOC)) == [0, 1]


def test_tfidf_cosine_matches_scikit_learn() -> None:
    text = pytest.importorskip("sklearn.feature_extraction.text")
    pairwise = pytest.importorskip("sklearn.metrics.pairwise")
    terms = [sentence_terms(s) for s in SENTENCES] + [["harbour", "harbour", "boat"]]
    vectorizer = text.TfidfVectorizer(analyzer=lambda sent: sent, smooth_idf=True, norm="l2")
    expected = pairwise.cosine_similarity(vectorizer.fit_transform(terms))
    assert np.allclose(cosine_matrix(terms), expected)


def test_textrank_tfidf_option_changes_the_edges() -> None:
    terms = [sentence_terms(s) for s in SENTENCES]
    tfidf = TextRank(similarity="tfidf").weights(terms)
    assert np.allclose(tfidf, cosine_matrix(terms) - np.eye(len(terms)))
    assert not np.allclose(tfidf, TextRank().weights(terms))


def test_sentences_without_terms_do_not_break_the_ranking() -> None:
    doc = Document(id="p", text="!!! ... ??? The end.", references=("x",))
    for summarizer in (TextRank(k=1), LexRank(k=1), TextRank(k=1, similarity="tfidf")):
        assert summarizer.summarize_one(doc) in split_sentences(doc.text)
    assert TextRank().summarize_one(Document(id="e", text="", references=("x",))) == ""


def test_output_is_deterministic_and_batch_independent() -> None:
    other = Document(id="o", text="A cat sat. A dog ran. The cat and the dog met.", references=("x",))
    alone = TextRank(k=2).summarize([DOC])
    assert TextRank(k=2).summarize([other, DOC])[1] == alone[0]


@pytest.mark.parametrize(
    ("cls", "options"),
    [
        (TextRank, {"k": 2}),
        (TextRank, {"words": 50}),
        (TextRank, {"stopwords": False}),
        (TextRank, {"stem": False}),
        (TextRank, {"damping": 0.5}),
        (TextRank, {"similarity": "tfidf"}),
        (LexRank, {"threshold": 0.1}),
        (LexRank, {"damping": 0.5}),
    ],
)
def test_fingerprint_changes_with_every_option(cls: type[TextRank] | type[LexRank], options: dict) -> None:
    assert cls().fingerprint() == cls().fingerprint()
    assert cls(**options).fingerprint() != cls().fingerprint()


def test_textrank_and_lexrank_fingerprints_differ() -> None:
    assert TextRank().fingerprint() != LexRank().fingerprint()


def test_options_from_a_spec() -> None:
    (system,) = build_systems(["lexrank:threshold=0.1,k=2"])
    assert system.summarizer == LexRank(k=2, threshold=0.1)
    assert system.label == "lexrank:k=2,threshold=0.1"
