"""Summarizers: the protocol and the base class (the registry lives in ``benchmark.components.build``)."""

from __future__ import annotations

from benchmark.summarizers.base import Summarizer, SummarizerBase, SummaryFailure, SummaryOutput

__all__ = ["Summarizer", "SummarizerBase", "SummaryFailure", "SummaryOutput"]
