"""sumbench: summarization evaluation and benchmarking.

The public API: ``run`` does what ``sumbench run`` does (reports and gates included),
``score`` what ``sumbench score`` does::

    from benchmark import RunConfig, run, load_reference_set
    results = run(RunConfig(dataset="datasets/news-sample.jsonl", summarizers=("lead",), output="out"))
    results.metadata.gates  # the gate checks, if the config set any
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from benchmark.components.base import (
        Metric,
        MetricBase,
        Scored,
        Summarizer,
        SummarizerBase,
        Summary,
        SummaryFailure,
        Usage,
    )
    from benchmark.inputs.documents import Document, ReferenceSet, load_reference_set
    from benchmark.jobs.run import run, score
    from benchmark.pipeline.config import RunConfig
    from benchmark.results.table import Results, load_results

_LAZY = {
    "RunConfig": "benchmark.pipeline.config",
    "Document": "benchmark.inputs.documents",
    "ReferenceSet": "benchmark.inputs.documents",
    "load_reference_set": "benchmark.inputs.documents",
    "Metric": "benchmark.components.base",
    "MetricBase": "benchmark.components.base",
    "Scored": "benchmark.components.base",
    "Summary": "benchmark.components.base",
    "Usage": "benchmark.components.base",
    "run": "benchmark.jobs.run",
    "score": "benchmark.jobs.run",
    "Results": "benchmark.results.table",
    "load_results": "benchmark.results.table",
    "Summarizer": "benchmark.components.base",
    "SummarizerBase": "benchmark.components.base",
    "SummaryFailure": "benchmark.components.base",
}

__all__ = [
    "Document",
    "Metric",
    "MetricBase",
    "ReferenceSet",
    "Results",
    "RunConfig",
    "Scored",
    "Summarizer",
    "SummarizerBase",
    "Summary",
    "SummaryFailure",
    "Usage",
    "__version__",
    "load_reference_set",
    "load_results",
    "run",
    "score",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'benchmark' has no attribute {name!r}")
