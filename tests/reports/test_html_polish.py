"""The HTML report's polish, read off the report of a real run and the charts it draws.

Descriptive columns are never "best"; the drill-down has its worst-first table and a
script-free system filter; signatures are left-aligned and CIs do not wrap; the
length-against-score grid leaves out the length columns; the means are dots with
interval lines on an axis that spans the intervals, not bars from zero.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from benchmark.reports.plots import PALETTE, interval_chart
from benchmark.stats.resampling import Interval
from tests.conftest import BUNDLED, run_cli

DESCRIPTIVE = {"length_words", "length_sentences", "coverage", "density", "compression"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("polish") / "out"
    proc = run_cli(
        "run", "--dataset", str(BUNDLED), "-s", "lead", "-s", "textrank", "-m", "rouge", "-m", "length",
        "-m", "fragments", "--limit", "4", "--bootstrap", "50", "--no-cache", "--format", "html",
        "-o", str(out),
    )  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return (out / "report.html").read_text(encoding="utf-8")


def _section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.DOTALL)
    assert match, f"no section {name}"
    return match.group(1)


def _css(html: str) -> dict[str, str]:
    """Each selector of the inline style sheet with its declarations, spaces removed."""
    sheet = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert sheet
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", sheet.group(1)):
        for selector in selectors.split(","):
            key = " ".join(selector.split())
            rules[key] = rules.get(key, "") + body.replace(" ", "")
    return rules


def test_descriptive_columns_are_never_marked_best(report: str) -> None:
    table = re.search(r'<table class="leaderboard">(.*?)</table>', report, re.DOTALL)
    assert table
    header = re.findall(r"<th>(.*?)</th>", table.group(1))[1:-1]  # less "system" and "failed"
    assert set(header) >= DESCRIPTIVE
    rows = re.findall(r"<tr><td>[^<]*</td>(.*?)</tr>", table.group(1))
    assert len(rows) == 2
    best_in = set()
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row)[: len(header)]
        for column, cell in zip(header, cells, strict=True):
            if 'class="best"' in cell or "dagger" in cell:
                best_in.add(column)
    assert best_in and not best_in & DESCRIPTIVE, best_in  # ROUGE has a best; no descriptive column


def test_drilldown_has_a_worst_first_table_and_a_system_filter(report: str) -> None:
    worst = _section(report, "worst")
    assert "worst first" in worst and "mean rouge1_f" in worst
    rows = re.findall(r'<tr><td><a href="#doc-(\d+)">([^<]*)</a></td><td>([\d.]+)</td>', worst)
    assert len(rows) == 4
    means = [float(mean) for _, _, mean in rows]
    assert means == sorted(means)  # ROUGE: higher is better, so the lowest first
    anchors = set(re.findall(r'<details class="document" id="doc-(\d+)">', report))
    assert {anchor for anchor, _, _ in rows} <= anchors  # every row links to its article
    documents = _section(report, "documents")
    radios = re.findall(r'<input type="radio" name="system-filter" id="(sys-[\w-]+)"', documents)
    assert radios == ["sys-all", "sys-1", "sys-2"]
    viewer = ['<script type="application/json" id="viewer-data">', "<script>"]
    assert re.findall(r"<script\b[^>]*>", report) == viewer  # the viewer's data and script, nothing else
    rules = _css(report)
    for n in (1, 2):  # choosing a system hides the others' rows and summaries, with CSS only
        assert rules[f"body:has(#sys-{n}:checked) .sys:not(.sys-{n})"] == "display:none;"
    assert re.search(r'<tr class="sys sys-1"><td>lead</td>', documents)
    assert re.search(r'<div class="sys sys-2">\s*<h4>textrank</h4>', documents)


def test_signatures_are_left_aligned_and_cis_do_not_wrap(report: str) -> None:
    rules = _css(report)
    assert "text-align:right" in rules["td"]  # numbers right-aligned ...
    assert "text-align:left" in rules["#method td"]  # ... but not the signatures (an id wins)
    assert "white-space:nowrap" in rules[".ci"]
    method = _section(report, "method")
    assert "<td><code>metric:rouge|" in method


def test_length_grid_does_not_plot_length_against_itself(report: str) -> None:
    grid = _section(report, "length")
    titles = set(re.findall(r"<text[^>]*>([^<]+)</text>", grid))  # matplotlib writes text as text
    assert {"rouge1_f", "coverage"} <= titles
    assert not {"length_words", "length_sentences"} & titles
    assert "summary length (words)" in titles


def test_mean_charts_are_dots_with_intervals(report: str) -> None:
    charts = _section(report, "charts")
    labels = re.findall(r'<figure class="chart" aria-label="([^"]*)"', charts)
    assert labels and len(labels) == len(set(labels)) and not [a for a in labels if "bar" in a]
    assert labels[0].startswith("rouge1_f")


def _xs(path: str) -> list[float]:
    return [float(x) for x in re.findall(r"[ML] ([-\d.]+) [-\d.]+", path)]


def test_interval_chart_draws_dots_on_lines_not_bars_from_zero() -> None:
    cis = [Interval(32, 0.41, 0.38, 0.44), Interval(32, 0.37, 0.35, 0.40), Interval(32, 0.36, 0.36, 0.36)]
    root = ET.fromstring(interval_chart("rouge1_f", ["lead", "textrank", "random"], cis, 100.0))
    axes = root.find(f".//{SVG}g[@id='axes_1']")
    assert axes is not None
    lines, dots = [], []
    for group in axes.findall(f"{SVG}g"):
        if not group.get("id", "").startswith("line2d_"):
            continue
        used = group.findall(f".//{SVG}use")
        if used:
            dots.extend(float(u.get("x", "nan")) for u in used)
        else:
            lines.append(_xs(group.find(f"{SVG}path").get("d", "")))  # type: ignore[union-attr]
    assert len(dots) == 3 and len(lines) == 3  # one dot and one interval line per system
    for dot, line in zip(dots, lines, strict=True):
        assert min(line) - 1e-6 <= dot <= max(line) + 1e-6
    fills = [p.get("style", "") for g in axes.findall(f"{SVG}g") if g.get("id", "").startswith("patch_")
             for p in g.iter(f"{SVG}path")]  # fmt: skip
    assert not [f for f in fills if any(c in f for c in PALETTE)]  # no filled bars in the systems' colours
    ticks = [float(t.text or "nan") for t in root.iterfind(f".//{SVG}g[@id='matplotlib.axis_1']//{SVG}text")]
    assert ticks and min(ticks) > 30  # the axis spans the intervals (35-44), it does not start at 0


def test_descriptive_columns_are_never_better_or_worse_in_the_significance_tables(report: str) -> None:
    significance = _section(report, "significance")
    tables = re.findall(r"<h3>([^<]+)</h3>\s*<table class=\"matrix\">(.*?)</table>", significance, re.DOTALL)
    assert {name for name, _ in tables} >= DESCRIPTIVE
    for name, table in tables:
        classes = set(re.findall(r'<td class="([\w-]+)"', table))
        if name in DESCRIPTIVE:
            assert not classes & {"sig-better", "sig-worse"}, (name, classes)
    coloured = {name for name, table in tables if "sig-differs" in table}
    assert coloured <= DESCRIPTIVE  # a significant length difference is a difference, nothing more
