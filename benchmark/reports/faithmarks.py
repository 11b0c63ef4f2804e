"""What the HTML drill-down shows under a summary when the run measured faithfulness.

Recomputed at report time from the summary and the article, without a model: the
summary's numbers and entities not found in the article (the checks of
:mod:`benchmark.metrics.claims`, the ones behind ``faith_numbers`` and ``faith_entities``)
and its weakest-supported sentence by word support (the share of the sentence's words,
function words aside, that occur in the article). Plain strings only: the template escapes
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.inputs.text import split_sentences, words
from benchmark.metrics import claims

FAITHFULNESS_COLUMNS = ("faithfulness", "faith_", "summac")


@dataclass(frozen=True, slots=True)
class FaithNotes:
    """Unsupported numbers and entities of one summary, and its weakest-supported sentence."""

    numbers: tuple[str, ...]
    entities: tuple[str, ...]
    weakest: str | None
    weakest_support: float


def wanted(columns: Sequence[str]) -> bool:
    """True when a run has a faithfulness column (so the drill-down shows the notes)."""
    return any(c.startswith(FAITHFULNESS_COLUMNS) for c in columns)


def word_support(sentence: str, article_words: set[str]) -> float:
    """Share of the sentence's content words found in the article (1.0 when it has none)."""
    content = [w for w in (x.lower() for x in words(sentence)) if w not in claims.STOP_CAPITALISED]
    return sum(w in article_words for w in content) / len(content) if content else 1.0


def notes(summary: str, article: str | None) -> FaithNotes | None:
    """The notes for one summary; None without an article text or a summary."""
    if not article or not summary.strip():
        return None
    found = claims.check(summary, article, claims.ner_backend("auto"))
    article_words = {w.lower() for w in words(article)}
    scored = [(word_support(s, article_words), s) for s in split_sentences(summary)]
    low, sentence = min(scored, key=lambda x: x[0]) if scored else (1.0, None)
    return FaithNotes(
        tuple(dict.fromkeys(found.unsupported_numbers)),
        tuple(dict.fromkeys(found.unsupported_entities)),
        sentence if low < 1.0 else None,
        low,
    )
