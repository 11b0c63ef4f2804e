"""`sumbench meta-eval`: correlate metrics with human judgments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from benchmark.cli.console import RichProgress, cell, console, handle_errors, say
from benchmark.cli.options import PluginOpt, RefFieldOpt, TextFieldOpt


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
    control: Annotated[
        str | None,
        typer.Option(help="Add the partial correlation controlling for this variable "
                     "(only 'system': FRANK's measure)."),
    ] = None,
    binary_threshold: Annotated[
        float | None,
        typer.Option(help="Call a summary positive when its human score is >= this "
                     "(ROC AUC, balanced accuracy)."),
    ] = None,
    split_field: Annotated[
        str | None,
        typer.Option(help="Judgments field naming each row's split: the binary threshold is tuned on "
                     "'val'/'validation'/'dev' rows and measured on 'test' rows."),
    ] = None,
    group_by: Annotated[
        str | None, typer.Option(help="Judgments field (e.g. dataset): every result again within each value.")
    ] = None,
    pairwise: Annotated[
        bool,
        typer.Option("--pairwise", help="Pairwise agreement of every metric column with the human "
                     "preferences (each pair of summaries of a document rated differently)."),
    ] = False,
    judge: Annotated[
        list[str] | None,
        typer.Option("--judge", "-j", help="A pairwise judge spec to measure the same way (both orders; "
                     "with its position consistency), e.g. llm for the bundled model; repeatable."),
    ] = None,
    pairs: Annotated[
        int | None,
        typer.Option(help="Measure pairwise agreement on a seeded random sample of this many "
                     "document-pairs (metrics and judges alike; default: every pair)."),
    ] = None,
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

    With several metric columns, every pair is compared (Williams' test and a paired bootstrap
    over documents). Example: sumbench meta-eval ../shared/data/summeval -m faithfulness
    -m rouge:multi_ref=mean --human consistency --control system --json meta.json
    """
    import json

    from benchmark.cli.console import err_console
    from benchmark.components.build import load_plugins
    from benchmark.core.atomic import atomic_write_text
    from benchmark.meta.judgments import JudgmentFields, load_documents, load_judgments, locate
    from benchmark.meta.meta_eval import META_EVAL_METRICS, meta_evaluate, summary_table
    from benchmark.pipeline.cache import Cache, default_cache_path

    load_plugins(list(plugin or ()))
    path, docs_path = locate(file, docs)
    extra = tuple(dict.fromkeys(f for f in (split_field, group_by) if f))
    fields = JudgmentFields(doc_field, system_field, output_field, tuple(human or ()), extra)
    judgments = load_judgments(path, fields)
    refset = load_documents(docs_path, judgments, text_field=text_field, ref_field=ref_field)
    with Cache(None if no_cache else (cache or default_cache_path())) as store, RichProgress() as progress:
        result = meta_evaluate(
            judgments,
            refset,
            tuple(metric or META_EVAL_METRICS),
            cache=store,
            bootstrap=bootstrap,
            seed=seed,
            all_columns=all_columns,
            control=control,
            binary_threshold=binary_threshold,
            split_field=split_field,
            group_by=group_by,
            pairwise=pairwise,
            judges=tuple(judge or ()),
            pairs=pairs,
            progress=progress,
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
        table.add_row(*(cell(c) for c in row))
    console.print(table)
    _print_extras(result, bootstrap)
    if json_out:
        atomic_write_text(json_out, json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n")
        say(f"wrote json {json_out}")



def _print_extras(result: object, bootstrap: int) -> None:
    """Pairwise comparisons (Pearson) and binary agreement, when there are any."""
    from benchmark.meta.compare_metrics import metric_comparison_rows
    from benchmark.meta.meta_eval import MetaEval

    assert isinstance(result, MetaEval)
    levels = dict.fromkeys(r["level"] for r in result.comparisons)
    for level in levels:
        header, rows = metric_comparison_rows(result.comparisons, level)
        table = Table(title=f"Pearson, {level} level: is A better than B? One-sided p for the better; "
                      f"paired bootstrap ({bootstrap}) and Williams' test")
        for col in header:
            left = col in ("human", "metric A", "metric B", "better")
            table.add_column(col, justify="left" if left else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    if result.pairwise:
        measured = result.metadata["pairs"]["measured"]
        table = Table(title=f"Pairwise agreement with human preferences ({measured} document-pairs; "
                      f"95% CI over documents, {bootstrap} resamples)")
        for col in ("metric / judge", "human", "agreement", "95% CI", "n", "position consistency", "failed"):
            table.add_column(col, justify="left" if col in ("metric / judge", "human") else "right",
                             overflow="fold")
        for r in result.pairwise:
            ci = "—" if r["low"] != r["low"] else f"[{r['low']:.3f}, {r['high']:.3f}]"
            consistent = "" if r["kind"] != "judge" else _num(r["consistency"])
            table.add_row(cell(r["metric"]), cell(r["human"]), _num(r["agreement"]), ci, str(r["n"]),
                          consistent, str(r.get("failed", "")))
        console.print(table)
    binary_rows = [r for r in result.binary if r["group"] == "all"]
    if binary_rows:
        table = Table(title="Binary labels: ROC AUC (test rows, or all) and balanced accuracy "
                      "(threshold tuned on validation rows); lower-is-better columns negated")
        for col in ("metric", "label", "AUC", "bal. acc.", "threshold", "n test", "n val"):
            table.add_column(col, justify="left" if col in ("metric", "label") else "right")
        for r in binary_rows:
            table.add_row(r["metric"], r["label"], _num(r["auc"]), _num(r["balanced_accuracy"]),
                          _num(r["threshold"]), str(r["n_test"]), str(r["n_validation"]))
        console.print(table)


def _num(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"
