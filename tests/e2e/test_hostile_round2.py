"""Hostile inputs, round 2: every case run as a user runs it, 0 tracebacks, the contract's exit code.

One table (``CASES``) that keeps growing: plugins that raise ``SystemExit`` or another
``BaseException`` wherever sumbench calls them (import, entry point, construction, prepare,
fingerprint, summarize, score; in this process, in pool workers), ids and names that a
spreadsheet would run, ids that look equal, names that LaTeX would read as commands, a hanging
``command`` program. Each case builds its files in a temporary directory and says the exit
code (0 pass, 1 a gate failed, 2 a usage or input error), the text it must print and, where it
matters, what the files it wrote must hold. Ctrl-C (130), SIGTERM (143) and Ray actors have
their own tests below; the first round's cases are in ``test_hostile_inputs.py``.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmark.core.spreadsheet import FORMULA_STARTS
from benchmark.results.table import load_results
from tests.conftest import BUNDLED, ROOT, run_cli, write_jsonl

QUICK = ("-m", "rouge", "--limit", "4", "--bootstrap", "20", "--no-cache")
VICTIM = "news-002"  # the document a raising component fails on

COMPONENTS = '''
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import MetricBase, SummarizerBase


class Odd(BaseException):
    """Not an Exception: what a careless library might raise."""


def blow(what):
    raise {"exit0": SystemExit(0), "exit1": SystemExit(1), "exitstr": SystemExit("bye"),
           "odd": Odd("odd"), "genexit": GeneratorExit(), "keyboard": KeyboardInterrupt()}[what]


@dataclass(frozen=True)
class Raiser(SummarizerBase):
    """The first sentence; raises ``what`` on document ``victim`` (or in the hook ``when``)."""

    name: ClassVar[str] = "raiser"
    parallel_safe: ClassVar[bool] = True
    when: str = "summarize"
    what: str = "exit0"
    victim: str = "news-002"

    def __post_init__(self):
        if self.when == "build":
            blow(self.what)

    def prepare(self, documents):
        if self.when == "prepare":
            blow(self.what)
        return None

    def fingerprint(self):
        if self.when == "fingerprint":
            blow(self.what)
        return super().fingerprint()

    @property
    def cache_summaries(self):  # a hook read as an attribute: outside every guard, main's net catches it
        if self.when == "cache_summaries":
            blow(self.what)
        return True

    @property
    def batch_documents(self):
        if self.when == "batch_documents":
            blow(self.what)
        return None

    def summarize_one(self, doc):
        if self.when == "summarize" and doc.id == self.victim:
            blow(self.what)
        return doc.text.split(". ")[0] + "."


@dataclass(frozen=True)
class RaisingMetric(MetricBase):
    """Summary length in characters / 1000; raises ``what`` on ``victim`` (or in ``when``)."""

    name: ClassVar[str] = "raising"
    headline: ClassVar[tuple[str, ...]] = ("chars",)
    needs_references: ClassVar[bool] = False
    parallel_safe: ClassVar[bool] = True
    when: str = "score"
    what: str = "exit0"
    victim: str = "news-002"

    def __post_init__(self):
        if self.when == "build":
            blow(self.what)

    def signature(self):
        if self.when == "signature":
            blow(self.what)
        return super().signature()

    def score(self, *, candidates, documents):
        if self.when == "score" and any(d.id == self.victim for d in documents):
            blow(self.what)
        return {"chars": [len(c) / 1000 for c in candidates]}
'''

IMPORT_EXITS = {
    "import_exit0.py": "raise SystemExit(0)\n",
    "import_exit1.py": "import sys\nsys.exit(1)\n",
    "import_argparse.py": "import argparse\nargparse.ArgumentParser().parse_args(['--bogus'])\n",
}


@dataclass
class Case:
    """What to run and what the contract says comes out."""

    args: list[str]
    code: int
    says: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[Path, subprocess.CompletedProcess[str]], None] | None = None


Setup = Callable[[Path], Case]


def _plugin(tmp: Path) -> Path:
    path = tmp / "raising.py"
    path.write_text(COMPONENTS, encoding="utf-8")
    return path


def _run(tmp: Path, *extra: str) -> list[str]:
    return ["run", "--dataset", str(BUNDLED), "--plugin", str(_plugin(tmp)), *QUICK, "-o", str(tmp / "out"),
            *extra]  # fmt: skip


def _results(tmp: Path) -> dict:
    return json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))


def _failed_on_victim(kind: str) -> Callable[[Path, subprocess.CompletedProcess[str]], None]:
    def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
        errors = {s["doc_id"]: s["error"] for s in _results(tmp)["summaries"] if s["error"]}
        assert list(errors) == [VICTIM], errors
        assert f"raised {kind} in summarize" in errors[VICTIM]
        assert (tmp / "out" / "report.md").is_file()  # the reports were written, the gate ran

    return check


def _summarize_raises(what: str, kind: str, *extra: str, gate: bool = True) -> Setup:
    def setup(tmp: Path) -> Case:
        spec = f"raiser:what={what},name=bad"
        fail = ["--fail-under", "rouge1_f=1"] if gate else []
        code, says = (1, ("FAIL bad",)) if gate else (0, ())
        args = _run(tmp, "-s", spec, "-s", "lead", *fail, *extra)
        return Case(args, code, says, check=_failed_on_victim(kind))

    return setup


def _hook_raises(kind: str, when: str, what: str, doing: str) -> Setup:
    def setup(tmp: Path) -> Case:
        plugin = _plugin(tmp)
        if kind == "summarizer":
            args = _run(tmp, "-s", f"raiser:when={when},what={what},name=raiser")
            name = "'raiser'"
        else:
            args = _run(tmp, "-s", "lead", "-m", f"raising:when={when},what={what}")
            name = "'raising'"
        return Case(args, 2, (f"{kind} {name} (plugin file {plugin}) raised", doing))

    return setup


def _escaped_every_guard(tmp: Path) -> Case:
    args = _run(tmp, "-s", "raiser:when=cache_summaries,what=exit0", "--fail-under", "rouge1_f=1")
    return Case(args, 3, ("internal error: SystemExit: 0",), env={"SUMBENCH_LOG_DIR": str(tmp / "logs")})


def _metric_raises(tmp: Path) -> Case:
    def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
        payload = _results(tmp)
        values = {s["doc_id"]: s["value"] for s in payload["scores"] if s["metric"] == "chars"}
        assert values[VICTIM] is None and all(v is not None for d, v in values.items() if d != VICTIM)
        (warning,) = [w for w in payload["metadata"]["warnings"] if "SystemExit" in w]
        assert "metric 'raising' raised SystemExit(0) in score" in warning and repr(VICTIM) in warning

    args = _run(tmp, "-s", "lead", "-m", "raising", "--workers", "2", "--fail-under", "chars=0")
    return Case(args, 1, ("FAIL lead: chars missing for 1 of 4 documents",), check=check)


def _import_exit(name: str, how: str = "flag") -> Setup:
    def setup(tmp: Path) -> Case:
        plugin = tmp / name
        plugin.write_text(IMPORT_EXITS[name], encoding="utf-8")
        code = {"import_exit0.py": 0, "import_exit1.py": 1}.get(name, 2)  # argparse exits 2
        says = f"plugin file {plugin} raised SystemExit({code}) at import"
        if how == "toml":
            config = tmp / "sumbench.toml"
            config.write_text(f'plugin = ["{name}"]\nsummarizer = ["lead"]\n', encoding="utf-8")
            return Case(["run", "-c", str(config), *QUICK, "-o", str(tmp / "out")], 2, (says,))
        if how == "list":
            return Case(["list", "--plugin", str(plugin)], 2, (says,))
        args = ["run", "--plugin", str(plugin), "-s", "lead", *QUICK, "-o", str(tmp / "out")]
        return Case(args, 2, (says,))

    return setup


def _module_plugin_exit(tmp: Path) -> Case:
    (tmp / "exiting_module.py").write_text("raise SystemExit(0)\n", encoding="utf-8")
    args = ["run", "--plugin", "exiting_module", "-s", "lead", *QUICK, "-o", str(tmp / "out")]
    return Case(args, 2, ("plugin module 'exiting_module' raised SystemExit(0) at import",))


def _entry_point_exit(tmp: Path) -> Case:
    site = tmp / "site"
    info = site / "exitpkg-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: exitpkg\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[sumbench.summarizers]\nexitsum = exitpkg:ExitSum\n")
    (site / "exitpkg.py").write_text("raise SystemExit(0)\n", encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    args = ["run", "--dataset", str(BUNDLED), "-s", "exitsum", *QUICK, "-o", str(tmp / "out")]
    says = "'exitsum' (entry point from exitpkg, exitpkg:ExitSum) raised SystemExit(0) at import"
    return Case(args, 2, (says,), env=env)


def _summarize_command(tmp: Path) -> Case:
    article = tmp / "article.txt"
    article.write_text("One sentence about the harbour. Another about the boats.\n", encoding="utf-8")
    spec = "raiser:what=exit0,victim=article"
    args = ["summarize", str(article), "--plugin", str(_plugin(tmp)), "-s", spec]
    return Case(args, 2, ("failed: summarizer 'raiser' raised SystemExit(0) in summarize",))


FORMULAS = ("=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\tTAB=1", "\r=CR")


def _formula_names(tmp: Path) -> Case:
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()[: len(FORMULAS) + 1]
    records = [json.loads(line) for line in lines]
    for record, doc_id in zip(records, [*FORMULAS, "-5"], strict=True):
        record["id"] = doc_id
    data = write_jsonl(tmp / "formulas.jsonl", records)
    systems = ['-HYPERLINK("http://x")', "=lead", "@lead", "+lead"]
    args = ["run", "--dataset", str(data), "-m", "rouge", "--no-cache", "--bootstrap", "20",
            "-o", str(tmp / "out")]  # fmt: skip
    for k, name in enumerate(systems, start=1):
        args += ["-s", f"lead:k={k},name={name}"]

    def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
        tables = sorted([*(tmp / "out").glob("*.csv"), *(tmp / "out").glob("*.tsv")])
        assert [t.name for t in tables] == ["scores.csv"]  # every CSV or TSV the run wrote is checked
        with tables[0].open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        cells = [cell for row in rows for cell in row]
        live = [c for c in cells if c.startswith(FORMULA_STARTS) and c != "-5"]
        assert not live, live
        written = {row[0] for row in rows[1:]} | {row[1] for row in rows[1:]}
        assert {"'" + f for f in FORMULAS} | {"'" + s for s in systems} <= written
        assert "-5" in written  # a plain number is left as it is
        raw = load_results(tmp / "out")  # results.json and load_results keep every value raw
        assert set(raw.summaries["doc_id"]) == {*FORMULAS, "-5"} and set(raw.systems) == set(systems)

    return Case(args, 0, (), check=check)


NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


def _lookalike_files(tmp: Path, reference_ids: list[str]) -> tuple[Path, Path]:
    texts = [("The café opened today. It serves coffee.", "A café opened."),
             ("The river rose overnight. Roads closed.", "The river rose."),
             ("Council met on Monday. It voted.", "Council voted.")]  # fmt: skip
    refs = write_jsonl(tmp / "refs.jsonl", [
        {"id": i, "text": t, "references": [r]} for i, (t, r) in zip(reference_ids, texts, strict=False)
    ])  # fmt: skip
    preds = write_jsonl(tmp / "preds.jsonl", [
        {"id": NFD, "summary": "A café opened today."}, {"id": "x", "summary": "The river rose overnight."},
    ])  # fmt: skip
    return refs, preds


def _lookalike_ids(normalize: bool) -> Setup:
    def setup(tmp: Path) -> Case:
        refs, preds = _lookalike_files(tmp, [NFC, "x "])
        if not normalize:
            return Case(["score", str(refs), str(preds), "--no-cache"], 2, (
                f"{preds}:1: id {NFD!r}; the reference set has {NFC!r}, which differs in Unicode "
                r"normalisation: decomposed (NFD) vs composed (NFC) ('cafe\u0301' vs 'caf\xe9'); "
                "pass --normalize-ids",
                f"{preds}:2: id 'x'; the reference set has 'x ', which differs in whitespace: "
                "no surrounding whitespace vs trailing ' ' ('x' vs 'x '); pass --normalize-ids",
            ))  # fmt: skip

        def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
            results = load_results(tmp / "out")
            assert results.metadata.config["normalize_ids"] is True
            assert set(results.summaries["doc_id"]) == {NFC, "x"} and results.summaries["error"].isna().all()

        args = ["score", str(refs), str(preds), "--no-cache", "--normalize-ids", "-o", str(tmp / "out")]
        return Case(args, 0, (), check=check)

    return setup


def _lookalike_reference_ids(normalize: bool) -> Setup:
    def setup(tmp: Path) -> Case:
        refs, preds = _lookalike_files(tmp, [NFC, "x", NFD])
        args = ["score", str(refs), str(preds), "--no-cache", *(["--normalize-ids"] if normalize else [])]
        return Case(args, 2, (
            f"{refs}:3: id {NFD!r} equals id {NFC!r} at {refs}:1 after normalisation; they differ in Unicode "
            r"normalisation: decomposed (NFD) vs composed (NFC) ('cafe\u0301' vs 'caf\xe9')",
        ))  # fmt: skip

    return setup


LATEX_NAMES = ("a_b & 50%", r"\input{secret}", "^^5cinput{secret}", "$x$ #1 ~{}")


def _latex_names(tmp: Path) -> Case:
    args = ["run", "--dataset", str(BUNDLED), "-m", "rouge", "--limit", "4", "--bootstrap", "20",
            "--no-cache", "-f", "json", "-o", str(tmp / "out")]  # fmt: skip
    for k, name in enumerate(LATEX_NAMES, start=1):
        args += ["-s", f"lead:k={k},name={name}"]

    def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
        shown = run_cli("report", str(tmp / "out"), "--show", "--format", "latex")
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr[-2000:]
        table = shown.stdout
        assert table == (tmp / "out" / "report.tex").read_text(encoding="utf-8")
        rows = {line.split(" & ", 1)[0] for line in table.splitlines() if " & " in line}
        assert {
            r"a\_b \& 50\%",
            r"\textbackslash{}input\{secret\}",
            r"\textasciicircum{}\textasciicircum{}5cinput\{secret\}",
            r"\$x\$ \#1 \textasciitilde{}\{\}",
        } <= rows
        assert "input{secret}" not in table.replace(r"input\{secret\}", "")

    return Case(args, 0, (), check=check)


def _hanging_command(tmp: Path) -> Case:
    program = tmp / "hang.py"
    program.write_text("import time\ntime.sleep(600)\n", encoding="utf-8")
    spec = f"command:cmd={sys.executable} {program},timeout=1,name=hang"

    def check(tmp: Path, proc: subprocess.CompletedProcess[str]) -> None:
        errors = {s["error"] for s in _results(tmp)["summaries"] if s["system"] == "hang"}
        assert errors == {"timed out after 1s"}, errors

    return Case(["run", "--dataset", str(BUNDLED), "-s", spec, "-s", "lead", *QUICK, "--batch-size", "4",
                 "-o", str(tmp / "out")], 0, (), check=check)  # fmt: skip


CASES: dict[str, Setup] = {
    # a plugin cannot decide the exit code: a document at hand fails, the run and its gates go on
    "summarize SystemExit(0), gated": _summarize_raises("exit0", "SystemExit(0)"),
    "summarize SystemExit(1), gated": _summarize_raises("exit1", "SystemExit(1)"),
    "summarize SystemExit('bye'), ungated": _summarize_raises("exitstr", "SystemExit('bye')", gate=False),
    "summarize a BaseException subclass": _summarize_raises("odd", "Odd('odd')"),
    "summarize GeneratorExit": _summarize_raises("genexit", "GeneratorExit"),
    "summarize SystemExit(0) in pool workers": _summarize_raises(
        "exit0", "SystemExit(0)", "--workers", "2", "--batch-size", "2"
    ),
    "score SystemExit(0) in pool workers, gated": _metric_raises,
    "summarize command SystemExit(0)": _summarize_command,
    # no document at hand: an input error naming the plugin
    "summarizer built: SystemExit(0)": _hook_raises("summarizer", "build", "exit0", "while being built"),
    "summarizer prepare: SystemExit(1)": _hook_raises("summarizer", "prepare", "exit1", "in prepare"),
    "summarizer fingerprint: Odd": _hook_raises("summarizer", "fingerprint", "odd", "in fingerprint"),
    "summarizer batch_documents: SystemExit(0)": _hook_raises(
        "summarizer", "batch_documents", "exit0", "in batch_documents"
    ),
    # a hook read as a plain attribute, outside every guard: still never the plugin's code
    "cache_summaries property: SystemExit(0)": _escaped_every_guard,
    "metric built: SystemExit(1)": _hook_raises("metric", "build", "exit1", "while being built"),
    "metric signature: SystemExit(0)": _hook_raises("metric", "signature", "exit0", "in signature"),
    "plugin file import: SystemExit(0)": _import_exit("import_exit0.py"),
    "plugin file import: sys.exit(1)": _import_exit("import_exit1.py"),
    "plugin file import: argparse error": _import_exit("import_argparse.py"),
    "plugin in sumbench.toml: SystemExit(0)": _import_exit("import_exit0.py", "toml"),
    "plugin listed: SystemExit(1)": _import_exit("import_exit1.py", "list"),
    "plugin module import: SystemExit(0)": _module_plugin_exit,
    "entry point import: SystemExit(0)": _entry_point_exit,
    # spreadsheets stay inert
    "ids and names that are formulas": _formula_names,
    # ids that look equal
    "NFD and trailing-space ids refused, what differs said": _lookalike_ids(normalize=False),
    "NFD and trailing-space ids with --normalize-ids": _lookalike_ids(normalize=True),
    "reference ids equal after normalisation": _lookalike_reference_ids(normalize=False),
    "reference ids equal after normalisation, --normalize-ids": _lookalike_reference_ids(normalize=True),
    # LaTeX: names print as themselves
    "names LaTeX would run": _latex_names,
    # what the first round made hold
    "hanging command cut at its timeout": _hanging_command,
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_case_keeps_the_contract(case: str, tmp_path: Path) -> None:
    spec = CASES[case](tmp_path)
    proc = run_cli(*spec.args, cwd=tmp_path, env=spec.env, timeout=300)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == spec.code, output[-3000:]
    flat = " ".join(output.split())
    for text in spec.says:
        assert " ".join(text.split()) in flat, output[-3000:]
    if spec.check is not None:
        spec.check(tmp_path, proc)


def test_shell_completion_still_exits_by_itself(tmp_path: Path) -> None:
    """click's completion ends with sys.exit(0): the net for components' exits lets it through."""
    script = "import sys; sys.argv = ['sumbench']; from benchmark.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_SUMBENCH_COMPLETE": "complete_bash",
           "COMP_WORDS": "sumbench ru", "COMP_CWORD": "1"}  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.split() == ["run"], proc.stdout + proc.stderr


def _summaries_cached(cache: Path) -> int:
    if not cache.exists():
        return 0
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=30)
    try:
        return int(db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def test_keyboard_interrupt_in_a_plugin_exits_130_and_keeps_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    args = ["run", "--dataset", str(BUNDLED), "--plugin", str(_plugin(tmp_path)),
            "-s", "raiser:what=keyboard", "-m", "rouge", "--limit", "4", "--batch-size", "1",
            "--cache", str(cache), "-o", str(tmp_path / "out")]
    proc = run_cli(*args, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 130 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert _summaries_cached(cache) == 1  # news-001, finished before news-002 was interrupted


SLOW = '''
import time
from dataclasses import dataclass
from typing import ClassVar

from benchmark.components.base import SummarizerBase


@dataclass(frozen=True)
class Slow(SummarizerBase):
    name: ClassVar[str] = "slow"
    parallel_safe: ClassVar[bool] = True

    def summarize_one(self, doc):
        time.sleep(0.3)
        return doc.text.split(". ")[0] + "."
'''


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
def test_sigterm_mid_run_exits_143_without_workers_and_keeps_the_cache(tmp_path: Path) -> None:
    plugin = tmp_path / "slow.py"
    plugin.write_text(SLOW, encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmark", "run", "--dataset", str(BUNDLED), "--plugin", str(plugin),
         "-s", "slow", "-m", "rouge", "--workers", "2", "--batch-size", "1", "--cache", str(cache),
         "-o", str(tmp_path / "out")],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _summaries_cached(cache) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        workers = _children(proc.pid)
        assert workers, "the pool never started"
        before = _summaries_cached(cache)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM), err[-2000:]
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)], "workers outlived the run"
    assert 4 <= before <= _summaries_cached(cache) < 32  # every finished summary kept


@pytest.mark.heavy
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed (the ray extra)")
def test_system_exit_in_ray_tasks_and_actors_is_a_recorded_failure(tmp_path: Path) -> None:
    """Summaries go out as Ray tasks (a parallel-safe plugin), scores to Ray actors (not parallel-safe)."""
    plugin = _plugin(tmp_path)
    plugin.write_text(COMPONENTS.replace(
        'needs_references: ClassVar[bool] = False\n    parallel_safe: ClassVar[bool] = True',
        'needs_references: ClassVar[bool] = False\n    parallel_safe: ClassVar[bool] = False',
    ), encoding="utf-8")  # fmt: skip
    args = ["run", "--dataset", str(BUNDLED), "--plugin", str(plugin), "-s", "raiser:name=bad",
            "-m", "raising:victim=news-003", "--limit", "4", "--bootstrap", "20", "--no-cache",
            "--executor", "ray", "--workers", "2", "--fail-under", "chars=0", "-o", str(tmp_path / "out")]
    proc = run_cli(*args, cwd=tmp_path, timeout=300)  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    failed = "FAIL bad: chars missing for 2 of 4 documents, 1 failed to summarize"
    assert failed in " ".join(proc.stderr.split()), proc.stderr[-3000:]
    payload = _results(tmp_path)
    assert [s["doc_id"] for s in payload["summaries"] if s["error"]] == [VICTIM]
    assert any("metric 'raising' raised SystemExit(0) in score" in w for w in payload["metadata"]["warnings"])
