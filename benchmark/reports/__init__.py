"""Report writers: Markdown, HTML and LaTeX from Results, plus writing a run's output directory.

The statistics (:func:`benchmark.stats.analysis.analyze`) are computed once per write and
passed to every renderer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from benchmark.core.atomic import atomic_write_text
from benchmark.core.outputs import DEFAULT_FORMATS, REPORT_FORMATS
from benchmark.results.table import Results

if TYPE_CHECKING:
    from benchmark.stats.analysis import Analysis



def write_reports(
    results: Results,
    directory: str | Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    analysis: Analysis | None = None,
) -> dict[str, Path]:
    """Write every requested format into ``directory`` as one set; returns the paths written.

    Only the requested formats are written; the statistics and the charts are computed only
    for the reports that need them. The files are rendered into a staging directory and moved
    into place together (:mod:`benchmark.core.outputs`), so a failure leaves the previous run's
    files as they were. Pass ``analysis`` when the caller already has it (the CLI prints the
    same statistics in its leaderboard).
    """
    from benchmark.core.outputs import write_set

    check_formats(formats)
    return write_set(directory, lambda stage: _render(results, stage, formats, analysis))


def check_formats(formats: tuple[str, ...] | list[str]) -> None:
    """ConfigError (exit 2) for an empty list or an unknown format: a run must write something."""
    from benchmark.core.errors import ConfigError

    choices = ", ".join(REPORT_FORMATS)
    if not formats:
        raise ConfigError(f"no report format given; choose one or more of {choices}")
    unknown = sorted(set(formats) - set(REPORT_FORMATS))
    if unknown:
        raise ConfigError(f"unknown report format(s) {unknown}; choose from {choices}")


def _render(
    results: Results, out: Path, formats: tuple[str, ...], analysis: Analysis | None
) -> dict[str, Path]:
    written: dict[str, Path] = {}
    if "json" in formats:
        written["json"] = atomic_write_text(out / "results.json", results.to_json())
    if "csv" in formats:
        written["csv"] = atomic_write_text(out / "scores.csv", results.scores_csv())
    if any(f in formats for f in ("md", "html", "pdf", "latex")):
        if analysis is None:
            from benchmark.stats.analysis import analyze

            analysis = analyze(results)
        if "latex" in formats:
            from benchmark.reports.latex import render_latex

            written["latex"] = atomic_write_text(out / "report.tex", render_latex(results, analysis))
        if "md" in formats:
            from benchmark.reports.markdown import render_markdown

            written["md"] = atomic_write_text(out / "report.md", render_markdown(results, analysis))
        if "html" in formats or "pdf" in formats:
            from benchmark.reports.html import render_html

            html = atomic_write_text(out / "report.html", render_html(results, analysis))
            if "html" in formats:
                written["html"] = html
            if "pdf" in formats:
                from benchmark.reports.pdf import html_to_pdf

                written["pdf"] = html_to_pdf(html, out / "report.pdf")
                if "html" not in formats:
                    html.unlink()
    return written
