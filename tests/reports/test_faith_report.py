"""Faithfulness evidence is data: results.json holds it, report.md lists the flagged summaries with it,
the HTML drill-down shows it escaped; a summary inventing a number and a name is flagged, its lead-3
counterpart is not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmark.inputs.text import split_sentences
from benchmark.reports import faithmarks
from tests.conftest import BUNDLED, run_cli, write_jsonl

pytest.importorskip("bert_score")

INVENTED = " The plan was welcomed by President Emmanuel Macron of France."


def lead3(text: str) -> str:
    return " ".join(split_sentences(text)[:3])


def planted(text: str) -> str:
    """Lead-3 with its first number changed and an invented sentence naming someone."""
    summary = re.sub(r"\b(\d+)\b", lambda m: str(int(m.group(1)) + 7), lead3(text), count=1)
    return summary + INVENTED + " <script>alert('x')</script>"


def test_notes_read_the_evidence() -> None:
    evidence = {
        "flagged": True,
        "unsupported_numbers": ["7 million"],
        "unsupported_names": ["Oslo"],
        "weakly_supported_names": ["Dele Alli"],
        "weakly_supported_numbers": ["52"],
        "role_changes": ["Kane: goalkeeper (article: striker)"],
        "weakest_sentence": {"text": "The Mayor of Oslo paid 7 million.", "support": 0.71},
    }
    claimed = {"claims": [{"claim": "Oslo paid.", "verdict": "not in the article"}]}
    found = faithmarks.notes(evidence, claimed)
    assert found is not None and found.flagged is True
    assert found.numbers == ("7 million",) and found.entities == ("Oslo",)
    assert found.weak == ("Dele Alli", "52") and found.roles == ("Kane: goalkeeper (article: striker)",)
    assert found.weakest == "The Mayor of Oslo paid 7 million." and found.weakest_support == 0.71
    assert found.claims == (("Oslo paid.", "not in the article"),)
    assert faithmarks.notes(None) is None
    only_claims = faithmarks.notes(None, claimed)
    assert only_claims is not None and not only_claims.checked and only_claims.claims
    assert faithmarks.wanted(["rouge1_f", "faith_flagged"]) and not faithmarks.wanted(["rouge1_f"])


def test_invented_number_and_name_are_flagged_with_evidence_in_every_output(tmp_path: Path) -> None:
    docs = [json.loads(line) for line in BUNDLED.read_text("utf-8").splitlines()[:3]]
    preds = write_jsonl(
        tmp_path / "planted.jsonl", [{"id": d["id"], "summary": planted(d["text"])} for d in docs]
    )
    out = tmp_path / "run"
    proc = run_cli(
        "run",
        "-d",
        str(BUNDLED),
        "--limit",
        "3",
        "-s",
        "lead:k=3",
        "-s",
        f"predictions:path={preds},name=planted",
        "-m",
        "faithfulness",
        "-o",
        str(out),
        "--cache",
        str(tmp_path / "c"),
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads((out / "results.json").read_text("utf-8"))
    flags = {
        (r["doc_id"], r["system"]): r["value"] for r in payload["scores"] if r["metric"] == "faith_flagged"
    }
    assert {v for (_, s), v in flags.items() if s == "lead"} == {0.0}
    assert {v for (_, s), v in flags.items() if s == "planted"} == {1.0}
    rows = {
        (e["doc_id"], e["system"]): e["evidence"]
        for e in payload["evidence"]
        if e["metric"] == "faithfulness"
    }
    first = rows[(docs[0]["id"], "planted")]
    assert "Emmanuel Macron" in first["unsupported_names"] and len(first["unsupported_numbers"]) == 1
    assert (
        first["flagged"] is True
        and 0.5 < first["risk"] <= 1
        and set(first["signals"]) == {"weakest", "unsupported", "weak", "copied"}
    )
    assert first["weakest_sentence"]["text"].startswith("The plan was welcomed")
    assert rows[(docs[0]["id"], "lead")]["unsupported_names"] == []
    metric = next(m for m in payload["metadata"]["metrics"] if m["name"] == "faithfulness")
    assert metric["lower_is_better"] == ["faith_risk", "faith_flagged"]
    assert metric["headline"] == ["faithfulness", "faith_flagged"]
    assert "faith_flagged" in (out / "scores.csv").read_text("utf-8").splitlines()[0]

    report = (out / "report.md").read_text("utf-8")
    assert "## Flagged summaries (3)" in report
    section = report.split("## Flagged summaries (3)")[1]
    assert "Emmanuel Macron" in section and "| lead |" not in section.split("##")[0]
    assert "<script>" not in report and "\\<script\\>" in report
    # the leaderboard reads faith_flagged as lower-is-better: lead-3's 0 is the best value
    board = report.split("## Leaderboard")[1].split("##")[0]
    lead_row = next(line for line in board.splitlines() if line.startswith("| lead "))
    assert "**0.00**" in lead_row

    html = (out / "report.html").read_text("utf-8")
    assert "<strong>Flagged: likely unfaithful.</strong>" in html
    assert '<mark class="unsupported" title="name">Emmanuel Macron</mark>' in html
    assert "<script>alert(" not in html
