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


class UnicodeTokenizer:
    """Lower-cased Unicode letters and digits; CJK as single characters; English-only stemming.

    Tokens made only of ASCII letters are stemmed with rouge-score's rule when ``use_stemmer``
    is on; every other script is left as it is.
    """

    def __init__(self, use_stemmer: bool) -> None:
        self.use_stemmer = use_stemmer

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens: list[str] = []
        for match in _UNICODE_TOKEN.findall(text):
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
