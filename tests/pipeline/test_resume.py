"""A run killed with SIGKILL resumes losing nothing; two runs can share one cache file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, write_jsonl
from realdata import read_jsonl
from test_executors import assert_same

from benchmark.inputs.documents import load_reference_set
from benchmark.results.table import load_results

SLOW_PLUGIN = '''
import os
import time
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import SummarizerBase


@dataclass(frozen=True)
class SlowFirst(SummarizerBase):
    """The first sentence, slowly; logs every document it is asked for to $CALL_LOG."""

    name: ClassVar[str] = "slow-first"

    def summarize_one(self, doc):
        time.sleep(float(os.environ.get("SLOW_SECONDS", "0")))
        with open(os.environ["CALL_LOG"], "a", encoding="utf-8") as log:
            log.write(doc.id + "\\n")
        return doc.text.split(" . ")[0] + " ."
'''

N_DOCS = 16


@pytest.fixture
def setup(cnndm_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    records = [{"id": r["id"], "text": r["article"], "references": [r["reference"]]}
               for r in read_jsonl(cnndm_path)[:N_DOCS]]
    plugin = tmp_path / "slow_plugin.py"
    plugin.write_text(SLOW_PLUGIN, encoding="utf-8")
    return write_jsonl(tmp_path / "docs.jsonl", records), plugin


def run_args(dataset: Path, plugin: Path, cache: Path, out: Path, *systems: str) -> list[str]:
    args = ["run", "-d", str(dataset), "--plugin", str(plugin), "-m", "rouge", "--cache", str(cache),
            "--batch-size", "1", "-o", str(out)]
    for system in systems:
        args += ["-s", system]
    return args


def count_rows(cache: Path, table: str) -> int:
    if not cache.exists():
        return 0
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=30)
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        db.close()


def integrity(cache: Path) -> str:
    db = sqlite3.connect(str(cache), timeout=30)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def uncached_ids(dataset: Path, cache: Path) -> list[str]:
    """Ids of the documents that have no summary in the cache."""
    db = sqlite3.connect(str(cache), timeout=30)
    try:
        done = {row[0] for row in db.execute("SELECT document FROM summaries")}
    finally:
        db.close()
    return [d.id for d in load_reference_set(dataset) if d.fingerprint not in done]


def logged(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def test_sigkill_then_rerun_loses_nothing_and_recomputes_only_unfinished(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    dataset, plugin = setup
    env = {**os.environ, "SLOW_SECONDS": "0.4", "CALL_LOG": str(tmp_path / "killed.log")}
    cache = tmp_path / "cache.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmark", *run_args(dataset, plugin, cache, tmp_path / "a", "slow-first")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while count_rows(cache, "summaries") < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    kept = count_rows(cache, "summaries")
    assert 4 <= kept < N_DOCS
    unfinished = uncached_ids(dataset, cache)
    assert len(unfinished) == N_DOCS - kept
    assert integrity(cache) == "ok"

    env_rerun = {"CALL_LOG": str(tmp_path / "rerun.log")}
    rerun = run_cli(*run_args(dataset, plugin, cache, tmp_path / "b", "slow-first"), env=env_rerun)
    assert rerun.returncode == 0, rerun.stderr
    resumed = load_results(tmp_path / "b" / "results.json")
    assert resumed.metadata.cache.summaries_cached == kept
    assert resumed.metadata.cache.summaries_computed == N_DOCS - kept
    assert sorted(logged(tmp_path / "rerun.log")) == sorted(unfinished)
    assert integrity(cache) == "ok"

    env_fresh = {"CALL_LOG": str(tmp_path / "fresh.log")}
    fresh = run_cli(*run_args(dataset, plugin, tmp_path / "fresh.sqlite", tmp_path / "c", "slow-first"),
                    env=env_fresh)
    assert fresh.returncode == 0, fresh.stderr
    assert_same(resumed, load_results(tmp_path / "c" / "results.json"))


def test_two_runs_share_one_cache_at_once(setup: tuple[Path, Path], tmp_path: Path) -> None:
    dataset, plugin = setup
    cache = tmp_path / "shared.sqlite"
    env = {**os.environ, "SLOW_SECONDS": "0.05", "CALL_LOG": str(tmp_path / "calls.log")}
    jobs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmark",
             *run_args(dataset, plugin, cache, tmp_path / name, "slow-first", *systems)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name, systems in (("one", ("lead",)), ("two", ("lead:k=2",)))
    ]
    for job in jobs:
        _, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
    assert integrity(cache) == "ok"
    assert count_rows(cache, "summaries") == 3 * N_DOCS  # slow-first (shared), lead, lead:k=2
    check = run_cli(*run_args(dataset, plugin, cache, tmp_path / "check", "slow-first", "lead", "lead:k=2"),
                    env={"CALL_LOG": str(tmp_path / "check.log")})
    assert check.returncode == 0, check.stderr
    meta = load_results(tmp_path / "check" / "results.json").metadata.cache
    assert meta.summaries_computed == 0 and meta.summaries_cached == 3 * N_DOCS
    assert meta.scores_computed == 0
    assert logged(tmp_path / "check.log") == []


def test_many_runs_creating_one_cache_at_once_all_open_it(tmp_path: Path) -> None:
    """SQLite refuses a second connection at once ("database is locked") while the first switches
    a new file to WAL or writes the schema; opening waits for it instead of failing the run."""
    opener = "import sys; from benchmark.pipeline.cache import Cache; Cache(sys.argv[1]).close()"
    for attempt in range(6):
        cache = tmp_path / f"new-{attempt}.sqlite"
        procs = [subprocess.Popen([sys.executable, "-c", opener, str(cache)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]  # fmt: skip
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
