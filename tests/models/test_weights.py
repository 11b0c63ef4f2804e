"""Model identity: every weights file hashed, the hash of a large file memoised on disk."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from benchmark.models.weights import MEMO_MIN_BYTES, directory_hash, weights_file_hash


@pytest.fixture
def model_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUMBENCH_MODEL_CACHE", str(tmp_path / "models"))
    return tmp_path / "models"


def _model(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (root / "model.safetensors").write_bytes(b"\x01" * (MEMO_MIN_BYTES + 5))
    (root / "README.md").write_text("documentation does not change the output", encoding="utf-8")
    return root


def test_a_large_file_is_hashed_once_then_read_from_the_memo(model_cache: Path, tmp_path: Path) -> None:
    weights = _model(tmp_path / "m") / "model.safetensors"
    expected = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert weights_file_hash(weights) == expected
    memo = json.loads((model_cache / "hashes.json").read_text(encoding="utf-8"))
    assert list(memo.values()) == [expected]
    key = next(iter(memo))
    memo[key] = "f" * 64  # the memo is what a rerun reads: planted, it is served
    (model_cache / "hashes.json").write_text(json.dumps(memo), encoding="utf-8")
    assert weights_file_hash(weights) == "f" * 64


def test_a_rewritten_file_is_hashed_again(model_cache: Path, tmp_path: Path) -> None:
    root = _model(tmp_path / "m")
    before = directory_hash(root)
    weights = root / "model.safetensors"
    stat = weights.stat()
    weights.write_bytes(b"\x02" * (MEMO_MIN_BYTES + 5))  # same size
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert directory_hash(root) != before
    memo = json.loads((model_cache / "hashes.json").read_text(encoding="utf-8"))
    assert len(memo) == 1  # the stale entry of that path is dropped
    (root / "README.md").write_text("other words", encoding="utf-8")
    assert directory_hash(root) == directory_hash(root)


def test_a_damaged_memo_is_only_a_slower_hash(model_cache: Path, tmp_path: Path) -> None:
    weights = _model(tmp_path / "m") / "model.safetensors"
    expected = hashlib.sha256(weights.read_bytes()).hexdigest()
    model_cache.mkdir(parents=True)
    (model_cache / "hashes.json").write_text("[not json", encoding="utf-8")
    assert weights_file_hash(weights) == expected
    assert json.loads((model_cache / "hashes.json").read_text(encoding="utf-8")) != []  # rewritten
