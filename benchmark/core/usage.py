"""What a model call cost: tokens, the latency of the request that succeeded, retries.

Plain data used by the LLM client (which measures it), the components (which return it with a
summary or a score) and the results (which add it up per system).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Usage:
    """What one model call cost: tokens, the latency of the request that succeeded, retries.

    ``counted`` is True when the tokens were counted with the model's tokenizer because the
    server sent no ``usage``; ``requests`` is how many calls the numbers add up.
    """

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency: float | None = None
    retries: int = 0
    counted: bool = False
    requests: int = 1

    def __add__(self, other: Usage) -> Usage:
        def add(a: float | None, b: float | None) -> Any:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Usage(
            add(self.prompt_tokens, other.prompt_tokens),
            add(self.completion_tokens, other.completion_tokens),
            add(self.latency, other.latency),
            self.retries + other.retries,
            self.counted or other.counted,
            self.requests + other.requests,
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Usage:
        """A Usage from stored JSON; values of the wrong type are dropped, never trusted."""

        def number(key: str, kind: type | tuple[type, ...]) -> Any:
            value = data.get(key)
            return value if isinstance(value, kind) and not isinstance(value, bool) else None

        return cls(
            number("prompt_tokens", int),
            number("completion_tokens", int),
            number("latency", (int, float)),
            number("retries", int) or 0,
            data.get("counted") is True,
            number("requests", int) or 1,
        )
