"""Untrusted text is inert everywhere: terminal, report.md, report.html (opened in Chromium).

One run whose article, reference, title, document id, summary, system name and dataset name
hold script tags, Jinja, Markdown, rich markup, mathtext, emoji codes and terminal escapes.
Every string must come out as the same text, never as markup, a link, an element or a
control sequence.
"""

from __future__ import annotations

import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.conftest import run_cli, write_jsonl
from tests.reports.test_html import DevTools, _errors, browser  # noqa: F401  (fixture)

ESC = "\x1b"
SCRIPT = "<script>window.__xss=1</script>"
IMG = "<img src=x onerror=window.__img=1>"
OSC8 = f"{ESC}]8;;http://evil.example{ESC}\\click{ESC}]8;;{ESC}\\"
HOSTILE = (
    f"{SCRIPT} {IMG} {{{{ 7*7 }}}} {{% raw %}} **bold** [link](http://evil.example) "
    f"[red]rich[/red] [/] $\\foo$ :smile: `tick` {ESC}[31mred{ESC}[0m {OSC8} @someone #1"
)
SYSTEM = f"<b>[/]$\\foo$:smile:{{{{7*7}}}}{ESC}[2J"
DOC_ID = "doc`<b>id</b>`"
DATASET = "ds<img src=x onerror=alert(1)>[red]$\\alpha$:smile:{{7*7}}"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("hostile")
    records = [
        {
            "id": DOC_ID if i == 0 else f"d{i}",
            "title": f"Title {HOSTILE}",
            "text": f"{HOSTILE} opens story {i}. The harbour had {i} boats today. Weather was calm. End {i}.",
            "references": [f"Reference {HOSTILE} about {i} boats."],
        }
        for i in range(3)
    ]
    for record in records:  # ROUGE's ASCII tokenizer drops it: a warning naming the systems
        record["text"] = "Пример текста на русском языке для проверки токенизатора. " + record["text"]
    data = write_jsonl(tmp / f"{DATASET}.jsonl", records)
    failing = tmp / "fail.py"
    failing.write_text(f"import sys\nsys.stdin.read()\nsys.stderr.write({HOSTILE!r})\nsys.exit(3)\n")
    out = tmp / "out"
    proc = run_cli(
        "run", "--dataset", str(data), "-s", f"lead:k=1,name={SYSTEM}", "-s", "lead:k=2,name=[link=http://evil.example]click[/link]",
        "-s", f"command:cmd={sys.executable} {failing},name=fails {SYSTEM}",
        "-m", "rouge", "--no-cache", "--bootstrap", "50", "-o", str(out), cwd=tmp,
    )  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return out, proc.stdout + proc.stderr


def test_terminal_shows_text_not_escapes(hostile_run: tuple[Path, str], tmp_path: Path) -> None:
    out, output = hostile_run
    assert ESC not in output  # escapes shown as \x1b, never sent
    assert "\\x1b[2J" in output.replace("\n", "")
    assert "😄" not in output and ":smile:" in output
    flat = output.replace("\n", "").replace("│", "").replace(" ", "")
    assert "[link=http://evil.example]click[/link]" in flat
    # a forced-colour terminal: rich styles, but no hyperlink or clear-screen from the names
    colour = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}
    forced = run_cli("compare", str(out), str(out), env=colour, cwd=tmp_path)
    assert forced.returncode == 0 and "Traceback" not in forced.stderr, forced.stderr[-2000:]
    assert f"{ESC}]8;" not in forced.stdout and f"{ESC}[2J" not in forced.stdout
    article = tmp_path / "a.txt"
    article.write_text(f"Breaking {OSC8} news {ESC}[2J today. Second sentence here.\n", encoding="utf-8")
    summary = run_cli("summarize", str(article), "-s", "lead:k=1", cwd=tmp_path)
    assert summary.returncode == 0 and ESC not in summary.stdout and "\\x1b[2J" in summary.stdout


def test_markdown_report_is_inert(hostile_run: tuple[Path, str]) -> None:
    out, _ = hostile_run
    text = (out / "report.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for bad in ("<script", "<img", "<b>", 'href="http://evil.example"', "<strong>bold</strong> ", "<em>"):
        assert bad not in html, bad
    assert "**bold** [link](http://evil.example) [red]rich[/red]" in html
    assert ESC not in text
    assert "### Failed summaries" in text and "### Warnings" in text  # stderr and labels, escaped
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    rendered = MarkdownIt("commonmark").renderInline(heading[2:])
    assert "ds&lt;img src=x onerror=alert(1)&gt;[red]$\\alpha$:smile:{{7*7}}" in rendered
    example = next(line for line in text.splitlines() if line.startswith("## Example"))
    assert MarkdownIt("commonmark").renderInline(example[3:]) == "Example: doc`&lt;b&gt;id&lt;/b&gt;`"


def test_html_report_is_inert_in_chromium(hostile_run: tuple[Path, str], browser: DevTools) -> None:  # noqa: F811
    out, _ = hostile_run
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    browser.call("Page.navigate", url=(out / "report.html").resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    dom = browser.evaluate("""({
        scripts: document.scripts.length,
        injected: document.querySelectorAll(
            'img, iframe, object, embed, a[href*="evil"]:not([href^="#"]), b > b').length,
        links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
        flags: [typeof window.__xss, typeof window.__img, typeof window.__ds],
        text: document.body.innerText,
        title: document.title
    })""")
    assert _errors(browser.events) == []
    assert dom["scripts"] == 2 and dom["injected"] == 0  # the viewer's data block and its script
    assert dom["links"] and all(link.startswith("#") for link in dom["links"])  # viewer views, names encoded
    assert dom["flags"] == ["undefined", "undefined", "undefined"]
    text = dom["text"]
    for shown in (SCRIPT, IMG, "{{ 7*7 }}", "[red]rich[/red]", "$\\foo$", ":smile:", "**bold**", DOC_ID):
        assert shown in text, shown
    assert "<b>[/]$\\foo$:smile:{{7*7}}" in text  # the system name, whole
    assert dom["title"] == f"sumbench report: {DATASET}"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["metadata"]["systems"][0]["name"] == SYSTEM  # data kept exactly; only display escapes


# report.md lines that carry untrusted text: a failed summary's reason (the program's stderr)
# and a warning that names the systems. Each must stay one inert line of text.
STDERR = (
    "`tick` ``two`` <script>window.__md=1</script> [link](http://evil.example) | pipe | cell\n"
    "# Injected heading\n## Second heading\n> quote\n---\n```\nfence\n| a | b |\n|---|---|\n"
)
LABEL = "sys `a` **star** <script>x</script> [l](http://evil.example) | p # h"


class _Tables(HTMLParser):
    """Tables of rendered HTML: rows of ``(cell text, tags inside the cell)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, set[str]]]] = []
        self._cell: list[str] | None = None
        self._tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell, self._tags = [], set()
        elif self._cell is not None:
            self._tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(("".join(self._cell), self._tags))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def failing_md(tmp_path_factory: pytest.TempPathFactory) -> str:
    """report.md of a one-document run: lead, and a command that fails on it with STDERR."""
    tmp = tmp_path_factory.mktemp("failing")
    text = "Пример текста на русском языке. The harbour had boats today. Weather was calm."
    data = write_jsonl(tmp / "one.jsonl", [{"id": "d0", "text": text, "references": ["Boats."]}])
    program = tmp / "fail.py"
    program.write_text(f"import sys\nsys.stdin.read()\nsys.stderr.write({STDERR!r})\nsys.exit(3)\n")
    proc = run_cli(
        "run", "--dataset", str(data), "-s", f"lead:k=1,name={LABEL}",
        "-s", f"command:cmd={sys.executable} {program},name=cmd {LABEL}",
        "-m", "rouge", "--no-cache", "--bootstrap", "20", "--format", "md", "-o", str(tmp / "out"), cwd=tmp,
    )  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return (tmp / "out" / "report.md").read_text(encoding="utf-8")


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_failed_summary_line_in_markdown_is_inert(failing_md: str) -> None:
    reason = f"exited with code 3: {_flat(STDERR)}"
    line = next(line for line in failing_md.splitlines() if "(failed: " in line)
    rendered = MarkdownIt("commonmark", {"html": True}).renderInline(line)
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) == {"strong"}  # the name in bold, nothing else
    assert html.unescape(re.sub(r"</?strong>", "", rendered)) == f"cmd {LABEL}: (failed: {reason})"
    table = _Tables()
    table.feed(_render(failing_md))
    row = next(r for r in table.rows if r and r[0][0] == f"cmd {LABEL}" and len(r) == 3 and r[1][0] == "d0")
    assert row[2] == (reason, set())  # one cell, the whole reason as text: no pipe split it
    headings = re.findall(r"<h[1-6]>(.*?)</h[1-6]>", _render(failing_md))
    assert not [h for h in headings if "Injected" in h or "Second heading" in h], headings


def test_warning_line_with_a_system_label_is_inert(failing_md: str) -> None:
    line = next(line for line in failing_md.splitlines() if line.startswith("- rouge ("))
    rendered = MarkdownIt("commonmark", {"html": True}).render(line)
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) == {"ul", "li"}, rendered
    assert html.unescape(re.sub(r"</?(ul|li)>", "", rendered)).strip().startswith(f"rouge ({LABEL}): rouge: ")
