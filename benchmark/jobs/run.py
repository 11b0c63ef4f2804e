"""``run`` and ``score`` as jobs: the pipeline's results, their gates, and the reports written.

:func:`run_job` is what ``sumbench run`` does and :func:`run` is the same for Python callers:
plan and execute the run (:mod:`benchmark.pipeline.engine`), evaluate its gates once
(:func:`benchmark.stats.gate.evaluate_bounds`) and record the checks in the results'
metadata, then write every requested report into the output directory (``reports/<run-id>``
unless ``output`` is set). Reports are written before the verdict, so a failed gate still
leaves its evidence behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmark.components.build import load_plugins
from benchmark.core.outputs import check_output_dir
from benchmark.core.progress import NullProgress, Progress
from benchmark.inputs.documents import ReferenceSet
from benchmark.pipeline.cache import Cache, default_cache_path
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import execute, plan, score_config
from benchmark.reports import write_reports
from benchmark.results.table import Results
from benchmark.stats.analysis import Analysis, analyze_run
from benchmark.stats.gate import GateReport, evaluate_bounds


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: its results (gate checks in their metadata), the statistics its reports
    show, the files written and the gates' verdict."""

    results: Results
    analysis: Analysis | None
    written: dict[str, Path]
    gates: GateReport


def output_dir(config: RunConfig, run_id: str = "") -> Path:
    """Where a run's reports go: ``output``, else ``reports/<run-id>``."""
    return Path(config.output) if config.output else Path("reports") / run_id


def preflight(config: RunConfig, *, write: bool = True) -> list[str]:
    """What would fail only after the run, checked before it: plugins load, the output
    directory is writable, the cache opens. Returns the notes to show (plugins loaded)."""
    notes = [f"loaded plugin {plugin}: {', '.join(names)}" for plugin, names in load_plugins(config.plugins)]
    if write:
        check_output_dir(output_dir(config))
    if config.use_cache:
        with Cache(config.cache or default_cache_path()):
            pass
    return notes


def run_job(
    config: RunConfig,
    progress: Progress | None = None,
    reference_set: ReferenceSet | None = None,
    *,
    write: bool = True,
) -> RunOutcome:
    """Run, gate and report (see the module docstring); ``write=False`` writes nothing."""
    progress = progress or NullProgress()
    for note in preflight(config, write=write):
        progress.note(note)
    results = execute(plan(config, reference_set), progress)
    bounds = (*config.fail_under, *config.fail_over)
    gates = evaluate_bounds(results, bounds, allow_failures=config.allow_failures)
    results = results.with_metadata(replace(results.metadata, gates=gates.checks))
    analysis = analyze_run(results)
    written: dict[str, Path] = {}
    if write:
        directory = output_dir(config, results.metadata.run_id)
        written = write_reports(results, directory, config.formats, analysis)
    return RunOutcome(results, analysis, written, gates)


def run(config: RunConfig, progress: Progress | None = None) -> Results:
    """What ``sumbench run`` does, for Python: the results, with the gate checks in
    ``results.metadata.gates`` and the reports written (``config.output`` or ``reports/<run-id>``)."""
    return run_job(config, progress).results


def score_job(
    reference_set: str,
    predictions: Sequence[str],
    *,
    metrics: Sequence[str] = (),
    progress: Progress | None = None,
    **options: Any,
) -> RunOutcome:
    """What ``sumbench score`` does: prediction files scored as systems of one run, gated;
    reports written only when ``output`` is given."""
    config, loaded = score_config(reference_set, predictions, metrics=metrics, **options)
    return run_job(config, progress, loaded, write=config.output is not None)


def score(
    reference_set: str,
    predictions: Sequence[str],
    *,
    metrics: Sequence[str] = (),
    progress: Progress | None = None,
    **options: Any,
) -> Results:
    """Score prediction files against a reference set (the ``sumbench score`` job, for Python).

    Each file is one system named after the file (its stem; the whole path when two files
    share a stem), or one system per value of its system field. ``options`` are further
    :class:`RunConfig` fields (``cache``, ``use_cache``, ``text_field``, ``fail_under``, ...).
    With no ``metrics``: ``rouge`` when the set has references, the reference-free defaults
    when it has none."""
    return score_job(reference_set, predictions, metrics=metrics, progress=progress, **options).results
