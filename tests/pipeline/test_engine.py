"""The pipeline: cache reuse, resume after an interruption, failures recorded, plugins."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from benchmark.components.build import SUMMARIZERS
from benchmark.core.errors import ConfigError
from benchmark.inputs.documents import Document
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.summarizers import SummarizerBase

CALLS: list[str] = []


@dataclass(frozen=True)
class Counting(SummarizerBase):
    """First sentence; records every document it is asked for; fails on ids in $FAIL_IDS."""

    name: ClassVar[str] = "counting-test"

    def summarize(self, docs: Sequence[Document]) -> list[str]:
        out = []
        for doc in docs:
            CALLS.append(doc.id)
            if doc.id in os.environ.get("FAIL_IDS", "").split(","):
                raise RuntimeError(f"cannot summarize {doc.id}")
            if doc.id == os.environ.get("INTERRUPT_AT"):
                raise KeyboardInterrupt
            out.append(doc.text.split(".")[0] + ".")
        return out


@pytest.fixture(autouse=True)
def _register() -> None:
    if "counting-test" not in SUMMARIZERS.names():
        SUMMARIZERS.register(Counting, "test")
    CALLS.clear()


def _config(dataset: Path, cache: Path, batch_size: int = 1) -> RunConfig:
    return RunConfig(
        dataset=str(dataset),
        summarizers=("counting-test", "lead"),
        metrics=("rouge",),
        cache=str(cache),
        batch_size=batch_size,
    )


def test_second_identical_run_computes_nothing(tiny_set: Path, tmp_path: Path) -> None:
    first = run(_config(tiny_set, tmp_path / "c.sqlite"))
    assert first.metadata.cache.summaries_computed == 6
    CALLS.clear()
    second = run(_config(tiny_set, tmp_path / "c.sqlite"))
    assert CALLS == []
    cache = second.metadata.cache
    assert (cache.summaries_computed, cache.summaries_cached) == (0, 6)
    assert (cache.scores_computed, cache.scores_cached) == (0, 6)
    assert second.scores.equals(first.scores)


def test_interrupted_run_resumes_without_redoing_work(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERRUPT_AT", "d2")
    with pytest.raises(KeyboardInterrupt):
        run(_config(tiny_set, tmp_path / "c.sqlite"))
    assert CALLS == ["d0", "d1", "d2"]
    monkeypatch.delenv("INTERRUPT_AT")
    CALLS.clear()
    results = run(_config(tiny_set, tmp_path / "c.sqlite"))
    assert CALLS == ["d2"]
    assert results.metadata.cache.summaries_cached == 2
    assert results.summaries["error"].isna().all()


def test_failing_document_is_recorded_and_run_goes_on(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_IDS", "d1")
    results = run(_config(tiny_set, tmp_path / "c.sqlite", batch_size=8))
    rows = results.summaries[results.summaries["system"] == "counting-test"].set_index("doc_id")
    assert "cannot summarize d1" in rows.at["d1", "error"]
    assert rows["error"].isna().sum() == 2
    scored = results.scores[results.scores["system"] == "counting-test"]["doc_id"].unique()
    assert sorted(scored) == ["d0", "d2"]
    assert results.metadata.systems[0].failed == 1
    monkeypatch.delenv("FAIL_IDS")
    CALLS.clear()
    rerun = run(_config(tiny_set, tmp_path / "c.sqlite"))
    assert CALLS == ["d1"]  # failures are not cached: the rerun retries only them
    assert rerun.summaries["error"].isna().all()


def test_labels_and_defaults(tiny_set: Path) -> None:
    results = run(RunConfig(dataset=str(tiny_set), summarizers=("lead", "lead:k=1"), use_cache=False))
    assert results.systems == ["lead", "lead:k=1"]
    renamed = run(RunConfig(dataset=str(tiny_set), summarizers=("lead:k=1,name=lead",), use_cache=False))
    assert renamed.systems == ["lead"]
    with pytest.raises(ConfigError, match="given twice"):
        run(RunConfig(dataset=str(tiny_set), summarizers=("lead", "lead:k=1,name=lead"), use_cache=False))


def test_unknown_names_and_options_are_clear_errors(tiny_set: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'lead'"):
        run(RunConfig(dataset=str(tiny_set), summarizers=("laed",), use_cache=False))
    with pytest.raises(ConfigError, match=r"unknown option 'kk'.*known options: k"):
        run(RunConfig(dataset=str(tiny_set), summarizers=("lead:kk=2",), use_cache=False))
    with pytest.raises(ConfigError, match="expected int"):
        run(RunConfig(dataset=str(tiny_set), summarizers=("lead:k=two",), use_cache=False))


def test_results_round_trip(tiny_set: Path, tmp_path: Path) -> None:
    from benchmark.results.table import load_results

    results = run(RunConfig(dataset=str(tiny_set), summarizers=("lead",), use_cache=False))
    results.save(tmp_path)
    loaded = load_results(tmp_path / "results.json")
    assert loaded.metadata.dataset.fingerprint == results.metadata.dataset.fingerprint
    assert loaded.means().round(12).equals(results.means().round(12))
    assert loaded.metadata.metrics[0].signature.startswith("metric:rouge|")


def test_run_seed_reaches_seeded_summarizers(tiny_set: Path) -> None:
    def summaries(seed: int, spec: str = "random:k=1") -> list[str]:
        cfg = RunConfig(dataset=str(tiny_set), summarizers=(spec,), seed=seed, use_cache=False)
        return list(run(cfg).summaries["summary"])

    assert summaries(1) == summaries(1, "random:k=1,seed=1")
    assert summaries(1) == summaries(2, "random:k=1,seed=1")  # an explicit seed wins
    assert any(summaries(seed) != summaries(1) for seed in range(2, 8))
