"""Stable content hashes used for fingerprints and cache keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stable_hash(value: Any, length: int = 16) -> str:
    """Hash of a JSON-serialisable value with sorted keys; short hex prefix."""
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return sha256_text(payload)[:length]


def file_hash(path: str, length: int = 16, chunk: int = 1 << 20) -> str:
    """SHA-256 prefix of a file's bytes (for model weights in fingerprints)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()[:length]
