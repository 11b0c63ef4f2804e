"""Which article sentence best supports each summary sentence, and where sentences sit in a text.

Computed at report time without a model, so the viewer of the HTML report can show it for
every summary of a 10,000-document run: each sentence (split by
:func:`benchmark.inputs.text.split_sentences`) becomes the set of its lower-cased word
unigrams and bigrams (:func:`benchmark.inputs.text.words`); a summary sentence's *support*
by an article sentence is the share of its grams found in that article sentence, and its
best-supporting sentence is the article sentence with the largest share (the earlier one on
a tie; none when no gram is shared). This is a lexical match: a paraphrase that shares few
words gets a low support even when it is right.

Offsets are returned in UTF-16 code units, the way JavaScript counts a string, so the
browser can slice the same text Python located the sentence in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmark.inputs.text import split_sentences, words

METHOD = (
    "Each summary sentence is matched to the article sentence that holds the largest share of its "
    "lower-cased word unigrams and bigrams (the earlier one on a tie); that share is its support."
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

Span = tuple[int, int]


def grams(sentence: str) -> frozenset[str | tuple[str, str]]:
    """Lower-cased word unigrams and bigrams of one sentence (a bigram as a pair of words)."""
    tokens = words(sentence.lower())
    return frozenset(tokens).union(itertools.pairwise(tokens))


def utf16(text: str) -> Callable[[int], int]:
    """A map from a Python (code point) offset in ``text`` to its UTF-16 offset."""
    if text.isascii() or not _ASTRAL.search(text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return lambda i: prefix[i]


def locate(text: str, sentences: Sequence[str]) -> list[Span | None]:
    """Each sentence's ``(start, end)`` in ``text`` (Python offsets), searched in order.

    :func:`split_sentences` collapses runs of white space, so a sentence not found as it is
    is searched with any white space between its words; None when it is not in the text."""
    out: list[Span | None] = []
    pos = 0
    for sentence in sentences:
        at = text.find(sentence, pos)
        if at >= 0:
            out.append((at, at + len(sentence)))
            pos = at + len(sentence)
            continue
        pieces = sentence.split()
        found = re.compile(r"\s+".join(map(re.escape, pieces))).search(text, pos) if pieces else None
        if found is None:
            out.append(None)
            continue
        out.append(found.span())
        pos = found.end()
    return out


@dataclass(frozen=True, slots=True)
class Support:
    """One summary sentence: where it sits in the summary and what in the article supports it.

    ``span`` is in UTF-16 offsets of the summary (None when not located); ``article`` is the
    index of the best-supporting article sentence (None without an article or a shared gram)
    and ``share`` its support, 0 to 1; ``copied`` when the summary's text at ``span`` is that
    article sentence exactly (an extractive summary), so it need not be stored twice."""

    text: str
    span: Span | None
    article: int | None
    share: float
    copied: bool = False


class Article:
    """An article split into sentences once, to align the summaries of every system with it."""

    def __init__(self, text: str | None) -> None:
        self.text = text or ""
        self.sentences = split_sentences(self.text)
        self._grams = [grams(s) for s in self.sentences]
        self._spans: list[Span | None] | None = None

    def best(self, sentence: str) -> tuple[int | None, float]:
        """The best-supporting sentence's index for one summary sentence, and its support."""
        own = grams(sentence)
        best, shared = None, 0
        for i, theirs in enumerate(self._grams):
            n = len(own & theirs)
            if n > shared:
                best, shared = i, n
        return best, shared / len(own) if own else 0.0

    def align(self, summary: str) -> list[Support]:
        """Every sentence of ``summary`` with its span and best-supporting article sentence."""
        sentences = split_sentences(summary)
        to16 = utf16(summary)
        out = []
        for sentence, span in zip(sentences, locate(summary, sentences), strict=True):
            index, share = self.best(sentence) if self.sentences else (None, 0.0)
            at = None if span is None else (to16(span[0]), to16(span[1]))
            copied = (
                span is not None and index is not None and summary[span[0] : span[1]] == self.sentences[index]
            )
            out.append(Support(sentence, at, index, share, copied))
        return out

    def span(self, index: int) -> Span | None:
        """UTF-16 offsets of article sentence ``index`` in the text (None when not located)."""
        if self._spans is None:
            to16 = utf16(self.text)
            self._spans = [
                None if s is None else (to16(s[0]), to16(s[1])) for s in locate(self.text, self.sentences)
            ]
        return self._spans[index]
