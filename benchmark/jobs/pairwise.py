"""``pairwise``: a finished run's systems judged head to head, and its reports written again.

The judging itself is :func:`benchmark.pipeline.pairwise.pairwise`; this job checks the
options a command gives, writes the reports (beside the run unless told otherwise) and
returns what was written: printing is the CLI's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.core.errors import ConfigError
from benchmark.core.progress import Progress
from benchmark.pipeline.pairwise import pairwise
from benchmark.reports import check_formats, write_reports
from benchmark.results.table import Results

DEFAULT_FORMATS = ("json", "md", "html")


@dataclass(frozen=True)
class PairwiseOutcome:
    """A run judged pairwise: its results (``pairwise`` set) and the files written."""

    results: Results
    written: dict[str, Path] = field(default_factory=dict)


def pairwise_job(
    run: Path,
    judge: str | None = None,
    *,
    systems: str | None = None,
    output: Path | None = None,
    formats: Sequence[str] = (),
    plugins: Sequence[str] = (),
    cache: Path | None = None,
    use_cache: bool = True,
    batch_size: int = 16,
    seed: int | None = None,
    bootstrap: int | None = None,
    progress: Progress | None = None,
) -> PairwiseOutcome:
    """Judge every pair of ``run``'s systems (``systems``: a comma list of some) with ``judge``
    and write ``formats`` (comma lists allowed; default json, md, html) to ``output``, by
    default the run's own directory."""
    chosen = tuple(f.strip() for spec in formats or (",".join(DEFAULT_FORMATS),)
                   for f in spec.split(",") if f.strip())
    check_formats(chosen)
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {batch_size}")
    results = pairwise(
        run,
        judge,
        systems=systems.split(",") if systems else None,
        cache=cache,
        use_cache=use_cache,
        plugins=tuple(plugins),
        seed=seed,
        bootstrap=bootstrap,
        batch_size=batch_size,
        progress=progress,
    )
    target = output or (run if run.is_dir() else run.parent)
    return PairwiseOutcome(results, write_reports(results, target, chosen))
