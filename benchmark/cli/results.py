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
    from benchmark.reports import ALL_FORMATS, write_reports
    from benchmark.results.merge import merge_results
    from benchmark.results.table import load_results

    if len(results_files) > 1 and output is None:
        raise InputError("merging several runs needs --output DIR for the combined reports")
    runs = [load_results(path) for path in results_files]
    results = merge_results(runs, [str(p) for p in results_files])
    first = results_files[0]
    target = output or (first if first.is_dir() else first.parent)
    default = tuple(f for f in ALL_FORMATS if f not in ("json", "csv")) if len(runs) == 1 else ALL_FORMATS
    formats = tuple(fmt) if fmt else default
    analysis = None
    latex = show and "latex" in formats
    if show:
        from benchmark.cli.tables import print_leaderboard, run_analysis

        analysis = run_analysis(results)
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
            help="Fail --max-drop only for significant "
            "drops (Holm-adjusted approximate randomization p < 0.05), or for any drop.",
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
    import json

    from benchmark.cli.console import err_console
    from benchmark.core.atomic import atomic_write_text
    from benchmark.core.errors import GateFailed
    from benchmark.core.outputs import check_output_file
    from benchmark.reports.markdown import render_markdown
    from benchmark.reports.terminal import comparison_table
    from benchmark.results.table import load_results
    from benchmark.stats.analysis import analyze, options_for
    from benchmark.stats.compare import compare_results
    from benchmark.stats.gate import (
        check_coverage,
        check_max_drop,
        parse_allowance,
        parse_max_drop,
        parse_min_coverage,
    )

    for target in (markdown, json_out):
        if target is not None:
            check_output_file(target)
    parse_allowance(allow_failures)
    parse_min_coverage(min_coverage)
    base_results, new_results = load_results(base), load_results(new)
    gates = [parse_max_drop(text).column for text in max_drop or ()]
    columns = list(dict.fromkeys([*(metric or new_results.headline_columns), *gates]))
    comparison = compare_results(
        base_results,
        new_results,
        columns=columns,
        allow_signature_mismatch=allow_signature_mismatch,
        options=options_for(new_results, resamples=bootstrap, seed=seed),
    )
    warnings = list(comparison.warnings) + [
        f"{c.system}: {c.metric} has no value for {c.missing_base} (BASE) and {c.missing_new} (NEW) of "
        f"{comparison.shared_documents} shared documents; its change covers the rest only"
        for c in comparison.changes
        if c.missing_base or c.missing_new
    ]
    for warning in warnings:
        err_console.print(f"warning: {printable(warning)}", style="yellow", highlight=False, markup=False)
    console.print(comparison_table(comparison))
    if markdown:
        atomic_write_text(markdown, render_markdown(new_results, analyze(new_results), comparison))
        say(f"wrote md   {markdown}")
    if json_out:
        atomic_write_text(json_out, json.dumps(comparison.to_dict(), indent=1, allow_nan=False) + "\n")
        say(f"wrote json {json_out}")
    failures: list[str] = []
    try:
        check_coverage(comparison, min_coverage)
    except GateFailed as exc:
        failures += exc.failures
    if max_drop:
        try:
            passed = check_max_drop(
                comparison, max_drop, require_significant=require_significant, allow_failures=allow_failures
            )
        except GateFailed as exc:
            failures, passed = failures + exc.failures, exc.passed
        console.print("\n".join(passed), highlight=False, markup=False, soft_wrap=True)
    if failures:
        raise GateFailed(failures)

