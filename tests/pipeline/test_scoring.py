"""score_batch: a metric that raises SystemExit on one document costs that document its value only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import MetricBase, Scored, Usage
from benchmark.inputs.documents import Document
from benchmark.pipeline.scoring import score_batch


@dataclass(frozen=True)
class Picky(MetricBase):
    """Characters / 100 with evidence and usage; exits on the document ``bad``."""

    name: ClassVar[str] = "picky"
    headline: ClassVar[tuple[str, ...]] = ("chars",)

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scored:
        if any(d.id == "bad" for d in documents):
            raise SystemExit(0)
        return Scored(
            {"chars": [len(c) / 100 for c in candidates]},
            [{"n": len(c)} for c in candidates],
            [Usage(prompt_tokens=len(c)) for c in candidates],
        )


def _doc(doc_id: str) -> Document:
    return Document(doc_id, f"Text of {doc_id}.", (f"Reference {doc_id}.",))


def test_a_batch_with_an_exiting_document_is_scored_one_by_one() -> None:
    docs = [_doc("a"), _doc("bad"), _doc("c")]
    scored, warnings = score_batch(Picky(), "picky", ["xx", "yyy", "zzzz"], docs)
    chars = scored.columns["chars"]
    assert chars[0] == 0.02 and math.isnan(chars[1]) and chars[2] == 0.04
    assert list(scored.evidence) == [{"n": 2}, None, {"n": 4}]
    assert [u.prompt_tokens if u else None for u in scored.usage] == [2, None, 4]
    assert warnings == [
        "metric 'picky' raised SystemExit(0) in score; a component cannot end the run "
        "(only sumbench decides its exit code); document 'bad' has no value"
    ]


def test_a_batch_without_one_is_one_call() -> None:
    scored, warnings = score_batch(Picky(), "picky", ["xx"], [_doc("a")])
    assert scored.columns == {"chars": [0.02]} and warnings == []
