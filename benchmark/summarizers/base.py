"""The summarizer protocol and a small base class that fingerprints dataclass options."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from benchmark.components.specs import ComponentSpec
from benchmark.core.hashing import stable_hash
from benchmark.core.progress import document_done
from benchmark.inputs.documents import Document


@dataclass(frozen=True, slots=True)
class SummaryFailure:
    """Returned in place of a summary when one document failed; the run goes on."""

    reason: str


SummaryOutput = str | SummaryFailure


@runtime_checkable
class Summarizer(Protocol):
    """What the pipeline needs from a summarizer.

    ``summarize`` is batched: it gets many documents at once and returns one item per
    document, a summary string or a SummaryFailure. Raising fails the whole batch, after
    which the pipeline retries document by document to isolate the bad one.
    ``parallel_safe`` (default ``False`` in :class:`SummarizerBase`) lets a pure-Python
    summarizer run in worker processes.

    The other hooks have defaults in :class:`SummarizerBase`: ``needs_text`` (default
    ``True``: it reads the article, so it refuses a reference set without text);
    ``prepare(documents)``, called once per run with every document of the reference set
    before any ``fingerprint()`` or ``summarize`` (validate against them, bind to their
    order); and the class method ``expand_spec(spec)``, which turns the user's spec into the
    specs of the systems it stands for (one by default; a prediction file with a system
    column stands for several). ``cache_summaries`` (default ``True``) is ``False`` for a
    summarizer whose output is not a function of the document's content (prediction files,
    read by id), which the summary cache, keyed by content, would confuse.
    """

    name: ClassVar[str]
    parallel_safe: ClassVar[bool]
    needs_text: ClassVar[bool]
    cache_summaries: ClassVar[bool]

    def fingerprint(self) -> str: ...

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]: ...

    def prepare(self, documents: Sequence[Document]) -> None: ...

    @classmethod
    def expand_spec(cls, spec: ComponentSpec) -> Sequence[ComponentSpec]: ...


class SummarizerBase:
    """Convenience base: options as dataclass fields, fingerprint from them, per-doc hook.

    Subclasses are ``@dataclass(frozen=True)`` classes with a ``name`` and a ``version``
    (bump it when the output for the same options changes), and implement
    ``summarize_one`` or ``summarize``. Set ``parallel_safe = True`` on pure-Python
    summarizers that may be copied into worker processes (``--workers``); leave it unset
    on those that hold a model, which then run in the main process only. Set
    ``needs_text = False`` on summarizers that never read ``doc.text``.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    parallel_safe: ClassVar[bool] = False
    needs_text: ClassVar[bool] = True
    cache_summaries: ClassVar[bool] = True

    @classmethod
    def expand_spec(cls, spec: ComponentSpec) -> Sequence[ComponentSpec]:
        """The specs of the systems ``spec`` stands for: itself, unless a subclass says more."""
        return [spec]

    def prepare(self, documents: Sequence[Document]) -> None:
        """Called once per run with every document of the reference set; nothing by default."""

    def options(self) -> dict[str, Any]:
        """Every option that changes the output."""
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        return {}

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

    def summarize_one(self, doc: Document) -> str:
        raise NotImplementedError(f"{type(self).__name__} implements neither summarize nor summarize_one")

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]:
        out: list[SummaryOutput] = []
        for doc in docs:
            out.append(self.summarize_one(doc))
            document_done()
        return out


def is_summarizer_class(cls: type) -> bool:
    """True for classes that look like summarizers (name, summarize, fingerprint)."""
    return (
        isinstance(getattr(cls, "name", None), str)
        and bool(getattr(cls, "name", ""))
        and callable(getattr(cls, "summarize", None))
        and callable(getattr(cls, "fingerprint", None))
        and cls is not SummarizerBase
    )
