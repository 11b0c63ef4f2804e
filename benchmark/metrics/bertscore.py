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

import itertools
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, ClassVar, Literal

from benchmark.components.base import MetricBase, MetricWarning, Scores
from benchmark.core.errors import ConfigError
from benchmark.core.hashing import file_hash, stable_hash
from benchmark.core.progress import document_done
from benchmark.inputs.documents import Document
from benchmark.metrics import bertscore_rescale as rescale_baseline
from benchmark.models import encoder as bm
from benchmark.models import weights as models

DEFAULT_LAYER = 5  # chosen on REALSumm and Newsroom human scores: docs/metrics.md
MAX_LANES = 2  # encoder batches run at once on the CPU (measured on 2 cores: docs/metrics.md)


@dataclass(frozen=True)
class BERTScore(MetricBase):
    """BERTScore P/R/F against one or more references (max over references)."""

    name: ClassVar[str] = "bertscore"
    needs_text: ClassVar[bool] = False
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
    dtype: Literal["fp32", "bf16", "int8"] = "fp32"
    batch_tokens: int = 4096
    chunk_documents: int = 2000
    device: str = "auto"
    _state: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.layer is not None and self.layer < 0:
            raise ConfigError(f"bertscore: layer must be >= 0, got {self.layer}")
        for option in ("batch_tokens", "chunk_documents"):
            if getattr(self, option) < 1:
                raise ConfigError(f"bertscore: {option} must be >= 1, got {getattr(self, option)}")
        if self.rescale:
            rescale_baseline.baseline_file(self.model, self.lang, self.baseline)  # fails early when missing
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
        """bert-score's own hash string for these settings, as ``bert_score.utils.get_hash`` makes
        it (a test holds them equal) without importing bert-score, torch and matplotlib."""
        custom = self.rescale and (self.baseline is not None or self.model == models.DEFAULT_ENCODER)
        text = (
            f"{self.model}_L{self.num_layers}{'_idf' if self.idf else '_no-idf'}"
            f"_version={bm.bert_score_version()}(hug_trans={version('transformers')})"
        )
        if self.rescale:
            text += "-custom-rescaled" if custom else "-rescaled"
        return text

    def signature_fields(self) -> list[tuple[str, Any]]:
        fields: list[tuple[str, Any]] = [
            ("metric", "bertscore"),
            ("version", f"bert-score-{version('bert-score')}"),
            ("impl", f"sumbench-bertscore-{self.version}"),
            ("hash", self.bert_score_hash()),
            ("model", models.encoder_identity(self.model)),
            ("layer", self.num_layers),
            ("idf", self._idf_key() if self.idf else "no"),
            ("rescale", self._baseline_id() if self.rescale else "no"),
            ("dtype", self.dtype),
            ("multi_ref", "max-each-prf"),
            ("empty", "zero"),
        ]
        return fields

    def _baseline_id(self) -> str:
        path = rescale_baseline.baseline_file(self.model, self.lang, self.baseline)
        return f"{path.name}@{file_hash(str(path), 12)}"

    # -- running -------------------------------------------------------------------------

    @property
    def batch_documents(self) -> int:
        """Documents per ``score`` call: large, so every text of a run is embedded once in
        globally length-sorted batches, yet bounded, so memory stays flat and the cache is
        written (and a killed run resumes) every ``chunk_documents`` documents."""
        return self.chunk_documents

    def prepare(self, documents: Sequence[Document]) -> str | None:
        """With ``idf``, compute idf from the references of the documents to score (tokenizing
        only; nothing is embedded here) and return its data key: a hash of the idf table, which
        the signature states (``idf:<hash>``), so scores made with other documents' idf are
        never served from the cache."""
        if not self.idf:
            return None
        from bert_score.utils import get_idf_dict

        refs = [r for d in documents for r in d.references]
        idf = get_idf_dict(refs, self._tokenizer(), nthreads=0)
        self._state["idf_dict"] = idf
        table = [len(refs), sorted((int(k), float(v)) for k, v in idf.items())]  # N sets unseen tokens' idf
        self._state["idf_key"] = "refs@" + stable_hash(table, 12)
        return str(self._state["idf_key"])

    def _idf_key(self) -> str:
        if "idf_key" not in self._state:
            raise RuntimeError("bertscore with idf=true: prepare(documents) before signature()")
        return str(self._state["idf_key"])

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        """P, R, F per candidate (max over its references); without ``prepare``, idf comes
        from these documents' references.

        Each distinct reference is embedded once and kept for the call; distinct candidates
        are embedded longest first in batches of about ``batch_tokens`` padded tokens,
        matched against their references as each batch is done, and dropped.
        """
        import torch

        if self.idf and "idf_dict" not in self._state:
            self.prepare(documents)
        empty = [i for i, c in enumerate(candidates) if not c.strip()]
        if empty:
            warnings.warn(
                f"bertscore: {len(empty)} empty candidate(s) scored 0", MetricWarning, stacklevel=2
            )
        owners: dict[str, list[int]] = {}
        for i, text in enumerate(candidates):
            if text.strip():
                owners.setdefault(text, []).append(i)
        refs = self._embed_all(list(dict.fromkeys(r for idx in owners.values() for i in idx
                                                  for r in documents[i].references)))
        best = torch.zeros(len(candidates), 3)
        for batch, embedded in self._embedded(self._batches(self._encode_texts(list(owners)))):
            stats = dict(zip((t for t, _ in batch), embedded, strict=True))
            pairs = list(
                dict.fromkeys((t, r) for t in stats for i in owners[t] for r in documents[i].references)
            )
            row_of = {pair: n for n, pair in enumerate(pairs)}
            values = self._match([stats[t] for t, _ in pairs], [refs[r] for _, r in pairs])
            slots, rows = zip(*((i, row_of[(t, r)]) for t in stats for i in owners[t]
                                for r in documents[i].references), strict=True)
            # each candidate's P, R and F: the maximum over its references, element by element
            index = torch.tensor(slots).unsqueeze(1).expand(-1, 3)
            best.scatter_reduce_(0, index, values[list(rows)], "amax", include_self=False)
            document_done(sum(len(owners[t]) for t in stats))  # the progress bar moves per batch of texts
        if self.rescale:
            path = rescale_baseline.baseline_file(self.model, self.lang, self.baseline)
            base = torch.tensor(rescale_baseline.read_baseline(path, self.num_layers), dtype=torch.float32)
            best = (best - base) / (1 - base)
        if empty:
            best[empty] = 0.0
        return {
            "bertscore_p": best[:, 0].tolist(),
            "bertscore_r": best[:, 1].tolist(),
            "bertscore_f": best[:, 2].tolist(),
        }

    def __getstate__(self) -> dict[str, Any]:
        """Copies (worker processes, Ray actors) carry options and idf, never a loaded model."""
        state = dict(self.__dict__)
        state["_state"] = {k: v for k, v in self._state.items() if k in ("idf_dict", "idf_key")}
        return state

    def _tokenizer(self) -> Any:
        if "tokenizer" not in self._state:
            self._state["tokenizer"] = bm.cached_tokenizer(models.encoder_path(self.model))
        return self._state["tokenizer"]

    def _encoder(self) -> tuple[Any, str]:
        if "encoder" not in self._state:
            device = self._device()
            if self.dtype == "bf16" and device == "cpu" and bm.cpu_lacks_bf16():
                warnings.warn(
                    "bertscore: dtype=bf16 on a CPU without bf16 instructions (avx512_bf16/amx) is "
                    "emulated and slower than fp32 here; use fp32 or dtype=int8",
                    MetricWarning,
                    stacklevel=2,
                )
            model = bm.cached_encoder(models.encoder_path(self.model), self.num_layers, device, self.dtype)
            self._state["encoder"] = (model, device)
        encoder: tuple[Any, str] = self._state["encoder"]
        return encoder

    def _device(self) -> str:
        """Where the encoder runs: ``device``, with ``auto`` meaning CUDA when there is one."""
        if self.device != "auto":
            return self.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _idf_dict(self) -> Any:
        if self.idf:
            return self._state["idf_dict"]
        from collections import defaultdict

        tokenizer = self._tokenizer()
        plain: defaultdict[int, float] = defaultdict(lambda: 1.0)
        plain[tokenizer.sep_token_id] = 0
        plain[tokenizer.cls_token_id] = 0
        return plain

    def _encode_texts(self, texts: Sequence[str]) -> list[tuple[str, list[int]]]:
        """``(text, token ids)`` by bert-score's ``sent_encode``, longest first."""
        from bert_score.utils import sent_encode

        tokenizer = self._tokenizer()
        return sorted(((t, sent_encode(tokenizer, t)) for t in texts), key=lambda x: -len(x[1]))

    def _batches(self, encoded: list[tuple[str, list[int]]]) -> Iterator[list[tuple[str, list[int]]]]:
        """Consecutive runs of length-sorted texts whose padded size fits ``batch_tokens``."""
        batch: list[tuple[str, list[int]]] = []
        for item in encoded:
            if batch and (len(batch) + 1) * len(batch[0][1]) > self.batch_tokens:
                yield batch
                batch = []
            batch.append(item)
        if batch:
            yield batch

    def _forward(self, batch: list[tuple[str, list[int]]]) -> list[tuple[Any, list[int]]]:
        """``(embedding, ids)`` per text of one batch: bert-score's ``padding``, then the forward
        of its ``bert_encode`` (last kept layer) under ``inference_mode``."""
        import torch
        from bert_score.utils import padding

        model, device = self._encoder()
        ids, lens, mask = padding([i for _, i in batch], self._tokenizer().pad_token_id)
        with torch.inference_mode():
            out = model(ids.to(device), attention_mask=mask.to(device))[0].float().cpu()
        return [(out[row, : int(lens[row])], token_ids) for row, (_, token_ids) in enumerate(batch)]

    def _embed_all(self, texts: Sequence[str]) -> dict[str, tuple[Any, list[int]]]:
        """``text -> (embedding, ids)`` for every text, embedded in length-sorted batches."""
        out: dict[str, tuple[Any, list[int]]] = {}
        for batch, embedded in self._embedded(self._batches(self._encode_texts(texts))):
            out.update(zip((t for t, _ in batch), embedded, strict=True))
        return out

    def _embedded(
        self, batches: Iterable[list[tuple[str, list[int]]]]
    ) -> Iterator[tuple[list[tuple[str, list[int]]], list[tuple[Any, list[int]]]]]:
        """Each batch with its ``_forward`` output, in order. On the CPU, ``lanes`` batches run at
        once, each on its share of torch's threads (two batches on one thread each beat one batch
        on two threads: less time waiting for each other inside every small kernel); at most
        ``lanes + 1`` batches are in flight. The kernels are the same, so are the numbers."""
        lanes, per_lane = self._lanes()
        if lanes == 1:
            for batch in batches:
                yield batch, self._forward(batch)
            return
        batches = iter(batches)
        first = next(batches, None)
        if first is None:  # nothing to encode: the model is not even loaded
            return
        self._encoder()  # loaded here, once, not by two lanes at the same time
        batches = itertools.chain([first], batches)
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(per_lane)
        pending: deque[tuple[Any, Future[Any]]] = deque()
        try:
            with ThreadPoolExecutor(lanes, thread_name_prefix="bertscore") as pool:
                for batch in batches:
                    pending.append((batch, pool.submit(self._forward, batch)))
                    if len(pending) > lanes:
                        done, future = pending.popleft()
                        yield done, future.result()
                while pending:
                    done, future = pending.popleft()
                    yield done, future.result()
        except BaseException:  # an error, Ctrl-C or an abandoned generator: queued batches never start
            for _, future in pending:
                future.cancel()
            raise
        finally:
            torch.set_num_threads(threads)

    def _lanes(self) -> tuple[int, int]:
        """``(batches at once, torch threads per batch)``: ``MAX_LANES`` on the CPU when torch's
        threads split evenly among them, else one (and always one on an accelerator). Measured
        on 2 cores only; the main thread matches finished batches meanwhile, on a lane's share."""
        import torch

        threads = torch.get_num_threads()
        if self._device() != "cpu" or threads < MAX_LANES or threads % MAX_LANES:
            return 1, threads
        return MAX_LANES, threads // MAX_LANES

    def _match(self, candidates: list[Any], references: list[Any]) -> Any:
        """``(n, 3)`` tensor of P, R, F for aligned ``(emb, ids)`` pairs, by bert-score's matching."""
        import torch
        from bert_score.utils import greedy_cos_idf

        idf_dict = self._idf_dict()
        rows = []
        step = 64
        for start in range(0, len(candidates), step):
            refs = _pad(references[start : start + step], idf_dict)
            hyps = _pad(candidates[start : start + step], idf_dict)
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
