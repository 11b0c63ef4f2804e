"""Document ids that look equal but are not: what differs, and the opt-in normalisation.

``café`` typed on one machine is one code point (composed, NFC); copied from another it may
be ``e`` plus a combining accent (decomposed, NFD); ``x`` and ``x `` differ by a trailing
space. Both pairs print the same. Ids are compared exactly; when one is missing, the message
says what differs from the id that looks like it (:meth:`NearMatches.explain`) and offers
``--normalize-ids`` (:func:`normalize_id`: NFC, surrounding whitespace stripped), which a run
records in its metadata. Case is never folded: ``A1`` and ``a1`` may be different documents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

NORMALIZE_HINT = (
    "pass --normalize-ids (normalize_ids = true in a run file) to match ids after Unicode NFC "
    "and stripping surrounding whitespace"
)


def normalize_id(doc_id: str) -> str:
    """The id in Unicode NFC with surrounding whitespace stripped."""
    return unicodedata.normalize("NFC", doc_id).strip()


def shown(doc_id: str) -> str:
    """The id with every non-ASCII or invisible character escaped: ``'cafe\\u0301'``."""
    return ascii(doc_id)


def _form(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return "composed (NFC)"
    if unicodedata.is_normalized("NFD", text):
        return "decomposed (NFD)"
    return "neither NFC nor NFD"


def _space(text: str) -> str:
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    parts = [f"leading {lead!a}" if lead else "", f"trailing {trail!a}" if trail else ""]
    return " and ".join(p for p in parts if p) or "no surrounding whitespace"


def difference(mine: str, theirs: str) -> str:
    """What separates two ids that look alike (``mine`` is the one being checked): Unicode
    normalisation, surrounding whitespace, case; each side shown with escapes."""
    parts = []
    if mine.strip() != mine or theirs.strip() != theirs:
        parts.append(f"whitespace: {_space(mine)} vs {_space(theirs)}")
    if unicodedata.normalize("NFC", mine.strip()) == unicodedata.normalize("NFC", theirs.strip()):
        if mine.strip() != theirs.strip():
            parts.append(f"Unicode normalisation: {_form(mine)} vs {_form(theirs)}")
    elif normalize_id(mine).casefold() == normalize_id(theirs).casefold():
        parts.append("case")
    return f"{'; '.join(parts) or 'characters'} ({shown(mine)} vs {shown(theirs)})"


class NearMatches:
    """Known ids indexed by their normalised (and case-folded) forms, to explain a missing id."""

    def __init__(self, known: Iterable[str]) -> None:
        self._normal: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        for doc_id in known:
            self._normal.setdefault(normalize_id(doc_id), doc_id)
            self._folded.setdefault(normalize_id(doc_id).casefold(), doc_id)

    def find(self, doc_id: str) -> str | None:
        """A known id equal to ``doc_id`` after normalisation or case folding, if any."""
        key = normalize_id(doc_id)
        return self._normal.get(key) or self._folded.get(key.casefold())

    def explain(self, doc_id: str, where: str = "the reference set") -> str:
        """``""``, or why ``doc_id`` does not match the id of ``where`` that looks like it, and the fix."""
        near = self.find(doc_id)
        if near is None or near == doc_id:
            return ""
        same = normalize_id(near) == normalize_id(doc_id)
        fix = NORMALIZE_HINT if same else "ids are compared case-sensitively; correct one of the files"
        return f"; {where} has {near!r}, which differs in {difference(doc_id, near)}; {fix}"
