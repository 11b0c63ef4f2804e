"""Lead-k: the first k sentences of the article, the classic news baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import SummarizerBase
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, split_sentences


@dataclass(frozen=True)
class Lead(SummarizerBase):
    """The first ``k`` sentences (blingfire split), joined by single spaces."""

    name: ClassVar[str] = "lead"
    version: ClassVar[str] = "1"
    parallel_safe: ClassVar[bool] = True

    k: int = 3

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")

    def fingerprint_extra(self) -> dict[str, str]:
        return {"splitter": SPLITTER_SIGNATURE}

    def summarize_one(self, doc: Document) -> str:
        return " ".join(split_sentences(doc.text)[: self.k])
