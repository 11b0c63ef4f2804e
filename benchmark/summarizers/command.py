"""``command``: any executable as a summarizer, speaking JSON Lines on stdin and stdout.

Protocol (one call per batch of at most ``batch`` documents)::

    stdin   one JSON object per line: {"id": "...", "text": "...", "title": "..."}
            ("title" only when the document has one); stdin is closed after the last line
    stdout  one JSON object per line, any order:
            {"id": "...", "summary": "..."}   or   {"id": "...", "error": "why"}
    exit    0; anything written to stderr is ignored unless the call fails

A call that exits non-zero, runs past ``timeout`` seconds (its whole process group is then
killed) or writes output that breaks the protocol is retried one document at a time, so
only the documents that fail alone are marked failed, with the exit code and the tail of
stderr, or "timed out after Ns", as the reason. The run goes on.

The fingerprint holds the command string, ``revision`` and a hash of the content of every
file the command names (the executable as found on PATH, a script argument), so editing
the script invalidates its cached summaries. Set ``revision`` when the program changes in a
way those files do not show (a module run with ``-m``, a model it downloads).

sumbench makes the calls one after another, never from worker processes: the program may
load a model of its own, so ``command`` does not declare itself ``parallel_safe``. POSIX only
(process groups).

Example: ``command:cmd=python my_summarizer.py,timeout=30``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from benchmark.components.base import SummarizerBase, SummaryFailure, SummaryOutput
from benchmark.core.hashing import file_hash
from benchmark.inputs.documents import Document

STDERR_TAIL = 400
REAP_TIMEOUT = 5.0


class CallFailed(Exception):
    """A call that crashed, timed out or broke the protocol; its message is the reason."""


def request_lines(docs: Sequence[Document]) -> str:
    """The stdin of one call: a JSON object per document."""
    lines = []
    for doc in docs:
        record: dict[str, str] = {"id": doc.id, "text": doc.text}
        if doc.title:
            record["title"] = doc.title
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def parse_response(stdout: str, ids: Sequence[str]) -> dict[str, SummaryOutput]:
    """Map each id to its summary or failure; a line that breaks the protocol raises CallFailed."""
    wanted = set(ids)
    out: dict[str, SummaryOutput] = {}
    doubled: set[str] = set()
    for lineno, line in enumerate(stdout.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise CallFailed(f"stdout line {lineno} is not JSON: {line[:120]!r}") from None
        if not isinstance(record, dict) or record.get("id") not in wanted:
            raise CallFailed(f"stdout line {lineno} has no known \"id\": {line[:120]!r}")
        if record["id"] in out or record["id"] in doubled:
            doubled.add(record["id"])
            out[record["id"]] = SummaryFailure(
                f"the program answered id {record['id']!r} twice (line {lineno})"
            )
            continue
        if isinstance(record.get("summary"), str):
            out[record["id"]] = record["summary"]
        elif "error" in record:
            out[record["id"]] = SummaryFailure(f"plugin error: {record['error']}")
        else:
            raise CallFailed(f"stdout line {lineno} has neither a string \"summary\" nor \"error\"")
    return out


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= STDERR_TAIL else "..." + text[-STDERR_TAIL:]


def _chunks(docs: Sequence[Document], size: int) -> list[list[Document]]:
    """Consecutive calls of at most ``size`` documents, never two with the same id in one call."""
    chunks: list[list[Document]] = []
    for doc in docs:
        if not chunks or len(chunks[-1]) >= size or any(d.id == doc.id for d in chunks[-1]):
            chunks.append([])
        chunks[-1].append(doc)
    return chunks


@dataclass(frozen=True)
class Command(SummarizerBase):
    """Runs an external program per batch (see the module docstring for the protocol)."""

    name: ClassVar[str] = "command"
    version: ClassVar[str] = "1"

    cmd: str = ""
    timeout: float = 60.0
    batch: int = 16
    revision: str = ""
    _argv: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            argv = tuple(shlex.split(self.cmd))
        except ValueError as exc:
            raise ValueError(f"cmd {self.cmd!r} cannot be split into arguments: {exc}") from None
        if not argv:
            raise ValueError("cmd is required, e.g. command:cmd=python my_summarizer.py")
        if shutil.which(argv[0]) is None:
            raise ValueError(f"cmd: executable {argv[0]!r} not found (not a file, not on PATH)")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive (seconds), got {self.timeout}")
        if self.batch < 1:
            raise ValueError(f"batch must be at least 1, got {self.batch}")
        object.__setattr__(self, "_argv", argv)

    def files(self) -> list[Path]:
        """Files the command names: the resolved executable and arguments that are files."""
        found: list[Path] = []
        executable = shutil.which(self._argv[0])
        if executable:
            found.append(Path(executable).resolve())
        found.extend(Path(arg).resolve() for arg in self._argv[1:] if Path(arg).is_file())
        return found

    def fingerprint_extra(self) -> dict[str, Any]:
        return {"files": {str(p): file_hash(str(p)) for p in self.files()}}

    def call(self, docs: Sequence[Document]) -> dict[str, SummaryOutput]:
        """One run of the program over ``docs``; raises CallFailed when it crashes or hangs."""
        try:
            proc = subprocess.Popen(
                self._argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                start_new_session=True,
            )
        except OSError as exc:
            raise CallFailed(f"cannot start {self._argv[0]!r}: {exc}") from None
        try:
            stdout, stderr = proc.communicate(request_lines(docs), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise CallFailed(f"timed out after {self.timeout:g}s") from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        if proc.returncode != 0:
            how = (
                f"killed by signal {-proc.returncode}"
                if proc.returncode < 0
                else f"exited with code {proc.returncode}"
            )
            tail = _tail(stderr)
            raise CallFailed(f"{how}: {tail}" if tail else how)
        return parse_response(stdout, [d.id for d in docs])

    def summarize(self, docs: Sequence[Document]) -> list[SummaryOutput]:
        return [out for chunk in _chunks(docs, self.batch) for out in self._run_chunk(chunk)]

    def _run_chunk(self, chunk: list[Document]) -> list[SummaryOutput]:
        try:
            outputs = self.call(chunk)
        except CallFailed as exc:
            if len(chunk) == 1:
                return [SummaryFailure(str(exc))]
            return [out for doc in chunk for out in self._run_chunk([doc])]
        missing = SummaryFailure("the program wrote no summary for this document")
        return [outputs.get(doc.id, missing) for doc in chunk]


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill the process and everything it started, then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.communicate(timeout=REAP_TIMEOUT)
    except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipes
        proc.wait()
