"""Terminal tables that stay legible at 80 columns (CI logs, pipes): wrapped, never cut."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from benchmark.core.safe_text import printable

if TYPE_CHECKING:
    from benchmark.jobs.run import RunOutcome
    from benchmark.results.table import Results
    from benchmark.stats.analysis import Analysis


def _score(value: float, scale: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{scale * value:.2f}"


def _short(value: float, scale: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{scale * value:.1f}"


_PARTS = {
    "rouge1": "R-1",
    "rouge2": "R-2",
    "rougeL": "R-L",
    "rougeLsum": "R-Lsum",
    "bertscore": "BS",
    "length": "len",
    "sentences": "sents",
    "coverage": "cov",
    "density": "dens",
    "compression": "compr",
}


def abbreviate(column: str) -> str:
    """A short, legible header: ``rouge1_f`` -> ``R-1 F``, ``length_sentences`` -> ``len sents``."""
    parts = column.split("_")
    out = [_PARTS.get(p, p) for p in parts]
    if len(parts) > 1 and len(parts[-1]) == 1:
        out[-1] = parts[-1].upper()
    return " ".join(out)


def leaderboard(results: Results, analysis: Analysis | None = None, width: int = 80) -> Group:
    """Means per system (± half the CI on a second line) and, under the table, each metric's signature.

    Every cell folds instead of being cut with an ellipsis, so long system and column names
    stay whole on a narrow terminal.
    """
    means = results.means()
    columns = results.headline_columns
    level = f"second line: ± half the {100 * analysis.options.level:g}% CI; " if analysis else ""
    table = Table(
        title=Text(f"{printable(results.metadata.dataset.name)}: mean scores (fractions ×100)"),
        caption=Text(f"{level}signatures below"),
        padding=(0, 1),
    )
    names = [printable(c) for c in columns]
    wide_enough = 16 + sum(max(len(n), 6) + 3 for n in names) + 9 <= width
    headers = names if wide_enough else [abbreviate(n) for n in names]
    table.add_column("system", overflow="fold", min_width=8)
    for header in headers:
        table.add_column(Text(header), justify="right", overflow="fold")
    table.add_column("failed" if wide_enough else "fail", justify="right", overflow="fold")
    total = len(results.document_ids)
    missing = {col: results.missing(col) for col in columns}
    for system in means.index:
        row: list[Text] = [Text(printable(system))]
        for col in columns:
            value = float(means[col].get(system, math.nan)) if col in means else math.nan
            text = _score(value, results.scale(col))
            n = total - missing[col].get(str(system), 0)
            if n < total and not math.isnan(value):
                text += f"\nn={n}"
            ci = analysis.ci(str(system), col) if analysis else None
            if ci is not None and not math.isnan(ci.low):
                text += f"\n±{_short((ci.high - ci.low) / 2, results.scale(col))}"
            row.append(Text(text))
        row.append(Text(str(results.metadata.failed(str(system)))))
        table.add_row(*row)
    signatures = Text()
    if not wide_enough:
        legend = ", ".join(f"{h} = {n}" for h, n in zip(headers, names, strict=True) if h != n)
        signatures.append(f"{legend}\n" if legend else "")
    for metric in results.metadata.metrics:
        signatures.append(f"{printable(metric.name)}: ", style="bold")
        signatures.append(printable(metric.signature) + "\n")
    return Group(table, signatures) if len(signatures) else Group(table)


def print_leaderboard(results: Results, analysis: Analysis | None = None) -> None:
    """Print a run's leaderboard (with CIs when there are scores) and its signatures."""
    from benchmark.cli.console import console
    from benchmark.stats.analysis import analyze_run

    console.print(leaderboard(results, analysis or analyze_run(results), console.width))


def cost_table(results: Results) -> Table | None:
    """The cost and speed of each system that called a model (tokens, latency, truncation,
    cost), or None when none did."""
    from benchmark.reports.costs import HEADER, cost_rows

    rows = cost_rows(results)
    if not rows:
        return None
    from rich import box

    table = Table(title="cost and speed", padding=(0, 1), box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False)
    for name in HEADER:
        short = TERMINAL_HEADER.get(name, name).replace(" ", "\n")
        if name == "system":
            table.add_column(short, overflow="fold")
        else:  # numbers stay whole; the headers fold onto two lines
            table.add_column(short, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(printable(_two_lines(cell))) for cell in row))
    return table


TERMINAL_HEADER = {
    "summaries": "n", "prompt tokens": "prompt tok", "completion tokens": "compl tok",
    "latency p50": "p50 s", "latency p95": "p95 s", "truncated": "trunc", "per minute": "per min",
    "per 1,000": "per 1k",
}


def _two_lines(cell: str) -> str:
    """A cell short enough for 80 columns: ``5,396 (674/summary)`` as its total (the reports
    keep the mean), ``21.27 s`` without its unit (in the header), ``8 (100%)`` on two lines."""
    cell = re.sub(r" \([\d,.]+/summary\)", "", cell.removesuffix(" s"))
    return cell.replace(" (", "\n(")


def print_outcome(outcome: RunOutcome) -> None:
    """A finished run as the terminal shows it: the leaderboard, the files written, the gate
    checks that passed; a failed check raises GateFailed (exit 1, its lines on stderr)."""
    from benchmark.cli.console import console, say

    print_leaderboard(outcome.results, outcome.analysis)
    costs = cost_table(outcome.results)
    if costs is not None:
        console.print(costs)
    if outcome.results.pairwise is not None:
        from benchmark.reports.terminal import pairwise_tables

        console.print(pairwise_tables(outcome.results.pairwise))
    for kind, path in outcome.written.items():
        say(f"wrote {kind:<4} {path}")
    for line in outcome.gates.passed:
        say(line)
    outcome.gates.raise_for_failures()
