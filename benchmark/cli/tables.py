"""Terminal tables that stay legible at 80 columns (CI logs, pipes): wrapped, never cut."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from benchmark.safe_text import printable

if TYPE_CHECKING:
    from benchmark.results import Results
    from benchmark.stats.analysis import Analysis


def _score(value: float, scale: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{scale * value:.2f}"


def _short(value: float, scale: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{scale * value:.1f}"


def leaderboard(results: Results, analysis: Analysis | None = None) -> Group:
    """Means per system (with the CI on a second line) and, under the table, each metric's signature.

    Every cell folds instead of being cut with an ellipsis, so long system and column names
    stay whole on a narrow terminal.
    """
    means = results.means()
    columns = results.headline_columns
    level = f"{100 * analysis.options.level:g}% CI on the second line; " if analysis else ""
    table = Table(
        title=Text(f"{printable(results.metadata.dataset.name)}: mean scores (fractions ×100)"),
        caption=Text(f"{level}signatures below"),
        padding=(0, 1),
    )
    table.add_column("system", overflow="fold", ratio=2)
    for col in columns:
        table.add_column(Text(printable(col)), justify="right", overflow="fold", ratio=1)
    table.add_column("failed", justify="right", overflow="fold")
    for system in means.index:
        row: list[Text] = [Text(printable(system))]
        for col in columns:
            value = float(means[col].get(system, math.nan)) if col in means else math.nan
            text = _score(value, results.scale(col))
            ci = analysis.ci(str(system), col) if analysis else None
            if ci is not None and not math.isnan(ci.low):
                scale = results.scale(col)
                text += f"\n{_short(ci.low, scale)}–{_short(ci.high, scale)}"
            row.append(Text(text))
        row.append(Text(str(results.metadata.failed(str(system)))))
        table.add_row(*row)
    signatures = Text()
    for metric in results.metadata.metrics:
        signatures.append(f"{printable(metric.name)}: ", style="bold")
        signatures.append(printable(metric.signature) + "\n")
    return Group(table, signatures) if len(signatures) else Group(table)


def print_leaderboard(results: Results) -> None:
    """Print a run's leaderboard (with CIs when there are scores) and its signatures."""
    from benchmark.cli.console import console
    from benchmark.stats.analysis import analyze

    console.print(leaderboard(results, analyze(results) if len(results.scores) else None))
