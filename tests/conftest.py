"""Shared fixtures: offline environment, per-test caches, the shared data folder, CLI runners
(in-process by default, a real subprocess where the process itself is under test)."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from outcomes import pytest_runtest_logreport, pytest_sessionfinish  # scripts/test.sh's record

__all__ = ["pytest_runtest_logreport", "pytest_sessionfinish"]

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


@pytest.fixture(scope="module")
def smollm2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """llama-cpp-python's OpenAI-compatible server with the bundled SmolLM2 on 127.0.0.1, one per
    test module (its request count starts at 0 there); skips without llama-cpp-python[server]."""
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    from llm_servers import llama_server

    from benchmark.models.weights import smollm2_path

    with llama_server(smollm2_path(), tmp_path_factory.mktemp("llama") / "server.log") as server:
        yield server


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
    """``sumbench ARGS`` run in this process, as the console script runs it (``benchmark.cli.main``).

    What a command can change in its process is put back afterwards: environment, working
    directory, argv, standard streams, warnings filters, ``sys.path``, plugin registries and
    plugin modules. Loaded models stay (one load per worker). ``timeout`` applies to
    :func:`run_cli_subprocess` only; use that for what needs a real process (exit by signal,
    import-time behaviour, a traceback on the real stderr, installs)."""
    from benchmark.cli import main
    from benchmark.components.build import reset_registries

    saved_env, saved_cwd, saved_path = dict(os.environ), os.getcwd(), list(sys.path)
    saved_argv, saved_streams = list(sys.argv), (sys.stdin, sys.stdout, sys.stderr)
    saved_modules = set(sys.modules)
    raw_out, raw_err = io.BytesIO(), io.BytesIO()  # with .buffer, as real streams have
    out, err = (io.TextIOWrapper(raw, encoding="utf-8", write_through=True) for raw in (raw_out, raw_err))
    code: int | str | None = 0
    try:
        os.environ.update(env or {})
        # what PYTHONPATH would add to a new process's path (plugin packages, entry points)
        extra = [p for p in (env or {}).get("PYTHONPATH", "").split(os.pathsep) if p]
        sys.path[:0] = [p for p in extra if p not in sys.path]
        importlib.invalidate_caches()
        os.chdir(cwd or ROOT)
        sys.argv = ["sumbench", *args]
        stdin = io.TextIOWrapper(io.BytesIO((input_text or "").encode("utf-8")), encoding="utf-8")
        sys.stdin, sys.stdout, sys.stderr = stdin, out, err
        reset_registries()  # as in a new process: no plugin that an earlier test registered
        with warnings.catch_warnings(), _console_width(os.environ.get("COLUMNS")):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        reset_registries()
        _forget_plugin_modules(set(sys.modules) - saved_modules)
    if not isinstance(code, int):
        err.write(f"{code}\n" if code is not None else "")
        code = 0 if code is None else 1
    argv = ["sumbench", *args]
    texts = [raw.getvalue().decode("utf-8", errors="replace") for raw in (raw_out, raw_err)]
    return subprocess.CompletedProcess(argv, code, *texts)


@contextlib.contextmanager
def _console_width(columns: str | None) -> Iterator[None]:
    """The consoles' width as a new process would read it from ``COLUMNS`` (rich reads it once,
    when the console is made); put back afterwards."""
    from benchmark.cli.console import console, err_console

    saved = [c._width for c in (console, err_console)]
    try:
        if columns and columns.isdigit():
            for c in (console, err_console):
                c.width = int(columns)
        yield
    finally:
        for c, width in zip((console, err_console), saved, strict=True):
            c._width = width


_KEEP_MODULES_UNDER = tuple(
    str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, str(ROOT / "benchmark")}
)


def _forget_plugin_modules(names: set[str]) -> None:
    """Drop modules a command imported from outside the installation and the package: plugin
    files and modules a test wrote, so the next command imports their new code."""
    for name in names:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if name.startswith("sumbench_plugin_") or (
            origin and not str(Path(origin).resolve()).startswith(_KEEP_MODULES_UNDER)
        ):
            sys.modules.pop(name, None)


def run_cli_subprocess(
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
