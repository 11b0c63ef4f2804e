"""Hostile inputs, run as a user runs them: every one gives exit 2, a clear message, no traceback.

Each case writes what a careless or hostile user could hand sumbench (output and cache paths,
options and config files, reference sets, results files, raw articles) and runs the CLI as a
subprocess. Input errors must exit 2 with a message naming the problem and never print a
traceback; the cases that are valid input must simply work.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, run_cli

QUICK = ("-s", "lead", "-m", "rouge", "--limit", "2", "--bootstrap", "50")
Setup = Callable[[Path], list[str]]


def _results(tmp: Path) -> dict:
    """A small valid results.json payload (one run of lead on two documents), made once per test."""
    out = tmp / "valid-run"
    if not (out / "results.json").is_file():
        proc = run_cli("run", *QUICK, "--no-cache", "-o", str(out), "--dataset", str(BUNDLED))
        assert proc.returncode == 0, proc.stderr
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _bad_results(mutate: Callable[[dict], object]) -> Setup:
    def setup(tmp: Path) -> list[str]:
        payload = _results(tmp)
        replaced = mutate(payload)
        path = tmp / "bad" / "results.json"
        path.parent.mkdir(exist_ok=True)
        text = replaced if isinstance(replaced, str) else json.dumps(payload)
        path.write_text(text, encoding="utf-8")
        return ["report", str(path), "-o", str(tmp / "re")]

    return setup


def _toml(body: str | bytes) -> Setup:
    def setup(tmp: Path) -> list[str]:
        path = tmp / "sumbench.toml"
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        return ["run", "-c", str(path), *QUICK, "-o", str(tmp / "out")]

    return setup


def _refset(name: str, content: str | bytes) -> Setup:
    def setup(tmp: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return ["run", "--dataset", str(path), *QUICK, "-o", str(tmp / "out")]

    return setup


def _run_with(*extra: str) -> Setup:
    def setup(tmp: Path) -> list[str]:
        return ["run", "--dataset", str(BUNDLED), *QUICK, *[e.replace("{tmp}", str(tmp)) for e in extra]]

    return setup


def _output_file(tmp: Path) -> list[str]:
    (tmp / "taken").write_text("not a directory\n")
    return _run_with("-o", "{tmp}/taken")(tmp)


def _cache_text(tmp: Path) -> list[str]:
    (tmp / "cache.txt").write_text("hello\n")
    return _run_with("--cache", "{tmp}/cache.txt", "-o", "{tmp}/out")(tmp)


def _cache_corrupt(tmp: Path) -> list[str]:
    good = tmp / "good.sqlite"
    with sqlite3.connect(good) as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    (tmp / "corrupt.sqlite").write_bytes(good.read_bytes()[:3000] + b"\xff" * 3000)
    return _run_with("--cache", "{tmp}/corrupt.sqlite", "-o", "{tmp}/out")(tmp)


def _cache_dir(tmp: Path) -> list[str]:
    (tmp / "cachedir").mkdir()
    return _run_with("--cache", "{tmp}/cachedir", "-o", "{tmp}/out")(tmp)


def _build_missing_csv(tmp: Path) -> list[str]:
    (tmp / "a.txt").write_text("One sentence here. Another one there.\n")
    missing, out = str(tmp / "missing.csv"), str(tmp / "o.jsonl")
    return ["dataset", "build", str(tmp / "a.txt"), "-r", missing, "-o", out]


def _build_output_dir(tmp: Path) -> list[str]:
    (tmp / "a.txt").write_text("One sentence here. Another one there.\n")
    (tmp / "a.ref.txt").write_text("One sentence.\n")
    (tmp / "outdir").mkdir()
    return ["dataset", "build", str(tmp / "a.txt"), "-o", str(tmp / "outdir")]


def _summarize_binary(tmp: Path) -> list[str]:
    binary = Path(shutil.which("ls") or "/bin/ls")
    return ["summarize", str(binary)]


def _compare_bad(tmp: Path) -> list[str]:
    good = tmp / "valid-run" / "results.json"
    _results(tmp)
    bad = tmp / "bad.json"
    payload = json.loads(good.read_text())
    payload["scores"] = {"not": "a list"}
    bad.write_text(json.dumps(payload))
    return ["compare", str(good), str(bad)]


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


VALID_DOC = {"id": "a", "text": "First sentence here. Second sentence there.", "references": ["First."]}

CASES: dict[str, tuple[Setup, str]] = {
    # output and cache paths: refused before any work
    "output is a file": (_output_file, "is a file, not a directory"),
    "output is /dev/null": (_run_with("-o", "/dev/null"), "/dev/null is a device, not a directory"),
    "cache is a directory": (_cache_dir, "cachedir is a directory"),
    "cache is a text file": (_cache_text, "cache.txt cannot be used (file is not a database)"),
    "cache is a corrupt sqlite file": (_cache_corrupt, "corrupt.sqlite cannot be used"),
    # options and config types, as strict as the flags
    "seed -1": (_run_with("--seed", "-1", "-o", "{tmp}/out"), "--seed must be at least 0, got -1"),
    "toml summarizers = 5": (_toml("summarizers = 5\n"), "summarizers must be a list of strings"),
    "toml run = 5": (_toml("run = 5\n"), "[run] must be a table"),
    "toml seed = 'x'": (_toml('seed = "x"\n'), "seed must be an integer"),
    "toml workers = 2.5": (_toml("workers = 2.5\n"), "workers must be an integer"),
    "toml use_cache = 'no'": (_toml('use_cache = "no"\n'), "use_cache must be true or false"),
    "toml formats = []": (_toml("formats = []\n"), "formats is empty"),
    "toml latin-1": (_toml(b'dataset = "caf\xe9"\n'), "not UTF-8"),
    "toml is a directory": (lambda t: ["run", "-c", str(t), *QUICK], "is a directory"),
    "toml unknown key": (_toml('summariser = ["lead"]\n'), "unknown key 'summariser'"),
    # reference sets
    "surrogate escape": (
        _refset("s.jsonl", '{"id": "a", "text": "x\\ud800 y. More.", "references": ["r"]}\n'),
        "s.jsonl:1: lone surrogate",
    ),
    "nesting depth 100000": (_refset("deep.jsonl", _deep(100_000) + "\n"), "deep.jsonl:1: bad JSON"),
    "non-string reference": (
        _refset("n.jsonl", json.dumps({**VALID_DOC, "references": ["ok", 5]}) + "\n"),
        "n.jsonl:1: references must be strings",
    ),
    "bad json line": (_refset("b.jsonl", json.dumps(VALID_DOC) + "\n{oops\n"), "b.jsonl:2: bad JSON"),
    "bad csv quoting": (
        _refset("q.csv", 'id,text,reference\na,"unclosed,r\n'),
        "q.csv:2: bad CSV: the quoted field that opens on this line is never closed",
    ),
    # results.json handed to report / compare: schema checked on load, the field named
    "results latin-1": (_bad_results(lambda p: None), ""),  # replaced below by bytes
    "results without metadata": (_bad_results(lambda p: p.pop("metadata") and None), "metadata is missing"),
    "results metadata a list": (_bad_results(lambda p: p.update(metadata=[1])), "metadata must be an object"),
    "results value 'abc'": (
        _bad_results(lambda p: p["scores"][0].update(value="abc")),
        "scores[0].value must be",
    ),
    "results system without name": (
        _bad_results(lambda p: p["metadata"]["systems"][0].pop("name") and None),
        "metadata.systems[0].name is missing",
    ),
    "results duplicate score rows": (
        _bad_results(lambda p: p["scores"].append(dict(p["scores"][0]))),
        "repeats scores[0]",
    ),
    "results scores an object": (
        _bad_results(lambda p: p.update(scores={"a": 1})),
        "scores must be a list of objects",
    ),
    "results deep nesting": (
        _bad_results(lambda p: json.dumps(p)[:-1] + ', "x": ' + _deep(100_000) + "}"),
        "cannot read a results file",
    ),
    "compare scores an object": (_compare_bad, "scores must be a list of objects"),
    # dataset build and summarize
    "build with a missing -r csv": (_build_missing_csv, "references CSV not found"),
    "build -o a directory": (_build_output_dir, "is a directory"),
    "summarize a binary file": (_summarize_binary, "not a text file"),
    "summarize binary standard input": (lambda t: ["summarize", "-", "<", "/bin/ls"], "not text"),
}


def _latin1_results(tmp: Path) -> list[str]:
    _results(tmp)
    path = tmp / "latin" / "results.json"
    path.parent.mkdir()
    text = (tmp / "valid-run" / "results.json").read_text(encoding="utf-8")
    path.write_bytes(text.replace('"lead"', '"l\u00e9ad"').encode("latin-1", errors="replace"))
    return ["report", str(path)]


CASES["results latin-1"] = (_latin1_results, "cannot read a results file")


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_exits_2_without_traceback(case: str, tmp_path: Path) -> None:
    setup, message = CASES[case]
    args = setup(tmp_path)
    if "<" in args:  # standard input from a file
        stdin = Path(args[args.index("<") + 1]).read_bytes().decode("latin-1")
        proc = run_cli(*args[: args.index("<")], cwd=tmp_path, input_text=stdin, timeout=300)
    else:
        proc = run_cli(*args, cwd=tmp_path, timeout=300)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == 2, output[-3000:]
    assert message in output, output[-3000:]
    if case.startswith("cache "):  # every unusable cache names both ways out
        assert "--no-cache" in output and "delete it" in output, output[-3000:]


# A summarizer that leaves a marker file the moment it is asked for a summary: a path that is
# refused "before any work" must leave no marker (and no progress bar on stderr).
MARKER_PROGRAM = """import json, pathlib, sys
pathlib.Path(sys.argv[1]).touch()
for line in sys.stdin:
    doc = json.loads(line)
    print(json.dumps({"id": doc["id"], "summary": doc["text"][:80]}))
"""


def _with_marker(args: list[str], tmp: Path) -> tuple[list[str], Path]:
    program, marker = tmp / "marker.py", tmp / "summarizer-ran"
    program.write_text(MARKER_PROGRAM)
    spec = f"command:cmd={sys.executable} {program} {marker},name=marker"
    return [spec if a == "lead" and args[i - 1] == "-s" else a for i, a in enumerate(args)], marker


def test_the_marker_summarizer_marks_a_run_that_does_work(tmp_path: Path) -> None:
    args, marker = _with_marker(_run_with("--no-cache", "-o", "{tmp}/out")(tmp_path), tmp_path)
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert marker.is_file() and "summarize marker" in proc.stderr  # the signal the next test relies on


@pytest.mark.parametrize(
    "case",
    ["output is a file", "output is /dev/null", "cache is a directory", "cache is a text file",
     "cache is a corrupt sqlite file"],
)  # fmt: skip
def test_output_and_cache_are_refused_before_any_work(case: str, tmp_path: Path) -> None:
    setup, message = CASES[case]
    args, marker = _with_marker(setup(tmp_path), tmp_path)
    proc = run_cli(*args, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert message in proc.stderr, proc.stderr[-2000:]
    assert not marker.exists(), "the summarizer ran before the path was checked"
    assert "summarize" not in proc.stderr  # no progress bar either


@pytest.mark.parametrize(
    "setup",
    [
        _refset("big.csv", "id,text,reference\na," + "word " * 30_000 + "end.,ref\n"),
        _refset("bom-crlf.jsonl", "\ufeff" + json.dumps(VALID_DOC) + "\r\n"),
    ],
    ids=["csv cell over 131072 characters", "BOM and CRLF"],
)
def test_hostile_but_valid_reference_sets_run(setup: Setup, tmp_path: Path) -> None:
    proc = run_cli(*setup(tmp_path), "--no-cache", cwd=tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert (tmp_path / "out" / "results.json").is_file()


def _mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True)


@contextmanager
def _read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A read-only directory: a read-only tmpfs where mounting works, else one without write
    permission (which only a user other than root is refused by)."""
    where = tmp_path / "ro"
    if _mount_tmpfs(where, "ro,size=64k"):
        try:
            yield where
        finally:
            _umount(where)
        return
    if os.geteuid() == 0:
        pytest.skip("cannot mount a read-only tmpfs here, and root ignores write permissions")
    where.chmod(0o555)
    try:
        yield where
    finally:
        where.chmod(0o755)


def test_read_only_output_is_refused_before_the_run(tmp_path: Path) -> None:
    with _read_only_dir(tmp_path) as read_only:
        proc = run_cli("run", "--dataset", str(BUNDLED), *QUICK, "-o", str(read_only / "out"), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "not writable" in proc.stderr and "summarize" not in proc.stderr  # refused before computing


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_disk_full_keeps_the_previous_run_whole(tmp_path: Path) -> None:
    mount = tmp_path / "full"
    if not _mount_tmpfs(mount, "size=320k"):
        pytest.skip("cannot mount a small tmpfs here (needs root); see the file-size-limit test")
    try:
        out = mount / "out"
        first = run_cli("run", "--dataset", str(BUNDLED), *QUICK, "--no-cache", "-o", str(out))
        if first.returncode != 0:
            pytest.skip(f"first run did not fit: {first.stderr[-300:]}")
        before = _files(out)
        full = run_cli(
            "run", "--dataset", str(BUNDLED), "-s", "lead", "-m", "rouge", "--limit", "32",
            "--no-cache", "-o", str(out),
        )  # fmt: skip
        after = _files(out)
    finally:
        _umount(mount)
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr[-2000:]
    assert "disk full" in full.stderr
    assert after == before  # nothing replaced, no temporary left behind


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child: a write past the limit fails with EFBIG instead of a signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_write_that_fails_midway_keeps_the_previous_run_whole(tmp_path: Path) -> None:
    """Disk full without root: a file-size limit (ulimit -f) makes the big report's write fail
    with EFBIG after the smaller ones were staged; the previous run's set must stay as it was."""
    out = tmp_path / "out"
    env = {**os.environ, "SUMBENCH_CHART_CACHE": "off"}
    first = run_cli("run", "--dataset", str(BUNDLED), *QUICK, "--no-cache", "-o", str(out), env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    before = _files(out)
    limit = max(len(data) for data in before.values()) + 4096  # the 2-document set fits, the 32 does not
    full = subprocess.run(
        [sys.executable, "-m", "benchmark", "run", "--dataset", str(BUNDLED), "-s", "lead", "-m", "rouge",
         "--limit", "32", "--bootstrap", "50", "--no-cache", "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        preexec_fn=_file_size_limit(limit),
    )  # fmt: skip
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr[-2000:]
    message = " ".join(full.stderr.split())
    assert f"a report grew past the file-size limit (ulimit -f) while writing to {out}" in message, message
    assert "nothing was replaced" in message
    assert _files(out) == before  # nothing replaced, no staging directory or temporary left behind
    assert "wrote" not in full.stdout


def test_emoji_codes_in_paths_are_printed_as_text(tmp_path: Path) -> None:
    data = tmp_path / "set:smile:.jsonl"
    data.write_text("".join(BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)[:2]))
    out = tmp_path / "out:smile:dir"
    ok = run_cli("run", "--dataset", str(data), *QUICK, "--no-cache", "-o", str(out), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert "😄" not in ok.stdout + ok.stderr
    assert f"wrote json {out / 'results.json'}" in ok.stdout.splitlines()
    bad = tmp_path / "bad:smile:.jsonl"
    bad.write_text(data.read_text() + "{oops\n")
    taken = tmp_path / "taken:smile:"
    taken.write_text("a file\n")
    for args, shown in (
        (["--dataset", str(bad), "-o", str(out)], f"{bad}:3: bad JSON"),
        (["--dataset", str(data), "-o", str(taken)], f"output directory {taken} is a file"),
    ):
        proc = run_cli("run", *QUICK, *args, cwd=tmp_path)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert shown in proc.stderr and "😄" not in proc.stderr, proc.stderr[-2000:]
