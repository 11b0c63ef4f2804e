"""Report writers: Markdown and HTML from Results, plus writing a run's output directory."""

from __future__ import annotations

from pathlib import Path

from benchmark.atomic import atomic_write_text
from benchmark.results import Results

ALL_FORMATS = ("json", "csv", "md", "html")


def write_reports(
    results: Results, directory: str | Path, formats: tuple[str, ...] = ALL_FORMATS
) -> dict[str, Path]:
    """Write every requested format into ``directory`` atomically; returns the paths written."""
    out = Path(directory)
    written: dict[str, Path] = {}
    if "json" in formats or "csv" in formats:
        saved = results.save(out)
        written.update({k: v for k, v in saved.items() if k in formats})
    if "md" in formats:
        from benchmark.reports.markdown import render_markdown

        written["md"] = atomic_write_text(out / "report.md", render_markdown(results))
    if "html" in formats:
        try:
            from benchmark.reports.html import render_html
        except ImportError:  # the HTML report module is optional until it exists
            return written
        written["html"] = atomic_write_text(out / "report.html", render_html(results))
    return written
