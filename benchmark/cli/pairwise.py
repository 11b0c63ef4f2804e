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
    from benchmark.core.errors import ConfigError
    from benchmark.pipeline.pairwise import pairwise as judge_run
    from benchmark.reports import check_formats, write_reports
    from benchmark.reports.terminal import pairwise_tables

    specs = report_format or ["json,md,html"]
    formats = tuple(f.strip() for spec in specs for f in spec.split(",") if f.strip())
    check_formats(formats)
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {batch_size}")
    with RichProgress() as progress:
        results = judge_run(
            run,
            judge,
            systems=systems.split(",") if systems else None,
            cache=cache,
            use_cache=not no_cache,
            plugins=tuple(plugin or ()),
            seed=seed,
            bootstrap=bootstrap,
            batch_size=batch_size,
            progress=progress,
        )
    assert results.pairwise is not None  # set by pairwise()
    console.print(pairwise_tables(results.pairwise))
    target = output or (run if run.is_dir() else run.parent)
    for kind, path in write_reports(results, target, formats).items():
        say(f"wrote {kind:<4} {path}")
