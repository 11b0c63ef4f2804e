"""Rich tables for the terminal: a run's leaderboard and signatures, a comparison of two runs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from benchmark.core.safe_text import printable
from benchmark.reports.format import fmt_ci, fmt_delta, fmt_p, fmt_score
from benchmark.stats.compare import Comparison

if TYPE_CHECKING:
    pass

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: str) -> Text:
    """Untrusted text (a system name, a signature) as literal terminal text: no markup, no control codes."""
    return Text(_CONTROL.sub("", str(text)))


def comparison_table(comparison: Comparison) -> Table:
    """Per system and metric: base, new, change with CI, adjusted p and a verdict."""
    level = f"{100 * comparison.options.level:g}%"
    table = Table(
        title=Text(
            f"{printable(comparison.new_run)} vs {printable(comparison.base_run)}: change ×100 on "
            f"{comparison.shared_documents} shared documents"
        )
    )
    for col in ("system", "metric", "base", "new", "change", f"{level} CI", "p (Holm)", "verdict"):
        table.add_column(
            col, justify="left" if col in ("system", "metric", "verdict") else "right", overflow="fold"
        )
    for c in comparison.changes:
        if c.regression:
            verdict = "[bold red]regression[/]"
        elif c.significant:
            verdict = "[green]improved[/]"
        else:
            verdict = "n.s."
        diff = c.test.diff
        table.add_row(
            Text(printable(c.system)),
            Text(printable(c.metric)),
            fmt_score(c.base_mean, c.scale),
            fmt_score(c.new_mean, c.scale),
            fmt_delta(diff.mean, c.scale),
            fmt_ci(diff.low, diff.high, c.scale, signed=True),
            fmt_p(c.p_adjusted),
            verdict,
        )
    return table
