"""Several runs as one comparison: systems side by side, like HELM's summarize step.

Runs on the same reference set (same documents) merge into one Results: each run's systems
keep their names (a name two runs share gets ``@<run id>`` on the later one), metrics are
merged by name and must agree on their signature, documents are the union by id. Reports,
statistics and the leaderboard then treat the merged runs as one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from benchmark.core.errors import InputError
from benchmark.results.metadata import MetricInfo, RunMetadata, SystemInfo, numbers_signature
from benchmark.results.table import Results


def merge_results(runs: Sequence[Results], labels: Sequence[str] | None = None) -> Results:
    """One Results holding every system of ``runs``; ``labels`` name the runs in messages."""
    if not runs:
        raise InputError("no results to merge")
    if len(runs) == 1:
        return runs[0]
    names = list(labels or [r.metadata.run_id for r in runs])
    first = runs[0].metadata
    metrics: dict[str, MetricInfo] = {}
    systems: list[SystemInfo] = []
    summaries, scores, warnings = [], [], list(first.warnings)
    documents: dict[str, dict] = {}
    for run, label in zip(runs, names, strict=True):
        meta = run.metadata
        if run.pairwise is not None:
            warnings.append(f"{label}: its pairwise verdicts are not merged; judge the merged systems again")
        if meta.dataset.fingerprint != first.dataset.fingerprint:
            warnings.append(
                f"{label}: reference set {meta.dataset.name} ({meta.dataset.fingerprint}) differs "
                f"from {first.dataset.name} ({first.dataset.fingerprint}); "
                "systems are compared on shared documents"
            )
        for metric in meta.metrics:
            known = metrics.get(metric.name)
            differs = known is not None and numbers_signature(known.signature) != numbers_signature(
                metric.signature
            )
            if known is not None and differs:
                raise InputError(
                    f"{label}: metric {metric.name} was computed differently "
                    f"({metric.signature} vs {known.signature}); its scores cannot be merged"
                )
            metrics.setdefault(metric.name, metric)
        taken = {s.name for s in systems}
        rename = {s.name: (f"{s.name}@{meta.run_id}" if s.name in taken else s.name) for s in meta.systems}
        systems.extend(dataclasses.replace(s, name=rename[s.name]) for s in meta.systems)
        summaries.append(run.summaries.assign(system=run.summaries["system"].replace(rename)))
        scores.append(run.scores.assign(system=run.scores["system"].replace(rename)))
        for doc in run.documents:
            documents.setdefault(str(doc["id"]), doc)
    metadata = dataclasses.replace(
        first,
        run_id="+".join(r.metadata.run_id for r in runs),
        systems=tuple(systems),
        metrics=tuple(metrics.values()),
        warnings=tuple(dict.fromkeys(warnings)),
    )
    return Results(
        summaries=pd.concat(summaries, ignore_index=True),
        scores=pd.concat(scores, ignore_index=True),
        metadata=metadata,
        documents=list(documents.values()),
    )


__all__ = ["RunMetadata", "merge_results"]
