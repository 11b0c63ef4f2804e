"""Report writers: Markdown and HTML from Results, plus writing a run's output directory.

The statistics (:func:`benchmark.stats.analysis.analyze`) are computed once per write and
passed to every renderer.
"""

from __future__ import annotations

from pathlib import Path

from benchmark.atomic import atomic_write_text
from benchmark.results import Results

ALL_FORMATS = ("json", "csv", "md", "html")


def write_reports(
    results: Results, directory: str | Path, formats: tuple[str, ...] = ALL_FORMATS
) -> dict[str, Path]:
    """Write the requested formats (only those) into ``directory`` atomically; returns their paths.

    The statistics and the charts are computed only for the Markdown and HTML reports that need them.
    """
    out = Path(directory)
    written: dict[str, Path] = {}
    if "json" in formats:
        written["json"] = atomic_write_text(out / "results.json", results.to_json())
    if "csv" in formats:
        written["csv"] = atomic_write_text(out / "scores.csv", results.scores_csv())
    if "md" in formats or "html" in formats:
        from benchmark.stats.analysis import analyze

        analysis = analyze(results)
        if "md" in formats:
            from benchmark.reports.markdown import render_markdown

            written["md"] = atomic_write_text(out / "report.md", render_markdown(results, analysis))
        if "html" in formats:
            from benchmark.reports.html import render_html

            written["html"] = atomic_write_text(out / "report.html", render_html(results, analysis))
    return written
