"""Runs over time: what ``sumbench history`` lists and draws, and its one-file HTML page.

A :class:`RunSummary` is one run as the listing shows it; a :class:`Trend` is one score column
across runs, split into :class:`Series`: the runs that share a dataset (fingerprint) and the
column's metric signature (its numbers part). Runs of different series are never joined by a
line: each series is its own panel. The page is one offline file (inline CSS and SVG, no
script, a Content-Security-Policy that forbids both); the template autoescapes every user
string, and the chart draws them as plain text (:func:`benchmark.reports.charts.chart`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from benchmark.reports.charts import chart
from benchmark.reports.format import fmt_ci, fmt_score
from benchmark.reports.plots import TrendLine, TrendPanel
from benchmark.reports.templating import environment

_ENV = environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 10)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run as the history lists it; ``means`` are raw (system -> column -> mean)."""

    path: str
    run_id: str
    created: str
    dataset: str
    fingerprint: str
    systems: tuple[str, ...]
    headline: tuple[str, ...]
    means: Mapping[str, Mapping[str, float]]
    scales: Mapping[str, float]
    gate_checks: int = 0
    gate_failures: int = 0

    @property
    def gates(self) -> str:
        """``no gates``, ``passed`` or ``failed: N of M checks``."""
        if not self.gate_checks:
            return "no gates"
        if not self.gate_failures:
            return "passed"
        return f"failed: {self.gate_failures} of {self.gate_checks} checks"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "run_id": self.run_id,
            "created": self.created,
            "dataset": {"name": self.dataset, "fingerprint": self.fingerprint},
            "systems": list(self.systems),
            "headline": list(self.headline),
            "means": {s: {c: _number(v) for c, v in cols.items()} for s, cols in self.means.items()},
            "scales": dict(self.scales),
            "gates": {
                "outcome": "none" if not self.gate_checks else "failed" if self.gate_failures else "passed",
                "checks": self.gate_checks,
                "failed": self.gate_failures,
            },
        }


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One system's mean of the column in one run, with its bootstrap CI (raw units)."""

    system: str
    n: int
    mean: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "n": self.n, "mean": _number(self.mean),
                "low": _number(self.low), "high": _number(self.high)}


@dataclass(frozen=True, slots=True)
class TrendRun:
    """One run in the trend: its series (None when it is not drawn), the column's signature
    there, its points, and why it is not comparable with the latest run (empty when it is)."""

    index: int
    run: RunSummary
    series: int | None
    signature: str
    scale: float
    seed: int
    resamples: int
    points: Mapping[str, TrendPoint]
    reasons: tuple[str, ...] = ()
    latest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run.run_id,
            "created": self.run.created,
            "path": self.run.path,
            "series": self.series,
            "latest": self.latest,
            "drawn": self.series is not None,
            "comparable": not self.reasons,
            "reasons": list(self.reasons),
            "signature": self.signature,
            "scale": self.scale,
            "seed": self.seed,
            "bootstrap": self.resamples,
            "points": [p.to_dict() for p in self.points.values()],
        }


@dataclass(frozen=True, slots=True)
class Series:
    """Runs that may be drawn as one line: one dataset fingerprint, one numbers signature."""

    number: int
    dataset: str
    fingerprint: str
    signature: str
    scale: float
    latest: bool
    runs: tuple[int, ...]


@dataclass(frozen=True)
class Trend:
    """One column across runs (oldest first), split into comparable series."""

    column: str
    system: str | None
    level: float
    systems: tuple[str, ...]
    runs: tuple[TrendRun, ...]
    series: tuple[Series, ...]

    def members(self, series: Series) -> list[TrendRun]:
        return [r for r in self.runs if r.index in series.runs]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each series with a line per system (raw means and CIs, and the scale)."""
        out = []
        for s in self.series:
            lines = []
            for system in self.systems:
                points = [
                    {"run_id": r.run.run_id, "created": r.run.created, "path": r.run.path,
                     **r.points[system].to_dict()}
                    for r in self.members(s)
                    if system in r.points
                ]
                if points:
                    lines.append({"system": system, "points": points})
            out.append({
                "series": s.number, "latest": s.latest,
                "dataset": {"name": s.dataset, "fingerprint": s.fingerprint},
                "signature": s.signature, "scale": s.scale, "lines": lines,
            })
        return {"column": self.column, "system": self.system, "level": self.level,
                "systems": list(self.systems), "series": out, "runs": [r.to_dict() for r in self.runs]}


def _unit(column: str, scale: float) -> str:
    return f"{column} (×{scale:g})" if scale != 1 else column


def distinct_fields(signatures: Sequence[str]) -> list[str]:
    """Per signature, its fields whose value differs among ``signatures`` (``stem:none``), so
    a panel says what sets its series apart without the whole signature."""
    parsed = [dict(f.partition(":")[::2] for f in sig.split("|")) if sig else {} for sig in signatures]
    keys = list(dict.fromkeys(k for fields in parsed for k in fields))
    varying = [k for k in keys if len({fields.get(k) for fields in parsed}) > 1]
    return [", ".join(f"{k}:{fields.get(k, '-')}" for k in varying) for fields in parsed]


def panels(trend: Trend) -> list[TrendPanel]:
    """The chart's panels: one per series, a line per system with a point in it."""
    out = []
    apart = distinct_fields([s.signature for s in trend.series])
    for s, fields in zip(trend.series, apart, strict=True):
        lines = []
        for colour, system in enumerate(trend.systems):
            pts = [(r.run.created, r.points[system], r.scale) for r in trend.members(s) if system in r.points]
            if pts:
                lines.append(TrendLine(
                    system, colour, tuple(d for d, _, _ in pts), tuple(k * p.mean for _, p, k in pts),
                    tuple(k * p.low for _, p, k in pts), tuple(k * p.high for _, p, k in pts),
                ))
        title = f"series {s.number}: {s.dataset} [{s.fingerprint[:12]}]" + (f", {fields}" if fields else "")
        title += " (the latest run's)" if s.latest else ""
        out.append(TrendPanel(title, _unit(trend.column, s.scale), tuple(lines)))
    return out


def _cell(point: TrendPoint | None, scale: float) -> dict[str, str]:
    if point is None:
        return {"mean": "—", "ci": ""}
    return {"mean": fmt_score(point.mean, scale), "ci": fmt_ci(point.low, point.high, scale)}


def render_history_html(trend: Trend, warnings: Sequence[str] = (), folders: Sequence[str] = ()) -> str:
    """The history page: the trend chart, the series and every run with its status."""
    drawn = [p for p in panels(trend) if p.lines]
    rows = [
        {"run": r, "cells": [_cell(r.points.get(s), r.scale) for s in trend.systems]} for r in trend.runs
    ]
    return _ENV.get_template("history.html.j2").render(
        trend=trend,
        chart=Markup(chart("trend_chart", drawn)) if drawn else None,
        level=f"{100 * trend.level:g}",
        rows=rows,
        warnings=list(warnings),
        folders=list(folders),
    )
