"""CI gates: thresholds on a run's means -> exit code 1 with one line per failed check."""

from __future__ import annotations

from benchmark.errors import ConfigError, GateFailed
from benchmark.results import Results


def parse_threshold(text: str) -> tuple[str, float]:
    """``METRIC=VALUE`` -> (metric column, value); values above 1 are read as percentages."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"bad gate {text!r}; expected METRIC=VALUE, e.g. rouge1_f=0.35")
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"bad gate value {raw!r} in {text!r}; expected a number") from None
    return name.strip(), value / 100 if value > 1 else value


def check_fail_under(results: Results, thresholds: list[str]) -> None:
    """Raise GateFailed when any system's mean of a metric is below its threshold."""
    means = results.means()
    failures = []
    for text in thresholds:
        column, value = parse_threshold(text)
        if column not in means.columns:
            known = ", ".join(means.columns)
            raise ConfigError(f"--fail-under names unknown metric {column!r}; known: {known}")
        for system, mean in means[column].items():
            if mean < value:
                failures.append(f"FAIL {system}: {column} mean {mean:.4f} < {value:.4f}")
    if failures:
        raise GateFailed(failures)
