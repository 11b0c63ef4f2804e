"""Specs to components: the summarizer and metric registries, plugins, and building instances.

In ARCHITECTURE terms this is the factory between the CLI's specs (``lead:k=3``) and the
pipeline's live objects. Built-ins are declared once, here, in ``BUILTIN_SUMMARIZERS`` and
``BUILTIN_METRICS`` (lazy ``module:attr`` targets), so they work from a source tree as well
as from any install; third-party components arrive through the ``sumbench.summarizers`` and
``sumbench.metrics`` entry-point groups, and uninstalled ones through ``--plugin``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from benchmark.errors import ConfigError
from benchmark.metrics.base import Metric, is_metric_class
from benchmark.registry import Registry
from benchmark.specs import ComponentSpec, build_component, default_label, option_fields
from benchmark.summarizers.base import Summarizer, is_summarizer_class

BUILTIN_SUMMARIZERS = {
    "lead": "benchmark.summarizers.lead:Lead",
    "textrank": "benchmark.summarizers.graph:TextRank",
    "lexrank": "benchmark.summarizers.graph:LexRank",
    "random": "benchmark.summarizers.baselines:RandomSentences",
    "oracle": "benchmark.summarizers.baselines:Oracle",
    "command": "benchmark.summarizers.command:Command",
    "transformer": "benchmark.summarizers.transformer:Transformer",
    "api": "benchmark.summarizers.api:API",
}

BUILTIN_METRICS = {
    "rouge": "benchmark.metrics.rouge:Rouge",
    "bertscore": "benchmark.metrics.bertscore:BERTScore",
    "fragments": "benchmark.metrics.fragments:Fragments",
    "length": "benchmark.metrics.length:Length",
    "judge": "benchmark.metrics.judge:Judge",
}

SUMMARIZERS: Registry[Summarizer] = Registry(
    "summarizer", "sumbench.summarizers", BUILTIN_SUMMARIZERS, is_summarizer_class
)
METRICS: Registry[Metric] = Registry("metric", "sumbench.metrics", BUILTIN_METRICS, is_metric_class)


@dataclass(frozen=True, slots=True)
class System:
    """A summarizer as it appears in results: its label, spec and built instance."""

    label: str
    spec: ComponentSpec
    summarizer: Summarizer


@dataclass(frozen=True, slots=True)
class MetricRun:
    """A metric as it appears in results: its spec and built instance."""

    spec: ComponentSpec
    metric: Metric

    @property
    def name(self) -> str:
        return self.spec.name


def _conforming(component: Any, protocol: type, base: str) -> Any:
    """``component`` if it has every member of ``protocol``; else a clear error naming the missing ones."""
    members = sorted(
        {*getattr(protocol, "__annotations__", {})}
        | {name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}
    )
    missing = [m for m in members if not hasattr(component, m)]
    if missing:
        cls = type(component)
        raise ConfigError(
            f"{cls.__module__}.{cls.__qualname__} lacks {', '.join(missing)} of the {protocol.__name__} "
            f"protocol; subclass benchmark.{base}, which provides defaults for them"
        )
    return component


def load_plugins(refs: Sequence[str]) -> None:
    """Load each ``--plugin`` into whichever registries it has components for."""
    for ref in refs:
        found = SUMMARIZERS.load_plugin(ref) + METRICS.load_plugin(ref)
        if not found:
            raise ConfigError(
                f"plugin {ref!r} defines no summarizer (a class with name and summarize()) "
                "and no metric (a class with name, signature() and score())"
            )


def build_systems(specs: Sequence[str], seed: int | None = None) -> list[System]:
    """Resolve summarizer specs through the registry; labels must be unique.

    A run's ``seed`` fills the ``seed`` option of summarizers that have one, unless the spec sets it.
    """
    systems: list[System] = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        cls = SUMMARIZERS.get(spec.name)
        if seed is not None and "seed" in option_fields(cls) and "seed" not in dict(spec.options):
            spec = replace(spec, options=tuple(sorted((*spec.options, ("seed", str(seed))))))
        summarizer = _conforming(build_component(cls, spec, "summarizer"), Summarizer, "SummarizerBase")
        systems.append(System(default_label(spec, summarizer), spec, summarizer))
    labels = [s.label for s in systems]
    dupes = sorted({label for label in labels if labels.count(label) > 1})
    if dupes:
        raise ConfigError(f"system name(s) {dupes} given twice; set distinct names with name=...")
    return systems


def build_metrics(specs: Sequence[str]) -> list[MetricRun]:
    """Resolve metric specs through the registry."""
    runs = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        metric = _conforming(build_component(METRICS.get(spec.name), spec, "metric"), Metric, "MetricBase")
        runs.append(MetricRun(spec, metric))
    return runs
