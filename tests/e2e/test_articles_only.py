"""Articles with no reference summaries, as most teams have them, through the CLI a user runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BUNDLED, run_cli, write_jsonl


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 6 bundled articles without their references: id, title, text only."""
    records = [json.loads(line) for line in BUNDLED.read_text(encoding="utf-8").splitlines()[:6]]
    folder = tmp_path_factory.mktemp("articles")
    return write_jsonl(folder / "articles.jsonl", [{"id": r["id"], "title": r["title"], "text": r["text"]}
                                                   for r in records])


def results_of(out: Path) -> dict[str, object]:
    return dict(json.loads((out / "results.json").read_text(encoding="utf-8")))


def test_reference_free_metrics_score_every_document(articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_cli("run", "-d", str(articles), "-s", "lead", "-s", "textrank", "-m", "faithfulness",
                   "-m", "length", "--bootstrap", "100", "-o", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    scores = results_of(out)["scores"]
    assert isinstance(scores, list)
    scored = {(s["doc_id"], s["system"]) for s in scores
              if s["metric"] == "faithfulness" and s["value"] is not None}  # fmt: skip
    assert len(scored) == 12  # 6 documents x 2 systems
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "faithfulness" in report and "Traceback" not in proc.stderr


def test_a_reference_metric_is_refused_before_any_summary(articles: Path, tmp_path: Path) -> None:
    proc = run_cli("run", "-d", str(articles), "-s", "lead", "-m", "rouge", "-o", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert "metric 'rouge' needs reference summaries" in proc.stderr and "has none" in proc.stderr
    assert "Traceback" not in proc.stderr and "summarize lead" not in proc.stderr
    assert not (tmp_path / "x").exists()


def test_default_metrics_are_reference_free_and_say_so(articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_cli("run", "-d", str(articles), "-s", "lead", "--bootstrap", "100", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "metrics: faithfulness, length (reference set articles has no reference summaries" in proc.stderr
    metrics = {m["name"] for m in results_of(out)["metadata"]["metrics"]}  # type: ignore[index]
    assert metrics == {"faithfulness", "length"}


def test_score_a_prediction_file_against_articles(articles: Path, tmp_path: Path) -> None:
    preds = write_jsonl(tmp_path / "mine.jsonl", [
        {"id": json.loads(line)["id"], "summary": json.loads(line)["text"].split(". ")[0] + "."}
        for line in articles.read_text(encoding="utf-8").splitlines()
    ])  # fmt: skip
    ok = run_cli("score", str(articles), str(preds), "-m", "faithfulness", "--bootstrap", "100")
    assert ok.returncode == 0, ok.stderr
    assert "mine" in ok.stdout and "faithfulness" in ok.stdout
    gated = run_cli("score", str(articles), str(preds), "-m", "faithfulness", "--bootstrap", "100",
                    "--fail-under", "faithfulness=99.9")  # fmt: skip
    assert gated.returncode == 1 and "FAIL mine: faithfulness mean" in gated.stderr


def test_dataset_validate_names_what_an_articles_only_set_supports(articles: Path) -> None:
    proc = run_cli("dataset", "validate", str(articles))
    assert proc.returncode == 0, proc.stderr
    assert "reference summaries: none (an articles-only set)" in proc.stdout
    can = next(line for line in proc.stdout.splitlines() if line.startswith("metrics it can run:"))
    assert "faithfulness" in can and "rouge" not in can
    assert "need references: bertscore, rouge, oracle (summarizer)" in proc.stdout


def test_summarize_makes_no_fake_reference(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Storm closes harbour\n\nA storm closed the harbour on Monday. Boats stayed in. "
                    "The mayor spoke.", encoding="utf-8")  # fmt: skip
    proc = run_cli("summarize", str(page), "-s", "oracle")
    assert proc.returncode == 2 and "reads reference summaries; a raw article has none" in proc.stderr
    lead = run_cli("summarize", str(page), "-s", "lead:k=1")
    assert lead.returncode == 0 and lead.stdout.strip() == "A storm closed the harbour on Monday."
