"""Specs to components: the summarizer, metric and judge registries, plugins, building instances.

In ARCHITECTURE terms this is the factory between the CLI's specs (``lead:k=3``) and the
pipeline's live objects. Built-ins are declared once, here, in ``BUILTIN_SUMMARIZERS``,
``BUILTIN_METRICS`` and ``BUILTIN_JUDGES`` (lazy ``module:attr`` targets), so they work from a
source tree as well as from any install; third-party components arrive through the
``sumbench.summarizers``, ``sumbench.metrics`` and ``sumbench.judges`` entry-point groups, and
uninstalled ones through ``--plugin``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from typing import Any

from benchmark.components.base import (
    Metric,
    PairwiseJudge,
    Summarizer,
    is_judge_class,
    is_metric_class,
    is_summarizer_class,
)
from benchmark.components.registry import Registry
from benchmark.components.specs import ComponentSpec, build_component, default_label, option_fields
from benchmark.core.errors import ConfigError
from benchmark.core.guard import guarded
from benchmark.core.hashing import file_hash
from benchmark.inputs.documents import Document, ReferenceSet

BUILTIN_SUMMARIZERS = {
    "lead": "benchmark.summarizers.lead:Lead",
    "textrank": "benchmark.summarizers.graph:TextRank",
    "lexrank": "benchmark.summarizers.graph:LexRank",
    "random": "benchmark.summarizers.baselines:RandomSentences",
    "oracle": "benchmark.summarizers.baselines:Oracle",
    "command": "benchmark.summarizers.command:Command",
    "transformer": "benchmark.summarizers.transformer:Transformer",
    "predictions": "benchmark.summarizers.predictions:Predictions",
    "api": "benchmark.summarizers.api:API",
}

BUILTIN_METRICS = {
    "rouge": "benchmark.metrics.rouge:Rouge",
    "bertscore": "benchmark.metrics.bertscore:BERTScore",
    "fragments": "benchmark.metrics.fragments:Fragments",
    "length": "benchmark.metrics.length:Length",
    "faithfulness": "benchmark.metrics.faithfulness:Faithfulness",
    "summac": "benchmark.metrics.summac:SummaC",
    "judge": "benchmark.metrics.judge:Judge",
    "claims": "benchmark.metrics.llm_claims:LLMClaims",
}

BUILTIN_JUDGES = {
    "llm": "benchmark.judges.llm:LLMJudge",
}

SUMMARIZERS: Registry[Summarizer] = Registry(
    "summarizer", "sumbench.summarizers", BUILTIN_SUMMARIZERS, is_summarizer_class
)
METRICS: Registry[Metric] = Registry("metric", "sumbench.metrics", BUILTIN_METRICS, is_metric_class)
JUDGES: Registry[PairwiseJudge] = Registry("judge", "sumbench.judges", BUILTIN_JUDGES, is_judge_class)
DEFAULT_JUDGE = "llm"


@dataclass(frozen=True, slots=True)
class System:
    """A summarizer as it appears in results: its label, spec and built instance.

    ``data_key`` is what the summarizer's ``prepare`` returned for the run's documents
    (:meth:`prepared`); ``None`` until then and for summarizers whose summaries depend on
    each document alone."""

    label: str
    spec: ComponentSpec
    summarizer: Summarizer
    data_key: str | None = None

    def prepared(self, documents: Sequence[Document]) -> System:
        """This system after ``prepare`` saw every document of the run."""
        with guarded(self.describe(), "in prepare"):
            return replace(self, data_key=self.summarizer.prepare(documents))

    def describe(self) -> str:
        """``summarizer 'label'``, with the plugin that defines it (for messages)."""
        return describe_component("summarizer", self.label, type(self.summarizer))

    @property
    def fingerprint(self) -> str:
        """The summarizer's fingerprint, with its data key; for a plugin also a hash of its
        source file, so editing its code recomputes its summaries even without a version bump."""
        with guarded(self.describe(), "in fingerprint"):
            identity = with_source(self.summarizer.fingerprint(), type(self.summarizer))
        return identity if self.data_key is None else f"{identity}|data:{self.data_key}"


@dataclass(frozen=True, slots=True)
class MetricRun:
    """A metric as it appears in results: its spec, built instance and data key.

    Scoring needs a prepared run (:meth:`prepared`): the signature, and with it every cache
    key, then holds what ``prepare`` derived from the documents."""

    spec: ComponentSpec
    metric: Metric
    data_key: str | None = None
    ready: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    def prepared(self, documents: Sequence[Document]) -> MetricRun:
        """This metric after ``prepare`` saw every document it will score."""
        with guarded(self.describe(), "in prepare"):
            return replace(self, data_key=self.metric.prepare(documents), ready=True)

    def describe(self) -> str:
        """``metric 'name'``, with the plugin that defines it (for messages)."""
        return describe_component("metric", self.name, type(self.metric))

    @property
    def signature(self) -> str:
        """The metric's signature with its data key (unless the signature states it already);
        for a plugin also a hash of its source file."""
        with guarded(self.describe(), "in signature"):
            identity = with_source(self.metric.signature(), type(self.metric))
        if self.data_key is None or self.data_key in identity:
            return identity
        return f"{identity}|data:{self.data_key}"


@dataclass(frozen=True, slots=True)
class JudgeRun:
    """A pairwise judge as it appears in results: its spec, built instance and data key."""

    spec: ComponentSpec
    judge: PairwiseJudge
    data_key: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def prepared(self, documents: Sequence[Document]) -> JudgeRun:
        """This judge after ``prepare`` saw every document it will judge."""
        with guarded(self.describe(), "in prepare"):
            return replace(self, data_key=self.judge.prepare(documents))

    def describe(self) -> str:
        """``judge 'name'``, with the plugin that defines it (for messages)."""
        return describe_component("judge", self.name, type(self.judge))

    @property
    def signature(self) -> str:
        """The judge's signature with its data key; for a plugin also a hash of its source file."""
        with guarded(self.describe(), "in signature"):
            identity = with_source(self.judge.signature(), type(self.judge))
        return identity if self.data_key is None else f"{identity}|data:{self.data_key}"


def source_hash(cls: type) -> str | None:
    """Hash of the file that defines a plugin class (``--plugin`` file or an installed entry
    point); None for sumbench's own components, whose ``version`` says when output changes."""
    if cls.__module__ == "benchmark" or cls.__module__.startswith("benchmark."):
        return None
    path = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return file_hash(path, 12) if path and os.path.isfile(path) else None


def describe_component(kind: str, name: str, cls: type) -> str:
    """``summarizer 'x' (plugin file /path/x.py)``: a component and, for a plugin, where it is
    defined; for messages about what it did."""
    if cls.__module__ == "benchmark" or cls.__module__.startswith("benchmark."):
        return f"{kind} {name!r}"
    path = getattr(sys.modules.get(cls.__module__), "__file__", None)
    where = f"plugin file {path}" if path else f"plugin module {cls.__module__}"
    return f"{kind} {name!r} ({where})"


def with_source(identity: str, cls: type) -> str:
    """``identity`` with the plugin source hash appended (unchanged for built-ins)."""
    digest = source_hash(cls)
    return identity if digest is None else f"{identity}|source:{digest}"


def _conforming(cls: type, protocol: type, base: str) -> Any:
    """``cls`` if it has every member of ``protocol``; else a clear error naming the missing ones.

    Checked once, on the class, when it is loaded: after this every hook is read directly."""
    members = sorted(
        {*getattr(protocol, "__annotations__", {})}
        | {name for name, value in vars(protocol).items() if not name.startswith("_") and
           (callable(value) or isinstance(value, property | classmethod))}
    )
    missing = [m for m in members if not hasattr(cls, m)]
    if missing:
        raise ConfigError(
            f"{cls.__module__}.{cls.__qualname__} lacks {', '.join(missing)} of the {protocol.__name__} "
            f"protocol; subclass benchmark.{base}, which provides defaults for them"
        )
    return cls


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def install_hint(extra: str) -> str:
    return f"pip install 'sumbench[{extra}]'"


def _missing_modules(modules: Sequence[str]) -> list[str]:
    return [m for m in modules if not _importable(m)]


def _missing_error(kind: str, name: str, missing: Sequence[str], extra: str) -> ConfigError:
    return ConfigError(
        f"{kind} {name!r} needs {', '.join(missing)}, "
        f"{'which are' if len(missing) > 1 else 'which is'} not installed; "
        f"install with: {install_hint(extra)}"
    )


def _load(registry: Registry[Any], name: str, protocol: type, base: str) -> Any:
    """The class of ``name``, checked against ``protocol``, after checking the packages it
    ``requires`` (its ``extra`` installs them).

    A missing package is a ConfigError (exit 2) naming the extra to install, never a traceback."""
    try:
        cls = _conforming(registry.get(name), protocol, base)
    except ConfigError as exc:
        if isinstance(exc.__cause__, ModuleNotFoundError):
            raise ConfigError(f"{exc}; if it comes with an extra: {install_hint('models')}") from exc
        raise
    missing = _missing_modules(cls.requires)
    if missing:
        raise _missing_error(registry.kind, name, missing, cls.extra)
    return cls


def _build(registry: Registry[Any], cls: Any, spec: ComponentSpec) -> Any:
    """Instantiate and check the modules this instance needs; a package missing at build
    time is exit 2."""
    guard = guarded(describe_component(registry.kind, spec.label or spec.name, cls), "while being built")
    try:
        with guard:
            component = build_component(cls, spec, registry.kind)
    except ModuleNotFoundError as exc:  # PackageNotFoundError is one too
        what = str(exc) if isinstance(exc, PackageNotFoundError) else (exc.name or str(exc))
        raise _missing_error(registry.kind, spec.name, [what], cls.extra) from exc
    with guard:
        missing = _missing_modules(component.requirements())
    if missing:
        raise _missing_error(registry.kind, spec.name, missing, cls.extra)
    return component


def reset_registries() -> None:
    """Forget the plugins every earlier run of this process loaded (see ``Registry.reset``)."""
    SUMMARIZERS.reset()
    METRICS.reset()
    JUDGES.reset()


def load_plugins(refs: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Load each ``--plugin`` into whichever registries it has components for.

    Returns ``(plugin, component names)`` per plugin, a file given as its resolved path.
    """
    loaded = []
    for ref in refs:
        found = SUMMARIZERS.load_plugin(ref) + METRICS.load_plugin(ref) + JUDGES.load_plugin(ref)
        if not found:
            raise ConfigError(
                f"plugin {ref!r} defines no summarizer (a class with name and summarize()), "
                "no metric (a class with name, signature() and score()) and no judge "
                "(a class with name, signature() and judge())"
            )
        is_file = ref.endswith(".py") or Path(ref).is_file()
        loaded.append((str(Path(ref).resolve()) if is_file else ref, found))
    return loaded


def build_systems(specs: Sequence[str], seed: int | None = None, normalize_ids: bool = False) -> list[System]:
    """Resolve summarizer specs through the registry; labels must be unique.

    A spec may stand for several systems: the class's ``expand_spec`` hook says which (one
    per system of a prediction file, each with its own spec and label). A run's ``seed``
    fills the ``seed`` option of summarizers that have one, unless the spec sets it; its
    ``normalize_ids`` likewise fills the ``normalize_ids`` option (prediction files).
    """
    systems: list[System] = []
    for text in specs:
        parsed = ComponentSpec.parse(text)
        cls = _load(SUMMARIZERS, parsed.name, Summarizer, "SummarizerBase")
        fills = normalize_ids and "normalize_ids" in option_fields(cls)
        if fills and "normalize_ids" not in dict(parsed.options):
            parsed = replace(parsed, options=tuple(sorted((*parsed.options, ("normalize_ids", "true")))))
        with guarded(describe_component("summarizer", parsed.name, cls), "in expand_spec"):
            expanded = cls.expand_spec(parsed)
        for spec in expanded:
            if seed is not None and "seed" in option_fields(cls) and "seed" not in dict(spec.options):
                spec = replace(spec, options=tuple(sorted((*spec.options, ("seed", str(seed))))))
            summarizer = _build(SUMMARIZERS, cls, spec)
            with guarded(describe_component("summarizer", spec.name, cls), "while being built"):
                label = default_label(spec, summarizer)
            systems.append(System(label, spec, summarizer))
    labels = [s.label for s in systems]
    dupes = sorted({label for label in labels if labels.count(label) > 1})
    if dupes:
        raise ConfigError(f"system name(s) {dupes} given twice; set distinct names with name=...")
    return systems


def check_text_needs(
    refset: ReferenceSet, systems: Sequence[System], metrics: Sequence[MetricRun]
) -> None:
    """Refuse, naming them, the components that read article text when the reference set has none."""
    if refset.has_text:
        return
    needy = [f"summarizer {s.label!r}" for s in systems if s.summarizer.needs_text]
    needy += [f"metric {m.name!r}" for m in metrics if m.metric.needs_text]
    if needy:
        raise ConfigError(
            f"{', '.join(needy)} need{'s' if len(needy) == 1 else ''} the article text, but reference set "
            f"{refset.source or refset.name} has none (its records have references only; "
            "name the text's field with --text-field, or use components that read only the "
            "references, e.g. -s predictions -m rouge)"
        )


def check_reference_needs(
    refset: ReferenceSet, systems: Sequence[System], metrics: Sequence[MetricRun], *, allow_partial: bool
) -> None:
    """Refuse the components that read references when the set has none, or only some
    without ``allow_partial`` (then they score the documents that have them)."""
    if refset.has_references:
        return
    needy = [f"summarizer {s.label!r}" for s in systems if s.summarizer.needs_references]
    needy += [f"metric {m.name!r}" for m in metrics if m.metric.needs_references]
    if not needy:
        return
    verb = "needs" if len(needy) == 1 else "need"
    have = refset.documents_with_references
    where = refset.source or refset.name
    if not have:
        raise ConfigError(
            f"{', '.join(needy)} {verb} reference summaries, but reference set {where} has none "
            "(an articles-only set); use reference-free metrics such as -m faithfulness -m length, "
            "or name the references' field with --ref-field"
        )
    if not allow_partial:
        raise ConfigError(
            f"{', '.join(needy)} {verb} reference summaries, but only {have} of the {len(refset)} "
            f"documents of {where} have one; pass --partial-references to score those {have} "
            "(the others count as missing in tables and gates), or use reference-free metrics"
        )


def build_metrics(specs: Sequence[str]) -> list[MetricRun]:
    """Resolve metric specs through the registry."""
    runs = []
    for text in specs:
        spec = ComponentSpec.parse(text)
        metric = _build(METRICS, _load(METRICS, spec.name, Metric, "MetricBase"), spec)
        runs.append(MetricRun(spec, metric))
    return runs


def usable_components(refset: ReferenceSet) -> dict[str, list[str]]:
    """What a reference set can feed, by the components' declared needs: ``{"metrics": [...],
    "need references": [...], "need text": [...]}`` over every registered metric, plus the
    summarizers that read references (the oracle) under ``need references``."""
    out: dict[str, list[str]] = {"metrics": [], "need references": [], "need text": []}
    partial = 0 < refset.documents_with_references < len(refset)
    registries: tuple[Registry[Any], ...] = (METRICS, SUMMARIZERS)
    for registry in registries:
        for name in registry.names():
            try:
                cls: Any = registry.get(name)
            except ConfigError:
                continue  # a plugin that does not import: `sumbench list` says why
            label = name if registry is METRICS else f"{name} (summarizer)"
            if cls.needs_text and not refset.has_text:
                out["need text"].append(label)
            elif cls.needs_references and not refset.has_references and not partial:
                out["need references"].append(label)
            elif registry is METRICS:
                note = " (with --partial-references)" if cls.needs_references and partial else ""
                out["metrics"].append(name + note)
    return out
def build_judge(spec_text: str | None) -> JudgeRun:
    """Resolve a pairwise judge spec (``llm:base_url=...``; None: the bundled default)."""
    spec = ComponentSpec.parse(spec_text or DEFAULT_JUDGE)
    judge = _build(JUDGES, _load(JUDGES, spec.name, PairwiseJudge, "JudgeBase"), spec)
    return JudgeRun(spec, judge)
