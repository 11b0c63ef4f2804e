"""ROUGE on rouge-score 0.1.2: rouge1, rouge2, rougeL, rougeLsum with P/R/F.

Defaults reproduce ROUGE-1.5.5 as rouge-score does (``-m`` Porter stemming, no stopword
removal, F1 with alpha 0.5). rougeLsum gets our blingfire sentence split joined by
newlines (rouge-score's own split needs nltk punkt data). Several references: ``max``
takes, per ROUGE type, the reference with the highest F (rouge-score's ``score_multi``);
``mean`` averages P, R and F over references.

The default ``backend=fast`` computes the same numbers as rouge-score (identical floats,
checked in the tests): compiled, through rouge-score-rs (:mod:`benchmark.metrics.rouge_native`),
when it is installed, else in pure Python through :mod:`benchmark.metrics.rouge_fast`, which
analyses each text once; ``backend=python`` asks for the pure-Python path;
``backend=rouge-score`` calls rouge-score's scorer for every pair.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from benchmark.components.base import MetricBase, MetricWarning, Scores
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, UnicodeTokenizer, dropped_fraction, sentence_lines
from benchmark.metrics import rouge_native

if TYPE_CHECKING:
    from rouge_score import rouge_scorer

    from benchmark.metrics.rouge_fast import RougeText

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
DROP_WARN_THRESHOLD = 0.05
MEMO_SIZE = 4096


@lru_cache(maxsize=MEMO_SIZE)
def _lines(text: str) -> str:
    """The text as rougeLsum reads it: our sentences, one per line (memoised: references repeat)."""
    return sentence_lines(text)


@lru_cache(maxsize=MEMO_SIZE)
def _analysis(text: str, tokenizer: Literal["default", "unicode"], stemmer: bool) -> RougeText:
    from benchmark.metrics.rouge_fast import analyse_text

    return analyse_text(_lines(text), tokenizer, stemmer)


@dataclass(frozen=True)
class Rouge(MetricBase):
    """ROUGE-N and ROUGE-L (sentence and summary level) against one or more references."""

    name: ClassVar[str] = "rouge"
    needs_text: ClassVar[bool] = False
    version: ClassVar[str] = "1"
    parallel_safe: ClassVar[bool] = True
    headline: ClassVar[tuple[str, ...]] = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f")

    stemmer: bool = True
    tokenizer: Literal["default", "unicode"] = "default"
    multi_ref: Literal["max", "mean"] = "max"
    backend: Literal["fast", "python", "rouge-score"] = "fast"

    def columns(self) -> tuple[str, ...]:
        return tuple(f"{t}_{s}" for t in ROUGE_TYPES for s in ("f", "p", "r"))

    def signature_fields(self) -> list[tuple[str, Any]]:
        return [
            ("metric", "rouge"),
            ("version", f"rouge-score-{version('rouge-score')}"),
            ("impl", f"sumbench-rouge-{self.version}"),
            ("backend", self.implementation()),
            ("types", ",".join(ROUGE_TYPES)),
            ("tok", "ascii-default" if self.tokenizer == "default" else "unicode"),
            ("stem", "porter" if self.stemmer else "none"),
            ("lsum_split", SPLITTER_SIGNATURE),
            ("rougeL", "sentence-lcs;rougeLsum:summary-lcs-union"),
            ("multi_ref", self.multi_ref),
            ("agg", "per-doc"),
        ]

    def implementation(self) -> str:
        """What computes the scores, as it runs here: ``rouge-score-rs-<version>`` (the compiled
        path of ``backend=fast``), ``python`` (its fallback) or ``rouge-score``."""
        if self.backend == "fast":
            return rouge_native.label() if rouge_native.available() else "python"
        return self.backend

    def scorer(self) -> rouge_scorer.RougeScorer:
        """The rouge-score scorer this metric calls (built per use, it is cheap)."""
        from rouge_score import rouge_scorer, tokenizers

        tokenizer: Any = (
            tokenizers.DefaultTokenizer(self.stemmer)
            if self.tokenizer == "default"
            else UnicodeTokenizer(self.stemmer)
        )
        return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=tokenizer)

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        out: Scores = {column: [] for column in self.columns()}
        if self.tokenizer == "default":
            self._warn_dropped(candidates, documents)
        for per_ref in self._per_document(candidates, documents):
            for rouge_type in ROUGE_TYPES:
                p, r, f = self._combine([s[rouge_type] for s in per_ref])
                out[f"{rouge_type}_p"].append(p)
                out[f"{rouge_type}_r"].append(r)
                out[f"{rouge_type}_f"].append(f)
        return out

    def _per_document(
        self, candidates: Sequence[str], documents: Sequence[Document]
    ) -> list[list[dict[str, Any]]]:
        """Scores of each candidate against each of its document's references."""
        implementation = self.implementation()
        if implementation.startswith("rouge-score-rs"):
            scorer = rouge_native.native_scorer(ROUGE_TYPES, self.tokenizer, self.stemmer)
            targets = [_lines(ref) for doc in documents for ref in doc.references]
            pairs = zip(candidates, documents, strict=True)
            predictions = [_lines(c) for c, doc in pairs for _ in doc.references]
            flat = iter(rouge_native.score_texts(scorer, targets, predictions))
            return [[next(flat) for _ in doc.references] for doc in documents]
        if implementation == "rouge-score":
            scorer = self.scorer()
            return [
                [scorer.score(sentence_lines(ref), prediction) for ref in doc.references]
                for candidate, doc in zip(candidates, documents, strict=True)
                for prediction in (sentence_lines(candidate),)
            ]
        from benchmark.metrics.rouge_fast import score_pair

        out = []
        for candidate, doc in zip(candidates, documents, strict=True):
            cand = _analysis(candidate, self.tokenizer, self.stemmer)
            out.append([
                score_pair(_analysis(ref, self.tokenizer, self.stemmer), cand, ROUGE_TYPES)
                for ref in doc.references
            ])
        return out

    def _combine(self, scores: list[Any]) -> tuple[float, float, float]:
        if len(scores) == 1:  # max and mean of one reference: the reference's own numbers
            s = scores[0]
            return float(s.precision), float(s.recall), float(s.fmeasure)
        if self.multi_ref == "max":
            best = max(range(len(scores)), key=lambda i: (scores[i].fmeasure, -i))
            s = scores[best]
            return float(s.precision), float(s.recall), float(s.fmeasure)
        n = len(scores)
        return (
            sum(s.precision for s in scores) / n,
            sum(s.recall for s in scores) / n,
            sum(s.fmeasure for s in scores) / n,
        )

    def _warn_dropped(self, candidates: Sequence[str], documents: Sequence[Document]) -> None:
        fraction = dropped_fraction([*candidates, *(r for d in documents for r in d.references)])
        if fraction > DROP_WARN_THRESHOLD:
            warnings.warn(
                f"rouge: {fraction:.0%} of the letters and digits scored are outside a-z/0-9 and "
                "are dropped by the default tokenizer (non-English text scores near 0); "
                "use rouge:tokenizer=unicode",
                MetricWarning,
                stacklevel=2,
            )
