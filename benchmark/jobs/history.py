"""``history``: every run under some folders, oldest first, and one column's trend across them.

Each ``results.json`` found (recursively) is one run; a file that cannot be read as one is
skipped with a warning naming it. With a column, each run's mean per system comes with its
bootstrap CI (:func:`benchmark.stats.analysis.analyze` under the run's own seed and
resamples), and runs are grouped into series that may be drawn as one line: the same dataset
fingerprint and the same numbers signature of the column's metric
(:func:`benchmark.results.metadata.numbers_signature`). Every run is compared with the latest
one, and the reasons it is not comparable (other dataset, other signature) are data.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmark.core.atomic import atomic_write_text
from benchmark.core.errors import InputError, SumbenchError
from benchmark.core.outputs import STAGING_PREFIX, check_output_file
from benchmark.reports.trend import RunSummary, Series, Trend, TrendPoint, TrendRun, render_history_html
from benchmark.results.metadata import numbers_signature
from benchmark.results.table import Results, load_results
from benchmark.stats.analysis import analyze, options_for

RESULTS_NAME = "results.json"
JSON_SCHEMA = "sumbench-history"


@dataclass(frozen=True)
class HistoryOutcome:
    """The runs found (oldest first), the files skipped, the trend (with a column) and the files written."""

    runs: tuple[RunSummary, ...]
    warnings: tuple[str, ...]
    trend: Trend | None = None
    written: dict[str, Path] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": JSON_SCHEMA,
            "runs": [r.to_dict() for r in self.runs],
            "skipped": list(self.warnings),
            "trend": self.trend.to_dict() if self.trend else None,
        }


@dataclass(frozen=True)
class LoadedRun:
    """A run read from disk: its summary, when it was made, and the column's trend data."""

    summary: RunSummary
    when: datetime | None
    columns: frozenset[str] = frozenset()
    signature: str = ""
    scale: float = 100.0
    seed: int = 0
    resamples: int = 0
    points: dict[str, TrendPoint] = field(default_factory=dict)
    level: float = 0.95


def find_results(folders: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """Every results.json under ``folders`` (a results.json may be named itself), each once, and
    a warning per folder that could not be read. A path that does not exist is an InputError."""
    found: list[Path] = []
    warnings: list[str] = []
    for folder in map(Path, folders):
        if folder.is_file():
            found.append(folder)
            continue
        if not folder.is_dir():
            raise InputError(f"no such folder: {folder}")

        def unreadable(exc: OSError) -> None:
            warnings.append(f"{exc.filename}: cannot read this folder ({exc.strerror})")

        for root, dirs, files in os.walk(folder, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith(STAGING_PREFIX))
            if RESULTS_NAME in files:
                found.append(Path(root) / RESULTS_NAME)
    unique = {os.path.realpath(p): p for p in reversed(found)}  # the first spelling of each file
    return [p for p in found if unique[os.path.realpath(p)] is p], warnings


def parse_created(text: str) -> datetime | None:
    """A run's ``created`` as a UTC time (a time without zone is read as UTC); None if absent."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def summarise(results: Results, path: Path) -> RunSummary:
    """The listing's view of one run: who, when, on what, its headline means and its gates."""
    meta = results.metadata
    headline = tuple(results.headline_columns)
    table = results.means().to_dict(orient="index")
    means = {str(s): {c: float(row.get(c, math.nan)) for c in headline} for s, row in table.items()}
    return RunSummary(
        path=str(path), run_id=meta.run_id, created=meta.created, dataset=meta.dataset.name,
        fingerprint=meta.dataset.fingerprint, systems=tuple(means), headline=headline,
        means=means, scales={c: results.scale(c) for c in headline},
        gate_checks=len(meta.gates), gate_failures=sum(not g.ok for g in meta.gates),
    )


def _load(path: Path, column: str | None) -> LoadedRun:
    results = load_results(path)
    columns = frozenset(results.metric_columns)
    loaded = LoadedRun(summarise(results, path), parse_created(results.metadata.created), columns)
    if column is None or column not in columns:
        return loaded
    options = options_for(results)
    analysis = analyze(results, options, columns=[column])
    points = {}
    for system in analysis.systems:
        ci = analysis.ci(system, column)
        if ci is not None and math.isfinite(ci.mean):
            points[system] = TrendPoint(system, ci.n, ci.mean, ci.low, ci.high)
    metric = results.metadata.metric_of(column)
    return LoadedRun(
        loaded.summary, loaded.when, columns, metric.signature if metric else "", results.scale(column),
        options.seed, options.resamples, points, options.level,
    )


def load_runs(folders: Sequence[str | Path], column: str | None = None) -> tuple[list[LoadedRun], list[str]]:
    """Every readable run under ``folders``, oldest first (then by run id and path), and a
    warning naming each file that was skipped."""
    paths, warnings = find_results(folders)
    runs = []
    for path in paths:
        try:
            runs.append(_load(path, column))
        except (SumbenchError, ValueError, TypeError, KeyError, OSError) as exc:
            text = str(exc) if isinstance(exc, SumbenchError) else f"{path}: {type(exc).__name__}: {exc}"
            warnings.append(" ".join(text.splitlines()))  # one line per skipped file
    runs.sort(key=lambda r: (r.when or datetime.min.replace(tzinfo=UTC), r.summary.run_id, r.summary.path))
    return runs, warnings


def _signature_difference(signature: str, latest: str) -> str:
    """The fields that set a signature apart from the latest run's:
    ``other signature (stem:none; the latest run has stem:porter)``."""
    mine = dict(f.partition(":")[::2] for f in signature.split("|")) if signature else {}
    theirs = dict(f.partition(":")[::2] for f in latest.split("|")) if latest else {}
    keys = [k for k in dict.fromkeys([*mine, *theirs]) if mine.get(k) != theirs.get(k)]
    if not signature or not latest:
        return "other signature (unknown for " + ("this run)" if not signature else "the latest run)")
    ours = ", ".join(f"{k}:{mine.get(k, '-')}" for k in keys)
    other = ", ".join(f"{k}:{theirs.get(k, '-')}" for k in keys)
    return f"other signature ({ours}; the latest run has {other})"


def build_trend(runs: Sequence[LoadedRun], column: str, system: str | None = None) -> Trend:
    """Group runs that hold ``column`` (and ``system``) into comparable series and mark each
    against the latest of them. InputError when no run has the column, or none the system."""
    having = [r for r in runs if column in r.columns]
    if not having:
        known = sorted({c for r in runs for c in r.columns})
        raise InputError(f"column {column!r} is in none of the {len(runs)} runs; their columns: "
                         + (", ".join(known) or "none"))
    if system is not None and not any(system in r.points for r in having):
        everywhere = sorted({s for r in runs for s in r.summary.systems})
        if system not in everywhere:
            raise InputError(f"unknown system {system!r}: it is in none of the {len(runs)} runs; "
                             f"their systems: {', '.join(everywhere)}")
        known = sorted({s for r in having for s in r.points})
        raise InputError(f"system {system!r} has no value of {column} in any run; systems with one: "
                         + (", ".join(known) or "none"))
    with_column = {id(r) for r in having}
    drawable = [
        r for r in having if r.when is not None and (r.points if system is None else system in r.points)
    ]
    latest = drawable[-1] if drawable else None
    keys: dict[tuple[str, str], int] = {}
    trend_runs = []
    for index, run in enumerate(runs, start=1):
        points = run.points if system is None else {k: v for k, v in run.points.items() if k == system}
        reasons: list[str] = []
        number = None
        if id(run) not in with_column:
            reasons.append(f"no {column}")
        elif not points:
            reasons.append(f"no value of {column}" + (f" for {system}" if system else ""))
        elif run.when is None:
            reasons.append("no date")
        else:
            number = keys.setdefault(_key(run), len(keys) + 1)
            if latest is not None and run.summary.fingerprint != latest.summary.fingerprint:
                reasons.append(f"other dataset: {run.summary.dataset} [{run.summary.fingerprint}], "
                               f"the latest run's is {latest.summary.dataset} [{latest.summary.fingerprint}]")
            if latest is not None and numbers_signature(run.signature) != numbers_signature(latest.signature):
                reasons.append(_signature_difference(numbers_signature(run.signature),
                                                     numbers_signature(latest.signature)))
        trend_runs.append(TrendRun(index, run.summary, number, run.signature, run.scale, run.seed,
                                   run.resamples, points, tuple(reasons), run is latest))
    series = []
    for (fingerprint, signature), number in keys.items():
        members = [r for r in trend_runs if r.series == number]
        last = members[-1]
        series.append(Series(number, last.run.dataset, fingerprint, signature, last.scale,
                             latest is not None and _key(latest) == (fingerprint, signature),
                             tuple(r.index for r in members)))
    systems = list(dict.fromkeys(s for r in trend_runs if r.series is not None for s in r.points))
    level = next((r.level for r in having), 0.95)
    return Trend(column, system, level, tuple(systems), tuple(trend_runs), tuple(series))


def _key(run: LoadedRun) -> tuple[str, str]:
    return run.summary.fingerprint, numbers_signature(run.signature)


def history_job(
    folders: Sequence[str | Path],
    *,
    column: str | None = None,
    system: str | None = None,
    html: Path | None = None,
    json_out: Path | None = None,
) -> HistoryOutcome:
    """List the runs under ``folders``; with ``column``, build its trend and write the HTML page
    (``html``); write the listing (and the trend) as JSON to ``json_out``. InputError (exit 2)
    for a missing folder, no run found, a column in no run or a system in none."""
    if not folders:
        raise InputError("give at least one folder to look for runs (results.json) in")
    if column is None and (system is not None or html is not None):
        given = " and ".join(f for f, v in (("--system", system), ("--output", html)) if v is not None)
        raise InputError(f"--column is needed with {given}: it names the column the trend draws "
                         "(e.g. --column rouge1_f)")
    for target in (html, json_out):
        if target is not None:
            check_output_file(target)
    runs, warnings = load_runs(folders, column)
    if not runs:
        where = ", ".join(str(f) for f in folders)
        raise InputError(f"no sumbench run (results.json) found under {where}"
                         + (f"; {len(warnings)} file(s) skipped" if warnings else ""))
    trend = build_trend(runs, column, system) if column is not None else None
    outcome = HistoryOutcome(tuple(r.summary for r in runs), tuple(warnings), trend)
    if trend is not None and html is not None:
        page = render_history_html(trend, warnings, [str(f) for f in folders])
        outcome.written["html"] = atomic_write_text(html, page)
    if json_out is not None:
        payload = json.dumps(outcome.to_dict(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"
        outcome.written["json"] = atomic_write_text(json_out, payload)
    return outcome
