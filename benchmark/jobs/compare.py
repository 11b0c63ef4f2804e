"""``compare``: two runs, every change with its CI and significance, and the change gates.

Systems are paired by name and documents by id. The gates (``--max-drop``, ``--max-rise``,
the coverage of shared documents) are evaluated by :mod:`benchmark.stats.gate`, as ``run``'s
are, and the outcome is data: printing and the exit code are the CLI's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.core.atomic import atomic_write_text
from benchmark.core.outputs import check_output_file
from benchmark.reports.markdown import render_markdown
from benchmark.results.table import load_results
from benchmark.stats.analysis import analyze, options_for
from benchmark.stats.bounds import Bound, parse_allowance, parse_bound, parse_min_coverage
from benchmark.stats.compare import Comparison, compare_results
from benchmark.stats.gate import GateReport, evaluate_changes, evaluate_coverage


@dataclass(frozen=True)
class CompareOutcome:
    """Two runs compared: the comparison, its warnings, the gates' checks and the files written."""

    comparison: Comparison
    warnings: list[str]
    gates: GateReport
    written: dict[str, Path] = field(default_factory=dict)


def compare_job(
    base: str | Path,
    new: str | Path,
    *,
    columns: Sequence[str] = (),
    max_drop: Sequence[str] = (),
    max_rise: Sequence[str] = (),
    allow_failures: str | None = None,
    min_coverage: float = 1.0,
    require_significant: bool = True,
    allow_signature_mismatch: bool = False,
    bootstrap: int | None = None,
    seed: int | None = None,
    markdown: Path | None = None,
    json_out: Path | None = None,
) -> CompareOutcome:
    """Compare BASE and NEW on ``columns`` (default: NEW's headline columns, plus the gated ones),
    evaluate the change gates and write the requested files."""
    for target in (markdown, json_out):
        if target is not None:
            check_output_file(target)
    parse_allowance(allow_failures)
    parse_min_coverage(min_coverage)
    limits: list[Bound] = [parse_bound(t, "--max-drop") for t in max_drop]
    limits += [parse_bound(t, "--max-rise") for t in max_rise]
    base_results, new_results = load_results(base), load_results(new)
    wanted = list(dict.fromkeys([*(columns or new_results.headline_columns), *(b.column for b in limits)]))
    comparison = compare_results(
        base_results,
        new_results,
        columns=wanted,
        allow_signature_mismatch=allow_signature_mismatch,
        options=options_for(new_results, resamples=bootstrap, seed=seed),
    )
    warnings = list(comparison.warnings) + [
        f"{c.system}: {c.metric} has no value for {c.missing_base} (BASE) and {c.missing_new} (NEW) of "
        f"{comparison.shared_documents} shared documents; its change covers the rest only"
        for c in comparison.changes
        if c.missing_base or c.missing_new
    ]
    written: dict[str, Path] = {}
    if markdown:
        text = render_markdown(new_results, analyze(new_results), comparison)
        written["md"] = atomic_write_text(markdown, text)
    if json_out:
        payload = json.dumps(comparison.to_dict(), indent=1, allow_nan=False) + "\n"
        written["json"] = atomic_write_text(json_out, payload)
    gates = evaluate_coverage(comparison, min_coverage) + evaluate_changes(
        comparison, limits, require_significant=require_significant, allow_failures=allow_failures
    )
    return CompareOutcome(comparison, warnings, gates, written)
