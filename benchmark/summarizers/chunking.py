"""Fit article text into a model's input budget: truncate at a sentence, or split into chunks.

Token counts come from the model's own tokenizer (a callable over a list of texts), counted
per sentence; a sentence longer than the whole budget is cut by words in proportion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from benchmark.inputs.text import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]


def _fit_sentence(sentence: str, count: int, budget: int) -> str:
    words = sentence.split()
    keep = max(1, len(words) * budget // max(count, 1))
    return " ".join(words[:keep])


def chunk_text(text: str, budget: int, count_tokens: TokenCounter) -> list[str]:
    """Consecutive runs of whole sentences, each within ``budget`` tokens (at least one chunk)."""
    sentences = split_sentences(text) or [text.strip()]
    counts = count_tokens(sentences)
    chunks: list[list[str]] = [[]]
    used = 0
    for sentence, count in zip(sentences, counts, strict=True):
        if count > budget:
            sentence, count = _fit_sentence(sentence, count, budget), budget
        if chunks[-1] and used + count + 1 > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(sentence)
        used += count + (1 if len(chunks[-1]) > 1 else 0)
    return [" ".join(chunk) for chunk in chunks]


def truncate_text(text: str, budget: int, count_tokens: TokenCounter) -> str:
    """The longest run of leading sentences within ``budget`` tokens."""
    return chunk_text(text, budget, count_tokens)[0]
