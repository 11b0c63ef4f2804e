"""Hardening, seen from outside: cache rows, output sets, orphaned workers, plugins, raw pages.

Each test runs the CLI on real files, as a user or CI job would: in this process where a
process of its own adds nothing, as a subprocess where the process is what is tested.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from benchmark.inputs.ingest import clean_article
from tests.conftest import BUNDLED, ROOT, run_cli, run_cli_subprocess, write_jsonl

QUICK = ("-s", "lead", "-m", "rouge", "--limit", "3", "--bootstrap", "50")


def _scores(out: Path) -> int:
    return len(json.loads((out / "results.json").read_text(encoding="utf-8"))["scores"])


@pytest.mark.parametrize("tampered", ["{}", "not json", '{"rouge1_f": "x"}'])
def test_tampered_cache_rows_are_recomputed_not_dropped(tampered: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    args = ("run", "--dataset", str(BUNDLED), *QUICK, "--cache", str(cache))
    first = run_cli(*args, "-o", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(cache) as db:
        db.execute('UPDATE scores SET "values" = ?', (tampered,))
    second = run_cli(*args, "-o", str(tmp_path / "b"))
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr[-2000:]
    assert _scores(tmp_path / "b") == _scores(tmp_path / "a") == 3 * 12
    assert "recomputed" in second.stderr


def test_outputs_are_one_set_and_stale_temporaries_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".results.json.k2j3h4.tmp").write_text("half a file")
    (out / ".sumbench-staging-999999999-abc").mkdir()
    (out / ".sumbench-staging-999999999-abc" / "results.json").write_text("{}")
    proc = run_cli("run", "--dataset", str(BUNDLED), *QUICK, "--no-cache", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["report.html", "report.md", "results.json", "scores.csv"]
    run_id = json.loads((out / "results.json").read_text())["metadata"]["run_id"]
    assert run_id in (out / "report.md").read_text() and run_id in (out / "report.html").read_text()


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
def test_pool_workers_exit_when_the_run_is_killed(tmp_path: Path) -> None:
    base = [json.loads(line) for line in BUNDLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [
        {**r, "id": f"{r['id']}-{i}", "text": r["text"] + f" Copy {i}."} for i in range(40) for r in base
    ]
    data = write_jsonl(tmp_path / "many.jsonl", records)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmark", "run", "--dataset", str(data), "-s", "textrank", "-m", "rouge",
         "--workers", "2", "--batch-size", "2", "--no-cache", "-o", str(tmp_path / "out")],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the pool never started"
        time.sleep(1.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if _alive(w)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_command_answering_an_id_twice_is_a_recorded_failure(tmp_path: Path) -> None:
    script = tmp_path / "twice.py"
    script.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    doc = json.loads(line)\n"
        "    for n in (1, 2):\n"
        "        print(json.dumps({'id': doc['id'], 'summary': f'answer {n}'}), flush=True)\n"
    )
    spec = f"command:cmd={sys.executable} {script},name=twice"
    proc = run_cli(
        "run", "--dataset", str(BUNDLED), "-s", spec, "-m", "rouge", "--limit", "2", "--no-cache",
        "--bootstrap", "0", "-o", str(tmp_path / "out"),
    )  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    rows = json.loads((tmp_path / "out" / "results.json").read_text())["summaries"]
    assert len(rows) == 2 and all(r["summary"] is None and "twice" in r["error"] for r in rows)


PLUGIN = """
from dataclasses import dataclass
from typing import ClassVar
from benchmark import SummarizerBase

@dataclass(frozen=True)
class P(SummarizerBase):
    name: ClassVar[str] = "{name}"
    def summarize_one(self, doc):
        return doc.text.split(". ")[0]
"""


def _long_dir(base: Path, length: int = 200) -> Path:
    """A directory under ``base`` whose path is at least ``length`` characters long."""
    path = base / ("long-" + "x" * max(1, length - len(str(base)) - 6))
    path.mkdir(parents=True)
    assert len(str(path)) >= length
    return path


def _lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


def test_config_plugins_resolve_against_the_config_file(tmp_path: Path) -> None:
    cfg = _long_dir(tmp_path) / "cfg"  # a long path: the message must not break wherever it falls
    cfg.mkdir()
    (cfg / "p.py").write_text(PLUGIN.format(name="from_cfg"))
    (tmp_path / "p.py").write_text(PLUGIN.format(name="from_cwd"))
    (cfg / "sumbench.toml").write_text(
        f'plugins = ["p.py"]\nsummarizer = ["from_cfg"]\nmetric = ["rouge"]\ndataset = "{BUNDLED}"\n'
        'limit = 2\nbootstrap = 0\nno-cache = true\noutput = "out"\n'
    )
    proc = run_cli("run", "-c", str(cfg / "sumbench.toml"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _lines_with(proc.stderr, f"loaded plugin {cfg / 'p.py'}: from_cfg"), proc.stderr
    assert (cfg / "out" / "results.json").is_file()


@pytest.mark.parametrize("runner", [run_cli, run_cli_subprocess], ids=["in-process", "subprocess"])
def test_messages_naming_a_long_path_stay_on_one_line(tmp_path: Path, runner: Any) -> None:
    """Logs are read with grep: no message that names a path or a value wraps at 80 columns
    (stdout and stderr are not terminals here, so rich would use 80)."""
    base = _long_dir(tmp_path)
    plugin = base / "p.py"
    plugin.write_text(PLUGIN.format(name="from_long"))
    articles = [json.loads(line) for line in BUNDLED.read_text(encoding="utf-8").splitlines()[:2]]
    records = [{"id": a["id"], "text": a["text"]} for a in articles]
    no_refs = write_jsonl(base / "articles-only.jsonl", records)
    out = base / "out"
    proc = runner(
        "run", "-d", str(no_refs), "-p", str(plugin), "-s", "from_long", "-m", "length",
        "--fail-under", "from_long:length_words=100000", "--bootstrap", "0", "--no-cache", "-o", str(out),
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-2000:]  # the gate fails
    assert _lines_with(proc.stderr, f"loaded plugin {plugin}: from_long"), proc.stderr  # a note
    assert _lines_with(proc.stdout, f"wrote json {out / 'results.json'}"), proc.stdout
    assert _lines_with(proc.stdout, f"wrote html {out / 'report.html'}"), proc.stdout
    gate = [line for line in proc.stderr.splitlines() if "from_long" in line and "100000" in line]
    assert gate, proc.stderr
    missing = base / "missing.jsonl"
    error = runner("run", "-d", str(missing), "-s", "lead", "-m", "rouge", "-o", str(out))
    assert error.returncode == 2 and _lines_with(error.stderr, str(missing)), error.stderr
    usage = runner("run", "-d", str(no_refs), "-c", str(base / "none.toml"))
    assert usage.returncode == 2 and _lines_with(usage.stderr, str(base / "none.toml")), usage.stderr
    report = runner("report", str(out), "--format", "md", "-o", str(base / "again"))
    assert report.returncode == 0 and _lines_with(report.stdout, f"wrote md   {base / 'again' / 'report.md'}")


def test_module_plugin_imports_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "team_model.py").write_text(PLUGIN.format(name="team").replace("class P", "class MyModel"))
    env = {"PYTHONPATH": str(ROOT)}  # the project only, not "."
    proc = run_cli("list", "-p", "team_model:MyModel", cwd=tmp_path, env=env)
    assert proc.returncode == 0 and "team" in proc.stdout, proc.stderr[-2000:]


def test_dataset_build_globs_sidecars_and_page_chrome(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a[1].html").write_text("<p>Bracketed page text. It has two sentences.</p>")
    (pages / "a1.html").write_text("<p>Plain page text. It has two sentences.</p>")
    (pages / "a1.ref.txt").write_text("Plain page.")
    both = (str(pages / "a[1].html"), str(pages / "a1.html"))
    alone = run_cli("dataset", "build", *both, "-o", str(tmp_path / "x.jsonl"))
    assert alone.returncode == 0 and "with reference summaries: 1 of 2" in alone.stdout, alone.stderr
    built = {d["id"]: d for d in map(json.loads, (tmp_path / "x.jsonl").read_text().splitlines())}
    assert "references" not in built["a[1]"]  # a1's sidecar is not taken for a[1]
    (pages / "a[1].ref.txt").write_text("Bracketed page.")
    (pages / "s.txt").write_text(
        "Harbour Plans Approved\n\nBy Jane Doe, Staff Reporter\n\n"
        "Share this article: Facebook Twitter Email\n\n"
        "The council approved the harbour plan on Tuesday. The vote was close.\n\n"
        "Read more: Next article: Storm closes bridge\nStorm closes bridge\n"
    )
    (pages / "s.ref.txt").write_text("The council approved the plan.")
    (pages / "s.ref1.txt").write_text("Harbour plan approved.")
    (pages / "h.html").write_text(
        "<html><header><div>Share this article: Facebook Twitter Email</div><h1>Bridge Reopens</h1>"
        "</header><p>By John Roe</p><p>The bridge reopened on Monday. Traffic was light.</p></html>"
    )
    (pages / "h.ref.txt").write_text("The bridge reopened.")
    files = [str(p) for p in sorted(pages.glob("*.txt"))] + [str(pages / "a[1].html"), str(pages / "h.html")]
    out = tmp_path / "set.jsonl"
    proc = run_cli("dataset", "build", *files, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    docs = {d["id"]: d for d in map(json.loads, out.read_text().splitlines())}
    assert sorted(docs) == ["a[1]", "h", "s"]  # no sidecar taken as an article
    assert docs["a[1]"]["references"] == ["Bracketed page."]
    assert docs["s"]["title"] == "Harbour Plans Approved" and len(docs["s"]["references"]) == 2
    assert docs["s"]["text"] == "The council approved the harbour plan on Tuesday. The vote was close."
    assert docs["h"]["title"] == "Bridge Reopens"
    assert docs["h"]["text"] == "The bridge reopened on Monday. Traffic was light."


def test_dataset_build_a_bracketed_page_alone(tmp_path: Path) -> None:
    """``b[1].html`` as the only argument, typed as a user types it: its own sidecar is found, and
    ``b1.html`` (what ``b[1]`` matches as a glob) is not taken instead."""
    (tmp_path / "b[1].html").write_text("<p>Bracketed page text. It has two sentences.</p>")
    (tmp_path / "b[1].ref.txt").write_text("Bracketed page.")
    (tmp_path / "b1.html").write_text("<p>Another page. Not on the command line.</p>")
    (tmp_path / "b1.ref.txt").write_text("Another page.")
    proc = run_cli("dataset", "build", "b[1].html", "-o", "set.jsonl", cwd=tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    docs = [json.loads(line) for line in (tmp_path / "set.jsonl").read_text().splitlines()]
    assert [(d["id"], d["references"]) for d in docs] == [("b[1]", ["Bracketed page."])]


@pytest.mark.parametrize("unit", [" *a", " _a", "**a", "[a", "![a](", "[citation:", "\n> ", "*a* ", "\n\n  "])
def test_markdown_cleaning_is_linear(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    start = time.process_time()
    clean_article(text, ".md")
    assert time.process_time() - start < 1.0


def test_report_pdf_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("run", "--dataset", str(BUNDLED), *QUICK, "--no-cache", "-o", str(out))
    assert run.returncode == 0, run.stderr
    pdf = run_cli("report", str(out), "--format", "pdf", env={"SUMBENCH_CHROMIUM": "no-such-browser"})
    assert pdf.returncode == 2 and "needs Chromium" in pdf.stderr and "Traceback" not in pdf.stderr
    if not any(Path(d, "chromium").is_file() for d in os.environ.get("PATH", "").split(os.pathsep)):
        pytest.skip("chromium not installed")
    pdf = run_cli("report", str(out), "--format", "pdf")
    assert pdf.returncode == 0, pdf.stderr
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")


def test_narrow_terminal_leaderboard_is_legible(tmp_path: Path) -> None:
    long_name = "transformer-distilled-large"
    proc = run_cli(
        "run", "--dataset", str(BUNDLED), "-s", f"lead:name={long_name}", "-s", "lead:k=1",
        "-m", "rouge", "--limit", "4", "--bootstrap", "100", "--no-cache", "-o", str(tmp_path / "o"),
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout
    assert "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines() if "│" in line)
    first_cells = "".join(line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│"))
    assert long_name in first_cells  # folded over two lines, not cut
    assert "metric:rouge|version:" in table.replace("\n", "")  # the signature under the table


def test_report_shows_and_merges_runs(tmp_path: Path) -> None:
    for name, spec in (("a", "lead"), ("b", "lead:k=1")):
        proc = run_cli("run", "--dataset", str(BUNDLED), "-s", spec, "-m", "rouge", "--limit", "4",
                       "--bootstrap", "50", "--no-cache", "-o", str(tmp_path / name))  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    alone = run_cli("report", str(tmp_path / "a"), str(tmp_path / "b"))
    assert alone.returncode == 2 and "--output" in alone.stderr and "Traceback" not in alone.stderr
    merged = run_cli("report", str(tmp_path / "a"), str(tmp_path / "b"), "--show", "-o", str(tmp_path / "ab"))
    assert merged.returncode == 0, merged.stderr
    assert "lead:k=1" in merged.stdout and "metric:rouge|" in merged.stdout.replace("\n", "")
    systems = json.loads((tmp_path / "ab" / "results.json").read_text())["metadata"]["systems"]
    assert [s["name"] for s in systems] == ["lead", "lead:k=1"]
    report = (tmp_path / "ab" / "report.md").read_text().replace("\\:", ":")
    assert "| lead:k=1 |" in report


class _Recorder:
    def __init__(self) -> None:
        self.steps: dict[str, list[int]] = {}

    def start(self, task: str, total: int) -> None:
        self.steps[task] = []

    def advance(self, task: str, amount: int = 1) -> None:
        if amount:
            self.steps[task].append(amount)

    def finish(self, task: str) -> None:
        pass

    def note(self, message: str) -> None:
        pass


def test_progress_advances_per_document_inside_a_batch(tmp_path: Path) -> None:
    from benchmark.pipeline.config import RunConfig
    from benchmark.pipeline.engine import run

    plugin = tmp_path / "each.py"
    plugin.write_text(PLUGIN.format(name="each"))
    recorder = _Recorder()
    config = RunConfig(
        dataset=str(BUNDLED), summarizers=("each",), metrics=("rouge",), plugins=(str(plugin),),
        limit=4, batch_size=16, use_cache=False, bootstrap=0,
    )  # fmt: skip
    run(config, progress=recorder)
    assert recorder.steps["summarize each"] == [1, 1, 1, 1]  # one batch, four steps


PACED = PLUGIN.format(name="opening") + """
import time
from benchmark import MetricBase
from benchmark.core.progress import document_done

@dataclass(frozen=True)
class Paced(MetricBase):
    name: ClassVar[str] = "paced"
    headline: ClassVar[tuple[str, ...]] = ("paced",)
    scored: ClassVar[list[str]] = []  # every candidate scored so far, in this process
    seconds: float = 0.0
    def score(self, *, candidates, documents):
        out = []
        for candidate in candidates:
            time.sleep(self.seconds)
            out.append(float(len(candidate)))
            type(self).scored.append(candidate)
            document_done()  # one candidate scored
        return {"paced": out}
"""


class _ScoredSoFar(_Recorder):
    """Records, at each step of a ``paced`` bar, how many candidates the metric had scored."""

    def advance(self, task: str, amount: int = 1) -> None:
        from benchmark.components.build import METRICS

        if amount:
            self.steps[task].append(len(METRICS.get("paced").scored) if task.startswith("paced") else amount)


def test_metric_progress_advances_per_candidate_inside_a_batch(tmp_path: Path) -> None:
    from benchmark.pipeline.config import RunConfig
    from benchmark.pipeline.engine import run

    plugin = tmp_path / "paced.py"
    plugin.write_text(PACED)
    recorder = _ScoredSoFar()
    config = RunConfig(
        dataset=str(BUNDLED), summarizers=("opening", "lead"), metrics=("paced",), plugins=(str(plugin),),
        limit=4, batch_size=16, use_cache=False, bootstrap=0,
    )  # fmt: skip
    run(config, progress=recorder)
    # one batch of 8 candidates; each step taken as its candidate was scored, not all at the end
    assert recorder.steps["paced opening"] + recorder.steps["paced lead"] == [1, 2, 3, 4, 5, 6, 7, 8]


def _report_done(folder: str) -> int:
    from benchmark.core.progress import document_done

    document_done()
    return os.getpid()


def test_pool_workers_never_call_the_parents_progress(tmp_path: Path) -> None:
    """A forked worker inherits the listener's context variable; calling it there would touch a
    copy of the parent's progress bar (whose lock may have been held at the fork)."""
    from benchmark.core.progress import listening
    from benchmark.pipeline.executors import LocalExecutor

    def mark(count: int) -> None:
        (tmp_path / f"called-in-{os.getpid()}").touch()

    with LocalExecutor(2) as executor, listening(mark):
        pids = {pid for _, pid in executor.imap(_report_done, [(str(tmp_path),)] * 4, parallel=True)}
        _report_done(str(tmp_path))  # in this process the listener is called
    assert pids and os.getpid() not in pids
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"called-in-{os.getpid()}"]


def test_rich_bar_of_a_slow_metric_moves_per_document_with_an_eta(tmp_path: Path) -> None:
    (tmp_path / "paced.py").write_text(PACED)
    terminal = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "120"}  # read when rich starts
    proc = run_cli_subprocess(
        "run", "--dataset", str(BUNDLED), "--plugin", "paced.py", "-s", "opening", "-m", "paced:seconds=0.3",
        "--limit", "8", "--no-cache", "--bootstrap", "0", "--format", "json", "-o", "out",
        cwd=tmp_path, env=terminal,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    frames = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", proc.stderr)  # the bar as redrawn, without styling
    bar = re.findall(r"paced opening\s.*?(\d+)/8 .*?eta\s+(\S+)", frames)
    assert {int(done) for done, _ in bar} & set(range(1, 8)), bar  # it moved inside the one batch
    assert {eta for _, eta in bar} - {"-:--:--", "0:00:00"}, bar  # and showed a time left
