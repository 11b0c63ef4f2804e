"""Identity before work: a number served from the cache equals the number computed afresh.

A component whose output for one document depends on the others (BERTScore's idf from the
run's references) returns a data key from ``prepare``; it joins the signature and every cache
key. The property: scoring a document inside set A and then inside set B through one cache
gives exactly what ``--no-cache`` gives for B, for every built-in summarizer and metric.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import write_jsonl
from llm_servers import ScriptedServer, scripted_server
from tiny_models import save_nli, train_tiny_bart

from benchmark.components.build import BUILTIN_METRICS, BUILTIN_SUMMARIZERS
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.results.table import Results

WORDS = ["harbour", "storm", "council", "budget", "river", "bridge", "school", "market", "festival", "museum"]


def record(i: int) -> dict[str, object]:
    """A small news-like document; neighbouring ones share words, so idf differs between sets."""
    a, b, c = WORDS[i % 10], WORDS[(i * 3 + 1) % 10], WORDS[(i * 7 + 2) % 10]
    text = (
        f"The {a} of Corvane made news on day {i}. Officials said the {b} would reopen in {i + 2} weeks. "
        f"Residents of the {c} district asked for more money. The mayor, Ana Ruiz, agreed on Friday."
    )
    reference = f"The {a} made news; the {b} reopens in {i + 2} weeks."
    return {"id": f"d{i:02d}", "text": text, "references": [reference]}


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Set A: documents 0-9; set B: documents 5-14 (five shared with A)."""
    folder = tmp_path_factory.mktemp("sets")
    records = [record(i) for i in range(15)]
    return write_jsonl(folder / "a.jsonl", records[:10]), write_jsonl(folder / "b.jsonl", records[5:])


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory, sets: tuple[Path, Path]) -> dict[str, Path]:
    """What some built-ins need: a tiny seq2seq model, a tiny NLI model, a program, and a
    prediction file for the documents both sets share (the others are recorded as missing)."""
    folder = tmp_path_factory.mktemp("assets")
    program = folder / "first.py"
    program.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    d = json.loads(line)\n"
        "    print(json.dumps({'id': d['id'], 'summary': d['text'].split('. ')[0]}), flush=True)\n",
        encoding="utf-8",
    )
    predictions = write_jsonl(
        folder / "preds.jsonl",
        [{"id": r["id"], "summary": str(r["text"]).split(". ")[1]} for r in map(record, range(5, 10))],
    )
    return {
        "bart": train_tiny_bart(folder / "bart"),
        "nli": save_nli(folder / "nli", {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}),
        "program": program,
        "predictions": predictions,
    }


Case = tuple[tuple[str, ...], tuple[str, ...]]  # summarizer specs, metric specs

CASES: dict[str, Callable[[dict[str, Path], str], Case]] = {
    "lead": lambda a, url: (("lead:k=1",), ("length",)),
    "textrank": lambda a, url: (("textrank:k=1",), ("length",)),
    "lexrank": lambda a, url: (("lexrank:k=1",), ("length",)),
    "random": lambda a, url: (("random:k=1",), ("length",)),
    "oracle": lambda a, url: (("oracle:k=1",), ("length",)),
    "command": lambda a, url: ((f"command:cmd={sys.executable} {a['program']},name=first",), ("length",)),
    "predictions": lambda a, url: ((f"predictions:path={a['predictions']}",), ("length",)),
    "api": lambda a, url: ((f"api:base_url={url},model=echo,name=echo",), ("length",)),
    "transformer": lambda a, url: ((f"transformer:model={a['bart']},max_new_tokens=12",), ("length",)),
    "rouge": lambda a, url: (("lead:k=1",), ("rouge",)),
    "bertscore": lambda a, url: (("lead:k=1",), ("bertscore", "bertscore:idf=true,name=idf")),
    "fragments": lambda a, url: (("lead:k=1",), ("fragments",)),
    "length": lambda a, url: (("lead:k=1",), ("length",)),
    "faithfulness": lambda a, url: (("lead:k=1",), ("faithfulness",)),
    "summac": lambda a, url: (("lead:k=1",), (f"summac:model={a['nli']}",)),
    "judge": lambda a, url: (("lead:k=1",), (f"judge:base_url={url},model=judge",)),
    "claims": lambda a, url: (("lead:k=1",), (f"claims:base_url={url},model=claims",)),
}


def test_every_built_in_component_has_a_case() -> None:
    assert set(CASES) == set(BUILTIN_SUMMARIZERS) | set(BUILTIN_METRICS)


def numbers(results: Results) -> tuple[dict[tuple[str, str], str | None], dict[tuple[str, str, str], float]]:
    summaries = {(r.doc_id, r.system): r.summary for r in results.summaries.itertuples()}
    scores = {(r.doc_id, r.system, r.column): float(r.value) for r in results.scores.itertuples()}
    return summaries, scores


@pytest.mark.parametrize("name", sorted(CASES))
def test_cached_scores_equal_fresh_scores_in_every_set(
    name: str, sets: tuple[Path, Path], assets: dict[str, Path], server: ScriptedServer, tmp_path: Path
) -> None:
    summarizers, metrics = CASES[name](assets, server.base_url)
    cache = str(tmp_path / "cache.sqlite")

    def once(dataset: Path, use_cache: bool) -> Results:
        config = RunConfig(
            dataset=str(dataset), summarizers=summarizers, metrics=metrics, cache=cache,
            use_cache=use_cache, bootstrap=0,
        )
        return run(config)

    once(sets[0], True)
    cached_b = once(sets[1], True)
    fresh_b = once(sets[1], False)
    assert cached_b.metadata.cache.scores_cached > 0 or name in ("predictions",)
    summaries_cached, scores_cached = numbers(cached_b)
    summaries_fresh, scores_fresh = numbers(fresh_b)
    assert summaries_cached == summaries_fresh
    assert scores_cached.keys() == scores_fresh.keys() and scores_cached
    wrong = {
        key: (scores_cached[key], scores_fresh[key])
        for key in scores_fresh
        if not (math.isnan(scores_fresh[key]) and math.isnan(scores_cached[key]))
        and abs(scores_cached[key] - scores_fresh[key]) > 1e-6
    }
    assert wrong == {}
    assert [m.signature for m in cached_b.metadata.metrics] == [m.signature for m in fresh_b.metadata.metrics]


def test_idf_of_another_set_is_never_served_from_the_cache(cnndm_path: Path, tmp_path: Path) -> None:
    """10 CNN/DailyMail documents (A), then 10 of which 5 are in A (B), on one cache: B's scores
    equal a --no-cache run of B, and the signature names each set's idf table."""
    records = [json.loads(line) for line in cnndm_path.read_text(encoding="utf-8").splitlines()[:15]]
    a = write_jsonl(tmp_path / "a.jsonl", records[:10])
    b = write_jsonl(tmp_path / "b.jsonl", records[5:])
    cache = str(tmp_path / "cache.sqlite")

    def once(dataset: Path, use_cache: bool) -> Results:
        return run(RunConfig(
            dataset=str(dataset), summarizers=("lead",), metrics=("bertscore:idf=true",),
            cache=cache, use_cache=use_cache, bootstrap=0,
        ))

    run_a = once(a, True)
    cached_b, fresh_b = once(b, True), once(b, False)
    signature_a, signature_b = run_a.metadata.metrics[0].signature, cached_b.metadata.metrics[0].signature
    assert "|idf:refs@" in signature_b and signature_a != signature_b
    assert signature_b == fresh_b.metadata.metrics[0].signature
    _, cached = numbers(cached_b)
    _, fresh = numbers(fresh_b)
    assert cached.keys() == fresh.keys()
    assert max(abs(cached[k] - fresh[k]) for k in fresh) <= 1e-6
    # the five shared documents really score differently under A's idf
    _, under_a = numbers(run_a)
    shared = [k for k in fresh if k in under_a and k[2] == "bertscore_f"]
    assert len(shared) == 5 and max(abs(under_a[k] - fresh[k]) for k in shared) > 1e-4
