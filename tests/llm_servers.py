"""Chat-completions servers on 127.0.0.1 for tests: a scripted one that injects faults, and llama.cpp's.

:class:`ScriptedServer` answers ``POST /v1/chat/completions`` by the request's ``model``:

- ``echo``: the last twelve words of the prompt as the summary;
- ``flaky429`` / ``flaky500``: the first two attempts of each prompt get 429 (``Retry-After: 1``)
  or 500 then 503, the third is answered like ``echo``;
- ``garbage`` (a body that is not JSON), ``nochoices``, ``empty`` (empty content),
  ``slow`` (answers after 3 s), ``unauthorized`` (401 whose body echoes the request headers);
- ``mixed``: per article of the ``tiny_set`` fixture: story 0 echo, story 1 garbage,
  story 2 one 429 then echo;
- ``judge``: the answer "3" with known log-probabilities (3: 0.5, 4: 0.3, 2: 0.1, "The": 0.1);
- ``judge-text``: "Score: 4" without log-probabilities; ``judge-bad``: "excellent";
- ``usage``: like ``echo``, with ``usage`` (prompt tokens: the prompt's words; completion
  tokens: the answer's words) and ``finish_reason`` ``length`` when the prompt holds "story 1";
  ``usage-none``: like ``echo`` with no ``usage`` at all;
- ``obedient``: a judge that obeys any instruction it finds outside the ``<<<X>>> ... <<<END X>>>``
  blocks: "answer N" there makes it answer N, otherwise it answers "2";
- ``claims``: the claims metric's two steps, scripted by :func:`claims_answer`.
- ``pairwise``: a pairwise judge that prefers the summary with more sentences (it counts the
  full stops in the ``SUMMARY A`` and ``SUMMARY B`` blocks of the prompt) when they differ by two
  or more, and answers ``A`` (the first shown) when they differ by one or less: a known
  preference, position-biased when the summaries are close. Replies vary in form (``[[A]]``,
  ``Summary B``, ``B``) and carry log-probabilities; ``pairwise-bad`` answers "I cannot say".

Every request is recorded (time, headers, body) in ``requests``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.request import urlopen

JUDGE_LOGPROBS = {"3": 0.5, "4": 0.3, "2": 0.1, "The": 0.1}
_BLOCK = re.compile(r"<<<([A-Z ]+?)>>>.*?<<<END \1>>>", re.DOTALL)
_OBEY = re.compile(r"answer (\d)", re.IGNORECASE)


def outside_blocks(prompt: str) -> str:
    """The prompt with every ``<<<X>>> ... <<<END X>>>`` block cut out."""
    return _BLOCK.sub(" ", prompt)
_SUMMARY_BLOCK = r"<<<SUMMARY {0}\n(.*?)\nSUMMARY {0}>>>"


def sentences_in(prompt: str, label: str) -> int:
    """Full stops in the prompt's ``SUMMARY label`` block (the scripted pairwise judge's quality)."""
    match = re.search(_SUMMARY_BLOCK.format(label), prompt, re.DOTALL)
    return match.group(1).count(".") if match else 0


def pairwise_reply(prompt: str) -> tuple[str, dict[str, float]]:
    """The scripted pairwise judge's reply and its token probabilities."""
    a, b = sentences_in(prompt, "A"), sentences_in(prompt, "B")
    if abs(a - b) <= 1:
        return "A", {"A": 0.6, "B": 0.4}
    if a > b:
        return "[[A]]", {"A": 0.9, "B": 0.08, "tie": 0.02}
    return "Summary B", {"B": 0.9, "A": 0.08, "tie": 0.02}


@dataclass
class Recorded:
    at: float
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ScriptedServer:
    """A threaded HTTP server whose answers are scripted by the request's model name."""

    requests: list[Recorded] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def count(self, model: str | None = None) -> int:
        with self.lock:
            return sum(model is None or r.body.get("model") == model for r in self.requests)

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        model = body.get("model", "")
        prompt = body["messages"][-1]["content"]
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            self.attempts[key] = attempt = self.attempts.get(key, 0) + 1
        if model == "mixed":
            model = "echo" if "story 0" in prompt else "garbage" if "story 1" in prompt else "once429"
        if (model == "flaky429" and attempt <= 2) or (model == "once429" and attempt == 1):
            return 429, {"Retry-After": "1"}, b'{"error": {"message": "slow down"}}'
        if model == "flaky500" and attempt <= 2:
            return (500, {}, b"boom") if attempt == 1 else (503, {"Retry-After": "1"}, b"busy")
        if model == "garbage":
            return 200, {}, b"<html>this is not json{"
        if model == "nochoices":
            return 200, {}, json.dumps({"id": "x", "choices": []}).encode()
        if model == "unauthorized":
            return 401, {}, json.dumps({"error": {"message": f"bad key; you sent {headers}"}}).encode()
        if model == "slow":
            time.sleep(3)
        content, logprobs = " ".join(prompt.split()[-12:]), None
        if model == "empty":
            content = ""
        elif model == "judge":
            content = "3"
            top = [{"token": t, "logprob": math.log(p), "bytes": None} for t, p in JUDGE_LOGPROBS.items()]
            logprobs = {"content": [{**top[0], "top_logprobs": top}]}
        elif model == "judge-text":
            content = "Score: 4"
        elif model == "judge-bad":
            content = "excellent"
        elif model == "obedient":
            ordered = _OBEY.search(outside_blocks(prompt))
            content = ordered.group(1) if ordered else "2"
        elif model == "claims":
            content = claims_answer(prompt)
        elif model == "pairwise":
            content, probs = pairwise_reply(prompt)
            top = [{"token": t, "logprob": math.log(p), "bytes": None} for t, p in probs.items()]
            chosen = next(t for t in top if t["token"] in content.replace("Summary ", "").strip("[]"))
            prefix = [{"token": "[[", "logprob": 0.0, "bytes": None, "top_logprobs": []}] \
                if content.startswith("[[") else []
            logprobs = {"content": [*prefix, {**chosen, "top_logprobs": top}]}
        elif model == "pairwise-bad":
            content = "I cannot say"
        finish = "length" if model == "usage" and "story 1" in prompt else "stop"
        choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}
        if logprobs:
            choice["logprobs"] = logprobs
        payload: dict[str, Any] = {
            "id": "c1", "object": "chat.completion", "created": 0, "model": model, "choices": [choice]
        }
        if model == "usage":
            words = sum(len(m["content"].split()) for m in body["messages"])
            payload["usage"] = {"prompt_tokens": words, "completion_tokens": len(content.split()),
                                "total_tokens": words + len(content.split())}
        elif model.startswith("pairwise"):
            payload["usage"] = {"prompt_tokens": len(prompt.split()), "completion_tokens": 2}
        return 200, {}, json.dumps(payload).encode()


@contextlib.contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    """A :class:`ScriptedServer` on a free port of 127.0.0.1, shut down afterwards."""
    server = ScriptedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            with server.lock:
                server.requests.append(Recorded(time.monotonic(), headers, body))
            status, extra, data = server.answer(body, headers)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.httpd.daemon_threads = True
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServer:
    base_url: str
    log: Path

    def completions(self) -> int:
        """Chat-completion requests served so far (from uvicorn's access log)."""
        return self.log.read_text(errors="replace").count("POST /v1/chat/completions")


@contextlib.contextmanager
def llama_server(model: Path, log: Path, startup_s: float = 120) -> Iterator[LlamaServer]:
    """llama-cpp-python's OpenAI-compatible server on a free port of 127.0.0.1, killed afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with {process.returncode}: {log.read_text()[-2000:]}"
                )
            with contextlib.suppress(OSError), urlopen(f"{base}/models", timeout=2) as response:
                if response.status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"llama_cpp.server not ready after {startup_s} s")
            time.sleep(0.5)
        yield LlamaServer(base, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _block(prompt: str, label: str) -> str | None:
    found = re.search(rf"<<<{label}>>>\n(.*?)\n<<<END {label}>>>", prompt, re.DOTALL)
    return found.group(1) if found else None


def claims_answer(prompt: str) -> str:
    """The scripted answers of the ``claims`` model.

    Split step (a SUMMARY block): each sentence of the summary is one claim, as "- " lines.
    Verify step (an ARTICLE and a CLAIMS block): per numbered claim, "supported" when every word
    of the claim occurs in the article, "contradicted" when the claim says "never", else "not in
    the article"; answered as "N: verdict" lines, in reverse order (the parser reads numbers).
    """
    summary, article, claims = (_block(prompt, x) for x in ("SUMMARY", "ARTICLE", "CLAIMS"))
    if summary is not None and claims is None:
        sentences = [s.strip() for s in re.split(r"(?<=\.)\s+", summary) if s.strip()]
        return "Here are the claims:\n" + "\n".join(f"- {s}" for s in sentences)
    if article is None or claims is None:
        return "I cannot tell."
    known = set(re.findall(r"\w+", article.lower()))
    lines = []
    for number, claim in re.findall(r"^(\d+)\. (.*)$", claims, re.MULTILINE):
        said = set(re.findall(r"\w+", claim.lower()))
        verdict = "supported" if said <= known else "contradicted" if "never" in said else "absent"
        verdict = "not in the article" if verdict == "absent" else verdict
        lines.append(f"{number}: {verdict}")
    return "\n".join(reversed(lines))
