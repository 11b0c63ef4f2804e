"""`sumbench run`, `summarize` and `list`: run summarizers and metrics, one article, the components."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from benchmark.cli.console import RichProgress, cell, console, handle_errors
from benchmark.cli.options import PluginOpt, run_options
from benchmark.cli.tables import print_outcome


@handle_errors
@run_options("run")
def run(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A sumbench.toml run file.")] = None,
    **options: Any,
) -> None:
    """Run summarizers over a reference set, score them and write reports.

    Exit codes: 0 pass, 1 a gate failed, 2 a usage or input error, 3 an internal error
    (traceback in the log file the message names).

    Example: sumbench run -s lead -s lead:k=1,name=lead1 -m rouge -o reports/leads

    Example: sumbench run -s lead -s textrank -m rouge --workers 2 --executor ray

    Example: sumbench run -s lead -s predictions:path=bart.jsonl -m rouge (summaries from a file)
    """
    from benchmark.jobs.run import run_job
    from benchmark.pipeline.config import build_config

    cfg = build_config(config, **options)
    with RichProgress() as progress:
        outcome = run_job(cfg, progress)
    print_outcome(outcome)


@handle_errors
def summarize(
    file: Annotated[str, typer.Argument(help="Raw article file (.txt, .md, .html) or - for standard input.")],
    summarizer: Annotated[str, typer.Option("--summarizer", "-s", help="Summarizer spec.")] = "lead",
    plugin: PluginOpt = None,
    raw: Annotated[bool, typer.Option("--raw", help="Do not strip page boilerplate first.")] = False,
) -> None:
    """Print the summary of one article: the "Get a summary" button from a terminal.

    Example: sumbench summarize article.txt --summarizer textrank:k=2
    """
    from benchmark.core.safe_text import printable
    from benchmark.jobs.summarize import summarize_article

    summary = summarize_article(file, summarizer, sys.stdin.buffer, plugins=tuple(plugin or ()), raw=raw)
    typer.echo(printable(summary))


@handle_errors
def list_components(plugin: PluginOpt = None) -> None:
    """List summarizers, metrics and pairwise judges with their options and where they come from.

    Example: sumbench list --plugin my_plugin.py
    """
    from benchmark.cli.listing import component_rows
    from benchmark.components.build import JUDGES, METRICS, SUMMARIZERS, load_plugins

    load_plugins(list(plugin or ()))
    for registry in (SUMMARIZERS, METRICS, JUDGES):
        table = Table(title=f"{registry.kind}s")
        for col in ("name", "options (default)", "from"):
            table.add_column(col, overflow="fold")
        for name, options, origin in component_rows(registry):
            table.add_row(cell(name), cell(options), cell(origin))
        console.print(table)
