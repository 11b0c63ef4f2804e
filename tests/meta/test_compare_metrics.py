"""Partial correlation controlling for the system, Williams' test, paired bootstrap, binary labels, groups."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, write_jsonl
from scipy import stats

from benchmark.inputs.text import count_words
from benchmark.meta import binary, partial
from benchmark.meta.judgments import JudgmentFields, load_documents, load_judgments
from benchmark.meta.meta_eval import meta_evaluate


def summeval_subset(shared_data: Path, tmp_path: Path, n_docs: int = 12) -> Path:
    """The first ``n_docs`` SummEval documents with all their judged summaries, and a split field."""
    folder = tmp_path / "summeval"
    folder.mkdir()
    source = shared_data / "summeval"
    docs = [json.loads(x) for x in (source / "summeval_docs.jsonl").read_text("utf-8").splitlines()]
    keep = {d["doc_id"]: i for i, d in enumerate(docs[:n_docs])}
    write_jsonl(folder / "sub_docs.jsonl", docs[:n_docs])
    rows = [json.loads(x) for x in (source / "summeval_expert_scores.jsonl").read_text("utf-8").splitlines()]
    picked = []
    for row in rows:
        if row["doc_id"] in keep:
            index = keep[row["doc_id"]]
            row["split"] = "val" if index % 2 else "test"
            row["half"] = "first" if index < n_docs // 2 else "second"
            row["perfect"] = row["consistency"] == 5.0
            picked.append(row)
    return write_jsonl(folder / "sub_scores.jsonl", picked)


def independent_partial(metric: np.ndarray, human: np.ndarray, systems: list[str], rank: bool) -> float:
    """Residuals of both variables on an intercept and system dummies (least squares), then Pearson."""
    if rank:
        metric, human = stats.rankdata(metric), stats.rankdata(human)
    names = sorted(set(systems))
    design = np.column_stack(
        [np.ones(len(systems))] + [[float(s == n) for s in systems] for n in names[1:]]
    )
    res_m = metric - design @ np.linalg.lstsq(design, metric, rcond=None)[0]
    res_h = human - design @ np.linalg.lstsq(design, human, rcond=None)[0]
    return float(stats.pearsonr(res_m, res_h)[0])


def test_partial_correlation_equals_dummy_regression(shared_data: Path, tmp_path: Path) -> None:
    path = summeval_subset(shared_data, tmp_path)
    judgments = load_judgments(path, JudgmentFields(humans=("consistency",)))
    refset = load_documents(path.parent / "sub_docs.jsonl", judgments)
    result = meta_evaluate(judgments, refset, ["length"], bootstrap=20, control="system")
    table = judgments.table
    words = [count_words(o) for o in table["output"]]
    for method, rank in (("pearson", False), ("spearman", True)):
        expected = independent_partial(
            np.array(words, float), table["consistency"].to_numpy(float), list(table["system"]), rank
        )
        got = result.value("length_words", "consistency", "partial:system", method)
        assert got == pytest.approx(expected, abs=1e-9)
    assert not math.isnan(expected) and abs(expected) > 0.01


def test_williams_matches_the_published_example() -> None:
    """psych::r.test(n=103, r12=.4, r13=.5, r23=.1): t = -0.89, two-sided p = 0.37 (Steiger 1980)."""
    result = partial.williams(0.4, 0.5, 0.1, 103)
    k = 1 - 0.4**2 - 0.5**2 - 0.1**2 + 2 * 0.4 * 0.5 * 0.1
    by_hand = -0.1 * math.sqrt(102 * 1.1) / math.sqrt(2 * k * 102 / 100 + 0.45**2 * 0.9**3)
    assert result.t == pytest.approx(by_hand, abs=1e-12)
    assert result.t == pytest.approx(-0.8913, abs=1e-4)
    assert result.df == 100
    assert 2 * min(result.p, 1 - result.p) == pytest.approx(0.375, abs=0.005)
    assert math.isnan(partial.williams(0.4, 0.5, 0.1, 3).t)


def test_binary_auc_and_validation_tuned_balanced_accuracy() -> None:
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.3, 0.7])
    labels = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    assert binary.roc_auc(scores, labels) == pytest.approx(15 / 16)  # one discordant pair of 16
    assert binary.balanced_accuracy(scores, labels, 0.5) == pytest.approx((3 / 4 + 1) / 2)
    assert binary.tune_threshold(np.array([0.1, 0.2, 0.6, 0.9]), np.array([0, 0, 1, 1])) == pytest.approx(0.4)
    splits = np.array(["val"] * 4 + ["test"] * 4)
    found = binary.evaluate(scores, labels, splits)
    # on the val rows 0.225 and 0.6 both reach 0.75; the lowest is kept; test rows: TPR 1, TNR 1/2
    assert found.threshold == pytest.approx(0.225)
    assert found.n_validation == 4 and found.n_test == 4
    assert found.balanced_accuracy == pytest.approx(0.75)
    assert found.auc == pytest.approx(1.0)


def test_cli_control_comparisons_binary_and_groups(shared_data: Path, tmp_path: Path) -> None:
    path = summeval_subset(shared_data, tmp_path)
    out = tmp_path / "meta.json"
    proc = run_cli(
        "meta-eval", str(path.parent), "-m", "length", "-m", "rouge:multi_ref=mean", "--human", "consistency",
        "--control", "system", "--binary-threshold", "5", "--split-field", "split", "--group-by", "half",
        "--bootstrap", "50", "--json", str(out), "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Williams" in proc.stdout and "partial:system" in proc.stdout and "AUC" in proc.stdout
    data = json.loads(out.read_text())
    assert data["schema_version"] == 2 and data["metadata"]["control"] == "system"
    assert {r["group"] for r in data["rows"]} == {"all", "first", "second"}
    levels = {r["level"] for r in data["comparisons"]}
    assert levels == {"summary", "system", "partial:system"}
    pair = next(r for r in data["comparisons"] if r["level"] == "summary" and r["method"] == "pearson"
                and {r["metric_a"], r["metric_b"]} == {"rouge1_f", "length_words"} and r["group"] == "all")
    assert pair["better"] in ("rouge1_f", "length_words") and 0 <= pair["p_bootstrap"] <= 1
    assert pair["williams_n"] == sum(1 for _ in path.open()) - 11  # summaries - (documents - 1)
    aucs = [r for r in data["binary"] if r["group"] == "all" and r["label"] == "consistency>=5"]
    assert aucs and all(0 <= r["auc"] <= 1 and r["n_validation"] > 0 for r in aucs)
    proc = run_cli("meta-eval", str(path.parent), "-m", "length", "--human", "perfect", "--bootstrap", "0",
                   "--no-cache", "--control", "dataset")
    assert proc.returncode == 2 and "system" in proc.stderr
