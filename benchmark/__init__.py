"""sumbench: summarization evaluation and benchmarking.

The public API: ``run`` does what ``sumbench run`` does (reports and gates included),
``score`` what ``sumbench score`` does, ``pairwise`` judges a run's systems head to head::

    from benchmark import RunConfig, pairwise, run
    config = RunConfig(dataset="datasets/news-sample.jsonl", summarizers=("lead", "textrank"), output="out")
    results = run(config)
    results.metadata.gates  # the gate checks, if the config set any
    judged = pairwise(results, "llm:base_url=http://127.0.0.1:8000/v1,model=NAME")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from benchmark.components.base import (
        JudgeBase,
        Judgement,
        Matchup,
        Metric,
        MetricBase,
        PairwiseJudge,
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
    from benchmark.pipeline.pairwise import pairwise
    from benchmark.results.table import Results, load_results

_LAZY = {
    "RunConfig": "benchmark.pipeline.config",
    "Document": "benchmark.inputs.documents",
    "ReferenceSet": "benchmark.inputs.documents",
    "load_reference_set": "benchmark.inputs.documents",
    "JudgeBase": "benchmark.components.base",
    "Judgement": "benchmark.components.base",
    "Matchup": "benchmark.components.base",
    "PairwiseJudge": "benchmark.components.base",
    "pairwise": "benchmark.pipeline.pairwise",
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
    "JudgeBase",
    "Judgement",
    "Matchup",
    "Metric",
    "MetricBase",
    "PairwiseJudge",
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
    "pairwise",
    "run",
    "score",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'benchmark' has no attribute {name!r}")
