"""Summarizers: the protocol, the base class and the registry of built-ins and plugins."""

from __future__ import annotations

from benchmark.registry import Registry
from benchmark.summarizers.base import (
    Summarizer,
    SummarizerBase,
    SummaryFailure,
    SummaryOutput,
    is_summarizer_class,
)

BUILTIN_SUMMARIZERS = {
    "lead": "benchmark.summarizers.lead:Lead",
    "textrank": "benchmark.summarizers.graph:TextRank",
    "lexrank": "benchmark.summarizers.graph:LexRank",
    "random": "benchmark.summarizers.baselines:RandomSentences",
    "oracle": "benchmark.summarizers.baselines:Oracle",
    "command": "benchmark.summarizers.command:Command",
    "transformer": "benchmark.summarizers.transformer:Transformer",
}

SUMMARIZERS: Registry[Summarizer] = Registry(
    "summarizer", "sumbench.summarizers", BUILTIN_SUMMARIZERS, is_summarizer_class
)

__all__ = [
    "BUILTIN_SUMMARIZERS",
    "SUMMARIZERS",
    "Summarizer",
    "SummarizerBase",
    "SummaryFailure",
    "SummaryOutput",
]
