"""The summary viewer at 10,000 documents: the size of report.html (its viewer data compressed),
the time to first paint and to a ready viewer, and every document reachable (sorted, filtered,
paged) in headless Chromium.

The run is 10,000 distinct real articles (``realdata.distinct_corpus``) with lead-3 and lead-1
summaries, their length and a planted faithfulness column and evidence (the faithfulness
metric's own evidence is built elsewhere), re-rendered by ``sumbench report``. Prints the
measured numbers as one JSON line (run with ``-s`` to see them).
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from benchmark.inputs.text import count_words, split_sentences
from benchmark.results.table import SCHEMA_NAME, SCHEMA_VERSION
from tests.conftest import run_cli
from tests.realdata import distinct_corpus
from tests.reports.test_html import DevTools, _errors, browser  # noqa: F401  (fixture)
from tests.reports.test_viewer import STATE, _block, _open

N_DOCS = 10_000


def _big_run(shared: Path, tmp: Path) -> tuple[Path, str]:
    """results.json of 10,000 distinct real articles: lead-3 and lead-1, their length, a planted
    faithfulness column flagging every 7th lead summary with evidence, truncated and failed lead-1s."""
    records = distinct_corpus(shared, N_DOCS)
    summaries, scores, evidence = [], [], []
    for i, record in enumerate(records):
        sentences = split_sentences(record["text"])
        for system, k in (("lead", 3), ("lead1", 1)):
            summary: str | None = " ".join(sentences[:k])
            error = "timed out after 60 s" if system == "lead1" and i % 97 == 5 else None
            summary = None if error else summary
            finish = "length" if system == "lead1" and i % 50 == 7 else "stop"
            summaries.append({"doc_id": record["id"], "system": system, "summary": summary, "error": error,
                              "finish_reason": finish})  # fmt: skip
            if summary is None:
                continue
            flagged = system == "lead" and i % 7 == 3
            faith = 0.5 + 0.5 * ((i * 7919 + k) % 1000) / 1000
            for column, value in (("length_words", count_words(summary)), ("faithfulness", faith),
                                  ("faith_flagged", float(flagged))):  # fmt: skip
                scores.append({"doc_id": record["id"], "system": system, "metric": column, "value": value})
            if flagged:
                proof = {"flagged": True, "risk": 0.7, "signals": {"numbers": 0.5},
                         "unsupported_numbers": re.findall(r"\b\d[\d,.]*\b", summary)[:1],
                         "weakly_supported_numbers": [], "unsupported_names": [],
                         "weakly_supported_names": [], "role_changes": [],
                         "weakest_sentence": {"text": sentences[0], "support": 0.3}}  # fmt: skip
                evidence.append({"doc_id": record["id"], "system": system, "metric": "faithfulness",
                                 "evidence": proof})  # fmt: skip
    metrics = [
        {"name": "length", "columns": ["length_words"], "scales": {"length_words": 1.0},
         "headline": ["length_words"], "higher_is_better": None},
        {"name": "faithfulness", "columns": ["faithfulness", "faith_flagged"], "headline": ["faithfulness"],
         "scales": {"faithfulness": 100.0, "faith_flagged": 1.0}, "higher_is_better": True},
    ]  # fmt: skip
    payload = {
        "schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION,
        "metadata": {"run_id": "scale", "dataset": {"name": "distinct-10k", "documents": N_DOCS},
                     "bootstrap": 100, "systems": [{"name": "lead"}, {"name": "lead1"}], "metrics": metrics},
        "summaries": summaries, "scores": scores, "evidence": evidence, "documents": records,
    }  # fmt: skip
    run = tmp / "run"
    run.mkdir()
    (run / "results.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return run, records[-1]["id"]


@pytest.mark.heavy
@pytest.mark.slow
def test_ten_thousand_documents(shared_data: Path, tmp_path: Path, browser: DevTools) -> None:  # noqa: F811
    """Size of report.html and time to first paint at 10,000 documents; every document reachable."""
    run, last_id = _big_run(shared_data, tmp_path)
    started = time.perf_counter()
    proc = run_cli("report", str(run), "--format", "html", env={"MPLCONFIGDIR": str(tmp_path / "mpl")})
    seconds = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr
    report = run / "report.html"
    size = report.stat().st_size
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    _open(browser, report, "#sort=lead:faithfulness:asc&filter=flagged&page=last")
    time.sleep(0.5)
    state = browser.evaluate(STATE)
    paint = browser.evaluate("""({
        ...Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime])),
        load: performance.getEntriesByType('navigation')[0].loadEventEnd
    })""")
    assert _errors(browser.events) == []
    ready = state["ready"]
    flagged = len(range(3, N_DOCS, 7))
    pages = -(-flagged // 50)
    assert state["count"] == f"Summaries {50 * (pages - 1) + 1:,}–{flagged:,} of {flagged:,}"
    assert {(r[2], r[-2]) for r in state["rows"]} == {("lead", "flagged")}
    values = [float(r[3]) for r in state["rows"]]
    assert values == sorted(values)
    browser.evaluate("""(() => {  // document order, every summary, the last page: the 10,000th document
        for (const f of ['v-flagged', 'v-truncated', 'v-failed']) {
            const e = document.getElementById(f);
            if (e.checked) e.click();
        }
        for (const id of ['v-system', 'v-column']) {
            const e = document.getElementById(id);
            e.value = '-1';
            e.dispatchEvent(new Event('change'));
        }
        document.getElementById('v-last').click();
        const links = document.querySelectorAll('#v-table tbody a'); links[links.length - 1].click();
    })()""")
    state = browser.evaluate(STATE)
    assert state["rows"][-1][:3] == [str(2 * N_DOCS), last_id, "lead1"]
    assert state["hash"] == f"#sort=::asc&page=last&doc={quote(last_id, safe='')}&a=lead1&b=lead"
    assert state["count"].endswith(f"of {2 * N_DOCS:,}")
    assert state["detail"] and f"Document {last_id}" in state["detail"]
    assert state["support"]  # flagged, so among the documents whose article is embedded
    shot = browser.call("Page.captureScreenshot", format="png")
    (tmp_path / "viewer-10k-last.png").write_bytes(base64.b64decode(shot["data"]))
    html = report.read_text(encoding="utf-8")
    assert 'id="viewer-data" data-encoding="gzip+base64">' in html  # over 1 MB of JSON: compressed
    block = _block(html)
    payload = json.loads(block)
    assert len(payload["documents"]) == N_DOCS and payload["documents"][-1]["id"] == last_id
    outside = [d["id"] for d in payload["documents"] if "text" not in d]
    assert payload["embedded"] + len(outside) == N_DOCS and len(outside) > N_DOCS / 2
    _open(browser, report, f"#doc={quote(outside[-1], safe='')}")
    state = browser.evaluate(STATE)
    assert "The article is not embedded in this report" in state["detail"]
    assert state["support"] and all(text in state["detail"] for _, text in state["support"])
    shot = browser.call("Page.captureScreenshot", format="png")
    (tmp_path / "viewer-10k-outside.png").write_bytes(base64.b64decode(shot["data"]))
    measured = {"documents": N_DOCS, "report_bytes": size, "viewer_json_bytes": len(block.encode("utf-8")),
                "embedded": payload["embedded"],
                "report_seconds": round(seconds, 1),
                "first_paint_ms": paint.get("first-paint"),
                "first_contentful_paint_ms": paint.get("first-contentful-paint"),
                "viewer_ready_ms": float(ready), "load_event_ms": round(paint["load"], 1)}  # fmt: skip
    print(json.dumps(measured))
    assert size < 8_000_000 and paint.get("first-contentful-paint")
