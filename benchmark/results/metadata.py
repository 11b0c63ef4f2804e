"""Typed run metadata: how a run's numbers were made, as frozen data.

Vocabulary: a *metric* is a component (``rouge``); a *column* is one score it writes
(``rouge1_f``). :class:`RunMetadata` serialises to the ``metadata`` object of
``results.json`` (see docs/results-schema.md) and reads back files written by every
earlier writer: missing keys take their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

DEFAULT_SCALE = 100.0


def numbers_signature(signature: str) -> str:
    """The part of a signature that decides the numbers: without ``backend:`` (which
    implementation computed them; each is tested to give the same numbers) and without the
    ``+backend`` suffix older signatures carried in ``impl:``. Runs compare and merge when
    these agree."""
    fields = []
    for field_text in signature.split("|"):
        key, _, value = field_text.partition(":")
        if key == "backend":
            continue
        if key == "impl" and "+" in value:
            field_text = f"{key}:{value.split('+', 1)[0]}"
        fields.append(field_text)
    return "|".join(fields)


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """The reference set a run used."""

    name: str = ""
    source: str = ""
    fingerprint: str = ""
    documents: int = 0


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """One system of a run: its label, spec, fingerprint and how its documents went."""

    name: str
    spec: str = ""
    summarizer: str = ""
    cls: str = ""
    fingerprint: str = ""
    documents: int = 0
    failed: int = 0
    seconds: float = 0.0
    model: str | None = None
    in_flight: int = 1

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["class"] = out.pop("cls")
        return out


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """One metric of a run: its signature and the columns it wrote.

    ``scales`` gives the factor tables show each column with (100 for fractions, 1 for
    counts); ``higher_is_better`` is ``None`` for descriptive metrics (length, extractiveness);
    ``lower_is_better`` lists the columns that go the other way (``faith_flagged``).
    """

    name: str
    spec: str = ""
    signature: str = ""
    columns: tuple[str, ...] = ()
    scales: Mapping[str, float] = field(default_factory=dict)
    headline: tuple[str, ...] = ()
    higher_is_better: bool | None = True
    model: str | None = None
    lower_is_better: tuple[str, ...] = ()

    def scale(self, column: str) -> float:
        return float(self.scales.get(column, DEFAULT_SCALE))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "spec": self.spec,
            "signature": self.signature,
            "columns": list(self.columns),
            "scales": dict(self.scales),
            "headline": list(self.headline),
            "higher_is_better": self.higher_is_better,
            "model": self.model,
            "lower_is_better": list(self.lower_is_better),
        }


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """Where the cache was and what the run took from it."""

    path: str | None = None
    summaries_cached: int = 0
    summaries_computed: int = 0
    summaries_failed: int = 0
    scores_cached: int = 0
    scores_computed: int = 0


@dataclass(frozen=True, slots=True)
class GateCheck:
    """One gate checked for one system: passed or not, and the line that says so."""

    ok: bool
    line: str
    system: str = ""
    column: str = ""


@dataclass(frozen=True, slots=True)
class RunMetadata:
    """Everything that says how a run's numbers were made."""

    sumbench_version: str = ""
    run_id: str = "run"
    created: str = ""
    dataset: DatasetInfo = field(default_factory=DatasetInfo)
    systems: tuple[SystemInfo, ...] = ()
    metrics: tuple[MetricInfo, ...] = ()
    seed: int = 0
    bootstrap: int = 1000
    config: Mapping[str, Any] = field(default_factory=dict)
    libraries: Mapping[str, str] = field(default_factory=dict)
    platform: Mapping[str, str] = field(default_factory=dict)
    cache: CacheInfo = field(default_factory=CacheInfo)
    timings: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    gates: tuple[GateCheck, ...] = ()

    def metric_of(self, column: str) -> MetricInfo | None:
        """The metric that wrote ``column``, if the run recorded one."""
        for metric in self.metrics:
            if column in metric.columns:
                return metric
        return None

    def scale(self, column: str) -> float:
        """Factor reports show ``column`` with (100 for fractions, 1 for counts; default 100)."""
        metric = self.metric_of(column)
        return metric.scale(column) if metric else DEFAULT_SCALE

    def higher_is_better(self, column: str) -> bool:
        """Direction of a column; descriptive columns count as higher."""
        metric = self.metric_of(column)
        if metric is not None and column in metric.lower_is_better:
            return False
        return metric is None or metric.higher_is_better is not False

    def descriptive(self, column: str) -> bool:
        """True for columns with no better direction (length, extractiveness): never "best"."""
        metric = self.metric_of(column)
        return metric is not None and metric.higher_is_better is None

    def failed(self, system: str) -> int:
        """How many documents ``system`` failed on (0 when unknown)."""
        return next((s.failed for s in self.systems if s.name == system), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sumbench_version": self.sumbench_version,
            "run_id": self.run_id,
            "created": self.created,
            "dataset": asdict(self.dataset),
            "systems": [s.to_dict() for s in self.systems],
            "metrics": [m.to_dict() for m in self.metrics],
            "seed": self.seed,
            "bootstrap": self.bootstrap,
            "config": dict(self.config),
            "libraries": dict(self.libraries),
            "platform": dict(self.platform),
            "cache": asdict(self.cache),
            "timings": dict(self.timings),
            "warnings": list(self.warnings),
            "gates": [asdict(g) for g in self.gates],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunMetadata:
        """Read the ``metadata`` object of a results.json; absent keys take their defaults."""
        systems = []
        for item in data.get("systems", []):
            entry = dict(item)
            entry["cls"] = entry.pop("class", "")
            systems.append(SystemInfo(**_known(SystemInfo, entry)))
        metrics = []
        for item in data.get("metrics", []):
            entry = _known(MetricInfo, dict(item))
            entry["columns"] = tuple(entry.get("columns", ()))
            entry["headline"] = tuple(entry.get("headline", ()))
            entry["lower_is_better"] = tuple(entry.get("lower_is_better", ()))
            entry["scales"] = {str(k): float(v) for k, v in dict(entry.get("scales") or {}).items()}
            metrics.append(MetricInfo(**entry))
        values = _known(cls, dict(data))
        values["dataset"] = DatasetInfo(**_known(DatasetInfo, dict(data.get("dataset") or {})))
        values["cache"] = CacheInfo(**_known(CacheInfo, dict(data.get("cache") or {})))
        values["systems"] = tuple(systems)
        values["metrics"] = tuple(metrics)
        values["warnings"] = tuple(str(w) for w in data.get("warnings", ()))
        values["gates"] = tuple(GateCheck(**_known(GateCheck, dict(g))) for g in data.get("gates", ()))
        for key in ("config", "libraries", "platform", "timings"):
            values[key] = dict(data.get(key) or {})
        return cls(**values)


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in data.items() if k in names}
