"""``show``: a finished run's summaries, worst first, with their evidence, for a terminal, a CI
log or a ticket.

Summaries are ordered worst first by one column (``by``; default: the run's first headline
column), a flagged summary (a ``*_flagged`` column of 1, or evidence that says ``flagged``)
always before the unflagged ones; filters keep only flagged, truncated or failed summaries,
or one system. Each item carries the summary, its scores, its evidence (per metric, as
results.json holds it) and why it failed or was cut.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError
from benchmark.results.table import Results, load_results


@dataclass(frozen=True)
class ShownSummary:
    """One summary as ``show`` prints it."""

    doc_id: str
    system: str
    summary: str | None
    value: float | None
    flagged: bool
    scores: dict[str, float | None] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    finish_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Shown:
    """What ``show`` selected: the column it ordered by, its direction and the summaries."""

    column: str | None
    lower_is_worse: bool
    total: int
    items: list[ShownSummary]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "lower_is_worse": self.lower_is_worse, "total": self.total,
                "summaries": [i.to_dict() for i in self.items]}


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _flag_columns(results: Results) -> list[str]:
    return [c for c in results.metric_columns if c.endswith("_flagged")]


def show_run(
    run: str | Path,
    *,
    system: str | None = None,
    by: str | None = None,
    worst: int | None = None,
    flagged: bool = False,
    truncated: bool = False,
    failed: bool = False,
) -> Shown:
    """The summaries of the run at ``run`` (a folder or its results.json), selected and ordered."""
    results = load_results(run)
    if system is not None and system not in results.systems:
        raise ConfigError(f"no system {system!r} in {run}; systems: {', '.join(results.systems)}")
    columns = results.metric_columns
    column = by or (results.headline_columns[0] if results.headline_columns else None)
    if column is not None and column not in columns:
        raise ConfigError(f"--by names unknown column {column!r}; columns: {', '.join(columns) or 'none'}")
    if worst is not None and worst < 1:
        raise ConfigError(f"--worst must be at least 1, got {worst}")
    lower_is_worse = column is None or results.higher_is_better(column)
    wide = results.scores.pivot_table(
        index=["doc_id", "system"], columns="column", values="value", aggfunc="first"
    ) if len(results.scores) else None
    evidence: dict[tuple[str, str], dict[str, Any]] = {}
    for row in results.evidence.itertuples(index=False):
        evidence.setdefault((str(row.doc_id), str(row.system)), {})[str(row.metric)] = row.evidence
    flags = _flag_columns(results)
    items: list[ShownSummary] = []
    for row in results.summaries.itertuples(index=False):
        if system is not None and row.system != system:
            continue
        key = (str(row.doc_id), str(row.system))
        scores: dict[str, float | None] = {}
        if wide is not None and key in wide.index:
            scores = {c: _number(wide.at[key, c]) for c in wide.columns}
        proof = evidence.get(key, {})
        is_flagged = any((scores.get(c) or 0) >= 1 for c in flags) or any(
            isinstance(e, dict) and e.get("flagged") is True for e in proof.values()
        )
        error = row.error if isinstance(row.error, str) else None
        finish = row.finish_reason if isinstance(row.finish_reason, str) else None
        if (flagged and not is_flagged) or (truncated and finish != "length") or (failed and error is None):
            continue
        summary = row.summary if isinstance(row.summary, str) else None
        value = scores.get(column) if column else None
        items.append(ShownSummary(key[0], key[1], summary, value, is_flagged, scores, proof, error, finish))

    def order(item: ShownSummary) -> tuple[int, int, float]:
        missing = item.value is None
        value = 0.0 if item.value is None else (item.value if lower_is_worse else -item.value)
        return (0 if item.error else 1, 0 if item.flagged else 1, (-math.inf if missing else value))

    items.sort(key=order)
    return Shown(column, lower_is_worse, len(items), items[:worst] if worst else items)


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """Readable lines for a summary's evidence: non-empty lists, the weakest sentence, claims."""
    lines: list[str] = []
    for metric, proof in evidence.items():
        if not isinstance(proof, dict):
            continue
        for key, value in proof.items():
            label = key.replace("_", " ")
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                lines.append(f"{metric}: {label}: {'; '.join(value)}")
            elif key == "weakest_sentence" and isinstance(value, dict) and value.get("text"):
                support = value.get("support")
                shown = f" (support {100 * support:.1f})" if isinstance(support, int | float) else ""
                lines.append(f"{metric}: weakest sentence{shown}: {value['text']}")
            elif key == "claims" and isinstance(value, list):
                for claim in value:
                    if isinstance(claim, dict) and claim.get("verdict") != "supported":
                        lines.append(f"{metric}: claim {claim.get('verdict')}: {claim.get('claim')}")
            elif key == "risk" and isinstance(value, int | float):
                lines.append(f"{metric}: risk {value:.2f}")
    return lines
