"""Extractive fragments (Grusky et al. 2018, Newsroom): coverage, density, compression, novel n-grams.

Texts are lower-cased word tokens (``benchmark.inputs.text.words``: letters, digits, inner
apostrophes; punctuation is not a token). For article A and summary S, the greedy
algorithm of the paper (its Figure 2) finds the extractive fragments F(A, S): scanning
S left to right, the longest shared token sequence starting at the current summary
position (ties: the first in the article); positions with no match advance by one.

- coverage = sum(|f|) / |S|: share of summary words inside an extractive fragment;
- density = sum(|f|^2) / |S|: average squared fragment length per summary word;
- compression = |A| / |S|;
- novel_Ngram (n = 1..4) = summary n-grams (with repeats) absent from the article's n-grams,
  divided by the summary's n-gram count.

An empty summary (or one with fewer than n words for novel_Ngram) scores 0, with a warning.
These are descriptive statistics: no direction is "better".
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import MetricBase, MetricWarning, Scores
from benchmark.inputs.documents import Document
from benchmark.inputs.text import words

NGRAMS = (1, 2, 3, 4)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in words(text)]


def fragments(article: Sequence[str], summary: Sequence[str]) -> list[list[str]]:
    """The extractive fragments F(A, S) of Grusky et al. (2018), greedy and left to right."""
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for j, token in enumerate(article):
        positions[token].append(j)
    found: list[list[str]] = []
    i = 0
    while i < len(summary):
        best: list[str] = []
        j = 0
        for start in positions.get(summary[i], ()):
            if start < j:  # the paper's scan skips past the end of the previous match
                continue
            k = 0
            while i + k < len(summary) and start + k < len(article) and summary[i + k] == article[start + k]:
                k += 1
            if k > len(best):
                best = list(summary[i : i + k])
            j = start + k
        i += max(len(best), 1)
        if best:
            found.append(best)
    return found


def ngrams(seq: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]


def novel_ratio(article: Sequence[str], summary: Sequence[str], n: int) -> float:
    """Share of the summary's n-grams (with repeats) that never occur in the article."""
    grams = ngrams(summary, n)
    if not grams:
        return 0.0
    seen = set(ngrams(article, n))
    return sum(g not in seen for g in grams) / len(grams)


@dataclass(frozen=True)
class Fragments(MetricBase):
    """Extractiveness of a summary against its source article."""

    name: ClassVar[str] = "fragments"
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("coverage", "density", "compression")
    higher_is_better: ClassVar[bool | None] = None
    parallel_safe: ClassVar[bool] = True
    needs_references: ClassVar[bool] = False

    def columns(self) -> tuple[str, ...]:
        return (*self.headline, *(f"novel_{n}gram" for n in NGRAMS))

    def display_scale(self, column: str) -> float:
        """Coverage and novel n-gram ratios are fractions (x100); density and compression are not."""
        return 1.0 if column in ("density", "compression") else 100.0

    def signature_fields(self) -> list[tuple[str, object]]:
        return [
            ("metric", "fragments"),
            ("impl", f"sumbench-fragments-{self.version}"),
            ("tok", "unicode-words-lower"),
            ("algo", "grusky2018-greedy"),
            ("novel", "ngram-tokens:1-4"),
        ]

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        out: Scores = {column: [] for column in self.columns()}
        empty = 0
        for candidate, doc in zip(candidates, documents, strict=True):
            summary, article = tokens(candidate), tokens(doc.text)
            empty += not summary
            frags = fragments(article, summary)
            size = max(len(summary), 1)
            out["coverage"].append(sum(len(f) for f in frags) / size)
            out["density"].append(sum(len(f) ** 2 for f in frags) / size)
            out["compression"].append(len(article) / len(summary) if summary else 0.0)
            for n in NGRAMS:
                out[f"novel_{n}gram"].append(novel_ratio(article, summary, n))
        if empty:
            warnings.warn(f"fragments: {empty} empty summary(ies) scored 0", MetricWarning, stacklevel=2)
        return out
