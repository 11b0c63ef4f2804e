"""`sumbench meta-eval` reproduces the published SummEval correlations of ROUGE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# G-Eval (Liu et al. 2023) Table 1, as listed in ../shared/data/README.md: (spearman, kendall)
PUBLISHED = {
    "rouge1_f": {"coherence": (0.167, 0.126), "consistency": (0.160, 0.130),
                 "fluency": (0.115, 0.094), "relevance": (0.326, 0.252)},
    "rouge2_f": {"coherence": (0.184, 0.139), "consistency": (0.187, 0.155),
                 "fluency": (0.159, 0.128), "relevance": (0.290, 0.219)},
    "rougeLsum_f": {"coherence": (0.128, 0.099), "consistency": (0.115, 0.092),
                    "fluency": (0.105, 0.084), "relevance": (0.311, 0.237)},
}


def test_reproduces_published_summeval_rouge_correlations(shared_data: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "meta.json"
    result = cli("meta-eval", str(shared_data / "summeval"), "--metric", "rouge:multi_ref=mean",
                 "--bootstrap", "0", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "rougeLsum_f" in result.stdout and "relevance" in result.stdout
    rows = json.loads(out.read_text())["rows"]
    got = {(r["metric"], r["human"], r["method"]): r["value"] for r in rows if r["level"] == "summary"}
    for metric, dims in PUBLISHED.items():
        for human, (rho, tau) in dims.items():
            assert got[(metric, human, "spearman")] == pytest.approx(rho, abs=0.005), (metric, human)
            assert got[(metric, human, "kendall")] == pytest.approx(tau, abs=0.005), (metric, human)


def test_help_has_an_example_and_errors_are_clean(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    help_text = cli("meta-eval", "--help").stdout
    assert "Example: sumbench meta-eval" in help_text and "--human" in help_text
    missing = cli("meta-eval", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "judgments file not found" in missing.stderr
