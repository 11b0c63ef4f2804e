"""The LaTeX leaderboard (report.tex): escaped names, the analysis' numbers, booktabs, and it compiles.

Runs the CLI on the bundled reference set with a system named ``a_b & 50%``. The table is
checked against :func:`benchmark.stats.analysis.analyze` (the statistics every report shows);
it is compiled only when a TeX engine is installed (pdflatex, lualatex or xelatex), and the
escaping is checked as text everywhere.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmark.reports.format import fmt_score
from benchmark.reports.latex import latex_escape
from benchmark.results.table import load_results
from benchmark.stats.analysis import analyze
from tests.conftest import BUNDLED, run_cli

NAME = "a_b & 50%"
ENGINES = ("pdflatex", "lualatex", "xelatex")


@pytest.fixture(scope="module")
def bundled_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("latex") / "run"
    proc = run_cli("run", "--dataset", str(BUNDLED), "-s", "lead", "-s", f"lead:k=1,name={NAME}",
                   "-s", "textrank", "-m", "rouge", "-m", "length", "--bootstrap", "200", "--no-cache",
                   "-f", "json", "-o", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def shown(bundled_run: Path) -> subprocess.CompletedProcess[str]:
    proc = run_cli("report", str(bundled_run), "--show", "--format", "latex")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def _rows(table: str) -> dict[str, list[str]]:
    body = table.split("\\midrule\n", 1)[1].split("\\bottomrule", 1)[0]
    rows = [line.removesuffix(r" \\").split(" & ") for line in body.splitlines()]
    return {cells[0]: cells[1:] for cells in rows}


def test_show_prints_the_table_alone_and_writes_report_tex(
    bundled_run: Path, shown: subprocess.CompletedProcess[str]
) -> None:
    table = shown.stdout
    assert table == (bundled_run / "report.tex").read_text(encoding="utf-8")
    assert table.startswith("% sumbench ") and table.rstrip().endswith(r"\end{table}")
    assert f"wrote latex {bundled_run / 'report.tex'}" in " ".join(shown.stderr.split())
    assert r"a\_b \& 50\%" in _rows(table)  # the system's row, escaped
    assert NAME not in table


def test_table_holds_the_analysis(bundled_run: Path, shown: subprocess.CompletedProcess[str]) -> None:
    results = load_results(bundled_run)
    analysis = analyze(results)
    table = shown.stdout
    assert [table.count(rule) for rule in (r"\toprule", r"\midrule", r"\bottomrule")] == [1, 1, 1]
    columns = list(analysis.columns)
    header = next(line for line in table.splitlines() if line.startswith("System & "))
    assert header == " & ".join(["System", *(latex_escape(c) for c in columns)]) + r" \\"
    assert f"{{l{'r' * len(columns)}}}" in table
    rows = _rows(table)
    assert set(rows) == {latex_escape(s) for s in results.systems}
    for system in results.systems:
        for column, cell in zip(columns, rows[latex_escape(system)], strict=True):
            ci = analysis.ci(system, column)
            assert ci is not None
            mean, low, high = (fmt_score(v, results.scale(column)) for v in (ci.mean, ci.low, ci.high))
            dagger_mark = r"(\\rlap\{\$\^\{\\dagger\}\$\})?"
            pattern = (r"\\sumbenchci\{(\\textbf\{)?" + re.escape(mean) + r"\}?" + dagger_mark + r"\}"
                       + re.escape(f"{{[{low}, {high}]}}"))  # fmt: skip
            assert re.fullmatch(pattern, cell), cell
            best = analysis.best(column)
            bold = not results.descriptive(column) and math.isclose(ci.mean, analysis.ci(best, column).mean)
            assert (r"\textbf{" in cell) == bold, (system, column, cell)
            pair = analysis.pair(column, system, best) if best and not bold else None
            dagger = pair is not None and not results.descriptive(column) and not pair.significant
            assert ("dagger" in cell) == dagger, (system, column, cell)
    assert any("dagger" in cell for cells in rows.values() for cell in cells)  # the legend is used
    for metric in results.metadata.metrics:  # every number says how it was computed
        assert latex_escape(metric.signature.split("|")[0]) in table
        assert all(latex_escape(part) in table for part in metric.signature.split("|"))
    assert latex_escape(analysis.options.signature().split("|")[0]) in table
    assert "Holm" in table and "not significantly different from the best" in table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NAME, r"a\_b \& 50\%"),
        (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
        ("^^5cinput", r"\textasciicircum{}\textasciicircum{}5cinput"),
        ("$x$ #1 ~ <b>|", r"\$x\$ \#1 \textasciitilde{} \textless{}b\textgreater{}\textbar{}"),
        ("line\n\nbreak\ttab", "line break tab"),  # a blank line would end the paragraph
        ("esc\x1b[31m", r"esc\textbackslash{}x1b[31m"),  # control characters shown, never sent
        ("café", "café"),
    ],
)
def test_latex_escape(text: str, expected: str) -> None:
    assert latex_escape(text) == expected


HOSTILE = (NAME, r"\input{secret}", "^^5cinput{secret}", r"\write18{touch pwned}", "$x$ #1 ~{}", "end\\")


def test_table_with_hostile_names_compiles_and_runs_nothing(tmp_path: Path) -> None:
    engine = next((e for e in ENGINES if shutil.which(e)), None)
    if engine is None:
        pytest.skip(f"no TeX engine ({', '.join(ENGINES)}); the escaping is checked as text above")
    out = tmp_path / "run"
    args = ["run", "--dataset", str(BUNDLED), "-m", "rouge", "--limit", "6", "--bootstrap", "50",
            "--no-cache", "-f", "json", "-o", str(out)]  # fmt: skip
    for k, name in enumerate(HOSTILE, start=1):
        args += ["-s", f"lead:k={k},name={name}"]
    assert run_cli(*args).returncode == 0
    report = run_cli("report", str(out), "--format", "latex")
    assert report.returncode == 0, report.stderr[-2000:]
    (tmp_path / "secret.tex").write_text("\\errmessage{INJECTED}\n", encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
        f"\\input{{{out / 'report.tex'}}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "paper.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    log = (tmp_path / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 0
    assert "INJECTED" not in log and "secret.tex" not in log and not (tmp_path / "pwned").exists()
    assert "Undefined control sequence" not in log
