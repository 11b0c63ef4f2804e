"""Gates as typed data, parsed once: ``[SYSTEM:]COLUMN=VALUE`` bounds and the failure allowance.

Light on purpose (no pandas): RunConfig holds :class:`Bound` values, and ``sumbench --help``
builds its options from RunConfig. :mod:`benchmark.stats.gate` evaluates them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from benchmark.core.errors import ConfigError

FORM = "[SYSTEM:]COLUMN=VALUE"


@dataclass(frozen=True, slots=True)
class Bound:
    """One gate: a column's figure for each system (or one system) kept at or above ``value``
    (``--fail-under``, ``--max-drop``) or at or below it (``upper``: ``--fail-over``,
    ``--max-rise``), in display units. ``text`` is what the user wrote."""

    column: str
    value: float
    system: str | None = None
    upper: bool = False
    text: str = ""
    flag: str = "--fail-under"

    def __str__(self) -> str:
        return self.text or f"{self.system + ':' if self.system else ''}{self.column}={self.value:g}"


def unit(scale: float) -> str:
    """How a value on ``scale`` is written: ``x100`` for fractions, ``raw`` for counts."""
    return "x100" if scale == 100 else "raw" if scale == 1 else f"x{scale:g}"


def parse_bound(text: str, flag: str = "--fail-under") -> Bound:
    """``[SYSTEM:]COLUMN=VALUE`` -> Bound; a NaN or infinite value is an error, and so is a
    negative limit of a change (``--max-drop``, ``--max-rise``)."""
    name, sep, raw = str(text).rpartition("=")
    system, _, column = name.rpartition(":")
    column = column.strip()
    if not sep or not column:
        raise ConfigError(f"bad {flag} {text!r}; expected {FORM}, e.g. rouge1_f=30 or lead:rouge1_f=30")
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"bad {flag} value {raw!r} in {text!r}; expected a number") from None
    change = flag in ("--max-drop", "--max-rise")
    if not math.isfinite(value) or (change and value < 0):
        need = "a finite number >= 0" if change else "a finite number"
        raise ConfigError(f"bad {flag} value {raw!r} in {text!r}; expected {need}")
    upper = flag in ("--fail-over", "--max-rise")
    return Bound(column, value, system.strip() or None, upper, str(text), flag)


def parse_max_drop(text: str) -> Bound:
    """``[SYSTEM:]COLUMN=POINTS``: the largest drop allowed, in display units (x100 for fractions)."""
    return parse_bound(text, "--max-drop")


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
