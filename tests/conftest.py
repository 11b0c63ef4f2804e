"""Shared fixtures: offline environment, per-test caches, the shared data folder, CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
BUNDLED = ROOT / "datasets" / "news-sample.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache file; HF and matplotlib caches stay in a temp dir."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("SUMBENCH_CACHE", str(tmp_path_factory.mktemp("cache") / "cache.sqlite"))
    monkeypatch.setenv("MPLCONFIGDIR", str(base / "mpl"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    if "HF_HOME" not in os.environ:
        monkeypatch.setenv("HF_HOME", str(base / "hf-home"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (it sits beside the checkout in CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def cnndm_path(shared_data: Path) -> Path:
    path = shared_data / "cnndm" / "cnndm_test_sample.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} missing")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def tiny_set(tmp_path: Path) -> Path:
    """A three-document reference set written in the bundled schema."""
    records = [
        {
            "id": f"d{i}",
            "text": f"Sentence one of story {i} about the harbour. Sentence two mentions {i} boats. "
            f"Sentence three is about the weather. Sentence four closes story {i}.",
            "references": [f"Story {i} is about the harbour and {i} boats."],
        }
        for i in range(3)
    ]
    return write_jsonl(tmp_path / "tiny.jsonl", records)


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m benchmark ARGS`` as a subprocess, the way a user does."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "benchmark", *args],
        cwd=cwd or ROOT,
        env=full_env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def cli() -> Iterator[Any]:
    yield run_cli
