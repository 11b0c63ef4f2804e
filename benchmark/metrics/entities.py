"""Names a summary uses, checked against the article sentence by sentence, without a model.

Names are spaCy's named entities when spaCy and ``en_core_web_sm`` are installed (``ner=spacy``
forces it, ``ner=auto`` uses it when present), else capitalised word sequences: maximal runs of
capitalised words, a small stop list of capitalised function words left out, and the
sentence's first word only when the next one is capitalised too and the article never writes
it in lower case (``Dele Alli scored``, not ``Now A&E``). Names the article writes capitalised
are also found in a summary that is lower-cased (as many system outputs are). Role words that
lead a name (``Goalkeeper Harry Kane``) are not part of it.

A summary name is, against its article:

- **supported** when one article sentence holds it together with the summary sentence's
  other key words (content words, other names, numbers): an article sentence that holds the
  name shares at least half as many of them as the best article sentence of all does, or
  none of the best sentences holds a *rival*, a name the summary sentence does not mention
  (a sentence fused from several article sentences is not a swap);
- **weakly supported** when the article has the name only elsewhere while the sentence that
  holds the rest names someone or something else: a scorer's name swapped for another name
  of the same article, a team swapped for the other team;
- **unsupported** when no article sentence holds it.

A sentence holds a name when it holds all of the name's words, in any order within a short
span, so word-order variants match (``Corvane Regional Assembly`` / ``the regional assembly of
Corvane``); a one-word name matches a longer name of the article that contains it (``Kane`` /
``Harry Kane``); once the article names a surname, a sentence with it holds the full name
(``Paul Merson`` / ``Merson``). A **role change** is a role word (``striker``, ``goalkeeper``,
``mayor``...) the summary attaches to a name (``goalkeeper Kane``, ``Kane, the goalkeeper,``)
that no article sentence holding the name contains, while the article attaches another role
word to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from benchmark.core.errors import ConfigError
from benchmark.inputs.text import split_sentences

STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        "i a an the this that these those it its he she they we you his her their our my your him them "
        "mr mrs ms dr sir and or but if when while after before as at by for from in into of on to with "
        "click read see watch is are was were be been being has have had do does did not no so than then "
        "there here who whom whose which what where why how all any both each few more most other some "
        "such only own same too very can will just should now also would could may might must shall "
        "about above against between through during under again further once over out up down off "
        "said says say told tells new one two s",
    )
)
STOP_CAPITALISED = frozenset(
    re.findall(
        r"\w+",
        "i a an the this that these those it its he she they we you his her their our my your "
        "mr mrs ms dr sir monday tuesday wednesday thursday friday saturday sunday "
        "and or but if when while after before as at by for from in into of on to with "
        "click read see watch",
    )
)
ROLES = frozenset(
    re.findall(
        r"[\w-]+",
        "striker forward winger midfielder defender goalkeeper keeper centre-back full-back captain "
        "manager coach referee chairman owner president prime minister chancellor secretary senator "
        "governor mayor congressman congresswoman spokesman spokeswoman leader premier king queen "
        "prince princess ceo founder director actor actress singer rapper presenter model officer "
        "detective sergeant constable judge lawyer attorney prosecutor doctor surgeon nurse teacher "
        "professor student pilot soldier general colonel commander quarterback pitcher batsman bowler "
        "jockey trainer driver husband wife son daughter father mother brother sister boyfriend "
        "girlfriend",
    )
)
NER_MODES = ("auto", "heuristic", "spacy")
_CAP_WORD = re.compile(r"[A-Z][\w'’.-]*|[A-Z]")
_TOKEN = re.compile(r"[\w'’.-]+|[^\w\s]", re.UNICODE)
_SPACY_LABELS = frozenset(
    re.findall(r"\w+", "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE")
)
ROLE_WINDOW = 3  # words between a role word and its name


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


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens and commas, possessive ``'s`` and edge punctuation dropped."""
    out = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        token = token if token == "," else token.strip(".-'")
        if token.endswith("'s"):
            token = token[:-2]
        if token and (token[0].isalnum() or token == ","):
            out.append(token)
    return out


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessive ``'s`` and edge punctuation dropped."""
    return [t for t in tokens(text) if t != ","]


def capitalised_runs(sentence: str, plain: frozenset[str] = frozenset()) -> list[str]:
    """Maximal runs of capitalised words of one sentence; its first word only when the next
    word is capitalised too and the word is not in ``plain`` (words the article writes in
    lower case: ``Now A & E`` starts with a plain word), as any sentence starts capitalised."""
    found = []
    parts = _TOKEN.findall(sentence)
    capital = [bool(_CAP_WORD.fullmatch(t)) and t.lower().strip(".") not in STOP_CAPITALISED for t in parts]
    run: list[str] = []
    for position, token in enumerate([*parts, "."]):
        start_ok = position > 0 or (len(parts) > 1 and capital[1] and token.lower() not in plain)
        if position < len(parts) and capital[position] and start_ok:
            run.append(token)
            continue
        if run:
            found.append(re.sub(r"(?<=[a-z])\.$", "", " ".join(run)))
        run = []
    return found


def entities(text: str, backend: str = "heuristic") -> list[str]:
    """Named-entity-like spans of ``text`` in order (numbers are left to the quantity checks)."""
    if backend == "spacy":
        return [e.text for e in _spacy_model()(text).ents if e.label_ in _SPACY_LABELS]
    return [name for sentence in split_sentences(text) for name in capitalised_runs(sentence)]


def name_words(name: str) -> tuple[str, ...]:
    """The words a name is matched by (function words such as ``of`` and ``the`` left out)."""
    return tuple(w for w in words(name) if w not in STOP_CAPITALISED)


def strip_roles(name: tuple[str, ...]) -> tuple[str, ...]:
    """A name without the role words that lead it (``striker kane`` -> ``kane``)."""
    while name and name[0] in ROLES:
        name = name[1:]
    return name


def holds(sentence: Sequence[str], name: Sequence[str]) -> bool:
    """True when ``sentence`` (word tokens) holds every word of ``name`` within a short span."""
    if not name:
        return False
    span = 2 * len(name) + 2
    first = [i for i, w in enumerate(sentence) if w == name[0]]
    return any(set(name) <= set(sentence[max(0, i - span) : i + span]) for i in first)


@dataclass(frozen=True, slots=True)
class NameCheck:
    """One summary name, how the article supports it, and a role the article contradicts."""

    name: str
    support: str  # "supported", "weak" or "unsupported"
    role: str | None = None  # "goalkeeper (article: striker)"


@dataclass(frozen=True)
class ArticleNames:
    """An article's sentences as word lists, the names it writes capitalised, its role words."""

    sentences: tuple[tuple[str, ...], ...]
    lexicon: frozenset[tuple[str, ...]]
    surnames: frozenset[str]
    plain: frozenset[str]
    capitalised: frozenset[str]

    @classmethod
    def of(cls, text: str) -> ArticleNames:
        sentences = split_sentences(text)
        plain = frozenset(t for t in _TOKEN.findall(text) if t.islower())
        runs = [strip_roles(name_words(n)) for s in sentences for n in capitalised_runs(s, plain)]
        lexicon = frozenset(n for n in runs if n and not all(w in plain for w in n))
        surnames = frozenset(n[-1] for n in lexicon if len(n) > 1)
        capitalised = frozenset(w.lower() for w in _TOKEN.findall(text) if w[:1].isupper()) - plain
        return cls(tuple(tuple(tokens(s)) for s in sentences), lexicon, surnames, plain, capitalised)

    def containing(self, name: tuple[str, ...]) -> list[int]:
        """Indexes of the sentences that hold ``name``; once the article spells out a name of
        several words, or names its last word (a surname), a sentence with that last word holds
        it too (``Paul Merson`` / ``Merson``)."""
        direct = [i for i, s in enumerate(self.sentences) if holds(s, name)]
        known_surname = name[-1] in self.capitalised
        if len(name) > 1 and (direct or known_surname):
            return sorted(set(direct) | {i for i, s in enumerate(self.sentences) if name[-1] in s})
        return direct

    def roles(self, name: tuple[str, ...], where: list[int]) -> set[str]:
        """Role words the article attaches to ``name`` in the given sentences."""
        out: set[str] = set()
        for i in where:
            out |= attached_roles(list(self.sentences[i]), name)
        return out


def attached_roles(sentence: Sequence[str], name: Sequence[str]) -> set[str]:
    """Role words ``sentence`` (tokens with commas) attaches to ``name`` or its last word: a few
    words before it (``striker Harry Kane``, ``the Spurs striker Kane``), or after it behind a
    comma (``Kane, the Spurs striker,``); ``Spurs striker`` gives Spurs no role."""
    out: set[str] = set()
    n = len(name)
    for i in range(len(sentence)):
        if tuple(sentence[i : i + n]) == tuple(name):
            start, end = i, i + n
        elif sentence[i] == name[-1]:
            start, end = i, i + 1
        else:
            continue
        before = list(sentence[max(0, start - ROLE_WINDOW) : start])
        if "," in before:
            before = before[len(before) - before[::-1].index(",") :]
        after = (
            list(sentence[end + 1 : end + ROLE_WINDOW + 2])
            if end < len(sentence) and sentence[end] == ","
            else []
        )
        if "," in after:
            after = after[: after.index(",")]
        out |= {w for w in before + after if w in ROLES}
    return out


def summary_names(summary: str, article: ArticleNames, backend: str) -> list[tuple[str, int]]:
    """``(name, sentence index)`` for each name of the summary, as the summary writes it.

    A name is a capitalised run (with spaCy: an entity), a sentence-initial capitalised word
    when the next word is capitalised too (``Dele Alli scored``), or, in any case, a name the
    article writes capitalised (so lower-cased summaries are checked too). Role words that
    lead a run (``Goalkeeper Harry Kane``) are left out of the name."""
    found: list[tuple[str, int]] = []
    for index, sentence in enumerate(split_sentences(summary)):
        tokens = [t for t in _TOKEN.findall(sentence) if words(t)]
        low = [words(t)[0] for t in tokens]
        marked = [False] * len(tokens)
        pairs = zip(tokens, low, strict=True)
        capital = [bool(_CAP_WORD.fullmatch(t)) and w not in STOP_CAPITALISED for t, w in pairs]
        for i in range(len(tokens)):
            marked[i] = capital[i] and (
                i > 0 or (len(tokens) > 1 and capital[1] and low[0] not in article.plain)
            )
        if backend == "spacy":
            marked = [False] * len(tokens)
            for entity in entities(sentence, backend):
                _mark(low, name_words(entity), marked)
        for known in sorted(article.lexicon, key=len, reverse=True):
            _mark(low, known, marked)
        for i, token in enumerate(tokens):
            marked[i] = marked[i] or (token[0].isupper() and low[i] in article.surnames)
        run: list[int] = []
        for i in range(len(tokens) + 1):
            if i < len(tokens) and marked[i] and not (not run and low[i] in ROLES):
                run.append(i)
                continue
            if run and name_words(" ".join(low[j] for j in run)):
                found.append((re.sub(r"(?<=[a-z])\.$", "", " ".join(tokens[j] for j in run)), index))
            run = []
    return list(dict.fromkeys(found))


def _mark(tokens: Sequence[str], name: Sequence[str], marked: list[bool]) -> None:
    n = len(name)
    for i in range(len(tokens) - n + 1):
        if n and tuple(tokens[i : i + n]) == tuple(name):
            marked[i : i + n] = [True] * n


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


def key_words(sentence: str) -> set[str]:
    """Content words of a sentence (function words and one-letter words left out)."""
    return {w for w in words(sentence) if w not in STOP_WORDS and len(w) > 1}


def check_names(summary: str, article: ArticleNames, backend: str = "heuristic") -> list[NameCheck]:
    """Every distinct name of ``summary`` checked against ``article`` (see the module docstring)."""
    sentences = split_sentences(summary)
    out: dict[str, NameCheck] = {}
    for name, index in summary_names(summary, article, backend):
        own = name_words(name)
        where = article.containing(own)
        if not where:
            out.setdefault(name, NameCheck(name, "unsupported"))
            continue
        keys = key_words(sentences[index]) - set(own)
        said_words = set(words(sentences[index]))

        def rival(i: int, said: set[str] = said_words) -> bool:
            return any(holds(article.sentences[i], n) and not set(n) & said for n in article.lexicon)

        support = "supported" if supported_here(keys, where, article.sentences, rival) else "weak"
        role = None
        said = attached_roles(tokens(sentences[index]), own)
        if said:
            given = article.roles(own, where)
            missing = sorted(
                r for r in said if r not in given and not any(r in article.sentences[i] for i in where)
            )
            if missing and given:
                role = f"{missing[0]} (article: {', '.join(sorted(given))})"
        previous = out.get(name)
        if previous is not None:
            support = min(support, previous.support, key=_rank)
            role = previous.role or role
        out[name] = NameCheck(name, support, role)
    return list(out.values())


def supported_here(
    keys: set[str], where: Sequence[int], sentences: Sequence[Sequence[str]], rival: Callable[[int], bool]
) -> bool:
    """Whether a claim the article states in sentences ``where`` is stated there together with
    its summary sentence's other key words ``keys``: unless the article sentences sharing the
    most key words hold the claim (or at least half as many of them as the best do), the
    claim counts as stated elsewhere when one of those best sentences holds a *rival* (another
    name, another value of the same kind) that the summary sentence does not mention, the mark
    of a swap; sentences fused from several article sentences name no rival and stay supported."""
    overlap = [len(keys & set(s)) for s in sentences]
    best = max(overlap, default=0)
    mine = max((overlap[i] for i in where), default=0)
    if best == 0 or 2 * mine >= best:
        return True
    return not any(rival(i) for i, o in enumerate(overlap) if o == best)


def _rank(support: str) -> int:
    return {"unsupported": 0, "weak": 1, "supported": 2}[support]
