"""`sumbench pairwise`: judge a finished run's systems head to head, both orders, with statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benchmark.cli.console import RichProgress, console, handle_errors, say
from benchmark.cli.options import PluginOpt

JudgeOpt = Annotated[
    str | None,
    typer.Option(
        "--judge",
        "-j",
        help="Pairwise judge spec: llm:base_url=URL,model=NAME[,api_key_env=VAR,concurrency=N,"
        "temperature=0,seed=S,logprobs=true,template=FILE,references=true] for any OpenAI-compatible "
        "server; default: the bundled SmolLM2 in-process (a weak judge). A plugin may add judges.",
    ),
]


@handle_errors
def pairwise(
    run: Annotated[
        Path, typer.Argument(help="A finished run: its results.json or the directory holding it.")
    ],
    judge: JudgeOpt = None,
    systems: Annotated[
        str | None,
        typer.Option("--systems", help="Compare only these systems: a comma list (default: every system)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Directory for results.json and the reports (default: the run's)."
        ),
    ] = None,
    report_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format", "-f", help="Files to write: json, md, html, csv, pdf (default: json, md, html)."
        ),
    ] = None,
    plugin: PluginOpt = None,
    cache: Annotated[
        Path | None, typer.Option(help="Cache file (default $SUMBENCH_CACHE or ~/.cache/sumbench).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask the judge for everything; keep nothing.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(help="Matchups per call to the judge (the cache is written after each call).")
    ] = 16,
    seed: Annotated[int | None, typer.Option(help="Seed of the bootstrap (default: the run's).")] = None,
    bootstrap: Annotated[int | None, typer.Option(help="Bootstrap resamples (default: the run's).")] = None,
) -> None:
    """Judge every pair of a run's systems on every document both summarized, in both orders
    (position swap), and add win rates with CIs, sign tests, a Bradley-Terry ranking and the
    judge's length and position bias to its results.json and reports.

    Example: sumbench pairwise reports/run1 --judge llm:base_url=http://127.0.0.1:8000/v1,model=qwen

    Example: sumbench pairwise reports/run1/results.json --systems lead,textrank
    """
    from benchmark.jobs.pairwise import pairwise_job
    from benchmark.reports.terminal import pairwise_tables

    with RichProgress() as progress:
        outcome = pairwise_job(
            run,
            judge,
            systems=systems,
            output=output,
            formats=tuple(report_format or ()),
            plugins=tuple(plugin or ()),
            cache=cache,
            use_cache=not no_cache,
            batch_size=batch_size,
            seed=seed,
            bootstrap=bootstrap,
            progress=progress,
        )
    assert outcome.results.pairwise is not None  # set by the judging
    console.print(pairwise_tables(outcome.results.pairwise))
    for kind, path in outcome.written.items():
        say(f"wrote {kind:<4} {path}")
