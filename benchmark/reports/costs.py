"""The cost and speed table every report shows: tokens, latency, truncation, throughput, money.

One function builds the rows (plain strings, user text not yet escaped) from
:meth:`benchmark.results.table.Results.system_figures`; the Markdown, HTML and terminal
reports escape and lay them out their own way.
"""

from __future__ import annotations

import math
from typing import Any

from benchmark.results.table import Results

HEADER = (
    "system", "summaries", "prompt tokens", "completion tokens", "latency p50", "latency p95",
    "truncated", "per minute", "cost", "per 1,000",
)
EVAL_HEADER = ("metric", "summaries", "requests", "prompt tokens", "completion tokens", "latency p50", "cost")


def _num(value: Any, digits: int = 0, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}{unit}"


def _money(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def _tokens(total: Any, mean: Any) -> str:
    return "—" if total is None else f"{total:,} ({_num(mean, 0)}/summary)"


def has_usage(figures: dict[str, dict[str, Any]]) -> bool:
    """True when any system reports tokens, per-request latency, truncation or a price."""
    return any(
        f["with_tokens"] or f["timing"] == "per request" or f["truncated_count"] or f["price"]
        for f in figures.values()
    )


def cost_rows(results: Results) -> list[list[str]]:
    """One row per system (see :data:`HEADER`); empty when no system called a model."""
    figures = results.system_figures()
    if not has_usage(figures):
        return []
    rows = []
    for system, f in figures.items():
        counted = " (counted)" if f["tokens_counted"] else ""
        rows.append([
            system,
            f"{f['summaries']}" + (f" ({f['cached']} cached)" if f["cached"] else ""),
            _tokens(f["prompt_tokens_total"], f["prompt_tokens"]) + counted,
            _tokens(f["completion_tokens_total"], f["completion_tokens"]),
            _num(f["latency_p50"], 2, " s"),
            _num(f["latency_p95"], 2, " s"),
            f"{f['truncated_count']} ({_num(f['truncated'], 0, '%')})",
            _num(f["per_minute"], 1),
            _money(f["cost"]),
            _money(f["cost_per_1k"]),
        ])
    return rows


def eval_cost_rows(results: Results) -> list[list[str]]:
    """The evaluation's own model calls (judge, claim checks), one row per metric, and one for
    the pairwise judge (its unit: a document-pair judged in both orders)."""
    rows = [
        [
            metric,
            str(f["summaries"]) + (f" ({f['cached']} cached)" if f["cached"] else ""),
            str(f["requests"]),
            f"{f['prompt_tokens_total']:,}",
            f"{f['completion_tokens_total']:,}",
            _num(f["latency_p50"], 2, " s"),
            _money(f["cost"]),
        ]
        for metric, f in results.evaluation_figures().items()
    ]
    if results.pairwise is not None:
        rows.append(_pairwise_row(results))
    return rows


def _pairwise_row(results: Results) -> list[str]:
    block = results.pairwise
    assert block is not None
    usage = block.usage
    latencies = sorted(v.latency for v in block.verdicts if v.latency is not None)
    p50 = latencies[len(latencies) // 2] if latencies else None
    cached = int(usage.get("cached_contests") or 0)
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return [
        f"pairwise judge {block.judge.name}",
        f"{len(block.verdicts)} document-pairs" + (f" ({cached} cached)" if cached else ""),
        str(usage.get("requests", 0)),
        "—" if prompt is None else f"{prompt:,}",
        "—" if completion is None else f"{completion:,}",
        _num(p50, 2, " s"),
        _money(usage.get("cost_usd")),
    ]


COST_NOTE = (
    "Tokens as the server counted them (\"counted\": with the model's tokenizer, the server sent "
    "none); latency of the request that succeeded, per summary; truncated: stopped at the token "
    "limit; per minute: at the run's concurrency; cost from the run's prices (dollars per million "
    "tokens). Cached summaries keep the numbers of the request that made them."
)
