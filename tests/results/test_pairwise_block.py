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

DELETE = object()  # the field removed instead of damaged


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
        (("pairwise", "usage", "cost_usd"), "x", "pairwise.usage.cost_usd must be null or a finite number"),
        (("pairwise", "bias", "position", "value"), "x", "pairwise.bias.position.value must be null or a"),
        (("pairwise", "bias", "judged"), 1.5, "pairwise.bias.judged must be an integer"),
        (("pairwise", "verdicts", 2, "length_a"), DELETE, "pairwise.verdicts[2].length_a is missing"),
        (("pairwise", "pairs", 0, "first_wins"), DELETE, "pairwise.pairs[0].first_wins is missing"),
    ],
)
def test_a_damaged_pairwise_block_is_an_input_error_naming_the_field(
    tmp_path: Path, path: tuple[object, ...], value: object, message: str
) -> None:
    data = json.loads(judged_results().to_json())
    target = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    if value is DELETE:
        del target[path[-1]]  # type: ignore[arg-type]
    else:
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


def test_one_document_gives_rates_without_a_ci() -> None:
    """One document cannot be resampled: the win rate stands alone, its CI is null."""
    row = VerdictRow("d0", "x", "y", "A", "A", outcome("A", "A"), 10, 12,
                     p_ab=(0.7, 0.2, 0.1), p_ba=(0.3, 0.6, 0.1))
    (pair,), _, _ = summarize([row], ["x", "y"], StatsOptions(resamples=100, seed=0))
    assert pair.win_rate_a.value == 0.5 and (pair.win_rate_a.low, pair.win_rate_a.high) == (None, None)
    assert pair.soft_win_rate_a.value is not None and pair.soft_win_rate_a.low is None
    (pair,), _, _ = summarize([row, row], ["x", "y"], StatsOptions(resamples=0, seed=0))
    assert pair.win_rate_a.value == 0.5 and pair.win_rate_a.low is None
