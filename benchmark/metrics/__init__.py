"""Metrics: the protocol, the base class and the registry of built-ins and plugins."""

from __future__ import annotations

from benchmark.metrics.base import Metric, MetricBase, MetricWarning, Scores, is_metric_class
from benchmark.registry import Registry

BUILTIN_METRICS = {
    "rouge": "benchmark.metrics.rouge:Rouge",
    "bertscore": "benchmark.metrics.bertscore:BERTScore",
    "fragments": "benchmark.metrics.fragments:Fragments",
    "length": "benchmark.metrics.length:Length",
}

METRICS: Registry[Metric] = Registry("metric", "sumbench.metrics", BUILTIN_METRICS, is_metric_class)

__all__ = ["BUILTIN_METRICS", "METRICS", "Metric", "MetricBase", "MetricWarning", "Scores"]
