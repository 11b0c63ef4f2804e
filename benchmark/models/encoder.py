"""Encoders for BERTScore and faithfulness, loaded without bert-score's name traps.

bert-score's ``get_model`` picks the model class from the *name*: a path containing ``t5``
becomes a T5 encoder, one starting with ``scibert`` triggers a download. Here the class
comes from the model's own config, and layers are dropped exactly as bert-score drops them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError, ModelUnavailableError
from benchmark.models.allocator import keep_freed_memory

T5_TYPES = ("t5", "mt5", "umt5", "byt5")


@lru_cache(maxsize=1)
def bert_score_version() -> str:
    """``bert_score.__version__`` read from its source, not imported (it says 0.3.12 in 0.3.13)."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("bert_score")
    if spec is None or spec.origin is None:
        raise ModelUnavailableError("bertscore needs bert-score: pip install 'sumbench[models]'")
    found = re.search(r"__version__\s*=\s*[\"']([^\"']+)", Path(spec.origin).read_text(encoding="utf-8"))
    return found.group(1) if found else "unknown"


def default_layers(model: str) -> int:
    """bert-score's tuned layer for its known models; otherwise the user must say ``layer=``."""
    from bert_score.utils import model2layers

    if model in model2layers:
        return int(model2layers[model])
    raise ConfigError(f"bertscore: no default layer for model {model!r}; pass layer=N")


def load_tokenizer(path: str) -> Any:
    """The tokenizer bert-score would use (``use_fast=False``), loaded by path, not by name."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(path, use_fast=False)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot load tokenizer for {path!r}: {exc}") from exc


@lru_cache(maxsize=4)
def cached_encoder(path: str, num_layers: int, device: str, dtype: str) -> Any:
    """One loaded encoder per process and setting, shared by metric instances (read-only use)."""
    import torch

    keep_freed_memory()
    model = load_encoder(path, num_layers).to(device)
    if dtype == "bf16":
        return model.to(torch.bfloat16)
    if dtype == "int8":  # dynamic quantization of the linear layers (CPU kernels only)
        if device != "cpu":
            raise ConfigError(f"bertscore: dtype=int8 runs on the CPU only, not {device!r}")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model


@lru_cache(maxsize=1)
def cpu_lacks_bf16() -> bool:
    """True on Linux when the CPU has no bf16 matrix instructions (so torch emulates bf16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # not Linux: cannot tell, say nothing
    return not {"avx512_bf16", "amx_bf16", "bf16"} & set(flags.split())  # bf16: Arm


def encoders_loaded() -> int:
    """How many encoders this process has loaded (a model loads once per process and setting)."""
    return cached_encoder.cache_info().misses


@lru_cache(maxsize=4)
def cached_tokenizer(path: str) -> Any:
    return load_tokenizer(path)


def load_encoder(path: str, num_layers: int) -> Any:
    """The encoder with its first ``num_layers`` layers, chosen by config, in eval mode."""
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model: Any
    try:
        config = AutoConfig.from_pretrained(path)
        if config.model_type in T5_TYPES:  # imported only here: T5's module costs ~0.6 s of CPU to load
            from transformers import T5EncoderModel

            model = T5EncoderModel.from_pretrained(path)
        else:
            model = AutoModel.from_pretrained(path)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot load encoder {path!r}: {exc}") from exc
    model.eval()
    if hasattr(model, "decoder") and hasattr(model, "encoder"):
        model = model.encoder
    _keep_layers(model, num_layers, path)
    return model


def _keep_layers(model: Any, num_layers: int, path: str) -> None:
    """Drop the layers above ``num_layers`` the way ``bert_score.utils.get_model`` does."""
    import torch

    def cut(owner: Any, attr: str) -> None:
        layers = getattr(owner, attr)
        if not 0 <= num_layers <= len(layers):
            raise ConfigError(f"bertscore: layer={num_layers} out of range 0..{len(layers)} for {path}")
        setattr(owner, attr, torch.nn.ModuleList(list(layers)[:num_layers]))

    if hasattr(model, "n_layers"):  # xlm
        if not 0 <= num_layers <= model.n_layers:
            raise ConfigError(f"bertscore: layer={num_layers} out of range 0..{model.n_layers} for {path}")
        model.n_layers = num_layers
    elif hasattr(model, "layer"):  # xlnet
        cut(model, "layer")
    elif hasattr(model, "encoder"):
        encoder = model.encoder
        if hasattr(encoder, "albert_layer_groups"):
            total = encoder.config.num_hidden_layers
            if not 0 <= num_layers <= total:
                raise ConfigError(f"bertscore: layer={num_layers} out of range 0..{total} for {path}")
            encoder.config.num_hidden_layers = num_layers
        else:
            cut(encoder, "block" if hasattr(encoder, "block") else "layer")  # t5 / bert, roberta
    elif hasattr(model, "transformer"):  # distilbert
        cut(model.transformer, "layer")
    elif hasattr(model, "layers"):  # bart encoder
        cut(model, "layers")
    elif hasattr(model, "block"):  # T5EncoderModel.encoder
        cut(model, "block")
    else:
        raise ConfigError(f"bertscore: cannot select layers of {type(model).__name__} ({path})")
