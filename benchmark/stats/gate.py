"""CI gates: bounds on a run's figures and on changes against a baseline, one evaluator.

One rule for every number: values are in the units the tables show, x100 for fractions
(``rouge1_f=30`` is a mean of 0.30, ``faith_flagged=5`` is 5% of summaries flagged) and raw
for counts (``length_words=60`` is 60 words). A gate never passes on missing data: a system
with a failed document, or without a value of a gated column, fails unless
``--allow-failures`` permits that many documents.

Gates are parsed once, into typed :class:`Bound` values (a RunConfig holds them), and every
evaluation returns a :class:`GateReport`: one :class:`Check` per system and bound, each with
the line ``run``, ``score``, ``compare`` and the CI summary print. ``GateReport.ok`` decides
exit code 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from benchmark.core.errors import ConfigError, GateFailed
from benchmark.results.metadata import GateCheck as Check
from benchmark.results.table import Results
from benchmark.results.usage import FIGURE_UNITS, FIGURES
from benchmark.stats.bounds import (
    Bound,
    parse_allowance,
    parse_max_drop,
    parse_min_coverage,
    unit,
)
from benchmark.stats.compare import Comparison


@dataclass(frozen=True, slots=True)
class GateReport:
    """Every check of a run's gates; ``ok`` when none failed (and vacuously with no gate)."""

    checks: tuple[Check, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[str]:
        return [c.line for c in self.checks if not c.ok]

    @property
    def passed(self) -> list[str]:
        return [c.line for c in self.checks if c.ok]

    def __add__(self, other: GateReport) -> GateReport:
        return GateReport(self.checks + other.checks)

    def raise_for_failures(self) -> None:
        """GateFailed (exit 1) naming every failed check, carrying the passed ones for the log."""
        if not self.ok:
            raise GateFailed(self.failures, self.passed)


def validate_bounds(
    bounds: Sequence[Bound], scales: Mapping[str, float], systems: Sequence[str] | None = None
) -> list[str]:
    """Reject gates on unknown columns or systems before any work; returns notes to show
    (a fraction column gated at a value that looks like a fraction, not x100)."""
    notes = []
    for gate in bounds:
        if gate.column not in scales:
            known = ", ".join(scales)
            raise ConfigError(f"{gate.flag} names unknown metric {gate.column!r}; known: {known}")
        if gate.system is not None and systems is not None and gate.system not in systems:
            names = ", ".join(systems)
            raise ConfigError(f"{gate.flag} names unknown system {gate.system!r}; systems: {names}")
        scale = scales[gate.column]
        if scale == 100 and 0 < gate.value <= 1 and gate.flag in ("--fail-under", "--fail-over"):
            notes.append(
                f"{gate.flag} {gate}: {gate.column} is read x100, so {gate.value:g} means "
                f"a mean of {gate.value / 100:g}; write {gate.column}={gate.value * 100:g} "
                f"for a mean of {gate.value:g}"
            )
    return notes


def missing_line(system: str, column: str, missing: int, total: int, failed: int, allowed: int) -> str:
    """The one line a gate prints for a system with too many documents without a value."""
    why = f", {failed} failed to summarize" if failed else ""
    return (
        f"FAIL {system}: {column} missing for {missing} of {total} documents{why} "
        f"(--allow-failures permits {allowed})"
    )


def evaluate_bounds(
    results: Results,
    bounds: Sequence[Bound],
    *,
    allow_failures: str | None = None,
    figures: Mapping[str, Mapping[str, Any]] | None = None,
) -> GateReport:
    """Check every system against each bound: a score column's mean (x100 for fractions, so a
    0/1 verdict column reads as a percentage of summaries), or a per-system figure of
    :mod:`benchmark.results.usage` (latency, cost, truncation, tokens) as it is shown."""
    if not bounds:
        return GateReport()
    means = results.means()
    scales = {c: results.scale(c) for c in means.columns}
    figures = figures if figures is not None else results.system_figures()
    validate_bounds(bounds, {**{f: 1.0 for f in FIGURES}, **scales}, results.systems)
    allowed = parse_allowance(allow_failures)(len(results.document_ids))
    total = len(results.document_ids)
    checks: list[Check] = []
    for gate in bounds:
        for system in [gate.system] if gate.system else results.systems:
            if gate.column in scales:
                check = _mean_check(results, means, gate, system, scales[gate.column], allowed, total)
            else:
                check = _figure_check(gate, system, figures.get(system, {}))
            checks.append(check)
    return GateReport(tuple(checks))


def _verdict(gate: Bound, system: str, what: str, shown: float, unit_text: str) -> Check:
    ok = shown <= gate.value if gate.upper else shown >= gate.value
    sign = ("<=" if ok else ">") if gate.upper else (">=" if ok else "<")
    line = f"{system}: {gate.column} {what}{shown:.2f} {sign} {gate.value:.2f} ({unit_text})"
    return Check(ok, ("pass " if ok else "FAIL ") + line, system, gate.column)


def _mean_check(
    results: Results, means: Any, gate: Bound, system: str, scale: float, allowed: int, total: int
) -> Check:
    missing = results.missing(gate.column)[system]
    mean = float(cast(float, means.at[system, gate.column])) if system in means.index else math.nan
    if missing > allowed or math.isnan(mean):
        failed = results.metadata.failed(system)
        line = missing_line(system, gate.column, missing, total, failed, allowed)
        return Check(False, line, system, gate.column)
    return _verdict(gate, system, "mean ", scale * mean, unit(scale))


def _figure_check(gate: Bound, system: str, figures: Mapping[str, Any]) -> Check:
    value = figures.get(gate.column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        why = "no price for its model (--price MODEL=IN/OUT)" if gate.column.startswith("cost") else (
            "no value (the summarizer reported none)"
        )
        return Check(False, f"FAIL {system}: {gate.column} has {why}", system, gate.column)
    return _verdict(gate, system, "", float(value), FIGURE_UNITS.get(gate.column, "raw"))


def evaluate_coverage(comparison: Comparison, min_coverage: float = 1.0) -> GateReport:
    """A failed check when the shared documents cover less than ``min_coverage`` of either run."""
    parse_min_coverage(min_coverage)
    checks = []
    shared = comparison.shared_documents
    for label, total, missing in (
        ("BASE", comparison.base_documents, comparison.missing_from_new),
        ("NEW", comparison.new_documents, comparison.missing_from_base),
    ):
        if total and shared / total < min_coverage - 1e-12:
            other = "NEW" if label == "BASE" else "BASE"
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            checks.append(Check(False, (
                f"FAIL coverage: the runs share {shared} of {label}'s {total} documents "
                f"({shared / total:.0%} < --min-coverage {min_coverage:.0%}); missing from {other}: {shown}"
            ), column="coverage"))
    return GateReport(tuple(checks))


def evaluate_changes(
    comparison: Comparison,
    limits: Sequence[Bound],
    *,
    require_significant: bool = True,
    allow_failures: str | None = None,
) -> GateReport:
    """Check each system's change from BASE to NEW: a drop (``--max-drop``) or a rise
    (``--max-rise``, for columns where more is worse, such as length or cost) beyond the limit
    fails, and so do documents without a value in either run.

    With ``require_significant`` (the default) a change fails only when it is also significant
    (Holm-adjusted approximate randomization p < alpha), so noise alone never fails CI."""
    allowed = parse_allowance(allow_failures)(comparison.shared_documents)
    checks: list[Check] = []
    for gate in limits:
        if gate.column not in comparison.columns:
            raise ConfigError(
                f"{gate.flag} names metric {gate.column!r}, not compared in both runs; "
                f"known: {', '.join(comparison.columns)}"
            )
        for system in comparison.missing_systems:
            if gate.system in (None, system):
                checks.append(Check(False, f"FAIL {system}: in BASE but missing from NEW ({gate.column})",
                                    system, gate.column))
        for change in comparison.changes:
            if change.metric != gate.column or gate.system not in (None, change.system):
                continue
            missing = max(change.missing_base, change.missing_new)
            if missing > allowed or math.isnan(change.drop_points):
                which = "NEW" if change.missing_new >= change.missing_base else "BASE"
                checks.append(Check(False, (
                    f"FAIL {change.system}: {gate.column} missing for {missing} of "
                    f"{comparison.shared_documents} shared documents in {which} "
                    f"(--allow-failures permits {allowed})"
                ), change.system, gate.column))
                continue
            diff = change.test.diff
            rise = change.scale * diff.mean
            amount = rise if gate.upper else change.drop_points
            if gate.upper:
                moved = f"rose {rise:.2f}" if rise >= 0 else f"fell {-rise:.2f}"
            else:
                moved = f"dropped {amount:.2f}" if amount >= 0 else f"improved {-amount:.2f}"
            line = (
                f"{change.system}: {gate.column} {moved} "
                f"({change.scale * change.base_mean:.2f} -> {change.scale * change.new_mean:.2f}; "
                f"change CI [{change.scale * diff.low:+.2f}, {change.scale * diff.high:+.2f}], "
                f"p={change.p_adjusted:.4f}) {{}} {gate.value:g} ({unit(change.scale)})"
            )
            if amount <= gate.value:
                checks.append(Check(True, "pass " + line.format("<="), change.system, gate.column))
            elif change.significant or not require_significant:
                checks.append(Check(False, "FAIL " + line.format(">"), change.system, gate.column))
            else:
                checks.append(Check(True, "pass " + line.format(">") + ", not significant",
                                    change.system, gate.column))
    return GateReport(tuple(checks))


def check_max_drop(
    comparison: Comparison,
    limits: Sequence[str],
    *,
    require_significant: bool = True,
    allow_failures: str | None = None,
) -> list[str]:
    """:func:`evaluate_changes` for ``--max-drop`` texts: raises GateFailed on a failed check,
    returns the lines of the checks that passed."""
    report = evaluate_changes(
        comparison, [parse_max_drop(t) for t in limits],
        require_significant=require_significant, allow_failures=allow_failures,
    )
    report.raise_for_failures()
    return report.passed
