"""Lead-k: the first k sentences of the article, the classic news baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from benchmark.documents import Document
from benchmark.summarizers.base import SummarizerBase
from benchmark.text import split_sentences


@dataclass(frozen=True)
class Lead(SummarizerBase):
    """The first ``k`` sentences (blingfire split), joined by single spaces."""

    name: ClassVar[str] = "lead"
    version: ClassVar[str] = "1"

    k: int = 3

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")

    def summarize_one(self, doc: Document) -> str:
        return " ".join(split_sentences(doc.text)[: self.k])
