"""Baselines that bracket real systems: random sentences below, the extractive oracle above.

- ``random``: ``k`` sentences (or a ``words`` budget) drawn at random, in document order.
  Each document gets its own RNG, seeded from ``seed`` and the document's content hash, so a
  summary never depends on batch order or on which other documents are in the run, and a
  cached summary is exactly the one a fresh run would draw.
- ``oracle``: the greedy extractive oracle (as in Nallapati et al. 2017 and Liu and Lapata
  2019). Starting from nothing, it adds the sentence that most raises the mean of ROUGE-1 F
  and ROUGE-2 F against the references (the best reference counts), and stops when no
  sentence raises it or ``k`` sentences are chosen. It tokenizes as the ``rouge`` metric
  does (rouge-score's tokenizer, Porter stemming), on the summary it will output (sentences
  in document order), so its objective is the number that metric reports. A document whose
  references share no word with it gets an empty summary: no sentence raises the score.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, ClassVar, Literal

from rouge_score import scoring, tokenizers

from benchmark.components.base import SummarizerBase
from benchmark.core.hashing import sha256_text
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, UnicodeTokenizer, sentence_lines, split_sentences
from benchmark.summarizers.selection import Extractive

NGram = tuple[str, ...]
RefCounts = tuple[Counter[NGram], Counter[NGram]]


@dataclass(frozen=True)
class RandomSentences(Extractive):
    """``k`` random sentences (or a ``words`` budget), seeded per document.

    Example: ``random:k=3,seed=1``.
    """

    name: ClassVar[str] = "random"
    version: ClassVar[str] = "1"

    seed: int = 0

    def rng(self, doc: Document) -> random.Random:
        """The document's own generator: a function of ``seed`` and the document's content."""
        return random.Random(int(sha256_text(f"{self.seed}:{doc.fingerprint}")[:16], 16))

    def rank(self, sentences: Sequence[str], doc: Document) -> list[int]:
        order = list(range(len(sentences)))
        self.rng(doc).shuffle(order)
        return order


def ngram_counts(tokens: Sequence[str], n: int) -> Counter[NGram]:
    """Counts of the n-grams of a token list."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def ngram_f(candidate: Counter[NGram], reference: Counter[NGram]) -> float:
    """ROUGE-N F1 from n-gram counts, as rouge-score computes it."""
    overlap = sum((candidate & reference).values())
    precision = overlap / max(sum(candidate.values()), 1)
    recall = overlap / max(sum(reference.values()), 1)
    return float(scoring.fmeasure(precision, recall))


def oracle_objective(tokens: Sequence[str], references: Sequence[RefCounts]) -> float:
    """Mean of ROUGE-1 F and ROUGE-2 F of ``tokens``, against the best reference."""
    uni, bi = ngram_counts(tokens, 1), ngram_counts(tokens, 2)
    return max((ngram_f(uni, ref_uni) + ngram_f(bi, ref_bi)) / 2 for ref_uni, ref_bi in references)


@dataclass(frozen=True)
class Oracle(SummarizerBase):
    """Greedy extractive oracle: the extractive upper bound under ROUGE-1/2 (uses the references).

    Example: ``oracle`` (at most 3 sentences), ``oracle:k=none`` (no limit).
    """

    name: ClassVar[str] = "oracle"
    version: ClassVar[str] = "1"
    needs_references: ClassVar[bool] = True
    parallel_safe: ClassVar[bool] = True

    k: int | None = 3
    tokenizer: Literal["default", "unicode"] = "default"
    stemmer: bool = True

    def __post_init__(self) -> None:
        if self.k is not None and self.k < 1:
            raise ValueError(f"k must be at least 1 or none (no limit), got {self.k}")
        if self.tokenizer not in ("default", "unicode"):
            raise ValueError(f"tokenizer must be 'default' or 'unicode', got {self.tokenizer!r}")

    def fingerprint_extra(self) -> dict[str, Any]:
        return {
            "splitter": SPLITTER_SIGNATURE,
            "rouge": f"rouge-score-{version('rouge-score')}",
            "stemmer": f"nltk-{version('nltk')}",
            "objective": "mean(rouge1_f,rouge2_f);max-over-references;greedy",
        }

    def tokenize(self, text: str) -> list[str]:
        """Tokens as the ``rouge`` metric with the same tokenizer and stemmer sees them."""
        tok: Any = (
            tokenizers.DefaultTokenizer(self.stemmer)
            if self.tokenizer == "default"
            else UnicodeTokenizer(self.stemmer)
        )
        return list(tok.tokenize(text))

    def reference_counts(self, references: Sequence[str]) -> list[RefCounts]:
        """Unigram and bigram counts of each reference, tokenized as the metric does."""
        tokenized = [self.tokenize(sentence_lines(r)) for r in references]
        return [(ngram_counts(t, 1), ngram_counts(t, 2)) for t in tokenized]

    def select(self, sentences: Sequence[str], references: Sequence[str]) -> list[int]:
        """Indices of the greedy selection, in document order."""
        sent_tokens = [self.tokenize(s) for s in sentences]
        refs = self.reference_counts(references)
        chosen: list[int] = []
        best = 0.0
        limit = len(sentences) if self.k is None else min(self.k, len(sentences))
        while len(chosen) < limit:
            step_best, step_index = best, None
            for index in range(len(sentences)):
                if index in chosen:
                    continue
                trial = sorted([*chosen, index])
                score = oracle_objective([t for i in trial for t in sent_tokens[i]], refs)
                if score > step_best:
                    step_best, step_index = score, index
            if step_index is None:
                break
            chosen = sorted([*chosen, step_index])
            best = step_best
        return chosen

    def summarize_one(self, doc: Document) -> str:
        sentences = split_sentences(doc.text)
        return " ".join(sentences[i] for i in self.select(sentences, doc.references))
