"""Rich tables for the terminal: a comparison of two runs, a pairwise judgement of a run's systems."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from benchmark.core.safe_text import printable
from benchmark.reports.format import fmt_ci, fmt_delta, fmt_p, fmt_score, fmt_share
from benchmark.stats.compare import Comparison

if TYPE_CHECKING:
    from benchmark.results.pairwise import Pairwise

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


def pairwise_tables(block: Pairwise) -> Group:
    """The ranking (Bradley-Terry strength with CI), every pair's counts and rates, the biases."""
    ranking = Table(title=Text("Pairwise: Bradley-Terry ranking (log-odds, 95% CI)"))
    for col in ("#", "system", "strength", "95% CI", "battles"):
        ranking.add_column(col, justify="left" if col == "system" else "right", overflow="fold")
    for i, r in enumerate(block.ranking, start=1):
        ci = "—" if r.low is None or r.high is None else f"[{r.low:+.2f}, {r.high:+.2f}]"
        ranking.add_row(str(i), Text(printable(r.system)), f"{r.strength:+.2f}", ci, str(r.battles))
    pairs = Table(
        title=Text("Pairs: a's win rate % (ties and inconsistent count half; 95% CI over documents)"),
        caption=Text("wins a-b; incons.: the two orders disagreed; p: sign test; LC: length-controlled"),
    )
    for col in ("a", "b", "n", "wins", "ties", "incons.", "failed", "win rate a", "p", "LC"):
        pairs.add_column(col, justify="left" if col in ("a", "b") else "right", overflow="fold")
    for p in block.pairs:
        rate = fmt_share(p.win_rate_a).replace(" [", "\n[")
        sign = fmt_p(p.sign_p if p.sign_p is not None else float("nan"))
        pairs.add_row(
            Text(printable(p.a)), Text(printable(p.b)), str(p.n), f"{p.a_wins}-{p.b_wins}", str(p.ties),
            str(p.inconsistent), str(p.failed), rate, sign, fmt_share(p.lc_win_rate_a, ci=False),
        )
    lines = Text()
    if block.bias is not None:
        b = block.bias
        lines.append(
            f"position bias: the first-shown summary won {b.first_wins} of {b.decisive_orders} decisive "
            f"single-order verdicts ({fmt_share(b.position)}; 50 is unbiased)\n"
            f"length bias: the longer summary won {b.longer_wins} of {b.decisive_unequal} consistent wins "
            f"({fmt_share(b.length)})\n"
            f"inconsistent: {b.inconsistent} of {b.judged} judged ({fmt_share(b.inconsistency)}); "
            f"failed: {b.failed}\n"
        )
    usage = block.usage
    lines.append(
        f"judging cost: {usage.get('requests', 0)} requests now ({usage.get('cached_contests', 0)} "
        f"document-pairs from the cache), {usage.get('prompt_tokens') or 0} prompt + "
        f"{usage.get('completion_tokens') or 0} completion tokens"
        + (f", ${usage['cost_usd']:.4f}" if usage.get("cost_usd") is not None else "")
        + f", {usage.get('seconds', 0):.1f} s\n"
    )
    if block.judge.caveat:
        lines.append(printable(block.judge.caveat) + "\n", style="yellow")
    lines.append("judge: ", style="bold")
    lines.append(printable(block.judge.signature) + "\n")
    lines.append("statistics: ", style="bold")
    lines.append(printable(block.statistics))
    return Group(ranking, pairs, lines)
