"""`sumbench show`: a run's worst summaries with their evidence, in a terminal or a CI log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmark.cli.console import handle_errors, say


@handle_errors
def show(
    run: Annotated[Path, typer.Argument(help="A run folder or its results.json.")],
    system: Annotated[str | None, typer.Option("--system", help="Only this system's summaries.")] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Order worst first by this column (default: the first headline)."),
    ] = None,
    worst: Annotated[int | None, typer.Option("--worst", help="Print only the N worst.", metavar="N")] = None,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only summaries a verdict flags.")] = False,
    truncated: Annotated[
        bool, typer.Option("--truncated", help="Only summaries cut at the token limit.")
    ] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Only summaries that failed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead.")] = False,
) -> None:
    """Print a run's summaries worst first, each with its scores and evidence (unsupported
    numbers and names, the weakest sentence, claims); flagged and failed summaries come first.

    Example: sumbench show reports/news --flagged --worst 5

    Example: sumbench show reports/news --system llm --by faithfulness --json > worst.json
    """
    from benchmark.jobs.show import evidence_lines, show_run

    shown = show_run(
        run, system=system, by=by, worst=worst, flagged=flagged, truncated=truncated, failed=failed
    )
    if as_json:
        typer.echo(json.dumps(shown.to_dict(), ensure_ascii=False, indent=1))
        return
    order = "lowest" if shown.lower_is_worse else "highest"
    say(f"{len(shown.items)} of {shown.total} summaries, worst first by {shown.column} ({order} first)"
        if shown.column else f"{len(shown.items)} of {shown.total} summaries")
    for rank, item in enumerate(shown.items, start=1):
        value = "" if item.value is None or shown.column is None else f" · {shown.column} {item.value:.4g}"
        marks = "".join((" · FLAGGED" if item.flagged else "", " · FAILED" if item.error else "",
                         " · TRUNCATED" if item.finish_reason == "length" else ""))
        say(f"\n#{rank} {item.system} · {item.doc_id}{value}{marks}")
        say(f"  summary: {item.summary}" if item.summary is not None else f"  error: {item.error}")
        for line in evidence_lines(item.evidence):
            say(f"  {line}")
