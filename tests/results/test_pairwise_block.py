"""results.json's ``pairwise`` block: written, read back, validated; version 2 files still load."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmark.core.errors import InputError
from benchmark.results.metadata import RunMetadata, SystemInfo
from benchmark.results.pairwise import JudgeInfo, Pairwise, VerdictRow, outcome
from benchmark.results.table import SUMMARY_COLUMNS, Results, load_results
from benchmark.stats.pairwise import signature, summarize
from benchmark.stats.resampling import StatsOptions


def judged_results() -> Results:
    second = ["B" if i % 3 else "A" for i in range(6)]  # documents 0 and 3: inconsistent
    rows = [VerdictRow(f"d{i}", "x", "y", "A", second[i], outcome("A", second[i]), 10, 12,
                       p_ab=(0.7, 0.2, 0.1), p_ba=(0.3, 0.6, 0.1), answer_ab="A", answer_ba="B", requests=2)
            for i in range(6)]
    options = StatsOptions(resamples=100, seed=0)
    pairs, ranking, bias = summarize(rows, ["x", "y"], options)
    judge = JudgeInfo("llm", "llm:model=m", "judge:llm|model:m", None)
    block = Pairwise(judge, ("x", "y"), signature(options), tuple(pairs), tuple(ranking), bias,
                     {"requests": 12}, tuple(rows))
    summaries = pd.DataFrame([{"doc_id": f"d{i}", "system": s, "summary": f"{s} {i}", "seconds": 0.0,
                               "error": None, "cached": False} for i in range(6) for s in ("x", "y")],
                             columns=SUMMARY_COLUMNS)
    meta = RunMetadata(systems=(SystemInfo("x"), SystemInfo("y")))
    scores = pd.DataFrame(columns=["doc_id", "system", "column", "value"])
    return Results(summaries=summaries, scores=scores, metadata=meta, pairwise=block)


def test_pairwise_round_trips_through_results_json(tmp_path: Path) -> None:
    results = judged_results()
    results.save(tmp_path)
    loaded = load_results(tmp_path)
    assert loaded.pairwise == results.pairwise
    data = json.loads((tmp_path / "results.json").read_text())
    (pair,) = data["pairwise"]["pairs"]
    assert (pair["a_wins"], pair["inconsistent"], pair["n"]) == (4, 2, 6)
    assert pair["win_rate_a"] == pytest.approx(5 / 6) and len(pair["win_rate_a_ci"]) == 2
    assert [r["system"] for r in data["pairwise"]["ranking"]] == ["x", "y"]
    assert set(data["pairwise"]["ranking"][0]) == {"system", "strength", "ci", "battles"}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("pairwise", "judge"), None, "pairwise.judge must be an object"),
        (("pairwise", "pairs", 0, "a_wins"), "4", "pairwise.pairs[0].a_wins must be an integer"),
        (("pairwise", "verdicts", 1, "verdict_ab"), "maybe", "pairwise.verdicts[1].verdict_ab must be null"),
        (("pairwise", "verdicts", 0, "outcome"), "won", "pairwise.verdicts[0].outcome must be one of a, b"),
        (("pairwise", "ranking", 0, "strength"), None, "pairwise.ranking[0].strength must be a finite"),
        (("pairwise", "verdicts", 0, "p_ab"), [1, 2], "pairwise.verdicts[0].p_ab must be null or a list"),
    ],
)
def test_a_damaged_pairwise_block_is_an_input_error_naming_the_field(
    tmp_path: Path, path: tuple[object, ...], value: object, message: str
) -> None:
    data = json.loads(judged_results().to_json())
    target = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="not a valid sumbench results file") as caught:
        load_results(tmp_path)
    assert message in str(caught.value)


def test_version_2_files_still_load(tmp_path: Path) -> None:
    data = json.loads(judged_results().to_json())
    data["schema_version"] = 2
    del data["pairwise"]
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_results(tmp_path).pairwise is None
    data["schema_version"] = 4
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="reads 1, 2, 3"):
        load_results(tmp_path)
