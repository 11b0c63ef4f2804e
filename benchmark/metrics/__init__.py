"""Metrics, one per module; the contract they share is :mod:`benchmark.components.base`."""

from __future__ import annotations

from benchmark.components.base import Metric, MetricBase, MetricWarning, Scored, Scores

__all__ = ["Metric", "MetricBase", "MetricWarning", "Scored", "Scores"]
