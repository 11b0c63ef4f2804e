"""The HTML report: self-contained, escaped, reproducible, and rendered by headless Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.image import imread

from benchmark.reports.highlight import shared_bigram_marks
from benchmark.reports.html import render_html
from benchmark.results.table import load_results, resolve_documents
from benchmark.stats.analysis import analyze
from tests.conftest import run_cli, write_jsonl

XSS_ALERT = "<script>alert(1)</script>"
XSS_TITLE = "<script>document.title='pwned'</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,2000",
]


def ferry_articles(n: int = 6) -> list[dict[str, Any]]:
    """``n`` short news articles about ferry routes, each with one reference summary."""
    docs = []
    for i in range(n):
        text = (
            f"The harbour council of Vell approved {i + 3} new ferry routes on Monday. "
            f"Officials said the routes would open in spring and cost {i + 2} million crowns. "
            "Critics warned that fares could rise for island residents. "
            "The vote followed a year of public hearings in three towns."
        )
        docs.append(
            {
                "id": f"doc-{i}",
                "title": f"Ferries {i}",
                "text": text,
                "references": [f"Vell approved {i + 3} new ferry routes that open in spring."],
            }
        )
    return docs


def _articles() -> list[dict[str, Any]]:
    docs = ferry_articles()
    docs[0]["text"] = f"Attack text {XSS_ALERT} here. {XSS_TITLE} Then {XSS_IMG} more. " + docs[0]["text"]
    docs[0]["title"] = f"Title {XSS_ALERT}"
    docs[0]["references"] = [f"Reference with {XSS_TITLE} inside.", docs[0]["references"][0]]
    return docs


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("html")
    dataset = write_jsonl(base / "xss.jsonl", _articles())
    out = base / "run"
    env = {"SUMBENCH_CACHE": str(base / "cache.sqlite"), "MPLCONFIGDIR": str(base / "mpl")}
    proc = run_cli(
        "run",
        "--dataset",
        str(dataset),
        "-s",
        "lead",
        "-s",
        "lead:k=1,name=lead1",
        "-m",
        "rouge",
        "-o",
        str(out),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_report_is_self_contained_and_escaped(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)  # only the viewer's data block and its own script
    assert scripts == ['<script type="application/json" id="viewer-data">', "<script>"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    for attr in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html):
        assert not attr.startswith(("http:", "https:", "//")), attr
    assert "<link" not in html and "@import" not in html
    assert html.count("<svg") >= 4 + 2  # a bar chart per headline metric, distributions, length


def test_report_is_reproducible(report_dir: Path) -> None:
    results = load_results(report_dir)
    assert render_html(results, analyze(results)) == render_html(results, analyze(results))
    records, missing = resolve_documents(results)  # stored by reference: read back from the dataset
    assert missing is None and len(records) == 6 and records[0]["title"].startswith("Title")


def test_documents_by_reference_and_embedded(report_dir: Path, tmp_path: Path) -> None:
    """results.json names the reference set and its fingerprint; --embed-documents stores the texts."""
    payload = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    ref = payload["documents_ref"]
    assert payload["documents"] == [] and ref["documents"] == 6
    assert ref["fingerprint"] == payload["metadata"]["dataset"]["fingerprint"]
    dataset = tmp_path / "moved.jsonl"
    Path(ref["source"]).replace(dataset)  # the reference set moves away: no texts, and the report says why
    try:
        loaded = load_results(report_dir)
        html = render_html(loaded, analyze(loaded))
        assert "could not be read" in html and "doc-3" in html and "Ferries 3" not in html
        env = {"SUMBENCH_CACHE": str(tmp_path / "cache.sqlite"), "MPLCONFIGDIR": str(tmp_path / "mpl")}
        proc = run_cli("run", "-d", str(dataset), "-s", "lead", "-m", "rouge", "-o", str(tmp_path / "out"),
                       "--embed-documents", "--format", "json,html", env=env)
        assert proc.returncode == 0, proc.stderr
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "results.json"]
        embedded = load_results(tmp_path / "out")
        assert len(embedded.documents) == 6 and resolve_documents(embedded)[1] is None
    finally:
        dataset.replace(ref["source"])


def test_old_results_without_documents_still_render(report_dir: Path, tmp_path: Path) -> None:
    payload = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    del payload["documents"], payload["documents_ref"]
    (tmp_path / "results.json").write_text(json.dumps(payload), encoding="utf-8")
    loaded = load_results(tmp_path)
    html = render_html(loaded, analyze(loaded))
    assert "stores no article texts" in html and "doc-3" in html


def test_highlight_marks_shared_bigrams_and_escapes() -> None:
    marked = shared_bigram_marks("The <b>cat</b> sat on mats. A dog", ["the b cat sat on", "a dog ran"])
    # tokens: the b cat b sat on mats a dog; (cat, b) and (b, sat) are not in a reference
    assert (
        str(marked) == "<mark>The &lt;b&gt;cat</mark>&lt;/b&gt; <mark>sat on</mark> mats. <mark>A dog</mark>"
    )
    assert str(shared_bigram_marks("alpha beta", ["beta alpha"])) == "alpha beta"


# --- headless Chromium over the DevTools protocol --------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not found; `bash scripts/setup.sh --dev` installs Debian's chromium (as root)")


class DevTools:
    """A minimal Chrome DevTools protocol client over one page's websocket."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(profile)},
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        page = next(t for t in targets if t.get("type") == "page")
        from websockets.sync.client import connect

        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=20) as ws:
            yield DevTools(ws)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _errors(events: list[dict[str, Any]]) -> list[str]:
    out = []
    for e in events:
        params = e.get("params", {})
        if e.get("method") == "Runtime.exceptionThrown":
            out.append(str(params.get("exceptionDetails")))
        elif e.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out.append(str(params.get("args")))
        elif e.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(str(params["entry"].get("text")))
    return out


def test_chromium_renders_report(browser: DevTools, report_dir: Path) -> None:
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    browser.call("Page.navigate", url=(report_dir / "report.html").resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    dom = browser.evaluate("""({
        title: document.title,
        scripts: document.scripts.length,
        xss: typeof window.__xss,
        rows: document.querySelectorAll('table.leaderboard tbody tr').length,
        svgs: document.querySelectorAll('figure.chart svg').length,
        text: document.getElementById('documents').textContent,
        docTitle: document.querySelector('details.document summary').textContent
    })""")
    assert _errors(browser.events) == []
    assert dom["title"] == "sumbench report: xss"
    assert dom["scripts"] == 2 and dom["xss"] == "undefined"  # the viewer's data block and its script
    assert dom["rows"] == 2
    assert dom["svgs"] >= 6
    assert XSS_ALERT in dom["text"] and XSS_TITLE in dom["text"]
    assert XSS_ALERT in dom["docTitle"]
    shot = browser.call("Page.captureScreenshot", format="png")
    png = report_dir / "report.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    pixels = imread(png)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert float(np.std(pixels)) > 0.01  # not a blank page
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 10
