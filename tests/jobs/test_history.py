"""`sumbench history` and its job: runs listed over time, a column's trend per comparable series.

Four real runs made with the CLI, in this order: ROUGE with a failing gate, ROUGE without the
stemmer (another signature) and a hostile system name, ROUGE on another reference set, and
ROUGE with a passing gate (the latest). Their folders sort against their dates, so the order
shown must come from ``created``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmark.cli.app import run_app
from benchmark.core.errors import InputError
from benchmark.jobs.history import history_job
from benchmark.results.table import load_results
from benchmark.stats.analysis import analyze_run
from tests.conftest import run_cli, write_jsonl
from tests.reports.test_html import DevTools, _errors, browser  # noqa: F401  (fixture)

HOSTILE = "<img src=x onerror=alert(1)> $x^2$ [red]r[/red]"
RUNS = ("z-fail", "y-nostem", "nested/deeper/x-other", "w-pass")  # oldest first; names sort backwards


def _documents(prefix: str, n: int) -> list[dict[str, Any]]:
    """Articles whose lead sentences overlap their references by varying amounts, so CIs have width."""
    docs = []
    for i in range(n):
        words = ["harbour", "boats", "council", "ferry", "weather", "storm"][: 2 + i % 4]
        docs.append({
            "id": f"{prefix}{i}",
            "text": f"The {' and '.join(words)} story number {i} opens here. "
                    f"A second sentence adds {i} facts. "
                    f"The third sentence is about something else entirely. The last one closes story {i}.",
            "references": [f"Story {i} is about the {' '.join(words[: 1 + i % 3])} today."],
        })
    return docs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four runs under ``root/runs``, plus files that are not runs: a foreign JSON, a broken
    one, a binary one and a copy of a run inside a staging folder (never listed)."""
    root = tmp_path_factory.mktemp("history")
    main = write_jsonl(root / "news.jsonl", _documents("n", 6))
    other = write_jsonl(root / "other.jsonl", _documents("o", 4)[::-1])
    common = ["--bootstrap", "50", "--format", "json", "--cache", str(root / "cache.sqlite")]
    pair = ["-s", "lead", "-s", "lead:k=1,name=lead1"]
    specs = {
        "z-fail": [main, *pair, "-m", "rouge", "--fail-under", "rouge1_f=90"],
        "y-nostem": [main, "-s", "lead", "-s", f"lead:k=1,name={HOSTILE}", "-m", "rouge:stemmer=false"],
        "nested/deeper/x-other": [other, *pair, "-m", "rouge"],
        "w-pass": [main, *pair, "-m", "rouge", "--fail-under", "rouge1_f=10"],
    }
    out = {}
    for name, (dataset, *args) in specs.items():
        out[name] = root / "runs" / name
        proc = run_cli("run", "-d", str(dataset), *args, *common, "-o", str(out[name]))
        assert proc.returncode == (1 if name == "z-fail" else 0), proc.stderr[-2000:]
    junk = root / "runs" / "junk"
    for sub, data in (("foreign", b'{"a": 1}'), ("broken", b'{"schema": '), ("binary", b"\xff\xfe\x00x")):
        (junk / sub).mkdir(parents=True)
        (junk / sub / "results.json").write_bytes(data)
    staging = out["w-pass"] / ".sumbench-staging-1-x"
    staging.mkdir()
    shutil.copy(out["w-pass"] / "results.json", staging / "results.json")
    out["root"] = root / "runs"
    return out


def _ids(runs: dict[str, Path]) -> list[str]:
    return [json.loads((runs[n] / "results.json").read_text())["metadata"]["run_id"] for n in RUNS]


# --- the job ---------------------------------------------------------------------------------


def test_runs_are_listed_oldest_first_with_their_gates(runs: dict[str, Path]) -> None:
    outcome = history_job([runs["root"]])
    assert [r.run_id for r in outcome.runs] == _ids(runs)
    assert [r.gates for r in outcome.runs] == ["failed: 2 of 2 checks", "no gates", "no gates", "passed"]
    assert [r.dataset for r in outcome.runs] == ["news", "news", "other", "news"]
    assert outcome.runs[1].systems == ("lead", HOSTILE)
    first = load_results(runs["z-fail"])
    assert outcome.runs[0].means["lead"]["rouge1_f"] == pytest.approx(first.means().at["lead", "rouge1_f"])
    assert len(outcome.warnings) == 3 and outcome.trend is None
    reasons = {"foreign": "not a sumbench results file", "broken": "not valid JSON", "binary": "cannot read"}
    for sub, why in reasons.items():
        (line,) = [w for w in outcome.warnings if f"{sub}/results.json" in w]
        assert why in line and "\n" not in line


def test_series_split_by_dataset_and_signature(runs: dict[str, Path]) -> None:
    trend = history_job([runs["root"]], column="rouge1_f").trend
    assert trend is not None
    assert [(s.number, s.dataset, s.runs, s.latest) for s in trend.series] == [
        (1, "news", (1, 4), True), (2, "news", (2,), False), (3, "other", (3,), False)
    ]
    marks = {r.index: r.reasons for r in trend.runs}
    assert marks[1] == () and marks[4] == () and [r.latest for r in trend.runs] == [False, False, False, True]
    (signature,) = marks[2]
    assert signature.startswith("other signature") and "stem:none" in signature and "stem:porter" in signature
    (dataset,) = marks[3]
    assert dataset.startswith("other dataset: other")
    assert trend.systems == ("lead", "lead1", HOSTILE)


def test_points_are_each_runs_own_seeded_cis(runs: dict[str, Path]) -> None:
    """The trend shows the numbers each run's report shows: its mean and CI under its seed."""
    trend = history_job([runs["root"]], column="rouge1_f").trend
    assert trend is not None
    for run in trend.runs:
        results = load_results(run.run.path)
        analysis = analyze_run(results)
        assert analysis is not None and run.resamples == 50
        for system, point in run.points.items():
            ci = analysis.ci(system, "rouge1_f")
            assert ci is not None and (point.mean, point.low, point.high) == (ci.mean, ci.low, ci.high)
            assert point.mean == pytest.approx(results.wide("rouge1_f")[system].mean())
    widths = [p.high - p.low for r in trend.runs for p in r.points.values()]
    assert max(widths) > 0.01  # real intervals, not points


def test_a_backend_only_difference_stays_in_the_series(runs: dict[str, Path], tmp_path: Path) -> None:
    """numbers_signature ignores which implementation computed the numbers; the other fields count."""
    payload = json.loads((runs["w-pass"] / "results.json").read_text())
    meta = payload["metadata"]
    meta["created"], meta["run_id"] = "2999-01-01T00:00:00+00:00", "later-other-backend"
    rouge = meta["metrics"][0]
    rouge["signature"] = re.sub(r"backend:[^|]*", "backend:other-engine", rouge["signature"])
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "results.json").write_text(json.dumps(payload))
    trend = history_job([runs["root"], tmp_path], column="rouge1_f").trend
    assert trend is not None and trend.runs[-1].latest and trend.runs[-1].run.run_id == "later-other-backend"
    assert trend.series[0].runs == (1, 4, 5) and trend.runs[0].reasons == ()
    # a still later run without the column: listed, not drawn, and not "the latest" of the trend
    meta["created"], meta["run_id"] = "2999-02-01T00:00:00+00:00", "later-without-rouge1"
    payload["scores"] = [row for row in payload["scores"] if row["metric"] != "rouge1_f"]
    (tmp_path / "last").mkdir()
    (tmp_path / "last" / "results.json").write_text(json.dumps(payload))
    trend = history_job([runs["root"], tmp_path], column="rouge1_f").trend
    assert trend is not None
    assert [r.run.run_id for r in trend.runs if r.latest] == ["later-other-backend"]
    assert trend.runs[-1].series is None and trend.runs[-1].reasons == ("no rouge1_f",)
    assert trend.to_dict()["runs"][-1]["drawn"] is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"column": "nope"}, "column 'nope' is in none of the 4 runs"),
        ({"column": "rouge1_f", "system": "nobody"}, "unknown system 'nobody'"),
        ({"system": "lead"}, "--column is needed with --system"),
    ],
)
def test_input_errors(runs: dict[str, Path], kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        history_job([runs["root"]], **kwargs)  # type: ignore[arg-type]


# --- the command ------------------------------------------------------------------------------


def test_the_listing_in_the_terminal(runs: dict[str, Path]) -> None:
    proc = run_cli("history", str(runs["root"]), env={"COLUMNS": "200"})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    out = proc.stdout
    ids = _ids(runs)
    assert [out.index(i) for i in ids] == sorted(out.index(i) for i in ids)  # oldest first
    assert "failed: 2 of 2 checks" in out and "passed" in out and out.count("no gates") == 2
    assert "R-1 F" in out and HOSTILE in out  # the name as text: no markup, no colour
    fingerprints = [json.loads((runs[n] / "results.json").read_text())["metadata"]["dataset"] for n in RUNS]
    assert all(f"{d['name']}" in out and d["fingerprint"] in out for d in fingerprints)
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("warning: skipped")]
    assert len(skipped) == 3 and all("results.json" in line for line in skipped)


def test_usage_and_input_errors_exit_2(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One subprocess, as a user runs it; the other cases through the same entry point in-process."""
    proc = run_cli("history", str(tmp_path / "missing"), cwd=tmp_path)
    assert proc.returncode == 2 and "error: no such folder" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    cases = [
        ([str(tmp_path / "empty")], "no sumbench run (results.json) found"),
        ([str(runs["root"]), "--column", "nope"], "column 'nope' is in none"),
        ([str(runs["root"]), "--column", "rouge1_f", "--system", "nobody"], "unknown system 'nobody'"),
        ([str(runs["root"]), "--system", "lead"], "--column is needed with --system"),
        ([str(runs["root"]), "--column", "rouge1_f", "-o", str(tmp_path)], "is a directory"),
        ([], "Missing argument"),
    ]
    for args, message in cases:
        assert run_app(["history", *args]) == 2, args
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, err
    assert not (tmp_path / "history.html").exists()


@pytest.fixture(scope="module")
def trend_page(
    runs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """``sumbench history ROOT --column rouge1_f --json`` run in a fresh folder: history.html there."""
    cwd = tmp_path_factory.mktemp("trend")
    proc = run_cli("history", str(runs["root"]), "--column", "rouge1_f", "--json", "history.json", cwd=cwd)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "wrote html history.html" in proc.stdout and "series 1 (the latest run's)" in proc.stdout
    assert sorted(p.name for p in cwd.iterdir()) == ["history.html", "history.json"]
    return cwd / "history.html", json.loads((cwd / "history.json").read_text(encoding="utf-8"))


def test_the_trend_page_is_one_offline_file(trend_page: tuple[Path, dict[str, Any]]) -> None:
    html = trend_page[0].read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert "http://" not in html.replace("http://www.w3.org/", "")  # only SVG's namespaces
    for attr in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html):
        assert not attr.startswith(("http:", "https:", "//")), attr
    assert "default-src 'none'" in html and html.count("<svg") == 1


def test_one_series_per_comparable_group_and_incomparable_runs_marked(
    trend_page: tuple[Path, dict[str, Any]],
) -> None:
    html = trend_page[0].read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    titles = re.findall(r"series (\d): (\w+) \[", svg)
    assert titles == [("1", "news"), ("2", "news"), ("3", "other")]
    assert "stem:porter" in svg and "stem:none" in svg and "(the latest run's)" in svg
    rows = re.findall(r'<tr class="([a-z]*)"><td>(\d)</td>', html[html.index('<table class="runs">') :])
    assert rows == [("", "1"), ("incomparable", "2"), ("incomparable", "3"), ("latest", "4")]
    assert "not comparable: other signature (stem:none" in html
    assert "not comparable: other dataset: other [" in html
    trend = trend_page[1]["trend"]
    assert [len(s["lines"]) for s in trend["series"]] == [2, 2, 2]
    first = trend["series"][0]
    assert [p["run_id"] for p in first["lines"][0]["points"]] == [r["run_id"] for r in trend["runs"][::3]]
    assert [r["comparable"] for r in trend["runs"]] == [True, False, False, True]
    assert len(trend_page[1]["runs"]) == 4 and len(trend_page[1]["skipped"]) == 3


def test_hostile_names_are_text_in_the_page_and_the_chart(trend_page: tuple[Path, dict[str, Any]]) -> None:
    html = trend_page[0].read_text(encoding="utf-8")
    assert "<img" not in html and "onerror=alert(1)&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; $x^2$ [red]r[/red]" in html  # table header and legend
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "$x^2$" in svg  # a legend label drawn as text, not as mathtext
    assert trend_page[1]["trend"]["systems"] == ["lead", "lead1", HOSTILE]  # kept exactly in the JSON


def test_one_system_and_another_output(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "lead.html"
    monkeypatch.chdir(tmp_path)
    assert run_app(["history", str(runs["root"]), "-c", "rouge1_f", "-s", "lead", "-o", str(page)]) == 0
    assert f"wrote html {page}" in capsys.readouterr().out
    html = page.read_text(encoding="utf-8")
    header = html[html.index('<table class="runs">') :].split("</thead>")[0]
    assert "<th>lead</th>" in header and "lead1" not in header
    assert "sumbench history: rouge1_f of lead" in html and not (tmp_path / "history.html").exists()


def test_the_trend_page_renders_in_chromium(
    trend_page: tuple[Path, dict[str, Any]], browser: DevTools  # noqa: F811
) -> None:
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.call(domain)
    browser.call("Page.navigate", url=trend_page[0].resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    dom = browser.evaluate("""({
        scripts: document.scripts.length,
        injected: document.querySelectorAll('img, iframe, object, embed').length,
        xss: typeof window.__xss,
        rows: document.querySelectorAll('table.runs tbody tr').length,
        series: document.querySelectorAll('table.series tbody tr').length,
        chart: document.querySelector('figure.chart svg').getBoundingClientRect().height,
        text: document.body.innerText
    })""")
    assert _errors(browser.events) == []
    assert dom["scripts"] == 0 and dom["injected"] == 0
    assert dom["rows"] == 4 and dom["series"] == 3 and dom["chart"] > 200
    assert HOSTILE in dom["text"]
