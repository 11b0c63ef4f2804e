"""One planted hallucination among faithful summaries of an articles-only set: the flagged-rate
gate fails, and `sumbench show` prints that summary first with its unsupported number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import BUNDLED, run_cli, write_jsonl

from benchmark.inputs.text import split_sentences

pytest.importorskip("bert_score")


def lead3(text: str) -> str:
    return " ".join(split_sentences(text)[:3])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Six articles with no references; lead-3 summaries, the fourth with 18 changed to 81 in
    nothing: a number the article never states, and an invented sentence naming someone."""
    folder = tmp_path_factory.mktemp("planted")
    records = [json.loads(line) for line in BUNDLED.read_text(encoding="utf-8").splitlines()[:6]]
    articles = write_jsonl(folder / "articles.jsonl", [{"id": r["id"], "text": r["text"]} for r in records])
    summaries = {r["id"]: lead3(r["text"]) for r in records}
    target = records[3]["id"]
    number = re.search(r"\b\d+\b", summaries[target])
    assert number is not None
    changed = str(int(number.group()) * 10 + 7)
    assert changed not in records[3]["text"]
    summaries[target] = (summaries[target][: number.start()] + changed + summaries[target][number.end():]
                         + " The plan was welcomed by President Emmanuel Macron of France.")  # fmt: skip
    preds = write_jsonl(folder / "mine.jsonl", [{"id": k, "summary": v} for k, v in summaries.items()])
    out = folder / "out"
    gated = run_cli("score", str(articles), str(preds), "-m", "faithfulness", "--bootstrap", "50",
                    "--fail-over", "faith_flagged=0", "-o", str(out))  # fmt: skip
    return {"proc": gated, "out": out, "target": target, "changed": changed}


def test_one_flagged_summary_fails_the_flagged_rate_gate(run: dict[str, object]) -> None:
    proc = run["proc"]
    assert proc.returncode == 1, proc.stderr  # type: ignore[attr-defined]
    fails = [line for line in proc.stderr.splitlines() if "FAIL" in line]  # type: ignore[attr-defined]
    assert len(fails) == 1 and "mine: faith_flagged mean 16.67 > 0.00 (x100)" in fails[0]
    results = json.loads((Path(str(run["out"])) / "results.json").read_text(encoding="utf-8"))
    flags = {r["doc_id"]: r["value"] for r in results["scores"] if r["metric"] == "faith_flagged"}
    assert flags[run["target"]] == 1 and sum(flags.values()) == 1  # its lead-3 siblings are not flagged


def test_show_prints_the_planted_summary_first_with_its_unsupported_number(run: dict[str, object]) -> None:
    proc = run_cli("show", str(run["out"]), "--worst", "2")
    assert proc.returncode == 0, proc.stderr
    items = proc.stdout.split("\n#")[1:]
    assert items[0].startswith(f"1 mine · {run['target']}") and "FLAGGED" in items[0]
    assert f"unsupported numbers: {run['changed']}" in items[0] and "Emmanuel Macron" in items[0]
    assert "FLAGGED" not in items[1]
    flagged = json.loads(run_cli("show", str(run["out"]), "--flagged", "--json").stdout)
    assert [s["doc_id"] for s in flagged["summaries"]] == [run["target"]]
