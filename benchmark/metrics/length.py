"""Summary length in words and sentences: descriptive, no direction is "better".

Words are ``benchmark.inputs.text.words`` tokens (letters, digits, inner apostrophes; punctuation
is not a word); sentences come from the blingfire split that ROUGE-Lsum uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import MetricBase, Scores
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, count_words, split_sentences


@dataclass(frozen=True)
class Length(MetricBase):
    """Words and sentences of each summary."""

    name: ClassVar[str] = "length"
    needs_text: ClassVar[bool] = False
    needs_references: ClassVar[bool] = False
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("length_words", "length_sentences")
    higher_is_better: ClassVar[bool | None] = None
    parallel_safe: ClassVar[bool] = True

    def display_scale(self, column: str) -> float:
        return 1.0

    def signature_fields(self) -> list[tuple[str, object]]:
        return [
            ("metric", "length"),
            ("impl", f"sumbench-length-{self.version}"),
            ("words", "unicode-words"),
            ("sentences", SPLITTER_SIGNATURE),
        ]

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        return {
            "length_words": [float(count_words(c)) for c in candidates],
            "length_sentences": [float(len(split_sentences(c))) for c in candidates],
        }
