"""BERTScore (Zhang et al. 2020) on bert-score 0.3.13's building blocks, references embedded once.

Numbers equal ``bert_score.score`` with the same model, ``num_layers``, idf and baseline:
the same tokenization (``sent_encode``), encoder forward (``bert_encode``), greedy matching
(``greedy_cos_idf``), idf (``get_idf_dict`` over the run's references) and rescaling.
What differs is the work: each reference is embedded once per run and reused for every
system, and texts are embedded in length-sorted batches. Several references: P, R and F
are each the maximum over the references, as ``bert_score.score`` does. Empty candidates
score 0 (P, R, F, also when rescaled) with a warning instead of crashing.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, ClassVar, Literal

from benchmark import models
from benchmark.documents import Document
from benchmark.errors import ConfigError
from benchmark.hashing import file_hash, stable_hash
from benchmark.metrics import bertscore_encoder as bm
from benchmark.metrics.base import MetricBase, MetricWarning, Scores

DEFAULT_LAYER = 5  # chosen on REALSumm and Newsroom human scores: docs/metrics.md


@dataclass(frozen=True)
class BERTScore(MetricBase):
    """BERTScore P/R/F against one or more references (max over references)."""

    name: ClassVar[str] = "bertscore"
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("bertscore_f",)
    requires: ClassVar[tuple[str, ...]] = ("torch", "transformers", "bert_score")
    extra: ClassVar[str] = "models"

    model: str = models.DEFAULT_ENCODER
    layer: int | None = None
    idf: bool = False
    rescale: bool = False
    baseline: str | None = None
    lang: str = "en"
    dtype: Literal["fp32", "bf16"] = "fp32"
    batch_size: int = 64
    device: str = "auto"
    _state: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.layer is not None and self.layer < 0:
            raise ConfigError(f"bertscore: layer must be >= 0, got {self.layer}")
        if self.batch_size < 1:
            raise ConfigError(f"bertscore: batch_size must be >= 1, got {self.batch_size}")
        if self.rescale:
            bm.baseline_file(self.model, self.lang, self.baseline)  # fails early when missing
        elif self.baseline:
            raise ConfigError("bertscore: baseline=PATH only applies with rescale=true")

    def columns(self) -> tuple[str, ...]:
        return ("bertscore_f", "bertscore_p", "bertscore_r")

    @property
    def num_layers(self) -> int:
        """The layer whose output is matched (always passed explicitly, never guessed)."""
        if self.layer is not None:
            return self.layer
        return DEFAULT_LAYER if self.model == models.DEFAULT_ENCODER else bm.default_layers(self.model)

    def bert_score_hash(self) -> str:
        """bert-score's own hash string for these settings."""
        from bert_score.utils import get_hash

        custom = self.rescale and (self.baseline is not None or self.model == models.DEFAULT_ENCODER)
        return str(get_hash(self.model, self.num_layers, self.idf, self.rescale, custom, False))

    def signature_fields(self) -> list[tuple[str, Any]]:
        fields: list[tuple[str, Any]] = [
            ("metric", "bertscore"),
            ("version", f"bert-score-{version('bert-score')}"),
            ("impl", f"sumbench-bertscore-{self.version}"),
            ("hash", self.bert_score_hash()),
            ("model", models.encoder_identity(self.model)),
            ("layer", self.num_layers),
            ("idf", self._state.get("idf_key", "run-refs") if self.idf else "no"),
            ("rescale", self._baseline_id() if self.rescale else "no"),
            ("dtype", self.dtype),
            ("multi_ref", "max-each-prf"),
            ("empty", "zero"),
        ]
        return fields

    def _baseline_id(self) -> str:
        path = bm.baseline_file(self.model, self.lang, self.baseline)
        return f"{path.name}@{file_hash(str(path), 12)}"

    # -- running -------------------------------------------------------------------------

    def prepare(self, documents: Sequence[Document]) -> None:
        """Compute idf from the run's references (tokenizing only; nothing is embedded here).

        Embeddings live for one ``score`` call: the pipeline sends every system's candidates
        for a batch of documents in one call, so each reference is embedded once per run while
        memory stays bounded by the batch, never by the size of the reference set.
        """
        if self.idf:
            from bert_score.utils import get_idf_dict

            refs = [r for d in documents for r in d.references]
            self._state["idf_dict"] = get_idf_dict(refs, self._tokenizer(), nthreads=0)
            self._state["idf_key"] = "run-refs@" + stable_hash(refs, 12)

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        """P, R, F per candidate (max over its references); without ``prepare``, idf comes
        from these documents' references."""
        import torch

        if self.idf and "idf_dict" not in self._state:
            self.prepare(documents)
        empty = [i for i, c in enumerate(candidates) if not c.strip()]
        if empty:
            warnings.warn(
                f"bertscore: {len(empty)} empty candidate(s) scored 0", MetricWarning, stacklevel=2
            )
        live = sorted(set(range(len(candidates))) - set(empty))
        pairs = [(i, ref) for i in live for ref in documents[i].references]
        ref_stats: dict[str, Any] = {}
        cand_stats: dict[str, Any] = {}
        self._embed([ref for _, ref in pairs], ref_stats)
        self._embed([candidates[i] for i in live], cand_stats)
        prf = self._match([cand_stats[candidates[i]] for i, _ in pairs], [ref_stats[r] for _, r in pairs])
        best = torch.zeros(len(candidates), 3)
        for i in live:
            rows = [row for row, (j, _) in enumerate(pairs) if j == i]
            best[i] = prf[rows].max(dim=0).values
        if self.rescale:
            path = bm.baseline_file(self.model, self.lang, self.baseline)
            base = torch.tensor(bm.read_baseline(path, self.num_layers), dtype=torch.float32)
            best = (best - base) / (1 - base)
        if empty:
            best[empty] = 0.0
        return {
            "bertscore_p": best[:, 0].tolist(),
            "bertscore_r": best[:, 1].tolist(),
            "bertscore_f": best[:, 2].tolist(),
        }

    def _tokenizer(self) -> Any:
        if "tokenizer" not in self._state:
            self._state["tokenizer"] = bm.cached_tokenizer(models.encoder_path(self.model))
        return self._state["tokenizer"]

    def _encoder(self) -> tuple[Any, str]:
        if "encoder" not in self._state:
            import torch

            device = self.device
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            model = bm.cached_encoder(models.encoder_path(self.model), self.num_layers, device, self.dtype)
            self._state["encoder"] = (model, device)
        encoder: tuple[Any, str] = self._state["encoder"]
        return encoder

    def _idf_dict(self) -> Any:
        if self.idf:
            return self._state["idf_dict"]
        from collections import defaultdict

        tokenizer = self._tokenizer()
        plain: defaultdict[int, float] = defaultdict(lambda: 1.0)
        plain[tokenizer.sep_token_id] = 0
        plain[tokenizer.cls_token_id] = 0
        return plain

    def _embed(self, texts: Sequence[str], cache: dict[str, Any]) -> None:
        """Embed texts not in ``cache`` yet, longest first, in batches; add ``text -> (emb, ids)``."""
        from bert_score.utils import bert_encode, padding, sent_encode

        todo = {t for t in texts if t not in cache}
        if not todo:
            return
        tokenizer = self._tokenizer()
        model, device = self._encoder()
        encoded = sorted(((t, sent_encode(tokenizer, t)) for t in todo), key=lambda x: -len(x[1]))
        for start in range(0, len(encoded), self.batch_size):
            batch = encoded[start : start + self.batch_size]
            ids, lens, mask = padding([i for _, i in batch], tokenizer.pad_token_id)
            out = bert_encode(model, ids.to(device), attention_mask=mask.to(device)).float().cpu()
            for row, (text, token_ids) in enumerate(batch):
                cache[text] = (out[row, : int(lens[row])], token_ids)

    def _match(self, candidates: list[Any], references: list[Any]) -> Any:
        """``(n, 3)`` tensor of P, R, F for aligned ``(emb, ids)`` pairs, by bert-score's matching."""
        import torch
        from bert_score.utils import greedy_cos_idf

        idf_dict = self._idf_dict()
        rows = []
        for start in range(0, len(candidates), self.batch_size):
            refs = _pad(references[start : start + self.batch_size], idf_dict)
            hyps = _pad(candidates[start : start + self.batch_size], idf_dict)
            with torch.no_grad():
                p, r, f = greedy_cos_idf(*refs, *hyps)
            rows.append(torch.stack((p, r, f), dim=-1).cpu())
        return torch.cat(rows, dim=0) if rows else torch.zeros(0, 3)


def _pad(stats: list[tuple[Any, list[int]]], idf_dict: Any) -> tuple[Any, Any, Any]:
    """Pad embeddings (value 2.0), idf weights and masks as bert-score's ``pad_batch_stats``."""
    import torch
    from torch.nn.utils.rnn import pad_sequence

    embs = [e for e, _ in stats]
    idfs = [torch.tensor([idf_dict[i] for i in ids], dtype=torch.float) for _, ids in stats]
    lens = torch.tensor([e.size(0) for e in embs], dtype=torch.long)
    mask = torch.arange(int(lens.max())).expand(len(embs), -1) < lens.unsqueeze(1)
    return pad_sequence(embs, batch_first=True, padding_value=2.0), mask, pad_sequence(idfs, batch_first=True)
