"""The report's summary viewer: its JSON payload, and what a user sees and does in headless Chromium.

The fixture is a real run through the CLI (lead and lead-1, ROUGE) whose results.json then gets
planted evidence, a faithfulness column with flags, a truncated and a failed summary and a
hostile system name (the faithfulness metric's own evidence is built elsewhere), re-rendered
with ``sumbench report``. ``test_viewer_scale.py`` measures 10,000 documents.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from benchmark.reports.spans import marks
from benchmark.reports.support import Article, grams
from benchmark.reports.viewer import ARTICLE_BUDGET, hundredths, script_json, viewer_payload
from benchmark.results.table import load_results, resolve_documents
from tests.conftest import run_cli, write_jsonl
from tests.reports.test_html import DevTools, _errors, browser, ferry_articles  # noqa: F401  (fixture)

HOSTILE_ID = 'doc<img src=x onerror="window.__id=1">'
HOSTILE_SYSTEM = "</script><script>window.__sys=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
HOSTILE = f"{IMG} </script><script>window.__xss=2</script> <!-- javascript:window.__js=1"
ERROR = "exit 3: <script>window.__err=1</script>"
FLAGGED_TEXT = (
    "The harbour council of Vell approved 4 new ferry routes on Monday. "
    "Officials said the routes would cost 3 million crowns. "
    "Mayor Ilse Brand called it a turning point for the islands. "
    "Critics warned that fares could rise for island residents. "
    "The vote followed a year of public hearings in three towns."
)
FAITH = {  # doc-1 / lead: evidence as the faithfulness metric writes it
    "flagged": True,
    "risk": 0.81,
    "signals": {"numbers": 0.5, "names": 0.4},
    "unsupported_numbers": ["3 million"],
    "weakly_supported_numbers": [],
    "unsupported_names": ["Ilse Brand"],
    "weakly_supported_names": ["Vell"],
    "role_changes": ["Officials said"],
    "weakest_sentence": {"text": "Mayor Ilse Brand called it a turning point for the islands.",
                         "support": 0.42},
}
CLAIMS = {
    "claims": [
        {"claim": "Vell approved 4 new ferry routes.", "verdict": "supported"},
        {"claim": "The routes cost 3 million crowns.", "verdict": "contradicted"},
        {"claim": HOSTILE, "verdict": "not in the article"},
    ]
}


def _articles() -> list[dict[str, Any]]:
    docs = ferry_articles()
    attack = f"Attack text {HOSTILE} here. "
    docs[0] |= {"id": HOSTILE_ID, "title": f"Title {HOSTILE}", "text": attack + docs[0]["text"]}
    docs[1]["text"] = FLAGGED_TEXT
    return docs


def _plant(path: Path) -> None:
    """Evidence, a faithfulness column with flags, a truncated and a failed summary, a hostile name."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    for table in ("summaries", "scores"):
        for row in payload[table]:
            row["system"] = HOSTILE_SYSTEM if row["system"] == "lead1" else row["system"]
    payload["metadata"]["systems"][1]["name"] = HOSTILE_SYSTEM
    for row in payload["summaries"]:
        if row["system"] == HOSTILE_SYSTEM and row["doc_id"] == "doc-2":
            row["finish_reason"] = "length"
        if row["system"] == HOSTILE_SYSTEM and row["doc_id"] == "doc-4":
            row["summary"], row["error"] = None, ERROR
    payload["scores"] = [
        s for s in payload["scores"] if not (s["system"] == HOSTILE_SYSTEM and s["doc_id"] == "doc-4")
    ]
    flagged = {("doc-1", "lead"), ("doc-3", HOSTILE_SYSTEM)}
    for n, row in enumerate(r for r in payload["summaries"] if r["summary"] is not None):
        key = (row["doc_id"], row["system"])
        payload["scores"] += [
            {"doc_id": key[0], "system": key[1], "metric": "faithfulness", "value": 0.5 + 0.04 * n},
            {"doc_id": key[0], "system": key[1], "metric": "faith_flagged", "value": float(key in flagged)},
        ]
    payload["metadata"]["metrics"].append({
        "name": "faithfulness", "spec": "faithfulness", "signature": "planted",
        "columns": ["faithfulness", "faith_flagged"],
        "scales": {"faithfulness": 100.0, "faith_flagged": 1.0}, "headline": ["faithfulness"],
        "higher_is_better": True, "model": None,
    })  # fmt: skip
    payload["evidence"] = [
        {"doc_id": "doc-1", "system": "lead", "metric": "faithfulness", "evidence": FAITH},
        {"doc_id": "doc-1", "system": "lead", "metric": "claims", "evidence": CLAIMS},
        {"doc_id": HOSTILE_ID, "system": HOSTILE_SYSTEM, "metric": "faithfulness",
         "evidence": {"flagged": False, "unsupported_names": [IMG], "weakest_sentence": {}}},
        {"doc_id": "doc-5", "system": "lead", "metric": "faithfulness", "evidence": {"flagged": True}},
    ]  # fmt: skip
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("viewer")
    dataset = write_jsonl(base / "ferries.jsonl", _articles())
    out = base / "run"
    env = {"SUMBENCH_CACHE": str(base / "cache.sqlite"), "MPLCONFIGDIR": str(base / "mpl")}
    proc = run_cli("run", "--dataset", str(dataset), "-s", "lead", "-s", "lead:k=1,name=lead1", "-m", "rouge",
                   "--bootstrap", "50", "-o", str(out), "--format", "json,html", env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _plant(out / "results.json")
    proc = run_cli("report", str(out), "--format", "html", env=env)
    assert proc.returncode == 0, proc.stderr
    return out


def _block(html: str) -> str:
    """The viewer's JSON, from a plain block or, by hand, from a gzip+base64 one."""
    found = re.search(r'<script type="application/json" id="viewer-data">(.*?)</script>', html, re.DOTALL)
    if found:
        return found.group(1)
    packed = re.search(
        r'<script type="application/octet-stream" id="viewer-data" data-encoding="gzip\+base64">'
        r"([A-Za-z0-9+/=]*)</script>",
        html,
    )
    assert packed
    return gzip.decompress(base64.b64decode(packed.group(1), validate=True)).decode("utf-8")


# --- the payload ------------------------------------------------------------------------------


def test_payload_holds_every_document_and_summary(planted: Path) -> None:
    results = load_results(planted)
    records, _ = resolve_documents(results)
    payload = viewer_payload(results, records)
    assert [d["id"] for d in payload["documents"]] == [HOSTILE_ID] + [f"doc-{i}" for i in range(1, 6)]
    assert payload["systems"] == ["lead", HOSTILE_SYSTEM]
    lead, hostile = payload["summaries"]
    assert all(item is not None and item["text"] for item in lead)
    assert hostile[4] == {"text": None, "error": ERROR}
    assert hostile[2]["finish"] == "length" and hostile[3]["flagged"] and lead[5]["flagged"]
    assert not any(item.get("flagged") for item in (lead[0], lead[2], hostile[0], hostile[1]))
    assert lead[1]["evidence"] == {"faithfulness": FAITH, "claims": CLAIMS}
    names = [c["name"] for c in payload["columns"]]
    assert names[:1] == ["rouge1_f"] and names[-2:] == ["faithfulness", "faith_flagged"]
    flag = payload["columns"][-1]
    assert flag["worse"] == "higher" and payload["columns"][0]["worse"] == "lower"
    wide = results.wide("rouge1_f")
    for d, doc in enumerate(payload["documents"]):  # scores as the leaderboard shows them, x100
        value = payload["scores"][0][0][d]
        assert value == hundredths(wide.loc[doc["id"], "lead"], 100.0)
        assert f"{value / 100:.2f}" == f"{100 * wide.loc[doc['id'], 'lead']:.2f}"
    assert payload["scores"][1][0][4] is None  # the failed summary has no score
    assert payload["embedded"] == 6 and all("text" in d for d in payload["documents"])


def test_payload_marks_evidence_spans_and_the_supporting_sentences(planted: Path) -> None:
    results = load_results(planted)
    records, _ = resolve_documents(results)
    payload = viewer_payload(results, records)
    item = payload["summaries"][0][1]
    text = item["text"]
    marked = {text[s:e]: (payload["kinds"][k], label) for s, e, k, label in item["marks"]}
    assert marked == {
        "3 million": ("unsupported", "unsupported numbers"),
        "Ilse Brand": ("unsupported", "unsupported names"),
        "Vell": ("weak", "weakly supported names"),
        "Officials said": ("role", "role changes"),
    }
    assert item["weakest"] == 2  # lead-3: the third sentence
    doc = payload["documents"][1]
    article = FLAGGED_TEXT
    for k, (start, end, best, share) in enumerate(item["sentences"]):  # extractive: the article's k-th
        assert best == k and share == 100
        a, b = doc["spans"][str(best)]
        assert article[a:b] == text[start:end]
    hostile = payload["summaries"][1][0]  # the hostile name in a summary: marked as the text it is
    assert [hostile["text"][s:e] for s, e, _, _ in hostile["marks"]] == [IMG]


def test_article_budget_keeps_the_worst_documents_and_quotes_the_rest(planted: Path) -> None:
    results = load_results(planted)
    records, _ = resolve_documents(results)
    bad = {"doc-1", "doc-2", "doc-3", "doc-4", "doc-5"}  # flagged, truncated or failed summaries
    size = {r["id"]: len(r["text"].encode()) + sum(len(x.encode()) for x in r["references"]) for r in records}
    payload = viewer_payload(results, records, article_budget=sum(size[d] for d in bad))
    embedded = {d["id"] for d in payload["documents"] if "text" in d}
    assert embedded == bad and payload["embedded"] == 5 and payload["budget"] == sum(size[d] for d in bad)
    outside = payload["documents"][0]
    assert "text" not in outside and "references" not in outside and "spans" not in outside
    sentences = Article(records[0]["text"]).sentences
    used = {a for item in (s[0] for s in payload["summaries"]) for _, _, a, _ in item["sentences"]}
    assert set(map(int, outside["quotes"])) == used
    for i, quoted in outside["quotes"].items():  # extractive summaries: quoted from the summary
        system, start, end = quoted
        assert payload["summaries"][system][0]["text"][start:end] == sentences[int(i)]
    none = viewer_payload(results, records, article_budget=0)
    assert none["embedded"] == 0 and not any("text" in d for d in none["documents"])
    assert ARTICLE_BUDGET == 4_000_000


def test_json_block_cannot_close_its_script_element(planted: Path) -> None:
    html = (planted / "report.html").read_text(encoding="utf-8")
    block = _block(html)
    assert "<" not in block and HOSTILE_SYSTEM not in block
    payload = json.loads(block)
    assert payload["systems"][1] == HOSTILE_SYSTEM and payload["documents"][0]["id"] == HOSTILE_ID
    assert payload["summaries"][1][4]["error"] == ERROR
    text = {"a": "</script><!-- <script>", "b": ["</SCRIPT >", "<!--"]}
    assert json.loads(script_json(text)) == text and "<" not in script_json(text)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script type="application/json" id="viewer-data">', "<script>"]
    inline = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline
    digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy and f"script-src 'sha256-{digest}'" in policy.group(1)  # only this script may run
    assert "default-src 'none'" in policy.group(1) and "unsafe-inline'; img" in policy.group(1)


def test_spans_and_offsets_count_utf16_like_javascript() -> None:
    summary = "Rocket 🚀 launch cost 3 million; not 13 or 3millions. Vell's mayor."
    evidence = {"unsupported_numbers": ["3 million", "3"], "weakly_supported_names": ["vell"],
                "claims": [{"x": 1}]}
    found = marks(summary, {"faithfulness": evidence})
    units = summary.encode("utf-16-le")
    shown = [(units[2 * m.start : 2 * m.end].decode("utf-16-le"), m.kind) for m in found]
    assert shown == [("3 million", 0), ("Vell", 2)]  # "3" inside "13" or "3millions" is not a word
    article = Article("Intro 🚀 here. The rocket launch cost 3 million crowns.\n\nVell's mayor spoke.")
    aligned = article.align(summary)
    assert [a.article for a in aligned] == [1, 2]
    span = article.span(1)
    assert span is not None
    units = article.text.encode("utf-16-le")
    assert units[2 * span[0] : 2 * span[1]].decode("utf-16-le") == article.sentences[1]
    assert grams("A b") == {"a", "b", ("a", "b")}


# --- in the browser -----------------------------------------------------------------------------


def _open(browser: DevTools, html: Path, view: str = "") -> None:  # noqa: F811
    """A fresh load of ``html`` at ``view`` (a hash only would navigate inside the same page)."""
    browser.events.clear()
    browser.call("Page.navigate", url="about:blank")
    browser.wait_for("Page.loadEventFired")
    browser.events.clear()
    browser.call("Page.navigate", url=html.resolve().as_uri() + view)
    browser.wait_for("Page.loadEventFired")
    browser.call("Runtime.evaluate", expression=READY, awaitPromise=True, returnByValue=True)


READY = """new Promise(done => {  // the viewer started (its data may unpack after the load event) or failed
    const check = () => {
        const root = document.getElementById('viewer');
        if (!root || root.dataset.readyMs || document.querySelector('#v-count.failed')) done(true);
        else setTimeout(check, 20);
    };
    check();
})"""


STATE = """({
    hash: location.hash,
    scripts: document.scripts.length,
    injected: document.querySelectorAll('img, iframe, object, embed, frame, link, meta[http-equiv=refresh]')
        .length,
    flags: [window.__id, window.__sys, window.__xss, window.__js, window.__err].map(x => typeof x),
    links: [...document.querySelectorAll('#viewer a')].map(a => a.getAttribute('href')),
    count: document.getElementById('v-count').textContent,
    rows: [...document.querySelectorAll('#v-table tbody tr')]
        .map(tr => [...tr.cells].map(td => td.textContent)),
    head: [...document.querySelectorAll('#v-table thead th')].map(th => th.textContent),
    detail: document.getElementById('v-detail').hidden ? null : document.getElementById('v-detail').innerText,
    marks: [...document.querySelectorAll('#v-detail .v-summary mark')].map(m => [m.className, m.textContent]),
    support: [...document.querySelectorAll('#v-detail mark.v-sup')].map(m => [m.className, m.textContent]),
    weakest: [...document.querySelectorAll('#v-detail .v-weakest')].map(m => m.textContent),
    claims: [...document.querySelectorAll('#v-detail .v-evidence li li')]
        .map(li => [li.className, li.textContent]),
    sides: [...document.querySelectorAll('#v-detail .v-side h4 select')].map(s => s.selectedOptions[0].text),
    ready: document.getElementById('viewer').dataset.readyMs
})"""


def test_viewer_sorts_filters_and_links_in_chromium(planted: Path, browser: DevTools) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    report = planted / "report.html"
    _open(browser, report)
    state = browser.evaluate(STATE)
    assert _errors(browser.events) == []
    assert state["head"][:4] == ["#", "document", "system", "rouge1_f"]
    assert state["count"] == "Summaries 1–12 of 12" and float(state["ready"]) > 0
    values = [float(r[3]) for r in state["rows"] if r[3] != "—"]
    assert values == sorted(values) and state["rows"][-1][2] == HOSTILE_SYSTEM  # no value: last
    _open(browser, report, "#sort=lead:faithfulness:desc&filter=flagged")
    state = browser.evaluate(STATE)
    shown = [(r[1], r[2], r[-2]) for r in state["rows"]]
    assert shown == [("doc-5", "lead", "flagged"), ("doc-1", "lead", "flagged")]
    browser.evaluate("""(() => {  // a user picks every system, the flag column and truncated summaries too
        const pick = (id, value) => {
            const e = document.getElementById(id);
            e.value = value;
            e.dispatchEvent(new Event('change'));
        };
        pick('v-system', '-1');
        const options = [...document.getElementById('v-column').options];
        pick('v-column', options.find(o => o.text.startsWith('faith_flagged')).value);
        document.getElementById('v-truncated').click();
    })()""")
    state = browser.evaluate(STATE)
    assert state["hash"] == "#sort=:faith_flagged:desc&filter=flagged,truncated"  # worst first: 1 before 0
    assert [(r[1], r[2], r[3]) for r in state["rows"]] == [
        ("doc-1", "lead", "1.00"), ("doc-3", HOSTILE_SYSTEM, "1.00"), ("doc-2", HOSTILE_SYSTEM, "0.00"),
        ("doc-5", "lead", "0.00"),
    ]  # fmt: skip
    assert all(link.startswith("#") for link in state["links"])


def test_detail_marks_spans_and_highlights_support(planted: Path, browser: DevTools) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    _open(browser, planted / "report.html", f"#doc=doc-1&a=lead&b={quote(HOSTILE_SYSTEM, safe='')}")
    state = browser.evaluate(STATE)
    assert _errors(browser.events) == []
    assert sorted(state["marks"]) == [
        ["v-m0", "3 million"], ["v-m0", "Ilse Brand"], ["v-m1", "Officials said"], ["v-m2", "Vell"],
    ]  # fmt: skip
    assert state["weakest"] == ["Mayor Ilse Brand called it a turning point for the islands."]
    assert [m[1] for m in state["support"]][:3] == [s.strip() + ("." if not s.endswith(".") else "")
                                                   for s in FLAGGED_TEXT.split(". ")[:3]]  # fmt: skip
    assert state["support"][0][0] == "v-sup v-a v-b"  # both systems' first sentence
    assert state["claims"] == [
        ["v-supported", "supported: Vell approved 4 new ferry routes."],
        ["v-contradicted", "contradicted: The routes cost 3 million crowns."],
        ["v-not-in-the-article", f"not in the article: {HOSTILE}"],
    ]
    detail = state["detail"]
    for shown in ("Document doc-1: Ferries 1", "risk: 0.810", "weakest sentence (support 42%)", "Reference 1",
                  "A1 → s1 100%"):  # fmt: skip
        assert shown in detail, shown
    assert state["sides"] == ["lead", HOSTILE_SYSTEM]
    _open(browser, planted / "report.html", f"#doc=doc-4&a={quote(HOSTILE_SYSTEM, safe='')}&b=")
    detail = browser.evaluate(STATE)["detail"]
    assert f"Failed: {ERROR}" in detail
    _open(browser, planted / "report.html", f"#doc=doc-2&a={quote(HOSTILE_SYSTEM, safe='')}&b=")
    assert "Truncated: generation stopped at the length limit" in browser.evaluate(STATE)["detail"]


def test_hostile_text_stays_text_in_the_viewer(planted: Path, browser: DevTools) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    system, doc = quote(HOSTILE_SYSTEM, safe=""), quote(HOSTILE_ID, safe="")
    view = f"#sort={system}:rouge1_f:asc&doc={doc}&a=lead&b={system}"
    _open(browser, planted / "report.html", view)
    state = browser.evaluate(STATE)
    assert _errors(browser.events) == []
    assert state["scripts"] == 2 and state["injected"] == 0
    assert state["flags"] == ["undefined"] * 5
    assert {r[2] for r in state["rows"]} == {HOSTILE_SYSTEM}
    assert any(r[1] == HOSTILE_ID for r in state["rows"]) and any(ERROR in r[-1] for r in state["rows"])
    detail = state["detail"]
    assert f"Document {HOSTILE_ID}: Title {HOSTILE}" in detail and HOSTILE in detail
    assert ["v-m0", IMG] in state["marks"]  # the evidence names the hostile text: marked, as text
    assert all(link.startswith("#") for link in state["links"])
    assert any(link.startswith("#sort=") and quote(HOSTILE_ID, safe="") in link for link in state["links"])
    shot = browser.call("Page.captureScreenshot", format="png")
    (planted / "viewer-hostile.png").write_bytes(base64.b64decode(shot["data"]))
