"""The pairwise section of the reports, as plain values: ranking, win-rate matrix, biases, documents.

Both the Markdown and the HTML report render these; every string in them is raw (the HTML
template autoescapes it, the Markdown renderer escapes it), and every number comes from the
``pairwise`` block of results.json as stored: nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmark.results.pairwise import PairRecord, Pairwise, Share, VerdictRow
from benchmark.results.table import Results

MAX_CONTESTS = 300  # document-pairs shown side by side in the HTML report


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """Row system's win rate against the column system (ties half), oriented for the row."""

    rate: float | None
    low: float | None
    high: float | None
    record: str  # wins-losses-ties/inconsistent, for the row

    @property
    def background(self) -> str:
        """A CSS colour from red (0) through white (0.5) to green (1); grey without a rate."""
        if self.rate is None:
            return "#eaeef2"
        hue = 0 if self.rate < 0.5 else 130
        light = 97 - 40 * abs(self.rate - 0.5) * 2
        return f"hsl({hue}, 65%, {light:.0f}%)"


def oriented(record: PairRecord, row: str) -> tuple[Share, str]:
    """``record``'s win rate and win-loss-draw counts seen from ``row`` (a or b of the pair)."""
    share = record.win_rate_a
    draws = record.ties + record.inconsistent
    if row == record.a:
        return share, f"{record.a_wins}-{record.b_wins}-{draws}"
    flip = Share(
        None if share.value is None else 1 - share.value,
        None if share.high is None else 1 - share.high,
        None if share.low is None else 1 - share.low,
    )
    return flip, f"{record.b_wins}-{record.a_wins}-{draws}"


def win_matrix(block: Pairwise) -> list[tuple[str, list[MatrixCell | None]]]:
    """Rows and columns in ranking order (strongest first): each row system against each column."""
    ranked = [r.system for r in block.ranking]
    order = ranked + [s for s in block.systems if s not in set(ranked)]
    rows = []
    for a in order:
        cells: list[MatrixCell | None] = []
        for b in order:
            record = block.pair(a, b) if a != b else None
            if record is None:
                cells.append(None)
                continue
            share, counts = oriented(record, a)
            cells.append(MatrixCell(share.value, share.low, share.high, counts))
        rows.append((a, cells))
    return rows


def describe_order(verdict: str | None, shown_first: str, shown_second: str) -> str:
    """``a`` / ``b`` / ``tie`` / ``failed`` named by system for one order's verdict."""
    if verdict is None:
        return "no verdict"
    return {"A": shown_first, "B": shown_second}.get(verdict, "tie")


def _probability(probs: Sequence[float] | None) -> str:
    if not probs:
        return ""
    return f"P(A) {probs[0]:.2f}, P(B) {probs[1]:.2f}, P(tie) {probs[2]:.2f}"


def contests(
    results: Results, records: Sequence[dict[str, Any]], limit: int = MAX_CONTESTS
) -> list[dict[str, Any]]:
    """Per document: the article (from ``records``), and per pair the two summaries with the
    verdict of each order; the first ``limit`` document-pairs."""
    block = results.pairwise
    if block is None:
        return []
    documents = {str(d["id"]): d for d in records}
    summaries = {
        (str(r.doc_id), str(r.system)): r.summary for r in results.summaries.itertuples()
        if isinstance(r.summary, str)
    }
    by_doc: dict[str, list[VerdictRow]] = {}
    for row in block.verdicts[:limit]:
        by_doc.setdefault(row.doc_id, []).append(row)
    out = []
    for doc_id, rows in by_doc.items():
        doc = documents.get(doc_id, {})
        out.append({
            "id": doc_id,
            "title": doc.get("title"),
            "text": doc.get("text"),
            "pairs": [
                {
                    "a": r.a,
                    "b": r.b,
                    "summary_a": summaries.get((doc_id, r.a), ""),
                    "summary_b": summaries.get((doc_id, r.b), ""),
                    "outcome": {"a": f"{r.a} wins", "b": f"{r.b} wins"}.get(r.outcome, r.outcome),
                    "cls": r.outcome,
                    "orders": [
                        {"first": r.a, "verdict": describe_order(r.verdict_ab, r.a, r.b),
                         "answer": r.answer_ab, "error": r.error_ab, "p": _probability(r.p_ab)},
                        {"first": r.b, "verdict": describe_order(r.verdict_ba, r.b, r.a),
                         "answer": r.answer_ba, "error": r.error_ba, "p": _probability(r.p_ba)},
                    ],
                }
                for r in rows
            ],
        })
    return out


def percent(share: Share) -> str:
    """A share as ``62.5`` (a dash when absent)."""
    return "—" if share.value is None else f"{100 * share.value:.1f}"


def percent_ci(share: Share) -> str:
    """A share's CI as ``[50.0, 75.0]`` (empty when absent)."""
    if share.low is None or share.high is None:
        return ""
    return f"[{100 * share.low:.1f}, {100 * share.high:.1f}]"
