"""What a summary states that a string check can verify: quantities and names, against the article.

Quantities (numbers, money, times, dates, ordinals, ranges) are normalised to values in
:mod:`benchmark.metrics.numbers`; names are checked sentence by sentence in
:mod:`benchmark.metrics.entities` (supported, weakly supported, unsupported, role changes).
:func:`check` runs both and returns a :class:`Claims`, whose :meth:`Claims.evidence` is the
JSON-ready part of a summary's evidence in results.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from benchmark.inputs.text import split_sentences
from benchmark.metrics import entities as names
from benchmark.metrics.numbers import ArticleQuantities, quantities

NUMBERS_SIGNATURE = "values:commas,per-cent,scales,words<100,money,times,dates,ordinals,ranges"
NAMES_SIGNATURE = "article-names,any-order,same-sentence-with-key-words,rival-swaps,roles"
NER_MODES = names.NER_MODES
ner_backend = names.ner_backend
entities = names.entities
STOP_CAPITALISED = names.STOP_CAPITALISED


@dataclass(frozen=True, slots=True)
class Claims:
    """A summary's quantities and names, with those the article does not support."""

    numbers: tuple[str, ...]
    unsupported_numbers: tuple[str, ...]
    entities: tuple[str, ...]
    unsupported_entities: tuple[str, ...]
    weak_entities: tuple[str, ...] = ()
    role_changes: tuple[str, ...] = ()
    weak_numbers: tuple[str, ...] = ()

    @property
    def number_support(self) -> float:
        """Share of the summary's quantities found in the article (1.0 when it states none)."""
        return 1.0 - len(self.unsupported_numbers) / len(self.numbers) if self.numbers else 1.0

    @property
    def entity_support(self) -> float:
        """Share of the summary's names found in the article, weakly supported ones included
        (1.0 when it names none)."""
        return 1.0 - len(self.unsupported_entities) / len(self.entities) if self.entities else 1.0

    @property
    def any_unsupported(self) -> bool:
        """A number or name the article lacks, or a role it does not give."""
        return bool(self.unsupported_numbers or self.unsupported_entities or self.role_changes)

    @property
    def any_weak(self) -> bool:
        """A number or name the article has only elsewhere."""
        return bool(self.weak_numbers or self.weak_entities)

    def evidence(self) -> dict[str, Any]:
        """The distinct unsupported quantities and names, weakly supported names, role changes."""
        return {
            "unsupported_numbers": list(dict.fromkeys(self.unsupported_numbers)),
            "weakly_supported_numbers": list(dict.fromkeys(self.weak_numbers)),
            "unsupported_names": list(dict.fromkeys(self.unsupported_entities)),
            "weakly_supported_names": list(dict.fromkeys(self.weak_entities)),
            "role_changes": list(dict.fromkeys(self.role_changes)),
        }


def numbers(text: str) -> list[tuple[str, str]]:
    """``(surface, kind:value)`` for every quantity in ``text``, in order."""
    return [(q.surface, f"{q.kind}:{q.value}{':' + q.unit if q.unit else ''}") for q in quantities(text)]


@lru_cache(maxsize=64)
def _article(text: str) -> tuple[ArticleQuantities, names.ArticleNames, tuple[ArticleQuantities, ...]]:
    """An article parsed once for every summary of it."""
    parts = split_sentences(text)
    return (
        ArticleQuantities.of(text),
        names.ArticleNames.of(text),
        tuple(ArticleQuantities.of(s) for s in parts),
    )


def check(summary: str, article: str, backend: str = "heuristic") -> Claims:
    """The summary's quantities and names, and those the article does not support."""
    stated, article_names, per_sentence = _article(article)
    found, weak = [], []
    for sentence in split_sentences(summary):
        here = quantities(sentence)
        found += here
        mentioned = {(q.kind, q.value) for q in here}
        for q in here:
            if not stated.supports(q):
                continue
            where = [i for i, a in enumerate(per_sentence) if a.supports(q)]
            keys = names.key_words(sentence) - set(names.words(q.surface))

            def rival(i: int, kind: str = q.kind, said: set[tuple[str, str]] = mentioned) -> bool:
                return any(k == kind and (k, v) not in said for k, v, _ in per_sentence[i].values)

            if not names.supported_here(keys, where, article_names.sentences, rival):
                weak.append(q.surface)
    checked = names.check_names(summary, article_names, backend)
    return Claims(
        numbers=tuple(q.surface for q in found),
        unsupported_numbers=tuple(q.surface for q in found if not stated.supports(q)),
        entities=tuple(c.name for c in checked),
        unsupported_entities=tuple(c.name for c in checked if c.support == "unsupported"),
        weak_entities=tuple(c.name for c in checked if c.support == "weak"),
        role_changes=tuple(f"{c.name}: {c.role}" for c in checked if c.role),
        weak_numbers=tuple(weak),
    )
