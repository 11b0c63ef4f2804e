"""`sumbench run`, `summarize` and `list`: run summarizers and metrics, one article, the components."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from benchmark.cli.console import RichProgress, cell, console, handle_errors, say
from benchmark.cli.options import DatasetOpt, IdFieldOpt, PairwiseOpt, PluginOpt, RefFieldOpt, TextFieldOpt


@handle_errors
def run(
    dataset: DatasetOpt = None,
    summarizer: Annotated[
        list[str] | None,
        typer.Option(
            "--summarizer",
            "-s",
            help="Summarizer spec NAME[:key=value,...]; repeatable. name=LABEL sets its name in the results. "
            "Default: lead, textrank, transformer.",
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            help="Metric spec NAME[:key=value,...]; repeatable. Default: rouge, bertscore with references; "
            "faithfulness, length without (an articles-only set).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output directory (default reports/<run-id>).")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A sumbench.toml run file.")] = None,
    plugin: PluginOpt = None,
    text_field: TextFieldOpt = None,
    ref_field: RefFieldOpt = None,
    id_field: IdFieldOpt = None,
    limit: Annotated[int | None, typer.Option(help="Use only the first N documents.")] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Cache file (default $SUMBENCH_CACHE or ~/.cache/sumbench).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Compute everything; keep nothing.")] = False,
    batch_size: Annotated[int | None, typer.Option(help="Documents per summarizer/metric call.")] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed for every random choice (bootstrap, random baseline).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes for pure-Python summarizers and metrics (models stay in this "
            "process and use torch threads; with --executor ray, also the number of model "
            "actors). Results do not depend on it."
        ),
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option(
            help="Where batches run: local (this machine) or ray (a Ray cluster; "
            "pip install 'sumbench[ray]')."
        ),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster to join: auto (the cluster this machine belongs to) or "
            "HEAD:6379 (default: start a local Ray with --workers CPUs)."
        ),
    ] = None,
    ray_gpus: Annotated[
        float | None,
        typer.Option(help="GPUs each Ray actor of a model component asks for (default 0: CPU)."),
    ] = None,
    bootstrap: Annotated[
        int | None, typer.Option(help="Bootstrap/randomization resamples for CIs and tests (default 1000).")
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            help="Gate: [SYSTEM:]COLUMN=VALUE; fail (exit 1) if a system's mean is below VALUE, in the "
            "units the tables show: x100 for fractions (rouge1_f=30 is 0.30), raw for counts "
            "(length_words=50 is 50 words). A system with a failed document or no value fails too. "
            "Repeatable.",
        ),
    ] = None,
    allow_failures: Annotated[
        str | None,
        typer.Option(
            "--allow-failures",
            help="Documents a gated system may miss (failed or without a value): a count (3) "
            "or a fraction of the documents (0.05). Default 0.",
        ),
    ] = None,
    report_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="Reports to write: md, json, csv, html; a comma list or repeatable (default: all four).",
        ),
    ] = None,
    partial_references: Annotated[
        bool,
        typer.Option(
            "--partial-references",
            help="On a set where only some documents have reference summaries, score reference "
            "metrics on those (the others count as missing in tables and gates).",
        ),
    ] = False,
    embed_documents: Annotated[
        bool,
        typer.Option(
            "--embed-documents",
            help="Store every article and reference in results.json (self-contained; default: the "
            "reference set's path and fingerprint only).",
        ),
    ] = False,
    pairwise: PairwiseOpt = None,
) -> None:
    """Run summarizers over a reference set, score them and write reports.

    Exit codes: 0 pass, 1 a gate failed, 2 a usage or input error, 3 an internal error
    (traceback in the log file the message names).

    Example: sumbench run -s lead -s lead:k=1,name=lead1 -m rouge -o reports/leads

    Example: sumbench run -s lead -s textrank -m rouge --workers 2 --executor ray

    Example: sumbench run -s lead -s predictions:path=bart.jsonl -m rouge (summaries from a file)
    """
    from benchmark.cli.tables import print_leaderboard, run_analysis
    from benchmark.pipeline.config import build_config
    from benchmark.pipeline.engine import run as run_pipeline
    from benchmark.reports import write_reports

    cfg = build_config(
        config,
        dataset=dataset,
        summarizers=tuple(summarizer or ()),
        metrics=tuple(metric or ()),
        output=str(output) if output else None,
        plugins=tuple(plugin or ()),
        text_field=text_field,
        ref_field=ref_field,
        id_field=id_field,
        limit=limit,
        cache=str(cache) if cache else None,
        use_cache=False if no_cache else None,
        batch_size=batch_size,
        seed=seed,
        workers=workers,
        executor=executor,
        ray_address=ray_address,
        ray_gpus=ray_gpus,
        bootstrap=bootstrap,
        fail_under=tuple(fail_under or ()),
        formats=tuple(report_format or ()),
        embed_documents=True if embed_documents else None,
        partial_references=True if partial_references else None,
        allow_failures=allow_failures,
        pairwise=pairwise,
    )
    from benchmark.cli.preflight import preflight_run

    preflight_run(cfg)
    with RichProgress() as progress:
        results = run_pipeline(cfg, progress=progress)
    out_dir = Path(cfg.output) if cfg.output else Path("reports") / results.metadata.run_id
    analysis = run_analysis(results)
    written = write_reports(results, out_dir, cfg.formats, analysis)
    print_leaderboard(results, analysis)
    if results.pairwise is not None:
        from benchmark.reports.terminal import pairwise_tables

        console.print(pairwise_tables(results.pairwise))
    for kind, path in written.items():
        say(f"wrote {kind:<4} {path}")
    if cfg.fail_under:
        from benchmark.core.errors import GateFailed
        from benchmark.stats.gate import check_fail_under

        try:
            passed = check_fail_under(results, cfg.fail_under, allow_failures=cfg.allow_failures)
        except GateFailed as exc:
            passed = exc.passed
            raise
        finally:
            console.print("\n".join(passed), highlight=False, markup=False, soft_wrap=True)


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
    from benchmark.components.build import build_systems, load_plugins
    from benchmark.core.errors import InputError
    from benchmark.core.safe_text import looks_binary, printable
    from benchmark.inputs.documents import Document
    from benchmark.inputs.ingest import clean_article
    from benchmark.pipeline.summarize import summarize_batch

    load_plugins(list(plugin or ()))
    if file == "-":
        data = sys.stdin.buffer.read()
        if looks_binary(data):
            raise InputError("standard input is not text (binary data)")
        text, suffix = data.decode("utf-8", errors="replace"), ".txt"
    else:
        path = Path(file)
        if not path.is_file():
            raise InputError(f"article file not found: {path}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        if looks_binary(data):
            raise InputError(f"{path} is not a text file (binary data); give a .txt, .md or .html article")
        text, suffix = data.decode("utf-8", errors="replace"), path.suffix.lower()
    article = clean_article(text, suffix=suffix) if not raw else None
    body = article.text if article else text
    if not body.strip():
        raise InputError(f"{file}: no article text left to summarize")
    system = build_systems([summarizer])[0]
    doc = Document(
        id="stdin" if file == "-" else Path(file).stem,
        text=body,
        references=(),
        title=article.title if article else None,
    )
    if system.summarizer.needs_references:
        raise InputError(f"summarizer {system.label!r} reads reference summaries; a raw article has none")
    system.prepared([doc])
    (outcome,) = summarize_batch(system.summarizer, [doc])
    if outcome.summary is None:
        raise InputError(f"summarizer {system.label!r} failed: {outcome.error}")
    typer.echo(printable(outcome.summary))


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
