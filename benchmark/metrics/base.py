"""The metric protocol, a base class that builds signatures, and the warning category."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

from benchmark.inputs.documents import Document

Scores = dict[str, list[float]]


class MetricWarning(UserWarning):
    """A metric's note about its input (e.g. text its tokenizer drops); recorded in results."""


@runtime_checkable
class Metric(Protocol):
    """What the pipeline needs from a metric.

    ``score`` is batched and keyword-only: candidates and the documents (which carry the
    references and the source) in the same order; it returns per-document columns such
    as ``rouge1_f``. ``signature`` states everything that changes the numbers.

    The other members have defaults in :class:`MetricBase`: ``headline`` (the columns a
    leaderboard shows), ``higher_is_better`` (``None`` for descriptive columns),
    ``parallel_safe`` (may run in worker processes), ``columns()`` (every column ``score``
    returns), ``display_scale(column)`` (100 for fractions, 1 for counts) and
    ``prepare(documents)`` (called once with every document before scoring),
    ``needs_text`` (``True``: it reads the article, so it refuses a reference set without
    text; reference-only metrics set ``False``) and
    ``batch_documents`` (documents per ``score`` call; ``None``: the run's ``--batch-size``;
    a model metric asks for many, so it embeds each text once in large sorted batches).
    """

    name: ClassVar[str]
    headline: ClassVar[tuple[str, ...]]
    higher_is_better: ClassVar[bool | None]
    parallel_safe: ClassVar[bool]
    needs_text: ClassVar[bool]

    def signature(self) -> str: ...

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores: ...

    def columns(self) -> tuple[str, ...]: ...

    def display_scale(self, column: str) -> float: ...

    def prepare(self, documents: Sequence[Document]) -> None: ...

    @property
    def batch_documents(self) -> int | None: ...


class MetricBase:
    """Convenience base: options as dataclass fields, a fixed-order signature, headline columns.

    ``headline`` names the columns a leaderboard shows; ``prepare`` is called once per run
    with every document before any scoring (embed references once, compute idf, ...).
    ``parallel_safe = True`` lets pure-Python metrics run in worker processes (``--workers``).
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    parallel_safe: ClassVar[bool] = False
    headline: ClassVar[tuple[str, ...]] = ()
    higher_is_better: ClassVar[bool | None] = True  # None: descriptive, no "best"
    needs_text: ClassVar[bool] = True  # False: reads only candidates and references

    def signature_fields(self) -> list[tuple[str, Any]]:
        """Ordered ``(key, value)`` pairs; override to add library versions and models."""
        fields = [("metric", self.name), ("impl", f"sumbench-{self.name}-{self.version}")]
        if dataclasses.is_dataclass(self):
            fields += [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self) if f.init]
        return fields

    def signature(self) -> str:
        return "|".join(f"{k}:{_fmt(v)}" for k, v in self.signature_fields())

    def columns(self) -> tuple[str, ...]:
        """Every column ``score`` returns (headline first); default: the headline."""
        return self.headline

    def display_scale(self, column: str) -> float:
        """Factor reports show a column with: 100 for fractions (ROUGE tradition), 1 for counts."""
        return 100.0

    def prepare(self, documents: Sequence[Document]) -> None:
        """Called once per run with all documents before scoring."""

    @property
    def batch_documents(self) -> int | None:
        """Documents per ``score`` call; ``None``: the run's ``--batch-size``."""
        return None

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        raise NotImplementedError


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


def is_metric_class(cls: type) -> bool:
    """True for classes that look like metrics (name, signature, score)."""
    return (
        isinstance(getattr(cls, "name", None), str)
        and bool(getattr(cls, "name", ""))
        and callable(getattr(cls, "score", None))
        and callable(getattr(cls, "signature", None))
        and cls is not MetricBase
    )


def check_columns(scores: Scores, n: int, metric: str) -> Scores:
    """Validate that every column has one float per candidate."""
    for column, values in scores.items():
        if len(values) != n:
            raise ValueError(f"metric {metric!r} returned {len(values)} values for {column!r}, expected {n}")
    return scores
