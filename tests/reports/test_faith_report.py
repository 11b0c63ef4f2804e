"""Faithfulness in reports: a leaderboard column like any metric; the drill-down lists what the
article does not support, escaped."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchmark.reports import faithmarks
from benchmark.reports.html import render_html
from benchmark.results.table import load_results
from benchmark.stats.analysis import analyze
from tests.conftest import run_cli, write_jsonl

pytest.importorskip("bert_score")


def test_notes_list_unsupported_claims_and_the_weakest_sentence() -> None:
    article = "The council of Vell approved 3 ferry routes on Monday. They cost 2 million crowns."
    found = faithmarks.notes("Vell approved 3 routes. The Mayor of Oslo paid 7 million crowns.", article)
    assert found is not None
    assert found.numbers == ("7 million",) and found.entities == ("Mayor", "Oslo")
    assert found.weakest == "The Mayor of Oslo paid 7 million crowns."
    assert faithmarks.notes("", article) is None and faithmarks.notes("x", None) is None
    assert faithmarks.wanted(["rouge1_f", "faithfulness"]) and not faithmarks.wanted(["rouge1_f"])


def test_run_with_faithfulness_marks_unsupported_claims_escaped(tmp_path: Path) -> None:
    docs = [
        {"id": f"d{i}", "text": f"The harbour council of Vell approved {i + 3} ferry routes on Monday. "
         "Critics warned that fares could rise.", "references": ["Vell approved new ferry routes."]}
        for i in range(4)
    ]
    out = tmp_path / "run"
    proc = run_cli("run", "--dataset", str(write_jsonl(tmp_path / "d.jsonl", docs)), "-s", "lead:k=1",
                   "-m", "faithfulness", "-m", "rouge", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    results = load_results(out)
    assert "faithfulness" in (out / "report.md").read_text(encoding="utf-8")
    summaries = results.summaries.copy()
    summaries.loc[0, "summary"] = "Vell paid 99 million to <script>alert(1)</script> Zorg Industries."
    results = dataclasses.replace(results, summaries=summaries)
    html = render_html(results, analyze(results))
    assert '<mark class="unsupported" title="number">99 million</mark>' in html
    assert "Zorg Industries" in html and "<script>alert" not in html
    assert "Every number and name is found in the article." in html
