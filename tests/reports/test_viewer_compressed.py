"""The summary viewer with its data gzip-compressed and base64-encoded, as a large run writes it.

The small planted run of ``test_viewer.py`` is rendered with ``viewer_compress_over=0``, so its
data takes the compressed path; the payload must decode to exactly what the plain path embeds,
and Chromium must show the same views, hostile strings as text, and a clear message where the
browser lacks ``DecompressionStream``. ``test_viewer_scale.py`` measures 10,000 documents.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from benchmark.reports.html import render_html
from benchmark.reports.viewer import COMPRESS_OVER, ENCODING, build_viewer, decode_data, encode_data
from benchmark.results.table import load_results, resolve_documents
from benchmark.stats.analysis import analyze
from tests.reports.test_html import DevTools, _errors, browser  # noqa: F401  (fixture)
from tests.reports.test_viewer import (  # noqa: F401  (fixture)
    ERROR,
    HOSTILE,
    HOSTILE_ID,
    HOSTILE_SYSTEM,
    IMG,
    STATE,
    _block,
    _open,
    planted,
)

OPENING = '<script type="application/octet-stream" id="viewer-data" data-encoding="gzip+base64">'


@pytest.fixture(scope="module")
def packed(planted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The planted run's report.html with its viewer data compressed (threshold 0 bytes)."""
    results = load_results(planted)
    out = tmp_path_factory.mktemp("packed") / "report.html"
    out.write_text(render_html(results, analyze(results), viewer_compress_over=0), encoding="utf-8")
    return out


def test_compressed_payload_round_trips(planted: Path, packed: Path) -> None:  # noqa: F811
    html = packed.read_text(encoding="utf-8")
    plain = json.loads(_block((planted / "report.html").read_text(encoding="utf-8")))
    found = re.search(re.escape(OPENING) + r"(.*?)</script>", html, re.DOTALL)
    assert found and re.fullmatch(r"[A-Za-z0-9+/]+=*", found.group(1))  # base64 only: no '<' to close it
    raw = gzip.decompress(base64.b64decode(found.group(1), validate=True))
    assert json.loads(raw.decode("utf-8")) == plain  # by hand: base64, gzip, JSON
    assert plain["systems"][1] == HOSTILE_SYSTEM and plain["documents"][0]["id"] == HOSTILE_ID
    assert HOSTILE_SYSTEM not in html.split(OPENING)[1] and "<!--" not in html.split(OPENING)[1]
    assert found.group(1) in html and "The viewer's data (0.0 MB of JSON) is stored gzip-compressed" in html
    results = load_results(planted)
    records, _ = resolve_documents(results)
    again = build_viewer(results, records, headline=analyze(results).columns, compress_over=0)
    assert again.encoding == ENCODING and str(again.data) == found.group(1)  # reproducible, byte for byte
    assert base64.b64decode(found.group(1))[4:8] == b"\0\0\0\0"  # gzip header: no timestamp
    assert decode_data(str(again.data), again.encoding) == plain
    text = json.dumps({"a": "x" * 2000})
    assert encode_data(text, COMPRESS_OVER) == (text, None) and COMPRESS_OVER == 1_000_000
    packed_text, encoding = encode_data(text, 100)
    assert encoding == ENCODING and len(packed_text) < len(text)
    assert decode_data(packed_text, encoding) == json.loads(text)
    with pytest.raises(ValueError, match="unknown viewer data encoding 'br'"):
        decode_data(packed_text, "br")


def test_policy_still_allows_only_the_viewer_script(packed: Path) -> None:
    html = packed.read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", html) == [OPENING, "<script>"]
    inline = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline
    digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy and f"script-src 'sha256-{digest}'" in policy.group(1)
    assert "default-src 'none'" in policy.group(1) and "connect-src" not in policy.group(1)


def test_compressed_viewer_shows_the_same_views_in_chromium(packed: Path, browser: DevTools) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
        browser.call(domain)
    _open(browser, packed, "#sort=lead:faithfulness:desc&filter=flagged")
    state = browser.evaluate(STATE)
    assert _errors(browser.events) == [] and float(state["ready"]) > 0
    shown = [(r[1], r[2], r[-2]) for r in state["rows"]]
    assert shown == [("doc-5", "lead", "flagged"), ("doc-1", "lead", "flagged")]  # as the plain path shows
    assert browser.evaluate("performance.getEntriesByName('viewer-ready').length") == 1
    sent = [e["params"]["request"]["url"] for e in browser.events
            if e.get("method") == "Network.requestWillBeSent"]  # fmt: skip
    assert sent == [packed.resolve().as_uri()]  # the page itself, nothing fetched
    system, doc = quote(HOSTILE_SYSTEM, safe=""), quote(HOSTILE_ID, safe="")
    _open(browser, packed, f"#sort={system}:rouge1_f:asc&doc={doc}&a=lead&b={system}")
    state = browser.evaluate(STATE)
    assert _errors(browser.events) == []
    assert state["scripts"] == 2 and state["injected"] == 0 and state["flags"] == ["undefined"] * 5
    assert {r[2] for r in state["rows"]} == {HOSTILE_SYSTEM} and any(ERROR in r[-1] for r in state["rows"])
    assert f"Document {HOSTILE_ID}: Title {HOSTILE}" in state["detail"] and ["v-m0", IMG] in state["marks"]
    assert all(link.startswith("#") for link in state["links"])
    browser.call("Network.disable")


def test_a_browser_without_decompression_says_so(packed: Path, browser: DevTools) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    added = browser.call("Page.addScriptToEvaluateOnNewDocument", source="delete window.DecompressionStream;")
    try:
        _open(browser, packed)
        state = browser.evaluate(STATE)
        shown = browser.evaluate("document.getElementById('v-count').className")
    finally:
        browser.call("Page.removeScriptToEvaluateOnNewDocument", identifier=added["identifier"])
    assert _errors(browser.events) == []
    assert shown == "v-status failed" and state["ready"] == "" and state["rows"] == []
    assert state["count"].startswith("This browser cannot open the summary viewer: its data is gzip")
    assert "lacks DecompressionStream (Chrome and Edge 80, Firefox 113, Safari 16.4" in state["count"]
