"""SummaC-ZS: aggregation by hand, and a small saved NLI model (random weights, real classes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_models import save_nli

from benchmark.core.errors import ConfigError
from benchmark.inputs.documents import Document
from benchmark.metrics.summac import SummaC, aggregate, nli_labels

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

ARTICLE = (
    "The museum reopened on Monday after a two-year renovation. "
    "Visitors queued for hours to see the restored dinosaur hall. "
    "The city paid most of the cost."
)
SUMMARY = "The museum reopened after renovation. Crowds came to see the dinosaurs."


@pytest.fixture(scope="module")
def nli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_nli(tmp_path_factory.mktemp("nli"), {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"})


def test_aggregation_by_hand() -> None:
    # entailment - contradiction for 2 summary sentences x 3 article sentences
    grid = [[0.9 - 0.05, 0.1 - 0.6, 0.2 - 0.1], [0.3 - 0.5, 0.4 - 0.1, 0.1 - 0.2]]
    mean, low = aggregate(grid)
    assert mean == pytest.approx((0.85 + 0.3) / 2)
    assert low == pytest.approx(0.3)
    assert aggregate([]) == (0.0, 0.0)


def test_labels_come_from_the_config() -> None:
    assert nli_labels({0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}) == (2, 0)
    assert nli_labels({"0": "entailment", "1": "neutral", "2": "contradiction"}) == (0, 2)
    with pytest.raises(ConfigError, match="entailment and contradiction"):
        nli_labels({0: "LABEL_0", 1: "LABEL_1"})


def test_saved_model_gives_the_hand_computed_values(nli_dir: Path) -> None:
    """Each pair scored alone (no batching) by the model, then max over article sentences, mean."""
    tokenizer = transformers.AutoTokenizer.from_pretrained(nli_dir)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(nli_dir).eval()
    premises = [
        "The museum reopened on Monday after a two-year renovation.",
        "Visitors queued for hours to see the restored dinosaur hall.",
        "The city paid most of the cost.",
    ]
    hypotheses = ["The museum reopened after renovation.", "Crowds came to see the dinosaurs."]
    grid = []
    for h in hypotheses:
        row = []
        for p in premises:
            with torch.no_grad():
                probs = model(**tokenizer(p, h, return_tensors="pt")).logits.softmax(-1)[0]
            row.append(float(probs[2] - probs[0]))
        grid.append(row)
    expected_mean = (max(grid[0]) + max(grid[1])) / 2
    expected_min = min(max(grid[0]), max(grid[1]))

    metric = SummaC(model=str(nli_dir), batch_size=4)
    doc = Document(id="d", text=ARTICLE, references=("r",))
    out = metric.score(candidates=[SUMMARY, "", SUMMARY], documents=[doc, doc, doc])
    assert out["summac_zs"][0] == pytest.approx(expected_mean, abs=1e-5)
    assert out["summac_min_sentence"][0] == pytest.approx(expected_min, abs=1e-5)
    assert out["summac_zs"][1] == 0.0 and out["summac_zs"][2] == out["summac_zs"][0]
    assert len(metric._state["pairs"]) == 6  # each (premise, hypothesis) scored once
    assert "granularity:sentence" in metric.signature() and nli_dir.name in metric.signature()


def test_model_without_nli_labels_fails_clearly(tmp_path: Path) -> None:
    folder = save_nli(tmp_path / "sentiment", {0: "NEGATIVE", 1: "POSITIVE"})
    metric = SummaC(model=str(folder))
    doc = Document(id="d", text=ARTICLE, references=("r",))
    with pytest.raises(ConfigError, match="no entailment and contradiction"):
        metric.score(candidates=[SUMMARY], documents=[doc])


def test_model_is_required_and_missing_hub_models_fail_offline() -> None:
    with pytest.raises(ConfigError, match="summac:model="):
        SummaC()
    from benchmark.core.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="not in the local Hugging Face cache"):
        SummaC(model="tals/albert-xlarge-vitaminc-mnli").signature()


def test_cli_run_with_summac_equals_the_metric(nli_dir: Path, tmp_path: Path) -> None:
    """``sumbench run -m summac:model=DIR`` as a user runs it: leaderboard, signature, same numbers."""
    import json

    from conftest import run_cli, write_jsonl

    refs = write_jsonl(tmp_path / "refs.jsonl", [
        {"id": "a", "text": ARTICLE, "references": ["The museum reopened."]},
        {"id": "b", "text": "Rain fell all day. The match was called off. Fans went home early.",
         "references": ["The match was rained off."]},
    ])  # fmt: skip
    out = tmp_path / "out"
    proc = run_cli("run", "-d", str(refs), "-s", "lead:k=1", "-m", f"summac:model={nli_dir}", "-o", str(out),
                   env={"SUMBENCH_CACHE": str(tmp_path / "cache.sqlite")})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "summac_zs" in proc.stdout and "granularity:sentence" in " ".join(proc.stdout.split())
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))["scores"]
    got = {r["doc_id"]: r["value"] for r in rows if r["metric"] == "summac_zs"}
    docs = [Document(id="a", text=ARTICLE, references=("r",)),
            Document(id="b", text="Rain fell all day. The match was called off. Fans went home early.",
                     references=("r",))]  # fmt: skip
    expected = SummaC(model=str(nli_dir)).score(
        candidates=["The museum reopened on Monday after a two-year renovation.", "Rain fell all day."],
        documents=docs,
    )["summac_zs"]
    assert [got["a"], got["b"]] == pytest.approx(expected, abs=1e-6)
