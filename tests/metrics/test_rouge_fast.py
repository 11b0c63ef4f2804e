"""The fast ROUGE path gives rouge-score 0.1.2's numbers: 5,000 real pairs, edge cases, properties."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem import porter
from realdata import real_pairs, summeval_multi_ref
from rouge_score import rouge_scorer, tokenizers

from benchmark.inputs.documents import Document
from benchmark.inputs.text import UnicodeTokenizer
from benchmark.metrics.rouge import ROUGE_TYPES, Rouge, sentence_lines
from benchmark.metrics.rouge_fast import FastRougeScorer, lcs_indices, lcs_length, lcs_rows, match_masks

TOLERANCE = 0.0  # identical floats
BACKENDS = ("fast", "python")  # fast: compiled (rouge-score-rs) when installed
CHUNKS = 4


class MemoStemmer:
    """nltk's PorterStemmer() (as rouge-score builds it) with its pure ``stem`` memoised.

    Only to keep the reference computation affordable: every other step is rouge-score's code.
    """

    def __init__(self) -> None:
        self.stem = lru_cache(maxsize=None)(porter.PorterStemmer().stem)


def reference_scorer(tokenizer: str = "default", stemmer: bool = True) -> rouge_scorer.RougeScorer:
    """rouge-score's RougeScorer for our four types and the given tokenizer."""
    if tokenizer == "default":
        tok = tokenizers.DefaultTokenizer(stemmer)
        if stemmer:
            tok._stemmer = MemoStemmer()
    else:
        tok = UnicodeTokenizer(stemmer)
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=tok)


def expected(
    candidates: Sequence[str], docs: Sequence[Document], multi_ref: str = "max", tokenizer: str = "default"
) -> dict[str, list[float]]:
    """The 12 columns from rouge-score called directly (score_multi for max)."""
    scorer = reference_scorer(tokenizer)
    out: dict[str, list[float]] = {f"{t}_{s}": [] for t in ROUGE_TYPES for s in "fpr"}
    for cand, doc in zip(candidates, docs, strict=True):
        prediction = sentence_lines(cand)
        targets = [sentence_lines(r) for r in doc.references]
        if multi_ref == "max":
            best = scorer.score_multi(targets, prediction)
            triples = {t: (best[t].precision, best[t].recall, best[t].fmeasure) for t in ROUGE_TYPES}
        else:
            per_ref = [scorer.score(t, prediction) for t in targets]
            n = len(per_ref)
            triples = {
                t: (
                    sum(s[t].precision for s in per_ref) / n,
                    sum(s[t].recall for s in per_ref) / n,
                    sum(s[t].fmeasure for s in per_ref) / n,
                )
                for t in ROUGE_TYPES
            }
        for t, (p, r, f) in triples.items():
            out[f"{t}_p"].append(p)
            out[f"{t}_r"].append(r)
            out[f"{t}_f"].append(f)
    return out


def worst_difference(ours: dict[str, list[float]], theirs: dict[str, list[float]]) -> float:
    assert set(ours) == set(theirs)
    return max(abs(a - b) for col in theirs for a, b in zip(ours[col], theirs[col], strict=True))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_identical_to_rouge_score_on_5000_real_pairs(shared_data: Path, chunk: int) -> None:
    pairs = real_pairs(shared_data, 5000)
    assert len(pairs) == 5000
    part = pairs[chunk::CHUNKS]
    candidates, docs = [c for c, _ in part], [d for _, d in part]
    theirs = expected(candidates, docs)
    for backend in BACKENDS:
        ours = Rouge(backend=backend).score(candidates=candidates, documents=docs)  # type: ignore[arg-type]
        assert worst_difference(ours, theirs) <= TOLERANCE, backend


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_identical_with_eleven_references(shared_data: Path, multi_ref: str) -> None:
    pairs = summeval_multi_ref(shared_data, 1600)[::16]
    candidates, docs = [c for c, _ in pairs], [d for _, d in pairs]
    assert all(len(d.references) == 11 for d in docs)
    theirs = expected(candidates, docs, multi_ref)
    for backend in BACKENDS:
        metric = Rouge(multi_ref=multi_ref, backend=backend)  # type: ignore[arg-type]
        assert worst_difference(metric.score(candidates=candidates, documents=docs), theirs) <= TOLERANCE


def test_identical_with_unicode_tokenizer_on_real_pairs(shared_data: Path) -> None:
    pairs = real_pairs(shared_data, 5000)[::10]
    candidates, docs = [c for c, _ in pairs], [d for _, d in pairs]
    theirs = expected(candidates, docs, tokenizer="unicode")
    for backend in BACKENDS:
        ours = Rouge(tokenizer="unicode", backend=backend).score(  # type: ignore[arg-type]
            candidates=candidates, documents=docs
        )
        assert worst_difference(ours, theirs) <= TOLERANCE, backend


EDGE_CASES = [
    ("", "The cat sat on the mat."),
    ("The cat sat on the mat.", ""),
    ("", ""),
    ("!!! ... --- ???", "The cat sat on the mat."),
    ("The cat sat.", "?!?! ..."),
    ("   \n\n  ", "A line.\n\nAnother line."),
    ("2024 was 1 year; 42 is 42.", "In 2024, 42 people ran 1 mile."),
    ("Café naïve résumé über straße.", "Cafe naive resume uber strasse."),
    ("北京是中国的首都。上海很大。", "北京是首都。"),
    ("Москва — столица России.", "Столица России — Москва."),
    ("Running runners ran; generously generalized.", "runner run generous general"),
    ("the the the the", "the"),
    ("İstanbul KELVIN \u212a sign", "istanbul kelvin k sign"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("tokenizer", ["default", "unicode"])
@pytest.mark.parametrize(("candidate", "reference"), EDGE_CASES)
def test_edge_cases_identical(candidate: str, reference: str, tokenizer: str, backend: str) -> None:
    doc = Document("x", "source text", (reference,))
    metric = Rouge(tokenizer=tokenizer, backend=backend)  # type: ignore[arg-type]
    ours = metric.score(candidates=[candidate], documents=[doc])
    assert worst_difference(ours, expected([candidate], [doc], tokenizer=tokenizer)) <= TOLERANCE


def test_backends_agree_and_sign_differently(shared_data: Path) -> None:
    pairs = real_pairs(shared_data, 300)[::3]
    candidates, docs = [c for c, _ in pairs], [d for _, d in pairs]
    fast, python, slow = Rouge(), Rouge(backend="python"), Rouge(backend="rouge-score")
    expected_scores = slow.score(candidates=candidates, documents=docs)
    assert fast.score(candidates=candidates, documents=docs) == expected_scores
    assert python.score(candidates=candidates, documents=docs) == expected_scores
    assert "impl:sumbench-rouge-1|backend:rouge-score-rs-" in fast.signature()  # the backend that ran
    assert "impl:sumbench-rouge-1|backend:python|" in python.signature()
    assert "impl:sumbench-rouge-1|backend:rouge-score|" in slow.signature()


WORDS = st.sampled_from(["the", "cat", "cats", "running", "ran", "a", "mat", "42", "café", "!", "城"])
SEPARATORS = st.sampled_from([" ", " ", "\n", ". ", ", ", "\n\n", "-"])
WORDY = st.lists(st.tuples(WORDS, SEPARATORS), max_size=30).map(lambda xs: "".join(w + s for w, s in xs))
ANY_TEXT = st.one_of(WORDY, st.text(max_size=80))


@settings(max_examples=150, deadline=None)
@given(target=ANY_TEXT, prediction=ANY_TEXT, tokenizer=st.sampled_from(["default", "unicode"]),
       stemmer=st.booleans())
def test_scorer_identical_on_arbitrary_text(
    target: str, prediction: str, tokenizer: str, stemmer: bool
) -> None:
    theirs = reference_scorer(tokenizer, stemmer).score(target, prediction)
    ours = FastRougeScorer(ROUGE_TYPES, tokenizer, stemmer).score(target, prediction)  # type: ignore[arg-type]
    assert ours == theirs


TOKENS = st.lists(st.sampled_from("abcd"), max_size=14)


@settings(max_examples=300, deadline=None)
@given(ref=TOKENS, can=TOKENS)
def test_lcs_matches_rouge_score_table_and_backtrack(ref: list[str], can: list[str]) -> None:
    masks = match_masks(can)
    assert lcs_indices(ref, can, masks) == rouge_scorer.lcs_ind(ref, can)
    table = rouge_scorer._lcs_table(ref, can)
    rows = lcs_rows(ref, masks, len(can))
    for i, row in enumerate(table):
        assert row == [j - (rows[i] & ((1 << j) - 1)).bit_count() for j in range(len(can) + 1)]
    assert lcs_length(ref, masks, len(can)) == table[-1][-1]
