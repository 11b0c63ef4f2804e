"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

DatasetOpt = Annotated[
    str | None,
    typer.Option(
        "--dataset",
        "-d",
        help="Reference set: JSONL, CSV, TSV or hf:NAME[:CONFIG]:SPLIT. "
        "Default: the bundled news-sample set (32 news articles, shipped with the package).",
    ),
]
TextFieldOpt = Annotated[
    str | None, typer.Option(help="Field holding the article text (default: tried aliases).")
]
RefFieldOpt = Annotated[
    str | None, typer.Option(help="Field holding the reference(s); comma-separate several columns.")
]
IdFieldOpt = Annotated[str | None, typer.Option(help="Field holding the document id.")]
PairwiseOpt = Annotated[
    str | None,
    typer.Option(
        "--pairwise",
        help="After the run, judge every pair of systems head to head with this judge spec (both "
        "orders; win rates, a Bradley-Terry ranking, bias): llm for the bundled model (weak), "
        "llm:base_url=URL,model=NAME for a server. See `sumbench pairwise --help`.",
    ),
]
PluginOpt = Annotated[
    list[str] | None,
    typer.Option("--plugin", "-p", help="Plugin to load: path/to/file.py or module:attr. Repeatable."),
]

