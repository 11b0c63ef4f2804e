"""`sumbench report` and `compare`: re-render a run, compare two runs and gate on the change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benchmark.cli.console import console, handle_errors, say
from benchmark.core.errors import InputError
from benchmark.core.safe_text import printable


@handle_errors
def report(
    results_files: Annotated[
        list[Path],
        typer.Argument(
            help="A results.json (or the directory holding it); several runs merge into one comparison."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Directory for the reports (default: beside results.json; needed to merge).",
        ),
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html, pdf, latex (report.tex: a booktabs table for a paper), json, csv; repeatable.",
        ),
    ] = None,
    show: Annotated[
        bool,
        typer.Option(
            "--show",
            help="Print the leaderboard (with CIs and signatures) here too; with --format latex, "
            "print the LaTeX table instead, alone on standard output.",
        ),
    ] = False,
) -> None:
    """Re-render the reports of finished runs from their results.json; merge several into one.

    Example: sumbench report reports/example/results.json --format html

    Example: sumbench report runs/a runs/b --show -o reports/a-vs-b

    Example: sumbench report reports/example --show --format latex > table.tex
    """
    from benchmark.core.outputs import DEFAULT_FORMATS
    from benchmark.reports import write_reports
    from benchmark.results.merge import merge_results
    from benchmark.results.table import load_results

    if len(results_files) > 1 and output is None:
        raise InputError("merging several runs needs --output DIR for the combined reports")
    runs = [load_results(path) for path in results_files]
    results = merge_results(runs, [str(p) for p in results_files])
    first = results_files[0]
    target = output or (first if first.is_dir() else first.parent)
    reports = tuple(f for f in DEFAULT_FORMATS if f not in ("json", "csv"))
    default = reports if len(runs) == 1 else DEFAULT_FORMATS
    formats = tuple(fmt) if fmt else default
    analysis = None
    latex = show and "latex" in formats
    if show:
        from benchmark.cli.tables import print_leaderboard
        from benchmark.stats.analysis import analyze_run

        analysis = analyze_run(results)
        if not latex:
            print_leaderboard(results, analysis)
    written = write_reports(results, target, formats, analysis)
    if latex:  # the table alone on stdout, so it can be redirected into a file
        import sys

        from benchmark.cli.console import err_console

        sys.stdout.write(written["latex"].read_text(encoding="utf-8"))
        for kind, path in written.items():
            err_console.print(printable(f"wrote {kind:<4} {path}"), markup=False, highlight=False)
        return
    for kind, path in written.items():
        say(f"wrote {kind:<4} {path}")


@handle_errors
def compare(
    base: Annotated[Path, typer.Argument(help="BASE results.json (or the directory holding it).")],
    new: Annotated[Path, typer.Argument(help="NEW results.json (or the directory holding it).")],
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric", "-m", help="Score column to compare (default: the headline columns); repeatable."
        ),
    ] = None,
    max_rise: Annotated[
        list[str] | None,
        typer.Option(
            "--max-rise",
            help="Gate: [SYSTEM:]COLUMN=POINTS for columns where more is worse (length, latency, "
            "cost, flagged rates): fail (exit 1) when NEW's mean is above BASE's by more than POINTS "
            "and, unless --any-drop, the rise is significant. Repeatable.",
        ),
    ] = None,
    max_drop: Annotated[
        list[str] | None,
        typer.Option(
            "--max-drop",
            help="Gate: [SYSTEM:]COLUMN=POINTS; fail (exit 1) when a system's NEW mean is below "
            "BASE by more than POINTS in the units the tables show (x100 for fractions: rouge1_f=1.0 "
            "allows a drop of 0.01; raw for counts) and, unless --any-drop, the drop is significant; "
            "also when a system has documents without a value in either run. Repeatable.",
        ),
    ] = None,
    allow_failures: Annotated[
        str | None,
        typer.Option(
            "--allow-failures",
            help="Documents a gated system may miss (failed or without a value): a count (3) "
            "or a fraction of the shared documents (0.05). Default 0.",
        ),
    ] = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage",
            help="Fail (exit 1) when the documents both runs share are fewer than this fraction "
            "of either run's documents; the message names the missing ones. Default 1 (all).",
        ),
    ] = 1.0,
    require_significant: Annotated[
        bool,
        typer.Option(
            "--require-significant/--any-drop",
            help="Fail --max-drop and --max-rise only for "
            "significant changes (Holm-adjusted approximate randomization p < 0.05), or for any.",
        ),
    ] = True,
    allow_signature_mismatch: Annotated[
        bool,
        typer.Option("--allow-signature-mismatch", help="Compare even when a metric's signature differs."),
    ] = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the Markdown report here.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the comparison as JSON here.")
    ] = None,
    bootstrap: Annotated[int | None, typer.Option(help="Resamples (default: NEW's run setting).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (default: NEW's run seed).")] = None,
) -> None:
    """Compare two runs: per system and metric the change, its CI and significance.

    Systems are paired by name and documents by id. Exit codes: 0 pass, 1 a gate failed
    (--max-drop, missing documents, --min-coverage), 2 a usage or input error, 3 an internal error.

    Example: sumbench compare base/results.json new/results.json --max-drop rouge1_f=1.0 --markdown report.md
    """
    from benchmark.cli.console import err_console
    from benchmark.jobs.compare import compare_job
    from benchmark.reports.terminal import comparison_table

    outcome = compare_job(
        base, new, columns=tuple(metric or ()), max_drop=tuple(max_drop or ()),
        max_rise=tuple(max_rise or ()),
        allow_failures=allow_failures, min_coverage=min_coverage, require_significant=require_significant,
        allow_signature_mismatch=allow_signature_mismatch, bootstrap=bootstrap, seed=seed,
        markdown=markdown, json_out=json_out,
    )
    for warning in outcome.warnings:
        err_console.print(f"warning: {printable(warning)}", style="yellow", highlight=False, markup=False)
    console.print(comparison_table(outcome.comparison))
    for kind, path in outcome.written.items():
        say(f"wrote {kind:<4} {path}")
    for line in outcome.gates.passed:
        say(line)
    outcome.gates.raise_for_failures()
