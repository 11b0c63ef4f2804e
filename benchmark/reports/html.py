"""HTML report: one self-contained file (inline CSS and SVG, one inline script, no external URL).

Leaderboard with CIs and significance markers, a dot-and-interval chart per metric,
per-document score distributions, length against score, the pairwise significance matrix,
the summary viewer (:mod:`benchmark.reports.viewer`: every summary, sortable and filterable,
two systems side by side) and a drill-down per article with its references and every
summary, the words in bigrams shared with a reference highlighted. The template autoescapes;
the only markup inserted as-is is matplotlib's SVG, the highlighter's output (both built from
escaped text) and the viewer's data (JSON with every ``<`` escaped, or base64) and script. A
Content-Security-Policy forbids remote loads and every script but the viewer's (by its hash)
even if something slipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup

from benchmark.inputs.text import count_words
from benchmark.reports import faithmarks, pairwise_view
from benchmark.reports.charts import chart
from benchmark.reports.costs import COST_NOTE, EVAL_HEADER, cost_rows, eval_cost_rows
from benchmark.reports.costs import HEADER as COST_HEADER
from benchmark.reports.format import fmt_ci, fmt_delta, fmt_n, fmt_p, fmt_score
from benchmark.reports.highlight import N as NGRAM_N
from benchmark.reports.highlight import shared_bigram_marks
from benchmark.reports.templating import environment
from benchmark.reports.viewer import COMPRESS_OVER, build_viewer
from benchmark.results.table import Results, resolve_documents
from benchmark.stats.analysis import Analysis
from benchmark.stats.resampling import Interval

MAX_DOCUMENTS = 200

_ENV = environment(
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One leaderboard cell."""

    mean: str
    ci: str
    best: bool
    below_best: bool


def _values(results: Results, analysis: Analysis) -> dict[tuple[str, str], np.ndarray]:
    out = {}
    for metric in analysis.columns:
        wide = results.wide(metric)
        for system in analysis.systems:
            out[(system, metric)] = wide[system].dropna().to_numpy() if system in wide else np.array([])
    return out


def _length_points(
    results: Results, analysis: Analysis
) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    ok = results.summaries[results.summaries["error"].isna()] if len(results.summaries) else results.summaries
    lengths = {
        (str(r.system), str(r.doc_id)): count_words(r.summary)
        for r in ok.itertuples()
        if isinstance(r.summary, str)
    }
    points = {}
    for metric in analysis.columns:
        wide = results.wide(metric)
        for system in analysis.systems:
            if system not in wide:
                continue
            series = wide[system].dropna()
            keep = [(lengths[(system, str(d))], v) for d, v in series.items() if (system, str(d)) in lengths]
            points[(system, metric)] = (np.array([k for k, _ in keep]), np.array([v for _, v in keep]))
    return points


def leaderboard(
    analysis: Analysis, descriptive: frozenset[str] = frozenset(), total: int = 0
) -> list[tuple[str, list[Cell]]]:
    """Rows of cells; descriptive columns (length, extractiveness) are never marked best or below
    it; a mean over fewer than ``total`` documents says its n."""
    rows = []
    for system in analysis.systems:
        cells = []
        for metric in analysis.columns:
            ci = analysis.ci(system, metric)
            if ci is None:
                cells.append(Cell("—", "", False, False))
                continue
            cells.append(
                Cell(
                    fmt_score(ci.mean, analysis.scale(metric)),
                    fmt_ci(ci.low, ci.high, analysis.scale(metric)) + fmt_n(ci.n, total),
                    metric not in descriptive and analysis.best(metric) == system,
                    metric not in descriptive and analysis.below_best(system, metric),
                )
            )
        rows.append((system, cells))
    return rows


def _score_columns(results: Results, analysis: Analysis) -> list[str]:
    """Columns worth plotting against summary length: not the length metric's own counts."""
    return [c for c in analysis.columns if (m := results.metadata.metric_of(c)) is None or m.name != "length"]


def worst_documents(results: Results, analysis: Analysis, limit: int = MAX_DOCUMENTS) -> dict[str, Any]:
    """Documents ordered by the first headline column, worst first, with each system's score.

    The report has no script (its policy forbids them), so this table is the sorted view of
    the drill-down: each row links to its article.
    """
    columns = [c for c in analysis.columns if not results.descriptive(c)]
    if not columns or not len(results.scores):
        return {"column": None, "rows": []}
    column = columns[0]
    wide = results.wide(column)
    anchors = {d["id"]: i for i, d in enumerate(results.documents[:limit], start=1)}
    order = wide.mean(axis=1).sort_values(ascending=analysis.higher_is_better.get(column, True) is not False)
    rows = []
    for doc_id, mean in order.head(limit).items():
        cells = [
            fmt_score(float(wide[s].get(doc_id, math.nan)) if s in wide else math.nan, analysis.scale(column))
            for s in analysis.systems
        ]
        rows.append(
            {
                "id": doc_id,
                "anchor": anchors.get(doc_id),
                "mean": fmt_score(float(mean), analysis.scale(column)),
                "cells": cells,
            }
        )
    return {"column": column, "rows": rows}


def significance_matrix(
    analysis: Analysis, metric: str, descriptive: bool = False
) -> list[tuple[str, list[dict[str, str] | None]]]:
    """Rows a, columns b: the difference a - b x100, its adjusted p and a CSS class; a
    descriptive column (length, extractiveness) has no better side, so its significant
    differences are marked as differences, never as better or worse."""
    rows = []
    for a in analysis.systems:
        cells: list[dict[str, str] | None] = []
        for b in analysis.systems:
            pair = analysis.pair(metric, a, b) if a != b else None
            if pair is None:
                cells.append(None)
                continue
            better = (
                pair.test.diff.mean > 0
                if analysis.higher_is_better.get(metric, True)
                else pair.test.diff.mean < 0
            )
            cls = "ns" if not pair.significant else "sig-differs" if descriptive else (
                "sig-better" if better else "sig-worse"
            )
            cells.append(
                {
                    "diff": fmt_delta(pair.test.diff.mean, analysis.scale(metric)),
                    "p": fmt_p(pair.p_adjusted),
                    "cls": cls,
                }
            )
        rows.append((a, cells))
    return rows


def drilldown(
    results: Results, analysis: Analysis, limit: int, records: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Per article: text, references, and every system's summary (highlighted) with its scores."""
    documents = {d["id"]: d for d in (results.documents if records is None else records)}
    order = list(documents) or list(dict.fromkeys(results.summaries["doc_id"]))
    scores = {column: results.wide(column).stack().to_dict() for column in analysis.columns}
    by_doc: dict[str, list[Any]] = {}
    for r in results.summaries.itertuples():
        by_doc.setdefault(str(r.doc_id), []).append(r)
    out = []
    show_faith = faithmarks.wanted(analysis.columns)
    evidence = faithmarks.evidence_index(results) if show_faith else {}
    for doc_id in order[:limit]:
        doc = documents.get(doc_id, {})
        refs = [str(r) for r in doc.get("references", [])]
        systems = []
        for r in by_doc.get(doc_id, []):
            summary = r.summary if isinstance(r.summary, str) else None
            cells = []
            for metric in analysis.columns:
                value = float(scores[metric].get((doc_id, r.system), math.nan))
                cells.append(fmt_score(value, analysis.scale(metric)))
            systems.append(
                {
                    "name": r.system,
                    "index": analysis.systems.index(r.system) + 1 if r.system in analysis.systems else 0,
                    "summary": shared_bigram_marks(summary, refs) if summary is not None else None,
                    "error": None if summary is not None else str(r.error),
                    "scores": cells,
                    "faith": faithmarks.notes(
                        evidence.get((doc_id, str(r.system), "faithfulness")),
                        evidence.get((doc_id, str(r.system), "claims")),
                    )
                    if summary is not None
                    else None,
                }
            )
        out.append(
            {
                "id": doc_id,
                "title": doc.get("title"),
                "text": doc.get("text"),
                "references": refs,
                "systems": systems,
            }
        )
    return out


def pairwise_section(results: Results, records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the pairwise section shows: the stored block, the ranking chart, the win-rate
    matrix and the documents side by side (None when the run was not judged pairwise)."""
    block = results.pairwise
    if block is None:
        return None
    chart_svg = None
    if block.ranking:
        intervals = [
            Interval(r.battles, r.strength, r.low if r.low is not None else math.nan,
                     r.high if r.high is not None else math.nan)
            for r in block.ranking
        ]
        systems = [r.system for r in block.ranking]
        title = "Bradley-Terry strength (log-odds)"
        chart_svg = Markup(chart("interval_chart", title, systems, intervals, 1.0))
    return {
        "block": block,
        "chart": chart_svg,
        "matrix": pairwise_view.win_matrix(block),
        "contests": pairwise_view.contests(results, records),
        "shown": min(len(block.verdicts), pairwise_view.MAX_CONTESTS),
        "percent": pairwise_view.percent,
        "percent_ci": pairwise_view.percent_ci,
    }


def render_html(
    results: Results,
    analysis: Analysis,
    max_documents: int = MAX_DOCUMENTS,
    *,
    viewer_compress_over: int = COMPRESS_OVER,
) -> str:
    """The full HTML report of a run as one string (charts through :func:`charts.chart`,
    which draws labels as plain text; the viewer's data compressed over ``viewer_compress_over``
    bytes of JSON)."""
    values = _values(results, analysis)
    has_scores = bool(analysis.systems and analysis.columns)
    bars = (
        [
            (
                m,
                Markup(
                    chart(
                        "interval_chart",
                        m,
                        analysis.systems,
                        [analysis.cis[(s, m)] for s in analysis.systems],
                        analysis.scale(m),
                    )
                ),
            )
            for m in analysis.columns
        ]
        if has_scores
        else []
    )
    records, missing = resolve_documents(results)
    n_docs = len(records) or results.summaries["doc_id"].nunique()
    return _ENV.get_template("report.html.j2").render(
        meta=results.metadata,
        analysis=analysis,
        level=f"{100 * analysis.options.level:g}",
        leaderboard=leaderboard(
            analysis,
            frozenset(c for c in analysis.columns if results.descriptive(c)),
            len(results.document_ids),
        ),
        worst=worst_documents(results, analysis),
        failed={s.name: s.failed for s in results.metadata.systems},
        bars=bars,
        distributions=Markup(
            chart("distributions", analysis.columns, analysis.systems, values, analysis.scales)
        )
        if has_scores
        else None,
        lengths=Markup(
            chart(
                "length_scatter",
                _score_columns(results, analysis),
                analysis.systems,
                _length_points(results, analysis),
                analysis.scales,
            )
        )
        if has_scores and _score_columns(results, analysis)
        else None,
        matrices=[(m, significance_matrix(analysis, m, results.descriptive(m))) for m in analysis.columns]
        if len(analysis.systems) > 1
        else [],
        documents=drilldown(results, analysis, max_documents, records),
        n_documents=n_docs,
        max_documents=max_documents,
        missing_texts=missing,
        ngram_n=NGRAM_N,
        cost_header=COST_HEADER,
        costs=cost_rows(results),
        eval_header=EVAL_HEADER,
        eval_costs=eval_cost_rows(results),
        cost_note=COST_NOTE,
        gates=results.metadata.gates,
        viewer=build_viewer(results, records, headline=analysis.columns, compress_over=viewer_compress_over),
        pairwise=pairwise_section(results, records),
    )
