"""The spans of a summary that its evidence names, to be marked inside the summary's text.

Evidence is whatever metrics return per summary (results.json ``evidence`` rows): every list
of strings in it is a list of spans as the summary writes them (``unsupported_numbers``,
``weakly_supported_names``, ``role_changes``, or any list a plugin returns). Each string is
looked up in the summary, every occurrence, whole words only (a ``3`` is not marked inside
``13``), case-sensitively first and case-insensitively when that finds nothing. Overlapping
spans keep the most serious kind: unsupported, then role changes, then weakly supported,
then anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from benchmark.reports.support import utf16

KINDS = ("unsupported", "role", "weak", "note")
"""Mark kinds, most serious first; the viewer's script names its CSS classes in this order."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to mark: UTF-16 offsets in the summary, its kind (index in KINDS) and label."""

    start: int
    end: int
    kind: int
    label: str


def kind_of(key: str) -> int:
    """The kind of an evidence list by its key: ``unsupported_*``, ``role_*``, ``weakly_*`` or other."""
    key = key.lower()
    if key.startswith("unsupported"):
        return 0
    if key.startswith("role"):
        return 1
    if key.startswith(("weak", "weakly")):
        return 2
    return 3


def span_lists(evidence: Mapping[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """``(key, strings)`` for every list of strings in the evidence of one summary.

    ``evidence`` maps a metric to its evidence object (as results.json holds it); non-objects
    and lists holding anything but strings are skipped."""
    for proof in evidence.values():
        if not isinstance(proof, Mapping):
            continue
        for key, value in proof.items():
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                yield str(key), [v for v in value if v.strip()]


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    needle = needle.strip()
    left = r"(?<!\w)" if re.match(r"\w", needle) else ""
    right = r"(?!\w)" if re.search(r"\w$", needle) else ""
    pattern = left + re.escape(needle) + right
    found = [m.span() for m in re.finditer(pattern, text)]
    return found or [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


def marks(summary: str, evidence: Mapping[str, Any]) -> list[Mark]:
    """Non-overlapping marks for every evidence span found in ``summary``, in text order."""
    wanted: list[tuple[int, int, int, str]] = []
    for key, strings in span_lists(evidence):
        kind = kind_of(key)
        label = key.replace("_", " ")
        for string in dict.fromkeys(strings):
            wanted.extend((start, end, kind, label) for start, end in _occurrences(summary, string))
    kept: list[tuple[int, int, int, str]] = []
    for start, end, kind, label in sorted(wanted, key=lambda w: (w[2], w[0], -(w[1] - w[0]))):
        if start < end and all(end <= s or start >= e for s, e, _, _ in kept):
            kept.append((start, end, kind, label))
    to16 = utf16(summary)
    return [Mark(to16(s), to16(e), k, label) for s, e, k, label in sorted(kept)]
