"""A fast ROUGE core that gives rouge-score 0.1.2's numbers exactly.

Three things make it fast while keeping every float identical:

* each text is tokenized and stemmed once (a bounded memo keyed by the text, so a
  reference shared by many systems is analysed once), with Porter stems cached per word;
* n-gram overlaps come from Counters of the cached tokens;
* LCS lengths and LCS rows come from the bit-parallel algorithm of Hyyrö (2004), which
  gives the same dynamic-programming table as rouge-score's ``_lcs_table`` one row per
  Python integer, so its backtrack (and so ``rougeLsum``'s union LCS) is replicated step
  for step.

Scores are built with rouge-score's own ``Score`` tuple and ``fmeasure`` function from the
same integer counts, in the same order of operations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal, Protocol

from nltk.stem import porter
from rouge_score.scoring import Score, fmeasure

from benchmark.inputs.text import UnicodeTokenizer

TokenizerName = Literal["default", "unicode"]
Tokens = tuple[str, ...]

_NON_ALPHANUM = re.compile(r"[^a-z0-9]+")
_VALID_TOKEN = re.compile(r"^[a-z0-9]+$")
# rouge-score's DefaultTokenizer builds PorterStemmer() in its default (NLTK_EXTENSIONS) mode.
_DEFAULT_STEMMER = porter.PorterStemmer()
_ZERO = Score(precision=0, recall=0, fmeasure=0)
MEMO_SIZE = 4096


class _Tokenizer(Protocol):
    def tokenize(self, text: str) -> list[str]: ...


@lru_cache(maxsize=1 << 18)
def _default_stem(token: str) -> str | None:
    """rouge-score's per-word rule: stem words longer than 3, drop invalid results."""
    stem = _DEFAULT_STEMMER.stem(token) if len(token) > 3 else token
    return stem if _VALID_TOKEN.match(stem) else None


def default_tokenize(text: str, stemmer: bool) -> Tokens:
    """rouge-score's DefaultTokenizer: lower-case, keep ``[a-z0-9]`` runs, Porter-stem."""
    words = _NON_ALPHANUM.sub(" ", text.lower()).split()
    if not stemmer:
        return tuple(words)
    stems = [_default_stem(w) for w in words]
    return tuple(s for s in stems if s is not None)


class RougeText:
    """A text as ROUGE sees it: all tokens, tokens per line, and cached n-gram counts."""

    __slots__ = ("_masks", "_ngrams", "line_masks", "lines", "tokens")

    def __init__(self, lines: tuple[Tokens, ...]) -> None:
        self.lines = lines
        self.tokens: Tokens = tuple(t for line in lines for t in line)
        self._ngrams: dict[int, Counter[Any]] = {}
        self._masks: dict[str, int] | None = None
        self.line_masks = tuple(match_masks(line) for line in lines)

    def ngrams(self, n: int) -> Counter[Any]:
        """Counts of the text's n-grams (rouge-score's ``_create_ngrams``; unigrams keyed by the token)."""
        found = self._ngrams.get(n)
        if found is None:
            toks = self.tokens
            found = Counter(toks) if n == 1 else Counter(zip(*(toks[i:] for i in range(n)), strict=False))
            self._ngrams[n] = found
        return found

    @property
    def masks(self) -> dict[str, int]:
        if self._masks is None:
            self._masks = match_masks(self.tokens)
        return self._masks


def _tokenizer_for(name: TokenizerName, stemmer: bool) -> _Tokenizer | None:
    return None if name == "default" else UnicodeTokenizer(stemmer)


def analyse_text(text: str, tokenizer: TokenizerName = "default", stemmer: bool = True) -> RougeText:
    """Tokenize ``text`` once, as rouge-score does for every ROUGE type.

    Lines are rouge-score's ``rougeLsum`` sentences (``text.split("\\n")``, empty ones
    dropped). Tokens of the whole text equal the lines' tokens joined, because a newline
    is a token boundary for both tokenizers (checked against rouge-score in the tests).
    """
    lines = [line for line in text.split("\n") if len(line)]
    custom = _tokenizer_for(tokenizer, stemmer)
    if custom is None:
        return RougeText(tuple(default_tokenize(line, stemmer) for line in lines))
    return RougeText(tuple(tuple(custom.tokenize(line)) for line in lines))


analyse = lru_cache(maxsize=MEMO_SIZE)(analyse_text)
"""``analyse_text`` memoised (bounded): a text shared by many pairs is analysed once."""


def match_masks(tokens: Sequence[str]) -> dict[str, int]:
    """For each token, the bit set of its positions (linear time, also for long texts)."""
    if len(tokens) <= 512:
        masks: dict[str, int] = {}
        for j, tok in enumerate(tokens):
            masks[tok] = masks.get(tok, 0) | (1 << j)
        return masks
    positions: dict[str, list[int]] = {}
    for j, tok in enumerate(tokens):
        positions.setdefault(tok, []).append(j)
    size = (len(tokens) + 7) // 8
    masks = {}
    for tok, where in positions.items():
        bits = bytearray(size)
        for j in where:
            bits[j >> 3] |= 1 << (j & 7)
        masks[tok] = int.from_bytes(bits, "little")
    return masks


def lcs_rows(ref: Sequence[str], masks: dict[str, int], width: int) -> list[int]:
    """Bit rows of the LCS table of ``ref`` against a sequence of ``width`` tokens.

    Row ``i`` has a 0 bit at column ``j`` where the table grows, so
    ``table[i][j] == j - popcount(rows[i] & (2**j - 1))``.
    """
    full = (1 << width) - 1
    v = full
    rows = [v]
    for tok in ref:
        m = masks.get(tok)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
        rows.append(v)
    return rows


def lcs_length(ref: Sequence[str], masks: dict[str, int], width: int) -> int:
    """Length of the longest common subsequence (rouge-score's ``_lcs_table[-1][-1]``)."""
    if not ref or not width:
        return 0
    full = (1 << width) - 1
    v = full
    for tok in ref:
        m = masks.get(tok)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return width - v.bit_count()


def lcs_indices(ref: Sequence[str], can: Sequence[str], masks: dict[str, int]) -> list[int]:
    """rouge-score's ``lcs_ind``: the reference positions of the LCS its backtrack picks.

    The walk keeps ``remaining == table[i][j]``. A match steps diagonally and takes one.
    Otherwise rouge-score steps up unless ``table[i][j-1] > table[i-1][j]``; as one of the
    two equals ``table[i][j]``, it steps up exactly when ``table[i-1][j] == remaining``.
    Once it steps left in row ``i``, ``table[i-1][.]`` only falls, so it keeps stepping
    left until the next match of ``ref[i-1]``: that run is one jump here. When nothing
    remains, the rest of the walk meets no match, so it stops there.
    """
    if not ref or not can:
        return []
    rows = lcs_rows(ref, masks, len(can))
    i, j = len(ref), len(can)
    remaining = j - rows[i].bit_count()
    out: list[int] = []
    while remaining:
        tok = ref[i - 1]
        if tok == can[j - 1]:
            i -= 1
            j -= 1
            out.append(i)
            remaining -= 1
        elif j - (rows[i - 1] & ((1 << j) - 1)).bit_count() == remaining:
            i -= 1
        else:
            j = (masks[tok] & ((1 << (j - 1)) - 1)).bit_length()
    out.reverse()
    return out


def score_ngrams(target: RougeText, prediction: RougeText, n: int) -> Score:
    """rouge-score's ``_score_ngrams`` on cached counts."""
    t, p = target.ngrams(n), prediction.ngrams(n)
    small, large = (t, p) if len(t) <= len(p) else (p, t)
    overlap = sum(min(c, large[g]) for g, c in small.items() if g in large)
    precision = overlap / max(p.total(), 1)
    recall = overlap / max(t.total(), 1)
    return Score(precision=precision, recall=recall, fmeasure=fmeasure(precision, recall))


def score_lcs(target: RougeText, prediction: RougeText) -> Score:
    """rouge-score's ``_score_lcs`` (sentence-level rougeL)."""
    ref, can = target.tokens, prediction.tokens
    if not ref or not can:
        return _ZERO
    length = lcs_length(ref, prediction.masks, len(can))
    precision = length / len(can)
    recall = length / len(ref)
    return Score(precision=precision, recall=recall, fmeasure=fmeasure(precision, recall))


def score_summary_lcs(target: RougeText, prediction: RougeText) -> Score:
    """rouge-score's ``_summary_level_lcs`` (rougeLsum), union LCS and hit counting included."""
    if not target.lines or not prediction.lines:
        return _ZERO
    m, n = len(target.tokens), len(prediction.tokens)
    if not n or not m:
        return _ZERO
    counts_r = dict(target.ngrams(1))
    counts_c = dict(prediction.ngrams(1))
    hits = 0
    can_lines = list(zip(prediction.lines, prediction.line_masks, strict=True))
    for ref in target.lines:
        union: set[int] = set()
        for can, masks in can_lines:
            union.update(lcs_indices(ref, can, masks))
        for i in sorted(union):
            key = ref[i]
            if counts_c.get(key, 0) > 0 and counts_r.get(key, 0) > 0:
                hits += 1
                counts_c[key] -= 1
                counts_r[key] -= 1
    recall = hits / m
    precision = hits / n
    return Score(precision=precision, recall=recall, fmeasure=fmeasure(precision, recall))


_NGRAM_TYPE = re.compile(r"^rouge([0-9])$")


def score_pair(target: RougeText, prediction: RougeText, rouge_types: Sequence[str]) -> dict[str, Score]:
    """Scores for one (target, prediction) pair, as ``RougeScorer.score`` returns them."""
    out: dict[str, Score] = {}
    for rouge_type in rouge_types:
        if rouge_type == "rougeL":
            out[rouge_type] = score_lcs(target, prediction)
        elif rouge_type == "rougeLsum":
            out[rouge_type] = score_summary_lcs(target, prediction)
        elif (match := _NGRAM_TYPE.match(rouge_type)) and int(match.group(1)) > 0:
            out[rouge_type] = score_ngrams(target, prediction, int(match.group(1)))
        else:
            raise ValueError(f"invalid rouge type {rouge_type!r}")
    return out


class FastRougeScorer:
    """Drop-in for ``RougeScorer(types, use_stemmer=...)`` with memoised analysis."""

    def __init__(self, rouge_types: Sequence[str], tokenizer: TokenizerName = "default",
                 use_stemmer: bool = True) -> None:
        self.rouge_types = tuple(rouge_types)
        self.tokenizer: TokenizerName = tokenizer
        self.use_stemmer = use_stemmer

    def score(self, target: str, prediction: str) -> dict[str, Score]:
        return score_pair(
            analyse(target, self.tokenizer, self.use_stemmer),
            analyse(prediction, self.tokenizer, self.use_stemmer),
            self.rouge_types,
        )
