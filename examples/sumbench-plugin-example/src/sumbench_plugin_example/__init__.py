"""An example sumbench plugin: ``longest``, the k longest sentences in document order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from benchmark import Document, SummarizerBase
from benchmark.inputs.text import count_words, split_sentences


@dataclass(frozen=True)
class LongestSentences(SummarizerBase):
    """The ``k`` sentences with the most words, joined in document order.

    Options are dataclass fields (``longest:k=2`` on the command line); the fingerprint,
    which keys the cache, is built from ``name``, ``version`` and every field. Bump
    ``version`` whenever the same options start giving different summaries.
    """

    name: ClassVar[str] = "longest"
    version: ClassVar[str] = "1"

    k: int = 3

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")

    def summarize_one(self, doc: Document) -> str:
        sentences = split_sentences(doc.text)
        by_length = sorted(range(len(sentences)), key=lambda i: (-count_words(sentences[i]), i))
        return " ".join(sentences[i] for i in sorted(by_length[: self.k]))
