"""`sumbench score`: score prediction files against a reference set, sacrebleu style."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benchmark.cli.console import RichProgress, console, handle_errors
from benchmark.cli.options import IdFieldOpt, PairwiseOpt, PluginOpt, RefFieldOpt, TextFieldOpt


@handle_errors
def score(
    references: Annotated[
        str,
        typer.Argument(help="Reference set: JSONL, CSV, TSV or hf:NAME[:CONFIG]:SPLIT; text optional."),
    ],
    predictions: Annotated[
        list[Path],
        typer.Argument(
            help="Prediction files: JSONL, CSV or TSV with an id and a summary field (and optionally "
            "a system field, one system per value), or .txt with one summary per line in the "
            "reference set's order. A file is a system named after the file."
        ),
    ],
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            help="Metric spec NAME[:key=value,...]; repeatable. Default: rouge with references; "
            "faithfulness, length without (an articles-only set).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write results.json, scores.csv, report.md, report.html here."),
    ] = None,
    plugin: PluginOpt = None,
    text_field: TextFieldOpt = None,
    ref_field: RefFieldOpt = None,
    id_field: IdFieldOpt = None,
    cache: Annotated[
        Path | None, typer.Option(help="Cache file (default $SUMBENCH_CACHE or ~/.cache/sumbench).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Compute everything; keep nothing.")] = False,
    pairwise: PairwiseOpt = None,
) -> None:
    """Score prediction files against a reference set and print the leaderboard with each
    metric's signature; reports are written only with --output.

    Example: sumbench score datasets/news-sample.jsonl bart.jsonl pegasus.jsonl

    Example: sumbench score refs.jsonl all-systems.csv -m rouge -m bertscore -o reports/mine

    Other field names, or one system of a file:
    sumbench run -s predictions:path=FILE,summary_field=hyp,system=NAME -m rouge
    """
    from benchmark.cli.tables import print_leaderboard, run_analysis
    from benchmark.pipeline.engine import score as score_predictions
    from benchmark.reports import write_reports

    options: dict[str, object] = {
        "plugins": tuple(plugin or ()),
        "text_field": text_field,
        "ref_field": ref_field,
        "id_field": id_field,
        "cache": str(cache) if cache else None,
        "use_cache": not no_cache,
        "pairwise": pairwise,
    }
    with RichProgress() as progress:
        results = score_predictions(
            references,
            [str(p) for p in predictions],
            metrics=tuple(metric or ()),
            progress=progress,
            **options,
        )
    analysis = run_analysis(results)
    print_leaderboard(results, analysis)
    if results.pairwise is not None:
        from benchmark.reports.terminal import pairwise_tables

        console.print(pairwise_tables(results.pairwise))
    if output is not None:
        for kind, path in write_reports(results, output, analysis=analysis).items():
            console.print(f"wrote {kind:<4} {path}", highlight=False)
