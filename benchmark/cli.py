"""The `sumbench` command line: parses options, calls the library, prints with rich."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table

from benchmark import __version__
from benchmark.console import RichProgress, console, handle_errors

app = typer.Typer(
    name="sumbench",
    help="Summarization evaluation and benchmarking: run summarizers over a reference set, "
    "score them (ROUGE, BERTScore, ...), write reports and gate CI on them.\n\n"
    "Example: sumbench run --summarizer lead:k=3 --metric rouge --output reports/lead3",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
dataset_app = typer.Typer(
    help="Build, validate and describe reference sets.\n\n"
    "Example: sumbench dataset stats datasets/news-sample.jsonl",
    no_args_is_help=True,
)
app.add_typer(dataset_app, name="dataset")

DatasetOpt = Annotated[
    str | None,
    typer.Option(
        "--dataset",
        "-d",
        help="Reference set: JSONL, CSV, TSV or hf:NAME[:CONFIG]:SPLIT. "
        "Default: the bundled datasets/news-sample.jsonl.",
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


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"sumbench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """sumbench command line."""


@app.command()
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
            "--metric", "-m", help="Metric spec NAME[:key=value,...]; repeatable. Default: rouge, bertscore."
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
            "process and use torch threads). Results do not depend on it."
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
    bootstrap: Annotated[
        int | None, typer.Option(help="Bootstrap/randomization resamples for CIs and tests (default 1000).")
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option("--fail-under", help="Gate: METRIC=VALUE, fail (exit 1) if any system's mean is below."),
    ] = None,
) -> None:
    """Run summarizers over a reference set, score them and write reports.

    Example: sumbench run -s lead -s lead:k=1,name=lead1 -m rouge -o reports/leads

    Example: sumbench run -s lead -s textrank -m rouge --workers 2 --executor ray
    """
    from benchmark.config import build_config
    from benchmark.pipeline import run as run_pipeline
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
        bootstrap=bootstrap,
        fail_under=tuple(fail_under or ()),
    )
    with RichProgress() as progress:
        results = run_pipeline(cfg, progress=progress)
    out_dir = Path(cfg.output) if cfg.output else Path("reports") / results.metadata["run_id"]
    written = write_reports(results, out_dir, cfg.formats)
    _print_leaderboard(results)
    for kind, path in written.items():
        console.print(f"wrote {kind:<4} {path}")
    if cfg.fail_under:
        from benchmark.gate import check_fail_under

        check_fail_under(results, list(cfg.fail_under))


def _print_leaderboard(results: object) -> None:
    from benchmark.reports.markdown import fmt_score
    from benchmark.results import Results

    assert isinstance(results, Results)
    means = results.means()
    table = Table(title=f"{results.metadata['dataset']['name']}: mean scores (fractions ×100)")
    table.add_column("system")
    columns = results.headline_columns
    for col in columns:
        table.add_column(col, justify="right")
    table.add_column("failed", justify="right")
    failed = {s["name"]: s["failed"] for s in results.metadata["systems"]}
    for system in means.index:
        table.add_row(
            system,
            *[fmt_score(cast(float, means.at[system, c]), results.scale(c)) for c in columns],
            str(failed.get(system, 0)),
        )
    console.print(table)


@app.command()
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
    from benchmark.documents import Document
    from benchmark.errors import InputError
    from benchmark.ingest import clean_article
    from benchmark.pipeline import build_systems, summarize_batch
    from benchmark.registry import load_plugins

    load_plugins(list(plugin or ()))
    if file == "-":
        text, suffix = sys.stdin.read(), ".txt"
    else:
        path = Path(file)
        if not path.is_file():
            raise InputError(f"article file not found: {path}")
        text, suffix = path.read_text(encoding="utf-8", errors="replace"), path.suffix.lower()
    article = clean_article(text, suffix=suffix) if not raw else None
    body = article.text if article else text
    if not body.strip():
        raise InputError(f"{file}: no article text left to summarize")
    system = build_systems([summarizer])[0]
    doc = Document(
        id="stdin" if file == "-" else Path(file).stem,
        text=body,
        references=(body,),
        title=article.title if article else None,
    )
    ((summary, error, _),) = summarize_batch(system.summarizer, [doc])
    if summary is None:
        raise InputError(f"summarizer {system.label!r} failed: {error}")
    typer.echo(summary)


@app.command("list")
@handle_errors
def list_components(plugin: PluginOpt = None) -> None:
    """List summarizers and metrics with their options and where they come from.

    Example: sumbench list --plugin my_plugin.py
    """
    from benchmark.listing import component_rows
    from benchmark.metrics import METRICS
    from benchmark.registry import load_plugins
    from benchmark.summarizers import SUMMARIZERS

    load_plugins(list(plugin or ()))
    for registry in (SUMMARIZERS, METRICS):
        table = Table(title=f"{registry.kind}s")
        for col in ("name", "options (default)", "from"):
            table.add_column(col, overflow="fold")
        for name, options, origin in component_rows(registry):
            table.add_row(name, options, origin)
        console.print(table)


@app.command()
@handle_errors
def report(
    results_file: Annotated[Path, typer.Argument(help="A results.json (or the directory holding it).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Directory for the reports (default: beside results.json)."),
    ] = None,
    fmt: Annotated[
        list[str] | None, typer.Option("--format", "-f", help="md, html, json, csv; repeatable.")
    ] = None,
) -> None:
    """Re-render the reports of a finished run from its results.json.

    Example: sumbench report reports/example/results.json --format html
    """
    from benchmark.reports import ALL_FORMATS, write_reports
    from benchmark.results import load_results

    results = load_results(results_file)
    target = output or (results_file if results_file.is_dir() else results_file.parent)
    formats = tuple(fmt) if fmt else tuple(f for f in ALL_FORMATS if f not in ("json", "csv"))
    for kind, path in write_reports(results, target, formats).items():
        console.print(f"wrote {kind:<4} {path}")


@app.command()
@handle_errors
def compare(
    base: Annotated[Path, typer.Argument(help="BASE results.json (or the directory holding it).")],
    new: Annotated[Path, typer.Argument(help="NEW results.json (or the directory holding it).")],
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric", "-m", help="Score column to compare (default: the headline columns); repeatable."
        ),
    ] = None,
    max_drop: Annotated[
        list[str] | None,
        typer.Option(
            "--max-drop",
            help="Gate: METRIC=POINTS; fail (exit 1) when a system's NEW mean is below "
            "BASE by more than POINTS on the x100 scale (rouge1_f=1.0 allows a drop of 0.01) and, "
            "unless --any-drop, the drop is significant. Repeatable.",
        ),
    ] = None,
    require_significant: Annotated[
        bool,
        typer.Option(
            "--require-significant/--any-drop",
            help="Fail --max-drop only for significant "
            "drops (Holm-adjusted approximate randomization p < 0.05), or for any drop.",
        ),
    ] = True,
    allow_signature_mismatch: Annotated[
        bool,
        typer.Option("--allow-signature-mismatch", help="Compare even when a metric's signature differs."),
    ] = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the Markdown report here.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the comparison as JSON here.")
    ] = None,
    bootstrap: Annotated[int | None, typer.Option(help="Resamples (default: NEW's run setting).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (default: NEW's run seed).")] = None,
) -> None:
    """Compare two runs: per system and metric the change, its CI and significance.

    Systems are paired by name and documents by id (only those both runs scored).

    Example: sumbench compare base/results.json new/results.json --max-drop rouge1_f=1.0 --markdown report.md
    """
    import json

    from benchmark.analysis import options_for
    from benchmark.atomic import atomic_write_text
    from benchmark.compare import compare_results
    from benchmark.console import err_console
    from benchmark.gate import check_max_drop, parse_max_drop
    from benchmark.reports.markdown import render_markdown
    from benchmark.reports.terminal import comparison_table
    from benchmark.results import load_results

    base_results, new_results = load_results(base), load_results(new)
    gates = [parse_max_drop(text)[0] for text in max_drop or ()]
    columns = list(dict.fromkeys([*(metric or new_results.headline_columns), *gates]))
    comparison = compare_results(
        base_results,
        new_results,
        columns=columns,
        allow_signature_mismatch=allow_signature_mismatch,
        options=options_for(new_results, resamples=bootstrap, seed=seed),
    )
    for warning in comparison.warnings:
        err_console.print(f"warning: {warning}", style="yellow", highlight=False, markup=False)
    console.print(comparison_table(comparison))
    if markdown:
        atomic_write_text(markdown, render_markdown(new_results, comparison))
        console.print(f"wrote md   {markdown}")
    if json_out:
        atomic_write_text(json_out, json.dumps(comparison.to_dict(), indent=1, allow_nan=False) + "\n")
        console.print(f"wrote json {json_out}")
    if max_drop:
        check_max_drop(comparison, list(max_drop), require_significant=require_significant)


@app.command("meta-eval")
@handle_errors
def meta_eval(
    file: Annotated[
        Path,
        typer.Argument(
            help="Judgments JSONL (SummEval layout) or a folder with one "
            "judgments file and one *_docs.jsonl reference set."
        ),
    ],
    docs: Annotated[
        Path | None,
        typer.Option(help="Reference set with the judged documents (default: the *_docs.jsonl beside FILE)."),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric", "-m", help="Metric spec; repeatable (default: rouge:multi_ref=mean and bertscore)."
        ),
    ] = None,
    human: Annotated[
        list[str] | None,
        typer.Option("--human", help="Human score column; repeatable (default: every numeric column)."),
    ] = None,
    doc_field: Annotated[str, typer.Option(help="Judgments field with the document id.")] = "doc_id",
    system_field: Annotated[str, typer.Option(help="Judgments field with the system id.")] = "system_id",
    output_field: Annotated[
        str, typer.Option(help="Judgments field with the system's summary.")
    ] = "system_output",
    text_field: TextFieldOpt = None,
    ref_field: RefFieldOpt = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples of documents (0: no CIs).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    all_columns: Annotated[
        bool, typer.Option("--all-columns", help="Every metric column, not only headlines.")
    ] = False,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every correlation as JSON here.")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Cache file (default $SUMBENCH_CACHE or ~/.cache/sumbench).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Compute everything; keep nothing.")] = False,
    plugin: PluginOpt = None,
) -> None:
    """Correlate metrics with human judgments: Pearson, Spearman, Kendall at summary and system level.

    Example: sumbench meta-eval ../shared/data/summeval --metric rouge:multi_ref=mean --json meta.json
    """
    import json

    from benchmark.atomic import atomic_write_text
    from benchmark.cache import Cache, default_cache_path
    from benchmark.console import err_console
    from benchmark.judgments import JudgmentFields, load_documents, load_judgments, locate
    from benchmark.meta_eval import DEFAULT_METRICS, meta_evaluate, summary_table
    from benchmark.registry import load_plugins

    load_plugins(list(plugin or ()))
    path, docs_path = locate(file, docs)
    fields = JudgmentFields(doc_field, system_field, output_field, tuple(human or ()))
    judgments = load_judgments(path, fields)
    refset = load_documents(docs_path, judgments, text_field=text_field, ref_field=ref_field)
    with Cache(None if no_cache else (cache or default_cache_path())) as store:
        result = meta_evaluate(
            judgments,
            refset,
            tuple(metric or DEFAULT_METRICS),
            cache=store,
            bootstrap=bootstrap,
            seed=seed,
            all_columns=all_columns,
        )
    for warning in result.metadata["warnings"]:
        err_console.print(f"warning: {warning}", style="yellow", highlight=False, markup=False)
    header, rows = summary_table(result)
    table = Table(
        title=f"{path.name}: {result.metadata['documents']} documents, "
        f"{result.metadata['systems']} systems; 95% bootstrap CI ({bootstrap} resamples)"
    )
    for col in header:
        table.add_column(col, justify="left" if col in ("metric", "human", "level") else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if json_out:
        atomic_write_text(json_out, json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n")
        console.print(f"wrote json {json_out}")


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
    from benchmark.documents import load_reference_set

    refset = load_reference_set(file, text_field=text_field, ref_field=ref_field, id_field=id_field)
    console.print(f"ok: {len(refset)} documents, fingerprint {refset.fingerprint}")


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
    from benchmark.documents import load_reference_set
    from benchmark.ingest import reference_set_stats

    refset = load_reference_set(file, text_field=text_field, ref_field=ref_field, id_field=id_field)
    table = Table(title=f"{refset.name} ({refset.fingerprint})")
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
    from benchmark.atomic import atomic_write_text
    from benchmark.documents import write_jsonl_documents
    from benchmark.ingest import build_documents

    docs = build_documents(raw, references_csv=references, clean=not keep_boilerplate)
    atomic_write_text(output, write_jsonl_documents(docs))
    console.print(f"wrote {len(docs)} documents to {output}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
