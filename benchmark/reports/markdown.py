"""Markdown report: leaderboard of means (best in bold), how it was computed, example summaries."""

from __future__ import annotations

import math
from typing import Any

import jinja2

from benchmark.results import Results

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("benchmark.reports", "templates"),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def md_escape(text: str) -> str:
    """Escape text for a Markdown table cell or paragraph."""
    text = " ".join(str(text).split())
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def fmt_score(value: float) -> str:
    """Scores as percentages with two decimals (ROUGE tradition), NaN as an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * value:.2f}"


def leaderboard_rows(results: Results) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the means table; the best value of each column in bold."""
    columns = results.headline_columns
    means = results.means()
    best: dict[str, float] = {}
    for col in columns:
        if col in means:
            series = means[col].dropna()
            if len(series):
                best[col] = series.max() if results.higher_is_better(col) else series.min()
    failed = {s["name"]: s.get("failed", 0) for s in results.metadata.get("systems", [])}
    rows = []
    for system in means.index:
        row = [md_escape(system)]
        for col in columns:
            value = means.at[system, col] if col in means else float("nan")
            cell = fmt_score(value)
            if col in best and not math.isnan(value) and math.isclose(value, best[col]):
                cell = f"**{cell}**"
            row.append(cell)
        row.append(str(failed.get(system, 0)))
        rows.append(row)
    return ["system", *columns, "failed"], rows


def example_article(results: Results) -> dict[str, Any] | None:
    """The first document every system summarized, with its summaries."""
    frame = results.summaries
    if not len(frame):
        return None
    ok = frame[frame["error"].isna()]
    counts = ok.groupby("doc_id")["system"].nunique()
    full = [d for d in ok["doc_id"].unique() if counts.get(d, 0) == len(results.systems)]
    doc_id = full[0] if full else frame["doc_id"].iloc[0]
    rows = frame[frame["doc_id"] == doc_id]
    return {
        "doc_id": doc_id,
        "summaries": [
            (md_escape(r.system), md_escape(r.summary) if isinstance(r.summary, str) else f"(failed: {r.error})")
            for r in rows.itertuples()
        ],
    }


def failures(results: Results, limit: int = 20) -> list[tuple[str, str, str]]:
    frame = results.summaries
    bad = frame[frame["error"].notna()] if len(frame) else frame
    return [(md_escape(r.system), md_escape(r.doc_id), md_escape(r.error)) for r in bad.head(limit).itertuples()]


def render_markdown(results: Results) -> str:
    """The full Markdown report of a run."""
    header, rows = leaderboard_rows(results)
    meta = results.metadata
    return _ENV.get_template("report.md.j2").render(
        meta=meta,
        header=header,
        rows=rows,
        example=example_article(results),
        failures=failures(results),
        n_failed=int(results.summaries["error"].notna().sum()) if len(results.summaries) else 0,
    )
