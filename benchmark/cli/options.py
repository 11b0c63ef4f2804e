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
PluginOpt = Annotated[
    list[str] | None,
    typer.Option("--plugin", "-p", help="Plugin to load: path/to/file.py or module:attr. Repeatable."),
]

NormalizeIdsOpt = Annotated[
    bool,
    typer.Option(
        "--normalize-ids",
        help="Match document ids after Unicode NFC normalisation and stripping surrounding "
        "whitespace (reference set and prediction files); recorded in results.json.",
    ),
]
