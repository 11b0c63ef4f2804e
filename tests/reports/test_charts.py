"""The chart memo: a hit returns exactly the SVG that drawing gives, and a change of input redraws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmark.reports import charts, plots
from benchmark.stats.resampling import Interval


def test_memo_hit_equals_drawing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMBENCH_CHART_CACHE", str(tmp_path))
    cis = [Interval(32, 0.41, 0.38, 0.44), Interval(32, 0.37, 0.35, 0.40)]
    drawn = plots.interval_chart("rouge1_f", ["lead", "textrank"], cis, 100.0)
    assert charts.chart("interval_chart", "rouge1_f", ["lead", "textrank"], cis, 100.0) == drawn
    assert len(list(tmp_path.glob("*.svg"))) == 1
    assert charts.chart("interval_chart", "rouge1_f", ["lead", "textrank"], cis, 100.0) == drawn  # memo
    other = [Interval(32, 0.41, 0.38, 0.44), Interval(32, 0.37, 0.35, 0.41)]
    assert charts.chart("interval_chart", "rouge1_f", ["lead", "textrank"], other, 100.0) != drawn
    assert len(list(tmp_path.glob("*.svg"))) == 2


def test_arrays_are_keyed_by_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMBENCH_CHART_CACHE", str(tmp_path))
    values = {("lead", "rouge1_f"): np.linspace(0.1, 0.9, 2000)}
    first = charts.chart("distributions", ["rouge1_f"], ["lead"], values, {"rouge1_f": 100.0})
    changed = values[("lead", "rouge1_f")].copy()
    changed[1000] += 1e-9  # repr of a long array elides the middle; the key must not
    second = charts.chart("distributions", ["rouge1_f"], ["lead"], {("lead", "rouge1_f"): changed},
                          {"rouge1_f": 100.0})
    assert len(list(tmp_path.glob("*.svg"))) == 2 and first.startswith("<svg") and second.startswith("<svg")


def test_compiled_templates_are_memoised_and_a_bad_memo_never_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmark.reports.templating import environment

    memo = tmp_path / "memo"
    monkeypatch.setenv("SUMBENCH_CHART_CACHE", str(memo))
    environment(autoescape=False).get_template("report.md.j2")
    (compiled,) = (memo / "templates").glob("*.cache")
    environment(autoescape=True).get_template("report.md.j2")  # other options: compiled apart
    assert len(list((memo / "templates").glob("*.cache"))) == 2
    compiled.write_bytes(b"not a compiled template")
    template = environment(autoescape=False).get_template("report.md.j2")  # corrupt: compiled again
    assert template.render is not None and compiled.read_bytes() != b"not a compiled template"
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv("SUMBENCH_CHART_CACHE", str(tmp_path / "a-file"))  # a file, not a folder
    environment(autoescape=False).get_template("report.md.j2")
    monkeypatch.setenv("SUMBENCH_CHART_CACHE", "off")  # read at each use, not at import
    environment(autoescape=False).get_template("report.html.j2")
    assert len(list((memo / "templates").glob("*.cache"))) == 2


def test_panels_with_thousands_of_points_embed_them_as_one_image() -> None:
    rng = np.random.default_rng(1)
    systems, columns = ["lead", "textrank"], ["rouge1_f"]

    def draw(n: int) -> str:
        values = {(s, "rouge1_f"): rng.random(n) for s in systems}
        return plots.distributions(columns, systems, values)

    small, large = draw(plots.VECTOR_POINTS // 2 // 2), draw(5000)
    assert "<image" not in small and small.count("<use") >= plots.VECTOR_POINTS // 2
    assert large.count("<image") == 1 and large.count("<use") < 50  # points in a PNG; no marker per point
    assert len(large) < len(small) * 2  # 10,000 points, yet about the size of 500 drawn as vectors
    assert "rouge1_f" in large and ">lead<" in large  # titles and labels stay text
    pts = {(s, "rouge1_f"): (rng.integers(10, 80, 3000), rng.random(3000)) for s in systems}
    scatter = plots.length_scatter(columns, systems, pts)
    assert scatter.count("<image") == 1 and "summary length (words)" in scatter
