"""Numbers and named-entity-like spans of a summary, checked against its article without a model.

Numbers are normalised to a value before comparison: ``1,000`` = ``1000``, ``5%`` =
``5 per cent`` = ``5 percent`` (the per-cent marker is dropped, the value kept), ``1.5
million`` = ``1,500,000``, and spelled-out numbers up to ninety-nine (``twenty-one``) as
well as ``hundred``/``thousand``/``million``/``billion`` multipliers are read as values.
A summary number is supported when its value occurs among the article's values.

Entities are spaCy's named entities when spaCy and ``en_core_web_sm`` are installed
(``ner=spacy`` forces it, ``ner=auto`` uses it when present), else capitalised word
sequences: maximal runs of capitalised words, with the sentence's first word dropped
(capitalised anyway) and a small stop list of capitalised function words. An entity is
supported when its words occur consecutively (case-insensitively, possessive ``'s``
dropped) in the article. Both checks are cheap and deterministic, so reports recompute
the unsupported lists per document from the summary and the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from benchmark.core.errors import ConfigError
from benchmark.inputs.text import split_sentences

_UNITS = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen",
)
_TENS = re.findall(r"\w+", "twenty thirty forty fifty sixty seventy eighty ninety")
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
WORD_VALUES |= {w: 20 + 10 * i for i, w in enumerate(_TENS)}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000, "trillion": 1_000_000_000_000}
_WORD_NUMBER = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:{_WORD_NUMBER})(?:[-\s](?:{_WORD_NUMBER}))?\b)"
    r"(?P<scale>\s*(?:hundred|thousand|million|billion|trillion|bn)\b|(?:m|bn|k)\b)?"
    r"(?P<pct>\s*(?:%|per\s?cent\b|percent\b))?",
    re.IGNORECASE,
)
STOP_CAPITALISED = frozenset(re.findall(
    r"\w+",
    "i a an the this that these those it its he she they we you his her their our my your "
    "mr mrs ms dr sir monday tuesday wednesday thursday friday saturday sunday "
    "and or but if when while after before as at by for from in into of on to with "
    "click read see watch",
))
_CAP_WORD = re.compile(r"[A-Z][\w'’.-]*|[A-Z]")
_TOKEN = re.compile(r"[\w'’.-]+|[^\w\s]", re.UNICODE)
NER_MODES = ("auto", "heuristic", "spacy")


@dataclass(frozen=True, slots=True)
class Claims:
    """What a summary states that can be checked: numbers and entities, with the unsupported ones."""

    numbers: tuple[str, ...]
    unsupported_numbers: tuple[str, ...]
    entities: tuple[str, ...]
    unsupported_entities: tuple[str, ...]

    @property
    def number_support(self) -> float:
        """Share of the summary's numbers found in the article (1.0 when it states none)."""
        return 1.0 - len(self.unsupported_numbers) / len(self.numbers) if self.numbers else 1.0

    @property
    def entity_support(self) -> float:
        """Share of the summary's entities found in the article (1.0 when it names none)."""
        return 1.0 - len(self.unsupported_entities) / len(self.entities) if self.entities else 1.0


def _word_value(text: str) -> int | None:
    parts = re.split(r"[-\s]+", text.lower())
    if len(parts) == 2 and parts[0] in _TENS and WORD_VALUES.get(parts[1], 10) < 10:
        return WORD_VALUES[parts[0]] + WORD_VALUES[parts[1]]
    if len(parts) == 1 and parts[0] in WORD_VALUES:
        return WORD_VALUES[parts[0]]
    return None


def numbers(text: str) -> list[tuple[str, str]]:
    """``(surface, normalised value)`` for every number in ``text``, in order."""
    out = []
    for match in _NUMBER.finditer(text):
        raw = match.group("num")
        if raw[0].isdigit():
            try:
                value = Decimal(raw.replace(",", ""))
            except InvalidOperation:
                continue
        else:
            word = _word_value(raw)
            if word is None:  # "twenty two" read as one span that is not a number: take its head
                word = _word_value(re.split(r"[-\s]+", raw)[0])
            if word is None:
                continue
            value = Decimal(word)
        scale = (match.group("scale") or "").strip().lower()
        if scale:
            value *= SCALES[scale]
        out.append((match.group(0).strip(), _canonical(value)))
    return out


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=1)
def _spacy_model() -> Any:
    try:
        import spacy  # type: ignore[import-not-found,unused-ignore]

        return spacy.load("en_core_web_sm", disable=["lemmatizer"])
    except (ImportError, OSError):
        return None


def ner_backend(mode: str) -> str:
    """``spacy`` or ``heuristic``: what ``mode`` resolves to here (an error when spacy is forced
    but missing)."""
    if mode not in NER_MODES:
        raise ConfigError(f"ner must be one of {', '.join(NER_MODES)}, got {mode!r}")
    if mode == "heuristic":
        return "heuristic"
    if _spacy_model() is not None:
        return "spacy"
    if mode == "spacy":
        raise ConfigError("ner=spacy needs spaCy and its en_core_web_sm model installed")
    return "heuristic"


_SPACY_LABELS = frozenset(
    re.findall(r"\w+", "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE")
)


def entities(text: str, backend: str = "heuristic") -> list[str]:
    """Named-entity-like spans of ``text`` in order (numbers are left to :func:`numbers`)."""
    if backend == "spacy":
        return [e.text for e in _spacy_model()(text).ents if e.label_ in _SPACY_LABELS]
    found = []
    for sentence in split_sentences(text):
        tokens = _TOKEN.findall(sentence)
        run: list[str] = []
        for position, token in enumerate([*tokens, "."]):
            capital = bool(_CAP_WORD.fullmatch(token)) and token.lower().strip(".") not in STOP_CAPITALISED
            if capital and position > 0:
                run.append(token)
                continue
            if run:
                found.append(re.sub(r"(?<=[a-z])\.$", "", " ".join(run)))
            run = []
    return found


def _words(text: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        token = token.strip(".-'")
        if token.endswith("'s"):
            token = token[:-2]
        if token and (token[0].isalnum()):
            out.append(token)
    return out


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def check(summary: str, article: str, backend: str = "heuristic") -> Claims:
    """The summary's numbers and entities, and those not found in the article."""
    article_values = {value for _, value in numbers(article)}
    found_numbers = numbers(summary)
    article_words = _words(article)
    found_entities = [e for e in entities(summary, backend) if _words(e)]
    return Claims(
        numbers=tuple(s for s, _ in found_numbers),
        unsupported_numbers=tuple(s for s, v in found_numbers if v not in article_values),
        entities=tuple(found_entities),
        unsupported_entities=tuple(e for e in found_entities if not _contains(article_words, _words(e))),
    )
