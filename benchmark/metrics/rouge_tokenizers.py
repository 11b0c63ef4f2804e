"""Tokenizers for ROUGE: rouge-score's ASCII default, and a Unicode-aware alternative.

Each reports its own part of the signature, as sacrebleu's tokenizers do.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nltk.stem import porter

_STEMMER = porter.PorterStemmer("ORIGINAL_ALGORITHM")
_ASCII_WORD = re.compile(r"^[a-z]+$")
_UNICODE_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]", re.UNICODE)
_DEFAULT_KEPT = re.compile(r"[a-z0-9]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")  # exactly str.isalnum() characters


@lru_cache(maxsize=1 << 18)
def porter_stem(token: str) -> str:
    """rouge-score's stemming rule: Porter (original algorithm) on tokens longer than 3."""
    return _STEMMER.stem(token) if len(token) > 3 else token


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


def dropped_fraction(text: str) -> float:
    """Share of letters and digits that rouge-score's ASCII tokenizer would silently drop."""
    lowered = text.lower()
    alnum = sum(map(len, _ALNUM_RUN.findall(lowered)))
    if not alnum:
        return 0.0
    kept = sum(map(len, _DEFAULT_KEPT.findall(lowered)))
    return (alnum - kept) / alnum
