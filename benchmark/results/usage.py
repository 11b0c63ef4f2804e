"""What summaries cost, per system: tokens, latency, truncation, throughput and money.

Computed from the summaries table (each row carries the usage of the request that made it,
cached or not, so a rerun reports the same totals) and, for the evaluation's own model calls
(the judge, claim checks), from ``eval_usage``. Prices are per million tokens, given per model
(``--price MODEL=IN/OUT``): a price applies to a system whose name, or whose spec's ``model``
option, is MODEL.

Figures, in the units the tables show and gates read: ``prompt_tokens``, ``completion_tokens``
and ``tokens`` (means per summary), ``latency_p50`` / ``latency_p95`` (seconds per request),
``truncated`` (percent of summaries cut at the token limit), ``per_minute`` (summaries per
minute at the run's concurrency), ``cost`` (US dollars in all) and ``cost_per_1k`` (per 1,000
summaries).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark.results.prices import Price, price_for

FIGURES = (
    "prompt_tokens", "completion_tokens", "tokens", "latency_p50", "latency_p95", "truncated",
    "per_minute", "cost", "cost_per_1k",
)
"""Per-system figures a gate may bound (``--fail-over latency_p95=3``)."""
FIGURE_UNITS = {
    "truncated": "%", "cost": "$", "cost_per_1k": "$", "latency_p50": "s", "latency_p95": "s",
    "per_minute": "per minute", "prompt_tokens": "tokens", "completion_tokens": "tokens", "tokens": "tokens",
}


def _percentile(values: pd.Series, q: float) -> float:
    clean = values.dropna().astype(float)
    return float(np.percentile(clean, q)) if len(clean) else math.nan


def _mean(values: pd.Series) -> float:
    clean = values.dropna().astype(float)
    return float(clean.mean()) if len(clean) else math.nan


def system_figures(
    summaries: pd.DataFrame,
    systems: Sequence[str],
    prices: Sequence[Price] = (),
    models: Mapping[str, str | None] | None = None,
    concurrency: Mapping[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per system: counts, token totals and means, latency percentiles, truncation, throughput
    and, with a price, cost. ``models``: each system's model name (for prices);
    ``concurrency``: requests the system had in flight (default 1)."""
    out: dict[str, dict[str, Any]] = {}
    for system in systems:
        rows = summaries[summaries["system"] == system]
        ok = rows[rows["error"].isna()]
        prompt, completion = ok["prompt_tokens"], ok["completion_tokens"]
        latency = ok["latency"].where(ok["latency"].notna(), ok["seconds"])
        has_tokens = int((prompt.notna() | completion.notna()).sum())
        figures: dict[str, Any] = {
            "summaries": len(ok),
            "failed": int(rows["error"].notna().sum()),
            "cached": int(rows["cached"].eq(True).sum()),
            "with_tokens": has_tokens,
            "tokens_counted": int(ok["tokens_counted"].eq(True).sum()),
            "prompt_tokens_total": int(prompt.fillna(0).sum()) if has_tokens else None,
            "completion_tokens_total": int(completion.fillna(0).sum()) if has_tokens else None,
            "prompt_tokens": _mean(prompt),
            "completion_tokens": _mean(completion),
            "tokens": _mean(prompt.fillna(0) + completion.fillna(0)) if has_tokens else math.nan,
            "latency_p50": _percentile(latency, 50),
            "latency_p95": _percentile(latency, 95),
            "timing": "per request" if ok["latency"].notna().any() else (
                "measured" if (ok["timing"] == "measured").all() and len(ok) else "batch average"
            ),
            "truncated_count": int((ok["finish_reason"] == "length").sum()),
            "truncated": 100.0 * float((ok["finish_reason"] == "length").mean()) if len(ok) else math.nan,
        }
        mean_latency = _mean(latency)
        parallel = max(1, min((concurrency or {}).get(system, 1), max(len(ok), 1)))
        figures["per_minute"] = 60.0 * parallel / mean_latency if mean_latency > 0 else math.nan
        price = price_for(prices, [system, (models or {}).get(system)])
        if price is not None and has_tokens:
            tokens = (figures["prompt_tokens_total"], figures["completion_tokens_total"])
            total = price.cost(float(tokens[0]), float(tokens[1]))
            figures.update(price=str(price), cost=total, cost_per_1k=1000.0 * total / max(has_tokens, 1))
        else:
            figures.update(price=None, cost=math.nan, cost_per_1k=math.nan)
        out[system] = figures
    return out


def evaluation_figures(eval_usage: pd.DataFrame, prices: Sequence[Price] = (),
                       models: Mapping[str, str | None] | None = None) -> dict[str, dict[str, Any]]:
    """Per metric that called a model (judge, claim checks): requests, tokens, latency, cost."""
    out: dict[str, dict[str, Any]] = {}
    for metric in dict.fromkeys(eval_usage["metric"]) if len(eval_usage) else ():
        rows = eval_usage[eval_usage["metric"] == metric]
        prompt = float(rows["prompt_tokens"].fillna(0).sum())
        completion = float(rows["completion_tokens"].fillna(0).sum())
        figures: dict[str, Any] = {
            "summaries": len(rows),
            "requests": int(rows["requests"].fillna(0).sum()),
            "cached": int(rows["cached"].eq(True).sum()),
            "prompt_tokens_total": int(prompt),
            "completion_tokens_total": int(completion),
            "latency_p50": _percentile(rows["latency"], 50),
            "latency_p95": _percentile(rows["latency"], 95),
        }
        price = price_for(prices, [str(metric), (models or {}).get(str(metric))])
        figures["cost"] = price.cost(prompt, completion) if price else math.nan
        figures["price"] = str(price) if price else None
        out[str(metric)] = figures
    return out


def json_ready(figures: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Figures with NaN as null, for results.json."""
    return {
        name: {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}
        for name, values in figures.items()
    }
