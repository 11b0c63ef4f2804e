"""The one component contract: what summarizers, metrics and judges declare, typed once.

Every component is a class with a ``name`` whose options are dataclass fields (``lead:k=3``
builds ``Lead(k=3)``). :class:`Component` declares each hook the pipeline uses, with its
default, so the pipeline never probes for one:

- ``version``: bump it when the same options give different output;
- ``requires`` / ``extra``: modules it imports and the extra that installs them (checked
  before any work; :meth:`Component.requirements` narrows them per instance);
- ``needs_text`` / ``needs_references``: whether it reads the article and the references, so a
  reference set without them is refused before any work;
- ``parallel_safe``: pure Python, may be copied into worker processes;
- ``batch_documents``: documents per call (``None``: the run's ``--batch-size``);
- :meth:`Component.prepare`: called once per run with every document it will see, before any
  work; returns a *data key* when its output depends on more than one document (an idf table,
  a baseline fitted on the set), which goes into the cache key, and ``None`` otherwise.

:class:`SummarizerBase`, :class:`MetricBase` and :class:`JudgeBase` add what a summarizer, a
metric or a pairwise judge (``benchmark.judges``) is for. The data a component returns is plain
and frozen: :class:`Summary` (with :class:`Usage` for LLM calls), :class:`SummaryFailure`,
:class:`Scored` (score columns with per-summary evidence), :class:`Judgement` (a verdict on a
:class:`Matchup` of two summaries).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from benchmark.core.hashing import stable_hash
from benchmark.core.progress import document_done
from benchmark.core.usage import Usage
from benchmark.inputs.documents import Document

Scores = dict[str, list[float]]
Evidence = dict[str, Any]


class MetricWarning(UserWarning):
    """A metric's note about its input (e.g. text its tokenizer drops); recorded in results."""


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary with what it took: the model's usage, why generation stopped, its own time.

    ``finish_reason`` is the server's (``stop``, ``length`` when cut at the token limit);
    ``seconds`` is the time measured for this document alone (``None``: the pipeline records
    the batch's time split evenly, and says so).
    """

    text: str
    usage: Usage | None = None
    finish_reason: str | None = None
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class SummaryFailure:
    """Returned in place of a summary when one document failed; the run goes on."""

    reason: str


SummaryOutput = str | Summary | SummaryFailure


@dataclass(frozen=True, slots=True)
class Scored:
    """A metric's answer for a batch: score columns and, per candidate, its evidence.

    ``evidence[i]`` is a JSON-ready object explaining candidate ``i``'s numbers (unsupported
    numbers and names, the weakest sentence, claims with verdicts) or ``None``; ``usage[i]``
    is what scoring candidate ``i`` cost when a model was called (the evaluation's own cost).
    """

    columns: Scores
    evidence: Sequence[Evidence | None] = ()
    usage: Sequence[Usage | None] = ()


class Component:
    """The hooks every summarizer, metric and judge has, with their defaults."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ()
    extra: ClassVar[str] = "models"
    needs_text: ClassVar[bool] = True
    needs_references: ClassVar[bool] = False
    parallel_safe: ClassVar[bool] = False

    def requirements(self) -> tuple[str, ...]:
        """Modules this instance imports (default: the class's ``requires``)."""
        return self.requires

    def options(self) -> dict[str, Any]:
        """Every option (dataclass field) that changes the output."""
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        return {}

    @property
    def batch_documents(self) -> int | None:
        """Documents per call; ``None``: the run's ``--batch-size``."""
        return None

    def prepare(self, documents: Sequence[Document]) -> str | None:
        """Called once per run with every document it will see, before any work.

        Returns a data key (a hash of what was derived from the set) when the output for one
        document depends on the others, ``None`` when it does not (the default)."""
        return None

    def pricing_model(self) -> str | None:
        """The model name a price table (``--price MODEL=IN/OUT``) keys this component's tokens
        by; ``None`` (the default) for components that call no paid model."""
        return None

    def requests_in_flight(self) -> int:
        """How many documents it works on at once (an LLM client's concurrency); default 1."""
        return 1


@runtime_checkable
class Summarizer(Protocol):
    """What the pipeline needs from a summarizer (:class:`SummarizerBase` provides the defaults)."""

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    extra: ClassVar[str]
    parallel_safe: ClassVar[bool]
    needs_text: ClassVar[bool]
    needs_references: ClassVar[bool]
    cache_summaries: ClassVar[bool]

    @classmethod
    def expand_spec(cls, spec: Any) -> Sequence[Any]: ...

    def fingerprint(self) -> str: ...

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]: ...

    def prepare(self, documents: Sequence[Document]) -> str | None: ...

    def requirements(self) -> tuple[str, ...]: ...

    def pricing_model(self) -> str | None: ...

    def requests_in_flight(self) -> int: ...

    @property
    def batch_documents(self) -> int | None: ...


class SummarizerBase(Component):
    """A summarizer: ``summarize`` (batched) or ``summarize_one``, fingerprinted from its options.

    Subclasses are ``@dataclass(frozen=True)`` classes with a ``name`` and a ``version``.
    ``summarize`` gets many documents and returns one item per document: a summary (a string,
    or a :class:`Summary` with usage), or a :class:`SummaryFailure`; raising fails the batch,
    which is then retried one document at a time. ``cache_summaries = False`` for output that
    is not a function of the document's content (prediction files, read by id). The class
    method ``expand_spec`` turns one spec into the specs of the systems it stands for.
    """

    cache_summaries: ClassVar[bool] = True

    @classmethod
    def expand_spec(cls, spec: Any) -> Sequence[Any]:
        """The specs of the systems ``spec`` stands for: itself, unless a subclass says more."""
        return [spec]

    def fingerprint_extra(self) -> dict[str, Any]:
        """More identity for the fingerprint (a weights hash, a prompt); empty by default."""
        return {}

    def fingerprint(self) -> str:
        payload = {
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "name": self.name,
            "version": self.version,
            "options": self.options(),
            "extra": self.fingerprint_extra(),
        }
        return f"{self.name}-{stable_hash(payload)}"

    def summarize_one(self, doc: Document) -> SummaryOutput:
        raise NotImplementedError(f"{type(self).__name__} implements neither summarize nor summarize_one")

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]:
        out: list[SummaryOutput] = []
        for doc in docs:
            out.append(self.summarize_one(doc))
            document_done()
        return out


@runtime_checkable
class Metric(Protocol):
    """What the pipeline needs from a metric (:class:`MetricBase` provides the defaults).

    ``score`` is batched and keyword-only: candidates and the documents (which carry the
    references and the source) in the same order; it returns per-document columns such as
    ``rouge1_f`` (a dict, or :class:`Scored` with evidence). ``signature`` states everything
    that changes the numbers.
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    extra: ClassVar[str]
    higher_is_better: ClassVar[bool | None]
    lower_is_better: ClassVar[tuple[str, ...]]
    parallel_safe: ClassVar[bool]
    needs_text: ClassVar[bool]
    needs_references: ClassVar[bool]

    def signature(self) -> str: ...

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores | Scored: ...

    def columns(self) -> tuple[str, ...]: ...

    def headline_columns(self) -> tuple[str, ...]: ...

    def display_scale(self, column: str) -> float: ...

    def prepare(self, documents: Sequence[Document]) -> str | None: ...

    def requirements(self) -> tuple[str, ...]: ...

    def pricing_model(self) -> str | None: ...

    def requests_in_flight(self) -> int: ...

    @property
    def batch_documents(self) -> int | None: ...


class MetricBase(Component):
    """A metric: options as dataclass fields, a fixed-order signature, headline columns.

    ``headline`` names the columns a leaderboard shows; ``higher_is_better`` is ``None`` for
    descriptive columns (length, extractiveness), which are never "best"; ``lower_is_better``
    names the columns of a higher-is-better metric that go the other way (a rate of flagged
    summaries).
    """

    headline: ClassVar[tuple[str, ...]] = ()
    higher_is_better: ClassVar[bool | None] = True
    lower_is_better: ClassVar[tuple[str, ...]] = ()
    needs_references: ClassVar[bool] = True

    def signature_fields(self) -> list[tuple[str, Any]]:
        """Ordered ``(key, value)`` pairs; override to add library versions and models."""
        impl = f"sumbench-{self.name}-{self.version}"
        return [("metric", self.name), ("impl", impl), *self.options().items()]

    def signature(self) -> str:
        return "|".join(f"{k}:{_fmt(v)}" for k, v in self.signature_fields())

    def columns(self) -> tuple[str, ...]:
        """Every column ``score`` returns (headline first); default: the headline."""
        return self.headline_columns()

    def headline_columns(self) -> tuple[str, ...]:
        """The columns a leaderboard shows; default: the class's ``headline``."""
        return self.headline

    def display_scale(self, column: str) -> float:
        """Factor reports show a column with: 100 for fractions (ROUGE tradition), 1 for counts."""
        return 100.0

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores | Scored:
        raise NotImplementedError


VERDICTS = ("A", "B", "tie")


@dataclass(frozen=True, slots=True)
class Matchup:
    """Two summaries of one document as a pairwise judge sees them: ``first`` is shown as A.

    A judge never sees which systems wrote them (it judges blind, and its verdicts are cached
    by content); the pipeline shows every pair in both orders."""

    document: Document
    first: str
    second: str


@dataclass(frozen=True, slots=True)
class Judgement:
    """A judge's answer on one matchup: ``verdict`` is ``A`` (the first summary is better),
    ``B`` or ``tie``, or ``None`` with the ``failure`` reason (an unreadable reply, a failed
    request: never a silent tie). ``probabilities`` are P(A), P(B), P(tie) when the judge
    has them (token log-probabilities: a soft preference); ``answer`` is the reply as given."""

    verdict: str | None
    probabilities: tuple[float, float, float] | None = None
    answer: str = ""
    failure: str | None = None
    usage: Usage | None = None


@runtime_checkable
class PairwiseJudge(Protocol):
    """What the pipeline needs from a pairwise judge (:class:`JudgeBase` provides the defaults)."""

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    extra: ClassVar[str]
    needs_text: ClassVar[bool]
    needs_references: ClassVar[bool]

    def signature(self) -> str: ...

    def judge(self, matchups: Sequence[Matchup]) -> Sequence[Judgement]: ...

    def caveat(self) -> str | None: ...

    def cost(self, usage: Usage) -> float | None: ...

    def pricing_model(self) -> str | None: ...

    def prepare(self, documents: Sequence[Document]) -> str | None: ...

    def requirements(self) -> tuple[str, ...]: ...

    @property
    def batch_documents(self) -> int | None: ...


class JudgeBase(Component):
    """A pairwise judge: ``judge`` gets ordered matchups (a batch) and returns one
    :class:`Judgement` each; raising fails the batch (each matchup is recorded as failed and
    asked again on the next run). ``signature`` states everything that decides a verdict:
    the verdicts cache keys on it. ``caveat`` is a line the CLI prints before judging (a weak
    judge says so)."""

    needs_references: ClassVar[bool] = False

    def signature_fields(self) -> list[tuple[str, Any]]:
        """Ordered ``(key, value)`` pairs; override to add models, prompts, library versions."""
        impl = f"sumbench-{self.name}-{self.version}"
        return [("judge", self.name), ("impl", impl), *self.options().items()]

    def signature(self) -> str:
        return "|".join(f"{k}:{_fmt(v)}" for k, v in self.signature_fields())

    def caveat(self) -> str | None:
        return None

    def cost(self, usage: Usage) -> float | None:
        """USD for ``usage`` when the judge knows its prices; None (the default) otherwise."""
        return None

    def judge(self, matchups: Sequence[Matchup]) -> Sequence[Judgement]:
        raise NotImplementedError


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


def _named_class(cls: type, *methods: str) -> bool:
    name = getattr(cls, "name", None)
    return isinstance(name, str) and bool(name) and all(callable(getattr(cls, m, None)) for m in methods)


def is_summarizer_class(cls: type) -> bool:
    """True for classes that look like summarizers (name, summarize, fingerprint)."""
    return cls is not SummarizerBase and _named_class(cls, "summarize", "fingerprint")


def is_metric_class(cls: type) -> bool:
    """True for classes that look like metrics (name, signature, score)."""
    return cls is not MetricBase and _named_class(cls, "score", "signature")


def is_judge_class(cls: type) -> bool:
    """True for classes that look like pairwise judges (name, judge, signature)."""
    return cls is not JudgeBase and _named_class(cls, "judge", "signature")


def check_columns(scores: Scores, n: int, metric: str) -> Scores:
    """Validate that every column has one float per candidate."""
    for column, values in scores.items():
        if len(values) != n:
            raise ValueError(f"metric {metric!r} returned {len(values)} values for {column!r}, expected {n}")
    return scores
