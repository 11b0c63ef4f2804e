"""Summarizers, one per module; the contract they share is :mod:`benchmark.components.base`."""

from __future__ import annotations

from benchmark.components.base import (
    Summarizer,
    SummarizerBase,
    Summary,
    SummaryFailure,
    SummaryOutput,
    Usage,
)

__all__ = ["Summarizer", "SummarizerBase", "Summary", "SummaryFailure", "SummaryOutput", "Usage"]
