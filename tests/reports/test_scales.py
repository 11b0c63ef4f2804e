"""Counts (length, density) are shown as they are; fractions (ROUGE, coverage) x100."""

from __future__ import annotations

from pathlib import Path

from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.reports.markdown import render_markdown
from benchmark.stats.analysis import analyze


def test_counts_are_not_scaled_and_fractions_are(tiny_set: Path) -> None:
    results = run(
        RunConfig(dataset=str(tiny_set), summarizers=("lead:k=1",), metrics=("rouge", "length", "fragments"),
                  use_cache=False, bootstrap=50)
    )
    assert results.scale("length_words") == 1.0
    assert results.scale("density") == 1.0
    assert results.scale("coverage") == 100.0
    assert results.scale("rouge1_f") == 100.0
    words = results.means().at["lead:k=1", "length_words"]
    coverage = results.means().at["lead:k=1", "coverage"]
    lines = render_markdown(results, analyze(results)).splitlines()
    row = next(line for line in lines if line.startswith("| lead:k=1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    header = next(line for line in lines if line.startswith("| system |"))
    names = [c.strip() for c in header.strip("|").split("|")]
    assert cells[names.index("length_words")].startswith(f"{words:.2f}")
    assert cells[names.index("coverage")].startswith(f"{100 * coverage:.2f}")
