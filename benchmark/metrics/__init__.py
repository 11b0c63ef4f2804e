"""Metrics: the protocol and the base class (the registry lives in ``benchmark.components.build``)."""

from __future__ import annotations

from benchmark.metrics.base import Metric, MetricBase, MetricWarning, Scores

__all__ = ["Metric", "MetricBase", "MetricWarning", "Scores"]
