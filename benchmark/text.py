"""Sentence splitting and normalisation shared by summarizers and metrics.

Sentences come from blingfire (fast, no data downloads), applied per paragraph so that a
headline or a line without final punctuation never merges with the next paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.metadata import version as _version

import blingfire

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\u00a0]+")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

SPLITTER_SIGNATURE = f"blingfire-{_version('blingfire')}"


def normalize(text: str) -> str:
    """NFC-normalise, unify line endings and collapse runs of spaces (paragraphs kept)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs, split on blank lines."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for para in paragraphs(text):
        flat = " ".join(para.split())
        out.extend(s.strip() for s in blingfire.text_to_sentences(flat).split("\n") if s.strip())
    return tuple(out)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text in order; empty list for blank text."""
    if not text or not text.strip():
        return []
    return list(_split_cached(text))


def words(text: str) -> list[str]:
    """Unicode word tokens (letters, digits, inner apostrophes)."""
    return _WORD.findall(text)


def count_words(text: str) -> int:
    """Number of word tokens in a text."""
    return len(words(text))
