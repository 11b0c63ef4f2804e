"""What reports show of a summary's faithfulness evidence (the ``faithfulness`` and ``claims``
metrics record it in results.json; nothing is recomputed here).

:func:`notes` turns one summary's evidence into :class:`FaithNotes` for the HTML drill-down;
:func:`flagged_rows` lists the summaries ``faith_flagged`` marked, with their evidence, for the
Markdown report. Plain strings only: the templates escape them (HTML) or the caller does
(Markdown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmark.results.table import Results

FAITHFULNESS_COLUMNS = ("faithfulness", "faith_", "summac", "claims_")
EVIDENCE_METRICS = ("faithfulness", "claims")


@dataclass(frozen=True, slots=True)
class FaithNotes:
    """One summary's evidence as reports show it."""

    numbers: tuple[str, ...]
    entities: tuple[str, ...]
    weak: tuple[str, ...]
    roles: tuple[str, ...]
    weakest: str | None
    weakest_support: float
    flagged: bool | None = None
    claims: tuple[tuple[str, str], ...] = ()  # (claim, verdict) from the claims metric
    checked: bool = True  # the faithfulness metric's evidence is there (numbers, names, sentence)


def wanted(columns: Sequence[str]) -> bool:
    """True when a run has a faithfulness column (so the drill-down shows the notes)."""
    return any(c.startswith(FAITHFULNESS_COLUMNS) for c in columns)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def notes(evidence: Mapping[str, Any] | None, claimed: Mapping[str, Any] | None = None) -> FaithNotes | None:
    """The notes for one summary from its ``faithfulness`` evidence (and its ``claims``
    evidence, when that metric ran); None without either."""
    if not evidence and not claimed:
        return None
    checked = bool(evidence)
    evidence = evidence or {}
    weakest = evidence.get("weakest_sentence")
    text = weakest.get("text") if isinstance(weakest, dict) else None
    support = weakest.get("support") if isinstance(weakest, dict) else None
    verdicts = []
    for item in (claimed or {}).get("claims", []) if isinstance((claimed or {}).get("claims"), list) else []:
        if isinstance(item, dict):
            verdicts.append((str(item.get("claim", "")), str(item.get("verdict", ""))))
    flagged = evidence.get("flagged")
    return FaithNotes(
        numbers=_strings(evidence.get("unsupported_numbers")),
        entities=_strings(evidence.get("unsupported_names")),
        weak=_strings(evidence.get("weakly_supported_names"))
        + _strings(evidence.get("weakly_supported_numbers")),
        roles=_strings(evidence.get("role_changes")),
        weakest=str(text) if isinstance(text, str) else None,
        weakest_support=float(support) if isinstance(support, int | float) else float("nan"),
        flagged=flagged if isinstance(flagged, bool) else None,
        claims=tuple(verdicts),
        checked=checked,
    )


def evidence_index(results: Results) -> dict[tuple[str, str, str], dict[str, Any]]:
    """``(doc_id, system, metric) -> evidence`` for the faithfulness metrics of a run."""
    frame = results.evidence
    if not len(frame):
        return {}
    rows = frame[frame["metric"].isin(EVIDENCE_METRICS)]
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for doc_id, system, metric, found in zip(
        rows["doc_id"], rows["system"], rows["metric"], rows["evidence"], strict=True
    ):
        if isinstance(found, dict):
            out[(str(doc_id), str(system), str(metric))] = found
    return out


def flagged_rows(results: Results, limit: int = 50) -> tuple[list[tuple[str, str, FaithNotes]], int]:
    """``(system, doc_id, notes)`` of the summaries ``faith_flagged`` marked (first ``limit``),
    and how many there are in all."""
    index = evidence_index(results)
    found = [
        (system, doc_id, notes(found, index.get((doc_id, system, "claims"))))
        for (doc_id, system, metric), found in index.items()
        if metric == "faithfulness" and found.get("flagged") is True
    ]
    shown = [(s, d, n) for s, d, n in found if n is not None]
    return shown[:limit], len(shown)
