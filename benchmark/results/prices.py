"""Token prices as typed data: ``MODEL=IN/OUT`` in dollars per million tokens, parsed once.

Light on purpose (no pandas): RunConfig holds :class:`Price` values and ``--help`` builds its
options from RunConfig. :mod:`benchmark.results.usage` turns tokens into cost with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million input (prompt) and output (completion) tokens of one model."""

    model: str
    input: float
    output: float
    text: str = ""

    def __str__(self) -> str:
        return self.text or f"{self.model}={self.input:g}/{self.output:g}"

    def cost(self, prompt_tokens: float, completion_tokens: float) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1e6


def parse_price(text: str) -> Price:
    """``MODEL=IN/OUT`` (dollars per million tokens) -> Price; ConfigError otherwise."""
    model, sep, rates = str(text).rpartition("=")
    first, slash, second = rates.partition("/")
    try:
        values = (float(first), float(second)) if slash else (math.nan, math.nan)
    except ValueError:
        values = (math.nan, math.nan)
    if not sep or not model.strip() or not all(math.isfinite(v) and v >= 0 for v in values):
        raise ConfigError(
            f"bad --price {text!r}; expected MODEL=IN/OUT in dollars per million tokens, "
            "e.g. gpt-4o-mini=0.15/0.60"
        )
    return Price(model.strip(), values[0], values[1], str(text))


def price_for(prices: Sequence[Price], names: Sequence[str | None]) -> Price | None:
    """The price of the first of ``names`` (a system's name, its model) that has one."""
    table = {p.model: p for p in prices}
    return next((table[n] for n in names if n and n in table), None)
