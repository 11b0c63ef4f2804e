"""CI gates: thresholds on a run's means and on drops against a baseline -> exit code 1.

Every failed check is one line of the GateFailed message."""

from __future__ import annotations

import math

from benchmark.errors import ConfigError, GateFailed
from benchmark.results import Results
from benchmark.stats.compare import Comparison


def _metric_and_number(text: str, label: str, form: str, example: str, unit: str) -> tuple[str, float]:
    """Split ``METRIC=NUMBER``; errors name the flag (``label``), the expected form and an example."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"bad {label} {text!r}; expected {form}, e.g. {example}")
    try:
        return name.strip(), float(raw)
    except ValueError:
        raise ConfigError(f"bad {label} value {raw!r} in {text!r}; expected {unit}") from None


def parse_threshold(text: str) -> tuple[str, float]:
    """``METRIC=VALUE`` -> (metric column, value); values above 1 are read as percentages."""
    name, value = _metric_and_number(text, "gate", "METRIC=VALUE", "rouge1_f=0.35", "a number")
    return name, value / 100 if value > 1 else value


def validate_thresholds(thresholds: list[str], columns: list[str]) -> None:
    """Reject malformed gates or unknown metric columns before any work is done."""
    for text in thresholds:
        column, _ = parse_threshold(text)
        if column not in columns:
            raise ConfigError(f"--fail-under names unknown metric {column!r}; known: {', '.join(columns)}")


def check_fail_under(results: Results, thresholds: list[str]) -> None:
    """Raise GateFailed when any system's mean of a metric is below its threshold."""
    means = results.means()
    validate_thresholds(thresholds, list(means.columns))
    failures = []
    for text in thresholds:
        column, value = parse_threshold(text)
        for system, mean in means[column].items():
            if mean < value:
                failures.append(f"FAIL {system}: {column} mean {mean:.4f} < {value:.4f}")
    if failures:
        raise GateFailed(failures)


def parse_max_drop(text: str) -> tuple[str, float]:
    """``METRIC=POINTS`` -> (metric column, points on the x100 scale, e.g. 1.0 = 0.01)."""
    name, points = _metric_and_number(
        text, "--max-drop", "METRIC=POINTS", "rouge1_f=1.0", "a number of points"
    )
    if points < 0 or math.isnan(points):
        raw = text.partition("=")[2]
        raise ConfigError(f"bad --max-drop value {raw!r} in {text!r}; expected points >= 0")
    return name, points


def check_max_drop(comparison: Comparison, limits: list[str], *, require_significant: bool = True) -> None:
    """Raise GateFailed when a system got worse than BASE by more than the allowed points.

    With ``require_significant`` (the default) a drop fails only when it is also significant
    (Holm-adjusted approximate randomization p < alpha), so noise alone never fails CI.
    """
    failures = []
    for text in limits:
        column, points = parse_max_drop(text)
        if column not in comparison.columns:
            known = ", ".join(comparison.columns)
            raise ConfigError(
                f"--max-drop names metric {column!r}, not compared in both runs; known: {known}"
            )
        for change in comparison.changes:
            if change.metric != column or math.isnan(change.drop_points):
                continue
            if change.drop_points > points and (change.significant or not require_significant):
                diff = change.test.diff
                failures.append(
                    f"FAIL {change.system}: {column} dropped {change.drop_points:.2f} points "
                    f"({change.scale * change.base_mean:.2f} -> {change.scale * change.new_mean:.2f}; "
                    "change CI "
                    f"[{change.scale * diff.low:+.2f}, {change.scale * diff.high:+.2f}], "
                    f"p={change.p_adjusted:.4f}) "
                    f"> {points:g}"
                )
    if failures:
        raise GateFailed(failures)
