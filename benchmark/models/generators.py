"""Text generators behind the ``transformer`` summarizer: transformers seq2seq/causal and llama.cpp.

Each generator loads its model once, counts tokens and turns a batch of prompts into
generated texts. Heavy libraries (torch, transformers, llama_cpp) are imported here, only
when a model is loaded. Loaded generators are kept per process in :func:`load_generator`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from benchmark.core.errors import ModelUnavailableError
from benchmark.core.progress import document_done
from benchmark.models.weights import ResolvedModel, dequantised_dir

Backend = Literal["transformers", "llama.cpp"]
# present wherever torch.cuda can find a device: the NVIDIA driver, or ROCm's kernel driver
GPU_DRIVER_PATHS = ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Decoding options shared by every generator (the summarizer's options of the same names)."""

    max_new_tokens: int
    min_new_tokens: int
    num_beams: int
    do_sample: bool
    seed: int
    length_penalty: float
    no_repeat_ngram_size: int

    @classmethod
    def of(cls, owner: object) -> GenerationOptions:
        """The decoding options of an object that has attributes of these names."""
        return cls(**{f.name: getattr(owner, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True, slots=True)
class Generated:
    """One generated text, and whether it stopped at ``max_new_tokens`` rather than at its end."""

    text: str
    hit_limit: bool


@dataclass(frozen=True, slots=True)
class LoadKey:
    """Everything that decides which weights are loaded where (one loaded model per key)."""

    backend: Backend
    model: ResolvedModel
    device: str
    dtype: str
    threads: int | None = None


class Generator(Protocol):
    """A loaded model: counts tokens, generates from prompts (chat template applied inside)."""

    input_limit: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[Generated]: ...


_LOADED: dict[LoadKey, Generator] = {}


def load_generator(key: LoadKey) -> Generator:
    """The generator for ``key``, loaded on first use and reused for the rest of the process."""
    if key not in _LOADED:
        if key.backend == "llama.cpp":
            _LOADED[key] = LlamaCppGenerator(key)
        elif key.model.kind == "seq2seq":
            _LOADED[key] = Seq2SeqGenerator(key)
        else:
            _LOADED[key] = CausalGenerator(key)
    return _LOADED[key]


def clear_loaded() -> None:
    """Forget every loaded model (frees memory; the next call loads again)."""
    _LOADED.clear()


def cuda_available() -> bool:
    """Whether torch sees a GPU; without a GPU driver on the machine, answered without importing
    torch (seconds that a fully cached run would spend only to learn the device)."""
    import sys

    if "torch" not in sys.modules and not any(os.path.exists(p) for p in GPU_DRIVER_PATHS):
        return False
    import torch

    return bool(torch.cuda.is_available())


def torch_dtype_name(device: str, dtype: str) -> str:
    """``auto`` is float32 on CPU and bfloat16 (float16 where unsupported) on CUDA."""
    if dtype != "auto":
        return dtype
    if device == "cpu":
        return "float32"
    import torch

    return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"


def default_threads() -> int:
    """Half the usable cores, as llama.cpp chooses: its spinning threads slow to a crawl on a busy CPU."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // 2)


class _HFGenerator:
    """Shared parts of the transformers generators: loading options and decoding options."""

    model: Any
    tokenizer: Any
    input_limit: int

    def __init__(self, key: LoadKey) -> None:
        import torch
        from transformers.utils import logging as hf_logging

        if key.threads:
            torch.set_num_threads(key.threads)
        self.device = key.device
        self.torch_dtype = getattr(torch, torch_dtype_name(key.device, key.dtype))
        hf_logging.disable_progress_bar()

    def _generation_config(self, model: Any, options: GenerationOptions, pad_id: int | None) -> Any:
        import copy

        config = copy.deepcopy(model.generation_config)
        updates: dict[str, Any] = {
            "max_new_tokens": options.max_new_tokens,
            "min_new_tokens": options.min_new_tokens or None,
            "num_beams": options.num_beams,
            "do_sample": options.do_sample,
            "length_penalty": options.length_penalty,
            "no_repeat_ngram_size": options.no_repeat_ngram_size,
            "pad_token_id": pad_id,
            "max_length": None,
            "min_length": None,
            "early_stopping": options.num_beams > 1 or None,
        }
        if not options.do_sample:
            updates.update(temperature=None, top_p=None, top_k=None)
        config.update(**updates)
        return config

    @staticmethod
    def _eos_ids(model: Any) -> set[int]:
        eos = model.generation_config.eos_token_id
        return set(eos if isinstance(eos, list) else [eos] if eos is not None else [])

    def _run(self, model: Any, batch: Any, options: GenerationOptions, pad_id: int | None) -> Any:
        import torch

        if options.do_sample:
            torch.manual_seed(options.seed)
        with torch.inference_mode():
            return model.generate(**batch, generation_config=self._generation_config(model, options, pad_id))

    def _decode(self, tokenizer: Any, model: Any, rows: Any, options: GenerationOptions) -> list[Generated]:
        eos = self._eos_ids(model)
        out = []
        for row in rows.tolist():
            ended = any(t in eos for t in row)
            text = tokenizer.decode(row, skip_special_tokens=True)
            out.append(Generated(text, hit_limit=not ended and len(row) >= options.max_new_tokens))
        return out


class Seq2SeqGenerator(_HFGenerator):
    """BART, T5, PEGASUS and other ``AutoModelForSeq2SeqLM`` models."""

    def __init__(self, key: LoadKey) -> None:
        super().__init__(key)
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        path = str(key.model.directory)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=self.torch_dtype)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"cannot load seq2seq model {key.model.name!r} from {path}: {exc}"
            ) from exc
        self.model.to(self.device).eval()
        self.input_limit = _input_limit(self.tokenizer, self.model.config)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        ids = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(i) for i in ids]

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        batch = self.tokenizer(
            list(prompts), return_tensors="pt", padding=True, truncation=True, max_length=self.input_limit
        ).to(self.device)
        rows = self._run(self.model, batch, options, self.tokenizer.pad_token_id)
        start = 1 if self.model.config.decoder_start_token_id is not None else 0
        return self._decode(self.tokenizer, self.model, rows[:, start:], options)


class CausalGenerator(_HFGenerator):
    """Instruction-tuned decoder-only models through their chat template, left-padded batches."""

    def __init__(self, key: LoadKey) -> None:
        super().__init__(key)
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = str(dequantised_dir(key.model))
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path, padding_side="left")
            self.model = AutoModelForCausalLM.from_pretrained(path, dtype=self.torch_dtype)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"cannot load causal model {key.model.name!r} from {path}: {exc}"
            ) from exc
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model.to(self.device).eval()
        self.input_limit = _input_limit(self.tokenizer, self.model.config)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        ids = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(i) for i in ids]

    def _format(self, prompt: str) -> str:
        if getattr(self.tokenizer, "chat_template", None):
            text = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
            return str(text)
        return prompt

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        texts = [self._format(p) for p in prompts]
        batch = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(
            self.device
        )
        rows = self._run(self.model, batch, options, self.tokenizer.pad_token_id)
        document_done(len(prompts))
        return self._decode(self.tokenizer, self.model, rows[:, batch["input_ids"].shape[1] :], options)


def _input_limit(tokenizer: Any, config: Any) -> int:
    """The longest input the model takes: the tokenizer's or config's limit (huge values ignored)."""
    limits = [
        value
        for value in (
            getattr(tokenizer, "model_max_length", None),
            getattr(config, "max_position_embeddings", None),
            getattr(config, "n_positions", None),
        )
        if isinstance(value, int) and 0 < value < 1_000_000
    ]
    return min(limits) if limits else 512


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence llama.cpp's C-level log lines on file descriptor 2 while a model loads."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class LlamaCppGenerator:
    """A GGUF model through llama-cpp-python: quantised weights as they are, one prompt at a time.

    The KV cache is reset before every prompt, so a summary never depends on which documents
    came before it in the batch.
    """

    CONTEXT = 4096

    def __init__(self, key: LoadKey) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelUnavailableError(
                f"backend=llama.cpp needs llama-cpp-python ({exc}); pip install 'sumbench[llama]' "
                "or use backend=transformers"
            ) from exc
        path = key.model.gguf_path
        if path is None:
            raise ModelUnavailableError(f"backend=llama.cpp needs a .gguf model, not {key.model.name!r}")
        threads = key.threads or default_threads()
        with quiet_stderr():
            self.llm = Llama(
                model_path=str(path),
                n_ctx=self.CONTEXT,
                n_threads=threads,
                n_gpu_layers=-1 if key.device == "cuda" else 0,
                seed=0,
                verbose=False,
            )
        self.input_limit = min(self.llm.n_ctx(), self.llm.context_params.n_ctx)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(self.llm.tokenize(t.encode("utf-8"), add_bos=False, special=False)) for t in texts]

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        out = []
        for prompt in prompts:
            self.llm.reset()
            sampling: dict[str, Any] = (
                {"temperature": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0, "seed": options.seed}
                if options.do_sample
                else {"temperature": 0.0, "top_k": 1}
            )
            response: Any = self.llm.create_chat_completion(
                messages=[{"role": "user", "content": prompt}], max_tokens=options.max_new_tokens, **sampling
            )
            choice = response["choices"][0]
            out.append(Generated(choice["message"]["content"] or "", choice.get("finish_reason") == "length"))
            document_done()
        return out
