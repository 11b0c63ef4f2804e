"""`sumbench history`: the runs under some folders, oldest first, and a column's trend across them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from benchmark.cli.console import cell, console, err_console, handle_errors, say
from benchmark.core.safe_text import printable

if TYPE_CHECKING:
    from rich.table import Table

    from benchmark.reports.trend import RunSummary, Trend


@handle_errors
def history(
    folders: Annotated[
        list[Path],
        typer.Argument(
            metavar="DIR", help="Folders to search for runs (every results.json below them, recursively)."
        ),
    ],
    column: Annotated[
        str | None,
        typer.Option(
            "--column",
            "-c",
            help="Score column to follow (rouge1_f): also write an HTML trend of each run's mean with "
            "its bootstrap CI, one panel per comparable series (same dataset and metric signature).",
        ),
    ] = None,
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="Draw this system only (with --column).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the HTML trend (default: history.html here)."),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Write the listing (and, with --column, the series) as JSON here."),
    ] = None,
) -> None:
    """List the runs found under each DIR, oldest first: date, run id, dataset, each system's
    headline means and the gate outcome; with --column, draw that column over time.

    Runs on another dataset, or whose metric signature for the column differs, are never drawn
    as one line with the latest run: each comparable series is its own panel, and the page
    says why a run is not comparable. Exit codes: 0 done, 2 a usage or input error (no such
    folder, no run found, a column or system in no run).

    Example: sumbench history reports/

    Example: sumbench history reports/ --column rouge1_f --system lead -o trend.html
    """
    from benchmark.jobs.history import history_job

    html = output if output is not None else (Path("history.html") if column is not None else None)
    outcome = history_job(folders, column=column, system=system, html=html, json_out=json_out)
    for warning in outcome.warnings:
        err_console.print(f"warning: skipped {printable(warning)}", style="yellow", highlight=False,
                          markup=False)
    console.print(runs_table(outcome.runs))
    if outcome.trend is not None:
        for line in trend_lines(outcome.trend):
            say(line)
    for kind, path in outcome.written.items():
        say(f"wrote {kind:<4} {path}")


def runs_table(runs: tuple[RunSummary, ...]) -> Table:
    """A row per run and system: the run's number, date (UTC) and id, dataset and fingerprint,
    and gate outcome on its first row; each system's headline means (display units)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from benchmark.cli.tables import abbreviate
    from benchmark.reports.format import fmt_score

    columns = list(dict.fromkeys(c for run in runs for c in run.headline))
    table = Table(title=Text(f"{len(runs)} runs, oldest first: headline means (fractions ×100)"),
                  box=box.SIMPLE_HEAD, padding=(0, 0))
    table.add_column("#", justify="right")
    table.add_column("date (UTC)", no_wrap=True, min_width=10)
    for name, width in (("run", 6), ("dataset", 6), ("system", 6)):
        table.add_column(name, overflow="fold", min_width=width)
    for column in columns:
        table.add_column(Text(printable(abbreviate(column))), justify="right", overflow="fold")
    table.add_column("gates", overflow="fold")
    for index, run in enumerate(runs, start=1):
        style = "red" if run.gate_failures else "green" if run.gate_checks else ""
        first = [str(index), cell(_when(run.created)), cell(run.run_id),
                 cell(f"{run.dataset}\n{run.fingerprint}")]
        names = run.systems or ("—",)
        for n, system in enumerate(names):
            means = run.means.get(system, {})
            values = [
                fmt_score(means[c], run.scales.get(c, 100.0)) if c in means else "" for c in columns
            ]
            head = first if n == 0 else ["", "", "", ""]
            gates = Text(printable(run.gates), style=style) if n == 0 else Text("")
            table.add_row(*head, cell(system), *values, gates, end_section=n == len(names) - 1)
    return table


def _when(created: str) -> str:
    """``2026-12-06 22:25:16`` from an ISO time in UTC (fractions of a second dropped); other
    times as recorded."""
    text = created.replace("T", "\n").removesuffix("+00:00")
    return re.sub(r"(\d\d:\d\d:\d\d)\.\d+$", r"\1", text) if text else "unknown"


def trend_lines(trend: Trend) -> list[str]:
    """The series the trend drew and why each other run is apart from the latest one."""
    from benchmark.reports.trend import distinct_fields

    out = []
    apart = distinct_fields([s.signature for s in trend.series])
    for s, fields in zip(trend.series, apart, strict=True):
        latest = " (the latest run's)" if s.latest else ""
        signature = f", signature {fields}" if fields else ""
        out.append(f"series {s.number}{latest}: {trend.column} on {s.dataset} [{s.fingerprint}]{signature}; "
                   f"runs {', '.join(map(str, s.runs))}")
    for run in trend.runs:
        if run.reasons:
            verdict = "not drawn" if run.series is None else "not comparable with the latest"
            out.append(f"run {run.index} ({run.run.run_id}) {verdict}: " + "; ".join(run.reasons))
    return out
