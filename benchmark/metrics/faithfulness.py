"""Reference-free faithfulness: how much of a summary the article supports, with no model download.

Columns (fractions, higher is better):

- ``faithfulness`` (headline): source-grounded BERTScore precision. Every summary token
  takes its best cosine similarity over the article's tokens; the mean over the summary's
  tokens is the score (bert-score's greedy matching with the summary as candidate and the
  article as reference, no idf, no rescaling; [CLS]/[SEP] excluded on both sides). FRANK
  (Pagnoni et al. 2021) found BERTScore precision against the article among the best
  reference-free factuality signals, which is why it is the headline here.
- ``faith_min_sentence``: the same precision for the summary's least supported sentence.
- ``faith_numbers``: share of the summary's numbers found in the article (normalised,
  see :mod:`benchmark.metrics.claims`); 1 when it states none.
- ``faith_entities``: share of its names found in the article; 1 when none.
- ``faith_risk``: the verdict model's probability that the summary is unfaithful
  (:mod:`benchmark.metrics.faith_rule`); lower is better.
- ``faith_flagged``: the verdict, 1 = likely unfaithful (``faith_risk`` at or above the rule's
  cutoff); its mean is the share of a system's summaries flagged. Lower is better.

Every summary also gets its evidence (results.json ``evidence``): the verdict and its signals,
the unsupported and weakly supported numbers and names, role changes, and the weakest sentence
with its support.

Long articles are never truncated: the article's tokens are cut into overlapping windows
of the encoder's maximum length (stride half a window by default), each window is embedded
with its own [CLS]/[SEP], and a summary token's best match is taken over all windows. An
article with several paragraphs is also embedded paragraph by paragraph (each windowed the
same way): contextual embeddings drift with their context (a supporting paragraph behind
480 tokens of unrelated text matches its summary at 0.78 instead of 0.90), so a paragraph
that supports the summary on its own counts as it would alone. Articles without paragraph
breaks (CNN/DailyMail as SummEval ships it) are embedded only in the article windows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from benchmark.components.base import Evidence, MetricBase, MetricWarning, Scored
from benchmark.core.errors import ConfigError
from benchmark.inputs.documents import Document
from benchmark.inputs.text import SPLITTER_SIGNATURE, paragraphs, split_sentences
from benchmark.metrics import claims, faith_rule
from benchmark.metrics import fragments as frag
from benchmark.metrics.bertscore import DEFAULT_LAYER
from benchmark.models import encoder as bm
from benchmark.models import weights as models

Embedded = Any  # torch.Tensor (tokens x dim), unit-normalised


@dataclass(frozen=True)
class Faithfulness(MetricBase):
    """Source-grounded BERTScore precision plus number and entity checks against the article."""

    name: ClassVar[str] = "faithfulness"
    version: ClassVar[str] = "2"
    headline: ClassVar[tuple[str, ...]] = ("faithfulness", "faith_flagged")
    lower_is_better: ClassVar[tuple[str, ...]] = ("faith_risk", "faith_flagged")
    needs_references: ClassVar[bool] = False
    requires: ClassVar[tuple[str, ...]] = ("torch", "transformers")

    model: str = models.DEFAULT_ENCODER
    layer: int | None = None
    window: int | None = None
    stride: int | None = None
    ner: str = "auto"
    batch_size: int = 32
    device: str = "auto"
    _state: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.layer is not None and self.layer < 0:
            raise ConfigError(f"faithfulness: layer must be >= 0, got {self.layer}")
        if self.window is not None and self.window < 8:
            raise ConfigError(f"faithfulness: window must be >= 8 tokens, got {self.window}")
        if self.stride is not None and self.stride < 1:
            raise ConfigError(f"faithfulness: stride must be >= 1, got {self.stride}")
        if self.batch_size < 1:
            raise ConfigError(f"faithfulness: batch_size must be >= 1, got {self.batch_size}")
        claims.ner_backend(self.ner)

    def columns(self) -> tuple[str, ...]:
        return ("faithfulness", "faith_flagged", "faith_min_sentence", "faith_numbers", "faith_entities",
                "faith_risk")

    @property
    def num_layers(self) -> int:
        if self.layer is not None:
            return self.layer
        return DEFAULT_LAYER if self.model == models.DEFAULT_ENCODER else bm.default_layers(self.model)

    def max_length(self) -> int:
        """Tokens per window including [CLS] and [SEP]: ``window`` or the encoder's maximum."""
        if self.window is not None:
            return self.window
        tokenizer = self._tokenizer()
        limit = int(getattr(tokenizer, "model_max_length", 512) or 512)
        return limit if 8 <= limit <= 100_000 else 512

    def window_stride(self) -> int:
        body = self.max_length() - 2
        return min(self.stride or max(1, body // 2), body)

    def signature_fields(self) -> list[tuple[str, Any]]:
        return [
            ("metric", "faithfulness"),
            ("impl", f"sumbench-faithfulness-{self.version}"),
            ("model", models.encoder_identity(self.model)),
            ("layer", self.num_layers),
            ("match", "bertscore-precision-vs-article,no-idf,no-rescale,no-special-tokens"),
            ("window", f"{self.max_length()}-tokens,stride-{self.window_stride()},"
             "article+paragraphs,max-over-windows"),
            ("numbers", claims.NUMBERS_SIGNATURE),
            ("entities", f"{claims.ner_backend(self.ner)}+{claims.NAMES_SIGNATURE}"),
            ("verdict", faith_rule.signature()),
            ("sentences", SPLITTER_SIGNATURE),
            ("empty", "zero"),
        ]

    # -- running -------------------------------------------------------------------------

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scored:
        import torch

        backend = claims.ner_backend(self.ner)
        empty = [i for i, c in enumerate(candidates) if not c.strip()]
        if empty:
            warnings.warn(
                f"faithfulness: {len(empty)} empty candidate(s) scored 0", MetricWarning, stacklevel=2
            )
        live = [i for i in range(len(candidates)) if i not in set(empty)]
        articles = self.embed_articles([documents[i].text for i in live])
        out = {c: [0.0] * len(candidates) for c in self.columns()}
        evidence: list[Evidence | None] = [None] * len(candidates)
        summaries = self.embed_summaries([candidates[i] for i in live])
        for i in live:
            article = articles[documents[i].text]
            tokens, spans = summaries[candidates[i]]
            if article.shape[0] == 0 or tokens.shape[0] == 0:
                best = torch.zeros(tokens.shape[0])
            else:
                best = (tokens @ article.T).max(dim=1).values
            out["faithfulness"][i] = float(best.mean()) if len(best) else 0.0
            per_sentence = [float(best[a:b].mean()) for a, b in spans if b > a]
            weakest = min(per_sentence) if per_sentence else out["faithfulness"][i]
            out["faith_min_sentence"][i] = weakest
            found = claims.check(candidates[i], documents[i].text, backend)
            out["faith_numbers"][i] = found.number_support
            out["faith_entities"][i] = found.entity_support
            signals = faith_rule.Signals.of(
                weakest, found.any_unsupported, found.any_weak, copied(candidates[i], documents[i].text)
            )
            out["faith_risk"][i] = faith_rule.risk(signals)
            out["faith_flagged"][i] = float(faith_rule.flagged(signals))
            sentences = split_sentences(candidates[i])
            aligned = bool(per_sentence) and len(per_sentence) == len(sentences)
            low = per_sentence.index(weakest) if aligned else None
            evidence[i] = {
                "flagged": bool(out["faith_flagged"][i]),
                "risk": round(out["faith_risk"][i], 6),
                "signals": signals.as_dict(),
                **found.evidence(),
                "weakest_sentence": {"text": sentences[low] if low is not None else candidates[i],
                                     "support": round(weakest, 6)},
            }
        return Scored(out, evidence)

    def sentence_support(self, summary: str, article: str) -> list[tuple[str, float]]:
        """Each summary sentence with its precision against ``article`` (for reports)."""
        tokens, spans = self.embed_summaries([summary])[summary]
        emb = self.embed_articles([article])[article]
        if emb.shape[0] == 0 or tokens.shape[0] == 0:
            return []
        best = (tokens @ emb.T).max(dim=1).values
        sentences = split_sentences(summary)
        return [(s, float(best[a:b].mean())) for s, (a, b) in zip(sentences, spans, strict=False) if b > a]

    def windows(self, ids: list[int]) -> list[list[int]]:
        """Overlapping windows of ``ids`` (without special tokens) covering every token."""
        body, stride = self.max_length() - 2, self.window_stride()
        if len(ids) <= body:
            return [ids]
        starts = [*range(0, len(ids) - body, stride), len(ids) - body]
        return [ids[s : s + body] for s in dict.fromkeys(starts)]

    def units(self, article: str) -> list[list[int]]:
        """Token windows an article is embedded in: overlapping windows of the whole article and,
        when it has several paragraphs, of each paragraph on its own (duplicates once)."""
        found = {tuple(w): w for w in self.windows(self._ids(article))}
        parts = paragraphs(article)
        if len(parts) > 1:
            found |= {tuple(w): w for p in parts for w in self.windows(self._ids(p))}
        return list(found.values())

    def embed_articles(self, texts: Sequence[str]) -> dict[str, Embedded]:
        """Unit token embeddings of every window of each text, stacked per text."""
        import torch

        distinct = list(dict.fromkeys(texts))
        pieces = [(t, w) for t in distinct for w in self.units(t)]
        vectors = self._encode([w for _, w in pieces])
        out: dict[str, list[Any]] = {t: [] for t in distinct}
        for (text, _), vec in zip(pieces, vectors, strict=True):
            out[text].append(vec)
        dim = vectors[0].shape[1] if vectors else 1
        return {t: torch.cat(v) if v else torch.zeros(0, dim) for t, v in out.items()}

    def embed_summaries(self, texts: Sequence[str]) -> dict[str, tuple[Embedded, list[tuple[int, int]]]]:
        """Unit token embeddings of each summary (consecutive windows when it is too long) and
        each sentence's token span."""
        import torch

        distinct = list(dict.fromkeys(texts))
        body = self.max_length() - 2
        pieces = []
        for text in distinct:
            ids = self._ids(text)
            pieces += [(text, ids[s : s + body]) for s in range(0, max(len(ids), 1), body)]
        vectors = self._encode([w for _, w in pieces])
        chunks: dict[str, list[Any]] = {t: [] for t in distinct}
        for (text, _), vec in zip(pieces, vectors, strict=True):
            chunks[text].append(vec)
        out = {}
        for text in distinct:
            emb = torch.cat(chunks[text])
            spans, start = [], 0
            for sentence in split_sentences(text):
                n = len(self._ids(sentence))
                spans.append((start, start + n))
                start += n
            if start != emb.shape[0]:  # tokenization differs across sentence cuts: no per-sentence view
                spans = [(0, emb.shape[0])]
            out[text] = (emb, spans)
        return out

    def _ids(self, text: str) -> list[int]:
        from transformers.utils import logging as hf_logging

        tokenizer = self._tokenizer()
        level = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # long articles are windowed, not fed whole: no length warning
        try:
            tokens = tokenizer.tokenize(text)
        finally:
            hf_logging.set_verbosity(level)
        slices = (tokenizer.convert_tokens_to_ids(tokens[s : s + 256]) for s in range(0, len(tokens), 256))
        return [i for ids in slices for i in ids]

    def _encode(self, windows: list[list[int]]) -> list[Embedded]:
        """Embeddings (unit length, special tokens dropped) of each window, in order."""
        import torch
        from bert_score.utils import bert_encode, padding

        tokenizer = self._tokenizer()
        model, device = self._encoder()
        order = sorted(range(len(windows)), key=lambda i: -len(windows[i]))
        out: list[Any] = [None] * len(windows)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = [[tokenizer.cls_token_id, *windows[i], tokenizer.sep_token_id] for i in rows]
            ids, lens, mask = padding(batch, tokenizer.pad_token_id)
            with torch.no_grad():
                hidden = bert_encode(model, ids.to(device), attention_mask=mask.to(device)).float().cpu()
            for row, i in enumerate(rows):
                emb = hidden[row, 1 : int(lens[row]) - 1]
                out[i] = emb / emb.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return out

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
            model = bm.cached_encoder(models.encoder_path(self.model), self.num_layers, device, "fp32")
            self._state["encoder"] = (model, device)
        encoder: tuple[Any, str] = self._state["encoder"]
        return encoder


def copied(summary: str, article: str) -> float:
    """Extractive fragment density of ``summary`` over ``article`` (as the ``fragments`` metric
    computes it) divided by the summary's length in words: 1 for one copied piece."""
    words = frag.tokens(summary)
    if not words:
        return 0.0
    return sum(len(f) ** 2 for f in frag.fragments(frag.tokens(article), words)) / len(words) ** 2
