"""Executors: worker processes and a local Ray instance give the same results as one process."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_cli, write_jsonl
from realdata import read_jsonl

from benchmark.core.errors import ConfigError
from benchmark.metrics.rouge import Rouge
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.pipeline.executors import LocalExecutor, make_executor, parallel_safe
from benchmark.results.table import Results, load_results
from benchmark.summarizers.lead import Lead

PLUGIN = '''
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import SummarizerBase


@dataclass(frozen=True)
class LastSentence(SummarizerBase):
    name: ClassVar[str] = "last-sentence"
    parallel_safe: ClassVar[bool] = True

    def summarize_one(self, doc):
        return doc.text.rstrip().rsplit(" . ", 1)[-1]
'''


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def comparable(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summaries (without timings and cache flags) and scores, sorted."""
    summaries = results.summaries.drop(columns=["seconds", "cached"]).sort_values(["system", "doc_id"])
    scores = results.scores.sort_values(["system", "doc_id", "column"])
    return summaries.reset_index(drop=True), scores.reset_index(drop=True)


def assert_same(a: Results, b: Results) -> None:
    for left, right in zip(comparable(a), comparable(b), strict=True):
        pd.testing.assert_frame_equal(left, right)
    assert a.metadata.dataset == b.metadata.dataset


@pytest.fixture
def cnndm_small(cnndm_path: Path, tmp_path: Path) -> Path:
    records = [{"id": r["id"], "text": r["article"], "references": [r["reference"]]}
               for r in read_jsonl(cnndm_path)[:24]]
    return write_jsonl(tmp_path / "cnndm24.jsonl", records)


def test_pool_runs_batches_in_other_processes_and_returns_every_result() -> None:
    with LocalExecutor(workers=2) as executor:
        out = dict(executor.imap(_pid_and_square, ((x,) for x in range(20)), parallel=True))
        inline = dict(executor.imap(_pid_and_square, ((x,) for x in range(3)), parallel=False))
    assert sorted(out) == list(range(20))
    assert [square for _, square in (out[i] for i in range(20))] == [x * x for x in range(20)]
    assert {pid for pid, _ in out.values()} - {os.getpid()}
    assert {pid for pid, _ in inline.values()} == {os.getpid()}


def test_components_declare_whether_they_may_run_in_workers() -> None:
    assert parallel_safe(Lead()) and parallel_safe(Rouge())
    assert not parallel_safe(object())


def test_two_workers_give_identical_results(cnndm_small: Path, tmp_path: Path) -> None:
    def config(workers: int) -> RunConfig:
        return RunConfig(dataset=str(cnndm_small), summarizers=("lead", "textrank"), metrics=("rouge",),
                         cache=str(tmp_path / f"w{workers}.sqlite"), batch_size=4, workers=workers)

    one, two = run(config(1)), run(config(2))
    assert_same(one, two)
    assert two.metadata.cache.summaries_computed == 48
    assert two.metadata.config["workers"] == 2


def test_bad_executor_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="--ray-address needs --executor ray"):
        make_executor("local", 1, "auto")
    with pytest.raises(ConfigError, match="unknown executor"):
        make_executor("dask")
    with pytest.raises(ConfigError, match="unknown --executor 'dask'; choose from local, ray"):
        RunConfig(executor="dask")


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="ray is not installed (bash scripts/setup.sh --dev installs the ray extra)")
@pytest.mark.heavy
def test_ray_executor_on_a_local_instance_matches_local(cnndm_small: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "last_plugin.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    common = ["run", "-d", str(cnndm_small), "-s", "lead", "-s", "last-sentence", "-m", "rouge",
              "--plugin", str(plugin), "--batch-size", "4", "--no-cache"]
    local = run_cli(*common, "-o", str(tmp_path / "local"), timeout=120)
    assert local.returncode == 0, local.stderr
    remote = run_cli(*common, "-o", str(tmp_path / "ray"), "--executor", "ray", "--workers", "2",
                     env={"RAY_DISABLE_USAGE_STATS": "1"}, timeout=120)
    assert remote.returncode == 0, remote.stderr
    ray_results = load_results(tmp_path / "ray" / "results.json")
    assert_same(load_results(tmp_path / "local" / "results.json"), ray_results)
    assert ray_results.metadata.config["executor"] == "ray"
    assert ray_results.metadata.cache.summaries_computed == 48


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="ray is not installed (bash scripts/setup.sh --dev installs the ray extra)")
@pytest.mark.heavy
def test_bertscore_on_two_ray_actors_matches_local_and_loads_the_model_once_per_actor(
    cnndm_small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmark.components.build import build_metrics
    from benchmark.inputs.documents import load_reference_set
    from benchmark.models.encoder import encoders_loaded
    from benchmark.pipeline.cache import Cache
    from benchmark.pipeline.executors import RayExecutor
    from benchmark.pipeline.scoring import Pair, RunContext, score_pairs

    monkeypatch.setenv("RAY_DISABLE_USAGE_STATS", "1")
    docs = list(load_reference_set(cnndm_small).documents)
    pairs = [Pair(f"lead:k={k}", Lead(k=k).summarize([d])[0], d) for k in (1, 2) for d in docs[:12]]
    spec = "bertscore:layer=1,chunk_documents=3"  # 4 calls of 3 documents: work for both actors

    def scores(executor: LocalExecutor | RayExecutor, cache: str) -> list[dict[str, float]]:
        with Cache(tmp_path / cache) as store:
            return score_pairs(build_metrics([spec])[0], pairs, RunContext(store, executor=executor))

    with LocalExecutor() as local:
        expected = scores(local, "local.sqlite")
    with RayExecutor(workers=2) as ray_executor:
        got = scores(ray_executor, "ray.sqlite")
        got_again = scores(ray_executor, "ray2.sqlite")  # a second run reuses the actors' models
        loads = ray_executor.on_actors(encoders_loaded)
    assert got == expected and got_again == expected
    assert loads == [1, 1]
    with Cache(tmp_path / "ray.sqlite") as store:  # the driver wrote every score to its cache
        assert len(store.get_scores(build_metrics([spec])[0].metric.signature(),
                                    [(p.candidate, p.document.fingerprint) for p in pairs])) == len(pairs)
