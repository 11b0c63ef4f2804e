"""Text helpers shared by summarizers and metrics: sentences, words, tokens, stems.

Sentences come from blingfire (fast, no data downloads), applied per paragraph so that a
headline or a line without final punctuation never merges with the next paragraph.
Tokenizers for ROUGE (rouge-score's Porter rule, a Unicode-aware alternative) live here
too, so summarizers that select sentences by overlap use exactly what ROUGE uses.
"""

from __future__ import annotations

import ctypes
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version as _version
from typing import Any

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\u00a0]+")
WORD_PATTERN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

SPLITTER_SIGNATURE = f"blingfire-{_version('blingfire')}"


def normalize(text: str) -> str:
    """NFC-normalise, unify line endings and collapse runs of spaces (paragraphs kept)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs, split on blank lines."""
    if "\n" not in text:  # one paragraph at most: skip the regex
        stripped = text.strip()
        return [stripped] if stripped else []
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


_BUFFERS = threading.local()


def _text_to_sentences(text: str) -> str:
    """``blingfire.text_to_sentences`` with a reused output buffer (the same result, half the cost)."""
    data = text.encode("utf-8")
    size = len(data) * 2
    buffer = getattr(_BUFFERS, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = _BUFFERS.buffer = ctypes.create_string_buffer(max(size, 1 << 16))
    import blingfire  # imported on first use: a fully cached run never splits a sentence

    # bytes and ints convert to char* and int by themselves; the array passes as its address
    written = blingfire.blingfire.TextToSentences(data, len(data), buffer, size)
    if written == -1 or written > size:
        return ""
    return ctypes.string_at(buffer, max(written, 0)).split(b"\0", 1)[0].decode("utf-8")


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for para in paragraphs(text):
        flat = " ".join(para.split())
        out.extend(s.strip() for s in _text_to_sentences(flat).split("\n") if s.strip())
    return tuple(out)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text in order; empty list for blank text."""
    if not text or not text.strip():
        return []
    return list(_split_cached(text))


def words(text: str) -> list[str]:
    """Unicode word tokens (letters, digits, inner apostrophes)."""
    return WORD_PATTERN.findall(text)


def count_words(text: str) -> int:
    """Number of word tokens in a text."""
    return len(words(text))


def sentence_lines(text: str) -> str:
    """Text as one sentence per line, the input rougeLsum expects."""
    return "\n".join(split_sentences(text))


_ASCII_WORD = re.compile(r"^[a-z]+$")
_UNICODE_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]", re.UNICODE)
_DEFAULT_KEPT = re.compile(r"[a-z0-9]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")  # exactly str.isalnum() characters


@lru_cache(maxsize=1 << 18)
def porter_stem(token: str) -> str:
    """rouge-score's stemming rule: Porter (original algorithm) on tokens longer than 3."""
    return _stemmer().stem(token) if len(token) > 3 else token


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """nltk's Porter stemmer (original algorithm), imported on first use (nltk is slow to import)."""
    from nltk.stem import porter

    return porter.PorterStemmer("ORIGINAL_ALGORITHM")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
    )


@lru_cache(maxsize=256)
def _token_pattern(marks: str) -> re.Pattern[str]:
    """Letters and digits, plus the given combining marks (which ``\\w`` leaves out)."""
    return re.compile(f"(?:[^\\W_]|[{re.escape(marks)}])+") if marks else _UNICODE_TOKEN


def unicode_words(text: str) -> list[str]:
    """Runs of letters, digits and combining marks: Devanagari vowel signs or Arabic harakat
    stay inside their word instead of splitting it."""
    marks = "".join(sorted(c for c in set(_NON_WORD.findall(text)) if unicodedata.category(c)[0] == "M"))
    return _token_pattern(marks).findall(text)


class UnicodeTokenizer:
    """Lower-cased Unicode letters, digits and combining marks; CJK as single characters;
    English-only stemming.

    Tokens made only of ASCII letters are stemmed with rouge-score's rule when ``use_stemmer``
    is on; every other script is left as it is.
    """

    def __init__(self, use_stemmer: bool) -> None:
        self.use_stemmer = use_stemmer

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens: list[str] = []
        for match in unicode_words(text):
            if any(_is_cjk(c) for c in match):
                run = ""
                for char in match:
                    if _is_cjk(char):
                        if run:
                            tokens.append(run)
                            run = ""
                        tokens.append(char)
                    else:
                        run += char
                if run:
                    tokens.append(run)
            else:
                tokens.append(match)
        if self.use_stemmer:
            tokens = [porter_stem(t) if _ASCII_WORD.match(t) else t for t in tokens]
        return tokens


_ASCII_NON_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def letter_counts(text: str) -> tuple[int, int]:
    """Letters and digits in ``text``, and how many of them rouge-score's ASCII tokenizer drops.

    ASCII text (most English text), and text whose only non-ASCII characters are not letters
    or digits (curly quotes, dashes), is counted at C speed: none of its letters is dropped.
    """
    if text.isascii() or not any(c.isalnum() for c in set(_NON_ASCII.findall(text))):
        return len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_ALNUM)), 0
    lowered = text.lower()
    alnum = sum(map(len, _ALNUM_RUN.findall(lowered)))
    return alnum, alnum - sum(map(len, _DEFAULT_KEPT.findall(lowered)))


def dropped_fraction(text: str | Sequence[str]) -> float:
    """Share of letters and digits that rouge-score's ASCII tokenizer would silently drop."""
    texts = [text] if isinstance(text, str) else text
    if all(t.isascii() for t in texts):  # nothing dropped, whatever the count of letters
        return 0.0
    counts = [letter_counts(t) for t in texts]
    alnum = sum(a for a, _ in counts)
    return sum(d for _, d in counts) / alnum if alnum else 0.0
