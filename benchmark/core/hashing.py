"""Stable content hashes used for fingerprints and cache keys."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stable_hash(value: Any, length: int = 16) -> str:
    """Hash of a JSON-serialisable value with sorted keys; short hex prefix."""
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return sha256_text(payload)[:length]


def file_hash(path: str | Path, length: int = 16) -> str:
    """SHA-256 prefix of a file's bytes: the one weights hash in fingerprints and signatures.

    Memoised by resolved path, size and modification time, since model weights are large.
    """
    stat = os.stat(path)
    return _file_digest(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)[:length]


@lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()
