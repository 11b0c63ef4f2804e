"""SummaC-ZS (Laban et al. 2022): NLI between article sentences and summary sentences.

For every summary sentence (hypothesis) and article sentence (premise) an NLI model gives
entailment and contradiction probabilities; a pair's score is P(entailment) -
P(contradiction), a summary sentence takes its maximum over the article's sentences, and
the summary's score is the mean over its sentences (``summac_zs``, in [-1, 1]);
``summac_min_sentence`` is the weakest sentence's score. Sentences come from
:func:`benchmark.inputs.text.split_sentences`.

Any Hugging Face sequence-classification NLI checkpoint works (``model=`` a local directory
or a hub id, resolved through :func:`benchmark.models.weights.classifier_path`); the entailment and
contradiction label ids are read from the model's ``id2label``. Pairs are scored in
length-sorted batches and kept per process, so a premise/hypothesis pair shared by several
systems is scored once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Literal

from benchmark.components.base import MetricBase, Scores
from benchmark.core.errors import ConfigError, ModelUnavailableError
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, split_sentences
from benchmark.models import weights as models

MAX_KEPT_PAIRS = 200_000


def nli_labels(id2label: dict[Any, str]) -> tuple[int, int]:
    """``(entailment id, contradiction id)`` from a config's ``id2label``; a clear error otherwise."""
    found: dict[str, int] = {}
    for key, label in id2label.items():
        text = str(label).lower()
        for kind in ("entail", "contradict"):
            if text.startswith(kind) or kind in text:
                found.setdefault(kind, int(key))
    if len(found) < 2:
        labels = ", ".join(f"{k}={v}" for k, v in id2label.items())
        raise ConfigError(
            f"summac: the model's labels ({labels}) name no entailment and contradiction class; "
            "pass an NLI checkpoint (its config.json id2label must contain them)"
        )
    return found["entail"], found["contradict"]


def aggregate(scores: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Mean and minimum over summary sentences (rows) of the maximum over article sentences."""
    best = [max(row) for row in scores if len(row)]
    if not best:
        return 0.0, 0.0
    return sum(best) / len(best), min(best)


@lru_cache(maxsize=2)
def load_nli(path: str, device: str) -> tuple[Any, Any]:
    """Tokenizer and model of an NLI checkpoint, loaded once per process, in eval mode."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path).to(device)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"summac: cannot load NLI model {path!r}: {exc}") from exc
    model.eval()
    return tokenizer, model


@dataclass(frozen=True)
class SummaC(MetricBase):
    """SummaC-ZS with any Hugging Face NLI checkpoint (``model=PATH_OR_HUB_ID``, required)."""

    name: ClassVar[str] = "summac"
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("summac_zs",)
    needs_references: ClassVar[bool] = False
    requires: ClassVar[tuple[str, ...]] = ("torch", "transformers")

    model: str = ""
    granularity: Literal["sentence"] = "sentence"
    batch_size: int = 32
    max_length: int = 512
    device: str = "auto"
    _state: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.model:
            raise ConfigError(
                "summac needs an NLI checkpoint: -m summac:model=PATH_OR_HUB_ID "
                "(e.g. tals/albert-xlarge-vitaminc-mnli, the one SummaC uses; see docs/metrics.md)"
            )
        if self.granularity != "sentence":
            raise ConfigError(f"summac: granularity must be 'sentence', got {self.granularity!r}")
        if self.batch_size < 1 or self.max_length < 8:
            raise ConfigError("summac: batch_size must be >= 1 and max_length >= 8")

    def columns(self) -> tuple[str, ...]:
        return ("summac_zs", "summac_min_sentence")

    def display_scale(self, column: str) -> float:
        return 100.0

    def _path(self) -> str:
        if "path" not in self._state:
            self._state["path"] = str(models.classifier_path(self.model))
        path: str = self._state["path"]
        return path

    def signature_fields(self) -> list[tuple[str, Any]]:
        from importlib.metadata import version

        return [
            ("metric", "summac"),
            ("impl", f"sumbench-summac-{self.version}"),
            ("variant", "zs"),
            ("model", models.encoder_identity(self._path())),
            ("transformers", version("transformers")),
            ("granularity", f"sentence:{SPLITTER_SIGNATURE}"),
            ("pair", "premise=article-sentence,hypothesis=summary-sentence"),
            ("score", "p-entail-minus-p-contradict,max-over-article,mean-over-summary"),
            ("max_length", self.max_length),
            ("empty", "zero"),
        ]

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        grids = []
        for candidate, document in zip(candidates, documents, strict=True):
            hypotheses, premises = split_sentences(candidate), split_sentences(document.text)
            grids.append([[(p, h) for p in premises] for h in hypotheses])
        values = self.pair_scores([pair for grid in grids for row in grid for pair in row])
        out: Scores = {"summac_zs": [], "summac_min_sentence": []}
        for grid in grids:
            mean, low = aggregate([[values[pair] for pair in row] for row in grid])
            out["summac_zs"].append(mean)
            out["summac_min_sentence"].append(low)
        return out

    def pair_scores(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float]:
        """P(entailment) - P(contradiction) for each ``(premise, hypothesis)``, batched and kept."""
        import torch

        kept: dict[tuple[str, str], float] = self._state.setdefault("pairs", {})
        todo = sorted({p for p in pairs if p not in kept}, key=lambda p: -(len(p[0]) + len(p[1])))
        if todo:
            tokenizer, model, device = self._model()
            entail, contradict = nli_labels(model.config.id2label)
            limit = min(self.max_length, int(getattr(tokenizer, "model_max_length", 512) or 512))
            if len(kept) + len(todo) > MAX_KEPT_PAIRS:
                kept.clear()
            for start in range(0, len(todo), self.batch_size):
                batch = todo[start : start + self.batch_size]
                inputs = tokenizer(
                    [p for p, _ in batch], [h for _, h in batch], truncation=True, padding=True,
                    max_length=limit, return_tensors="pt",
                ).to(device)
                with torch.no_grad():
                    probs = model(**inputs).logits.float().softmax(dim=-1).cpu()
                for (premise, hypothesis), row in zip(batch, probs, strict=True):
                    value = float(row[entail] - row[contradict])
                    kept[(premise, hypothesis)] = value if math.isfinite(value) else 0.0
        return {p: kept[p] for p in pairs}

    def _model(self) -> tuple[Any, Any, str]:
        import torch

        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        tokenizer, model = load_nli(self._path(), device)
        return tokenizer, model, device
