"""The reports' pairwise section: ranking, win-rate matrix, bias, side by side; escaped; seen in Chromium."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llm_servers import scripted_server
from matplotlib.image import imread

from tests.conftest import run_cli, write_jsonl
from tests.reports.test_html import DevTools, _errors, browser  # noqa: F401  (the Chromium fixture)

XSS_NAME = "<img src=x onerror=window.__xss=1>"
XSS_TEXT = "<script>window['__xss']=2</script>"  # no full stop: the scripted judge counts them


@pytest.fixture(scope="module")
def judged_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("pairwise-html")
    docs = [{"id": f"doc-{i}", "title": f"Harbour {i} {XSS_TEXT}",
             "text": " ".join(f"Sentence {j} of story {i}: {XSS_TEXT} {j} boats." for j in range(4)),
             "references": [f"Story {i}."]} for i in range(5)]
    dataset = write_jsonl(base / "hostile.jsonl", docs)
    out = base / "run"
    with scripted_server() as server:
        proc = run_cli("run", "-d", str(dataset), "-s", f"lead:k=1,name={XSS_NAME}",
                       "-s", "lead:k=2,name=two", "-s", "lead:k=3,name=three", "-m", "length", "--pairwise",
                       f"llm:base_url={server.base_url},model=pairwise", "--bootstrap", "100",
                       "--cache", str(base / "c.sqlite"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_markdown_and_html_sections_are_escaped(judged_run: Path) -> None:
    md = (judged_run / "report.md").read_text("utf-8")
    assert "## Pairwise preference" in md and "| 1 | three |" in md
    assert XSS_NAME not in md and "\\<img src=x onerror=window.\\_\\_xss=1\\>" in md
    html = (judged_run / "report.html").read_text("utf-8")
    assert 'id="pairwise"' in html and XSS_NAME not in html and XSS_TEXT not in html
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in html


def test_chromium_shows_the_pairwise_section(browser: DevTools, judged_run: Path) -> None:  # noqa: F811
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    browser.call("Page.navigate", url=(judged_run / "report.html").resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    dom: dict[str, Any] = browser.evaluate("""(() => {
        const s = document.getElementById('pairwise');
        const texts = (q) => [...s.querySelectorAll(q)].map(c => c.textContent);
        s.querySelectorAll('details').forEach(d => d.open = true);
        s.scrollIntoView();
        const r = s.getBoundingClientRect();
        return {
            xss: typeof window.__xss,
            scripts: document.scripts.length,
            ownScripts: s.querySelectorAll('script').length,
            ranking: texts('table.ranking tbody tr td:nth-child(2)'),
            cells: texts('table.winmatrix td[style]'),
            colours: [...s.querySelectorAll('table.winmatrix td[style]')].map(
                c => getComputedStyle(c).backgroundColor),
            bias: s.querySelector('table.bias').textContent,
            documents: s.querySelectorAll('details.pairwise-doc').length,
            sides: s.querySelectorAll('.sbs > div').length,
            text: s.textContent,
            svg: s.querySelectorAll('figure.chart svg').length,
            top: r.top + window.scrollY, width: r.width, height: r.height,
        };
    })()""")
    assert _errors(browser.events) == []
    assert dom["xss"] == "undefined" and dom["ownScripts"] == 0
    assert dom["scripts"] == 2  # the report's only scripts: the viewer's data block and its script
    assert dom["ranking"] == ["three", "two", XSS_NAME]  # escaped, shown as text, in strength order
    assert len(dom["cells"]) == 6 and all(any(ch.isdigit() for ch in c) for c in dom["cells"])
    assert len(set(dom["colours"])) >= 2  # wins and draws in different colours
    assert "position" in dom["bias"] and "83.3" in dom["bias"]
    assert dom["documents"] == 5 and dom["sides"] == 2 * 3 * 5 and dom["svg"] == 1
    assert XSS_TEXT in dom["text"] and "shown first" in dom["text"]
    clip = {"x": 0, "y": dom["top"], "width": dom["width"], "height": min(dom["height"], 1800), "scale": 1}
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
    png = judged_run / "pairwise.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    pixels = imread(png)
    assert pixels.shape[0] > 100 and float(np.std(pixels)) > 0.01  # a drawn section, not a blank page
