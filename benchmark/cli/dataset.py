"""`sumbench dataset ...`: build, validate and describe reference sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from benchmark.cli.console import cell, console, handle_errors, say
from benchmark.cli.options import IdFieldOpt, RefFieldOpt, TextFieldOpt

dataset_app = typer.Typer(
    help="Build, validate and describe reference sets.\n\n"
    "Example: sumbench dataset stats datasets/news-sample.jsonl",
    no_args_is_help=True,
)


@dataset_app.command("validate")
@handle_errors
def dataset_validate(
    file: Annotated[str, typer.Argument(help="Reference set file or hf:NAME[:CONFIG]:SPLIT.")],
    text_field: TextFieldOpt = None,
    ref_field: RefFieldOpt = None,
    id_field: IdFieldOpt = None,
) -> None:
    """Check a reference set; every problem is named with its file and line (exit code 2).

    Example: sumbench dataset validate datasets/news-sample.jsonl
    """
    from benchmark.components.build import usable_components
    from benchmark.inputs.documents import load_reference_set

    refset = load_reference_set(file, text_field=text_field, ref_field=ref_field, id_field=id_field)
    note = "" if refset.has_text else " (references only, no article text)"
    say(f"ok: {len(refset)} documents{note}, fingerprint {refset.fingerprint}")
    with_refs = refset.documents_with_references
    say(
        "reference summaries: " + (
            "every document" if refset.has_references else
            "none (an articles-only set)" if not with_refs else f"{with_refs} of {len(refset)} documents"
        )
    )
    usable = usable_components(refset)
    say(f"metrics it can run: {', '.join(usable['metrics']) or 'none'}")
    for need in ("need references", "need text"):
        if usable[need]:
            say(f"{need}: {', '.join(usable[need])}")


@dataset_app.command("stats")
@handle_errors
def dataset_stats(
    file: Annotated[str, typer.Argument(help="Reference set file or hf:NAME[:CONFIG]:SPLIT.")],
    text_field: TextFieldOpt = None,
    ref_field: RefFieldOpt = None,
    id_field: IdFieldOpt = None,
) -> None:
    """Describe a reference set: documents, words, sentences, references, compression.

    Example: sumbench dataset stats datasets/news-sample.jsonl
    """
    from benchmark.inputs.documents import load_reference_set
    from benchmark.inputs.ingest import reference_set_stats

    refset = load_reference_set(file, text_field=text_field, ref_field=ref_field, id_field=id_field)
    table = Table(title=cell(f"{refset.name} ({refset.fingerprint})"))
    for col in ("statistic", "mean", "min", "max"):
        table.add_column(col, justify="right" if col != "statistic" else "left")
    for name, values in reference_set_stats(refset).items():
        table.add_row(name, *values)
    console.print(table)


@dataset_app.command("build")
@handle_errors
def dataset_build(
    raw: Annotated[list[Path], typer.Argument(help="Raw article files (.txt, .md, .html).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write.")],
    references: Annotated[
        Path | None,
        typer.Option(
            "--references",
            "-r",
            help="CSV with columns id,reference (one row per reference); "
            "default: sidecar files ARTICLE.ref.txt / ARTICLE.ref1.txt ...",
        ),
    ] = None,
    keep_boilerplate: Annotated[bool, typer.Option(help="Keep page chrome as it is.")] = False,
) -> None:
    """Build a JSONL reference set from raw article pages and their reference summaries.

    Example: sumbench dataset build pages/*.txt -o datasets/mine.jsonl
    """
    from benchmark.core.atomic import atomic_write_text
    from benchmark.core.outputs import check_output_file
    from benchmark.inputs.documents import write_jsonl_documents
    from benchmark.inputs.ingest import build_documents

    check_output_file(output)
    docs = build_documents(raw, references_csv=references, clean=not keep_boilerplate)
    atomic_write_text(output, write_jsonl_documents(docs))
    with_refs = sum(bool(d.references) for d in docs)
    refs = "none: an articles-only set" if not with_refs else f"{with_refs} of {len(docs)}"
    say(f"wrote {len(docs)} documents to {output} (with reference summaries: {refs})")

