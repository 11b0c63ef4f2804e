"""CI gates: thresholds on a run's means and on drops against a baseline -> exit code 1.

One rule for every number: thresholds are in the units the tables show, x100 for fractions
(``rouge1_f=30`` is a mean of 0.30) and raw for counts (``length_words=50`` is 50 words).
A gate never passes on missing data: a system with a failed document, or without a value
of a gated column, fails unless ``--allow-failures`` permits that many documents. Every
failed check is one line of the GateFailed message; every check that passed is one line of
the returned report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from benchmark.core.errors import ConfigError, GateFailed
from benchmark.results.table import Results
from benchmark.stats.compare import Comparison

FORM = "[SYSTEM:]COLUMN=VALUE"


@dataclass(frozen=True, slots=True)
class Threshold:
    """One gate: a column, an optional system it is limited to, and a value in display units."""

    column: str
    value: float
    system: str | None = None
    text: str = ""


def unit(scale: float) -> str:
    """How a value on ``scale`` is written: ``x100`` for fractions, ``raw`` for counts."""
    return "x100" if scale == 100 else "raw" if scale == 1 else f"x{scale:g}"


def parse_threshold(text: str, flag: str = "--fail-under") -> Threshold:
    """``[SYSTEM:]COLUMN=VALUE`` -> Threshold; NaN, infinite and negative values are errors."""
    name, sep, raw = text.rpartition("=")
    system, _, column = name.rpartition(":")
    column = column.strip()
    if not sep or not column:
        raise ConfigError(f"bad {flag} {text!r}; expected {FORM}, e.g. rouge1_f=30 or lead:rouge1_f=30")
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"bad {flag} value {raw!r} in {text!r}; expected a number") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"bad {flag} value {raw!r} in {text!r}; expected a finite number >= 0")
    return Threshold(column, value, system.strip() or None, text)


def parse_allowance(text: str | None) -> Callable[[int], int]:
    """``--allow-failures``: a count (``3``) or a fraction of the documents (``0.1``) -> documents allowed."""
    if text is None or str(text).strip() == "":
        return lambda total: 0
    raw = str(text).strip()
    if raw.isdigit():
        count = int(raw)
        return lambda total: count
    try:
        fraction = float(raw)
    except ValueError:
        fraction = math.nan
    if not 0 <= fraction <= 1:
        raise ConfigError(
            f"bad --allow-failures {raw!r}; expected a count of documents (3) or a fraction (0.1)"
        )
    return lambda total: math.floor(fraction * total + 1e-9)


def parse_min_coverage(value: float) -> float:
    """``--min-coverage``: the fraction of either run's documents the other must share (0 < x <= 1)."""
    if not 0 < value <= 1:
        raise ConfigError(f"bad --min-coverage {value!r}; expected a fraction in (0, 1], e.g. 0.95")
    return value


def validate_thresholds(
    thresholds: Sequence[str],
    columns: Sequence[str],
    scales: dict[str, float] | None = None,
    systems: Sequence[str] | None = None,
) -> list[str]:
    """Reject malformed gates, unknown columns or systems before any work; returns notes to show."""
    notes = []
    for text in thresholds:
        gate = parse_threshold(text)
        if gate.column not in columns:
            raise ConfigError(
                f"--fail-under names unknown metric {gate.column!r}; known: {', '.join(columns)}"
            )
        if gate.system is not None and systems is not None and gate.system not in systems:
            raise ConfigError(
                f"--fail-under names unknown system {gate.system!r}; systems: {', '.join(systems)}"
            )
        scale = (scales or {}).get(gate.column, 100.0)
        if scale == 100 and 0 < gate.value <= 1:
            notes.append(
                f"--fail-under {text}: {gate.column} is read x100, so {gate.value:g} means "
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


def check_fail_under(
    results: Results, thresholds: Sequence[str], *, allow_failures: str | None = None
) -> list[str]:
    """Raise GateFailed when a system's mean is below its threshold or documents are missing.

    Returns the lines of the checks that passed."""
    means = results.means()
    validate_thresholds(
        thresholds, list(means.columns), {c: results.scale(c) for c in means.columns}, results.systems
    )
    allowed = parse_allowance(allow_failures)
    total = len(results.document_ids)
    failures, passed = [], []
    for text in thresholds:
        gate = parse_threshold(text)
        scale = results.scale(gate.column)
        missing = results.missing(gate.column)
        for system in [gate.system] if gate.system else results.systems:
            mean = float(cast(float, means.at[system, gate.column]))
            if missing[system] > allowed(total) or math.isnan(mean):
                failed = results.metadata.failed(system)
                failures.append(
                    missing_line(system, gate.column, missing[system], total, failed, allowed(total))
                )
                continue
            line = f"{system}: {gate.column} mean {scale * mean:.2f} {{}} {gate.value:.2f} ({unit(scale)})"
            if scale * mean < gate.value:
                failures.append("FAIL " + line.format("<"))
            else:
                passed.append("pass " + line.format(">="))
    if failures:
        raise GateFailed(failures, passed)
    return passed


def parse_max_drop(text: str) -> Threshold:
    """``[SYSTEM:]COLUMN=POINTS``: the largest drop allowed, in display units (x100 for fractions)."""
    return parse_threshold(text, "--max-drop")


def check_coverage(comparison: Comparison, min_coverage: float = 1.0) -> None:
    """Raise GateFailed when the shared documents cover less than ``min_coverage`` of either run."""
    parse_min_coverage(min_coverage)
    failures = []
    shared = comparison.shared_documents
    for label, total, missing in (
        ("BASE", comparison.base_documents, comparison.missing_from_new),
        ("NEW", comparison.new_documents, comparison.missing_from_base),
    ):
        if total and shared / total < min_coverage - 1e-12:
            other = "NEW" if label == "BASE" else "BASE"
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            failures.append(
                f"FAIL coverage: the runs share {shared} of {label}'s {total} documents "
                f"({shared / total:.0%} < --min-coverage {min_coverage:.0%}); missing from {other}: {shown}"
            )
    if failures:
        raise GateFailed(failures)


def check_max_drop(
    comparison: Comparison,
    limits: Sequence[str],
    *,
    require_significant: bool = True,
    allow_failures: str | None = None,
) -> list[str]:
    """Raise GateFailed when a system got worse than BASE by more than the allowed points,
    or has documents without a value in either run.

    With ``require_significant`` (the default) a drop fails only when it is also significant
    (Holm-adjusted approximate randomization p < alpha), so noise alone never fails CI.
    Returns the lines of the checks that passed.
    """
    allowed = parse_allowance(allow_failures)(comparison.shared_documents)
    failures, passed = [], []
    for text in limits:
        gate = parse_max_drop(text)
        if gate.column not in comparison.columns:
            known = ", ".join(comparison.columns)
            raise ConfigError(
                f"--max-drop names metric {gate.column!r}, not compared in both runs; known: {known}"
            )
        for system in comparison.missing_systems:
            if gate.system in (None, system):
                failures.append(f"FAIL {system}: in BASE but missing from NEW ({gate.column})")
        for change in comparison.changes:
            if change.metric != gate.column or gate.system not in (None, change.system):
                continue
            missing = max(change.missing_base, change.missing_new)
            if missing > allowed or math.isnan(change.drop_points):
                which = "NEW" if change.missing_new >= change.missing_base else "BASE"
                failures.append(
                    f"FAIL {change.system}: {gate.column} missing for {missing} of "
                    f"{comparison.shared_documents} shared documents in {which} "
                    f"(--allow-failures permits {allowed})"
                )
                continue
            diff = change.test.diff
            drop = change.drop_points
            moved = f"dropped {drop:.2f}" if drop >= 0 else f"improved {-drop:.2f}"
            line = (
                f"{change.system}: {gate.column} {moved} "
                f"({change.scale * change.base_mean:.2f} -> {change.scale * change.new_mean:.2f}; "
                f"change CI [{change.scale * diff.low:+.2f}, {change.scale * diff.high:+.2f}], "
                f"p={change.p_adjusted:.4f}) {{}} {gate.value:g} ({unit(change.scale)})"
            )
            if change.drop_points <= gate.value:
                passed.append("pass " + line.format("<="))
            elif change.significant or not require_significant:
                failures.append("FAIL " + line.format(">"))
            else:
                passed.append("pass " + line.format(">") + ", not significant")
    if failures:
        raise GateFailed(failures, passed)
    return passed
