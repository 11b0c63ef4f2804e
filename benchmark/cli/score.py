"""`sumbench score`: score prediction files against a reference set, sacrebleu style."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from benchmark.cli.console import RichProgress, handle_errors
from benchmark.cli.options import run_options
from benchmark.cli.tables import print_outcome


@handle_errors
@run_options("score")
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
    **options: Any,
) -> None:
    """Score prediction files against a reference set and print the leaderboard with each
    metric's signature; reports are written only with --output. Gates as for `run`.

    Example: sumbench score datasets/news-sample.jsonl bart.jsonl pegasus.jsonl

    Example: sumbench score refs.jsonl all-systems.csv -m rouge -m bertscore -o reports/mine

    Example: sumbench score articles.jsonl mine.jsonl -m faithfulness --fail-under faithfulness=80

    Other field names, or one system of a file:
    sumbench run -s predictions:path=FILE,summary_field=hyp,system=NAME -m rouge
    """
    from benchmark.jobs.run import score_job
    from benchmark.pipeline.config import from_flags

    with RichProgress() as progress:
        files = [str(p) for p in predictions]
        outcome = score_job(references, files, progress=progress, **from_flags(options))
    print_outcome(outcome)
