"""Sentence selection shared by extractive summarizers.

An extractive summarizer ranks the sentences of a document; this module keeps the best
``k`` of them, or the best that fit a word budget, and joins them in document order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from benchmark.components.base import SummarizerBase
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, WORD_PATTERN, count_words, split_sentences


def truncate_words(text: str, limit: int) -> str:
    """The text up to the end of its ``limit``-th word (words as ``benchmark.inputs.text.words``)."""
    for count, match in enumerate(WORD_PATTERN.finditer(text), start=1):
        if count == limit:
            return text[: match.end()]
    return text


def choose(ranking: Sequence[int], sentences: Sequence[str], *, k: int, words: int | None) -> list[int]:
    """Indices to keep, in document order.

    Without a budget: the first ``k`` of ``ranking``. With ``words``: sentences in rank order
    that still fit the budget (one that would overflow it is skipped, the next is tried).
    """
    if words is None:
        return sorted(ranking[:k])
    chosen: list[int] = []
    used = 0
    for index in ranking:
        length = count_words(sentences[index])
        if used + length <= words:
            chosen.append(index)
            used += length
    return sorted(chosen)


def extract(ranking: Sequence[int], sentences: Sequence[str], *, k: int, words: int | None) -> str:
    """The chosen sentences joined by spaces in document order.

    When no sentence fits the word budget, the best-ranked one is cut to ``words`` words.
    """
    if not ranking:
        return ""
    chosen = choose(ranking, sentences, k=k, words=words)
    if not chosen and words is not None:
        return truncate_words(sentences[ranking[0]], words)
    return " ".join(sentences[i] for i in chosen)


def rank_by_score(scores: Sequence[float]) -> list[int]:
    """Indices from the highest score to the lowest; ties go to the earlier sentence."""
    return sorted(range(len(scores)), key=lambda i: (-round(scores[i], 12), i))


@dataclass(frozen=True)
class Extractive(SummarizerBase):
    """Base of summarizers that rank sentences and keep ``k`` of them, or ``words`` words.

    ``words``, when given, replaces ``k``: sentences are taken in rank order while they fit.
    Subclasses implement ``rank``. Pure Python and a function of the document alone, so
    batches may run in worker processes (``parallel_safe``).
    """

    parallel_safe: ClassVar[bool] = True

    k: int = 3
    words: int | None = None

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")
        if self.words is not None and self.words < 1:
            raise ValueError(f"words must be at least 1 (a word budget), got {self.words}")

    def rank(self, sentences: Sequence[str], doc: Document) -> list[int]:
        """Sentence indices from best to worst."""
        raise NotImplementedError

    def fingerprint_extra(self) -> dict[str, Any]:
        return {"splitter": SPLITTER_SIGNATURE}

    def summarize_one(self, doc: Document) -> str:
        sentences = split_sentences(doc.text)
        if not sentences:
            return ""
        return extract(self.rank(sentences, doc), sentences, k=self.k, words=self.words)
