"""The ``command`` summarizer: JSONL over stdin/stdout, crashes and hangs fail only their documents."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_jsonl

from benchmark.components.base import SummaryFailure
from benchmark.components.build import build_systems
from benchmark.inputs.documents import Document
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.summarizers.command import Command

# A plugin in the protocol: the first sentence of each document. Markers in the text make it
# crash (exit 3, a message on stderr), hang (with a child process that holds the pipes open),
# refuse one document with an error record, or skip it. Every call is logged to calls.log.
PLUGIN = r'''
import json, os, subprocess, sys, time

log = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.log")
requests = [json.loads(line) for line in sys.stdin if line.strip()]
with open(log, "a") as handle:
    handle.write(json.dumps([r["id"] for r in requests]) + "\n")
for request in requests:
    text = request["text"]
    if "CRASH" in text:
        sys.stderr.write("boom: cannot summarize " + request["id"] + "\n")
        sys.exit(3)
    if "HANG" in text:
        subprocess.Popen(["sleep", "60"])
        time.sleep(60)
    if "REFUSE" in text:
        print(json.dumps({"id": request["id"], "error": "too short to summarize"}))
        continue
    if "SKIP" in text:
        continue
    summary = text.split(". ")[0].rstrip(".") + "."
    if "title" in request:
        summary = request["title"] + ": " + summary
    print(json.dumps({"id": request["id"], "summary": summary}), flush=True)
'''


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    path = tmp_path / "first_sentence.py"
    path.write_text(PLUGIN, encoding="utf-8")
    return path


def command_spec(script: Path, **options: object) -> str:
    cmd = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    return ",".join([f"command:cmd={cmd}", *(f"{k}={v}" for k, v in options.items())])


def doc(doc_id: str, text: str, title: str | None = None) -> Document:
    return Document(id=doc_id, text=text, references=("A reference summary.",), title=title)


def calls(script: Path) -> list[list[str]]:
    log = script.parent / "calls.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_crash_and_a_hang_fail_only_their_documents(tmp_path: Path, plugin: Path) -> None:
    records = [
        {"id": f"ok{i}", "text": f"Story {i} begins here. It goes on.", "references": [f"Story {i}."]}
        for i in range(4)
    ]
    records.insert(1, {"id": "crash", "text": "CRASH now. More text.", "references": ["x."]})
    records.insert(3, {"id": "hang", "text": "HANG here. More text.", "references": ["x."]})
    dataset = write_jsonl(tmp_path / "set.jsonl", records)
    config = RunConfig(
        dataset=str(dataset),
        summarizers=(command_spec(plugin, timeout=2, name="plugin"),),
        metrics=("rouge",),
        use_cache=False,
    )
    start = time.perf_counter()
    results = run(config)
    elapsed = time.perf_counter() - start
    summaries = results.summaries.set_index("doc_id")
    assert pd.isna(summaries.at["crash", "summary"])
    assert summaries.at["crash", "error"] == "exited with code 3: boom: cannot summarize crash"
    assert pd.isna(summaries.at["hang", "summary"])
    assert summaries.at["hang", "error"] == "timed out after 2s"
    for i in range(4):
        assert summaries.at[f"ok{i}", "summary"] == f"Story {i} begins here."
        assert pd.isna(summaries.at[f"ok{i}", "error"])
    assert sorted(results.scores["doc_id"].unique()) == [f"ok{i}" for i in range(4)]
    assert results.metadata.systems[0].failed == 2
    # One call for the batch, which crashed; then each document alone.
    assert calls(plugin)[0] == [r["id"] for r in records]
    assert sorted(c[0] for c in calls(plugin)[1:]) == sorted(r["id"] for r in records)
    # The hung call's child (sleep 60) was killed with its group, or this would take a minute.
    assert elapsed < 20


def test_batches_ids_titles_and_error_records(plugin: Path) -> None:
    docs = [doc(f"d{i}", f"Sentence {i} first. Then more.") for i in range(5)]
    docs[2] = doc("d2", "Headline news first. Then more.", title="Title")
    docs[3] = doc("d3", "REFUSE this. Then more.")
    docs[4] = doc("d4", "SKIP this. Then more.")
    outputs = Command(cmd=f"{sys.executable} {plugin}", batch=2).summarize(docs)
    assert outputs[:3] == ["Sentence 0 first.", "Sentence 1 first.", "Title: Headline news first."]
    assert outputs[3] == SummaryFailure("plugin error: too short to summarize")
    assert outputs[4] == SummaryFailure("the program wrote no summary for this document")
    assert calls(plugin) == [["d0", "d1"], ["d2", "d3"], ["d4"]]


def test_a_repeated_id_goes_to_another_call(plugin: Path) -> None:
    docs = [doc("a", "First text. More."), doc("a", "Second text. More."), doc("b", "Third text. More.")]
    outputs = Command(cmd=f"{sys.executable} {plugin}").summarize(docs)
    assert outputs == ["First text.", "Second text.", "Third text."]
    assert calls(plugin) == [["a"], ["a", "b"]]


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("not json", "stdout line 1 is not JSON"),
        ('{"id": "other", "summary": "x"}', 'stdout line 1 has no known "id"'),
        ('{"id": "d0", "text": "x"}', 'neither a string "summary" nor "error"'),
    ],
)
def test_output_that_breaks_the_protocol_fails_the_document(tmp_path: Path, stdout: str, reason: str) -> None:
    script = tmp_path / "bad.py"
    script.write_text(f"import sys\nsys.stdin.read()\nprint({stdout!r})\n", encoding="utf-8")
    (output,) = Command(cmd=f"{sys.executable} {script}").summarize([doc("d0", "Text.")])
    assert isinstance(output, SummaryFailure)
    assert reason in output.reason


def test_fingerprint_follows_the_script_content(tmp_path: Path, plugin: Path) -> None:
    command = Command(cmd=f"{sys.executable} {plugin}")
    before = command.fingerprint()
    assert Command(cmd=f"{sys.executable} {plugin}").fingerprint() == before
    plugin.write_text(PLUGIN + "\n# changed\n", encoding="utf-8")
    assert command.fingerprint() != before
    assert Path(sys.executable).resolve() in command.files()


@pytest.mark.parametrize("option", ["timeout=5", "batch=4", "revision=2"])
def test_fingerprint_follows_the_options(plugin: Path, option: str) -> None:
    base = command_spec(plugin)
    (plain,) = build_systems([base])
    (changed,) = build_systems([f"{base},{option}"])
    assert plain.summarizer.fingerprint() != changed.summarizer.fingerprint()
