"""What an LLM summary costs: the server's token counts, latency, truncation and price, through
the CLI against a scripted OpenAI-compatible server on 127.0.0.1, before and after a cached rerun."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from llm_servers import ScriptedServer, scripted_server

IN, OUT = 0.15, 0.60  # dollars per million tokens


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def served_tokens(server: ScriptedServer) -> tuple[int, int]:
    """The tokens the scripted server reported, added up over every request it answered."""
    prompt = completion = 0
    for request in server.requests:
        messages = request.body["messages"]
        prompt += sum(len(m["content"].split()) for m in messages)
        completion += len(messages[-1]["content"].split()[-12:])
    return prompt, completion


def run_api(tiny_set: Path, out: Path, cache: Path, server: ScriptedServer, *extra: str) -> Any:
    spec = f"api:base_url={server.base_url},model=usage,name=llm,trim_unfinished=false"
    return run_cli("run", "-d", str(tiny_set), "-s", spec, "-m", "length", "--bootstrap", "50",
                   "--cache", str(cache), "--price", f"usage={IN}/{OUT}", "-o", str(out), *extra)  # fmt: skip


def test_token_totals_equal_the_servers_and_survive_a_cached_rerun(
    tiny_set: Path, tmp_path: Path, server: ScriptedServer
) -> None:
    first = run_api(tiny_set, tmp_path / "a", tmp_path / "c.sqlite", server)
    assert first.returncode == 0, first.stderr
    assert server.count() == 3
    prompt, completion = served_tokens(server)
    figures = json.loads((tmp_path / "a" / "results.json").read_text())["usage"]["systems"]["llm"]
    assert (figures["prompt_tokens_total"], figures["completion_tokens_total"]) == (prompt, completion)
    assert figures["truncated_count"] == 1 and figures["truncated"] == pytest.approx(100 / 3)
    cost = (prompt * IN + completion * OUT) / 1e6
    assert figures["cost"] == pytest.approx(cost) and figures["cost_per_1k"] == pytest.approx(1000 * cost / 3)
    assert figures["latency_p95"] >= figures["latency_p50"] > 0 and figures["tokens_counted"] == 0

    again = run_api(tiny_set, tmp_path / "b", tmp_path / "c.sqlite", server)
    assert again.returncode == 0, again.stderr
    assert server.count() == 3  # the rerun sent no request
    cached = json.loads((tmp_path / "b" / "results.json").read_text())
    rows = cached["summaries"]
    assert all(r["cached"] for r in rows) and sum(r["finish_reason"] == "length" for r in rows) == 1
    refigured = cached["usage"]["systems"]["llm"]
    for key in ("prompt_tokens_total", "completion_tokens_total", "cost", "latency_p50", "truncated_count"):
        assert refigured[key] == figures[key], key

    report = (tmp_path / "b" / "report.md").read_text()
    assert "## Cost and speed" in report and "latency p50" in report and "latency p95" in report
    assert f"{prompt:,} (" in report and f"${cost:,.4f}" in report
    assert "cost and speed" in again.stdout  # the terminal shows it too, in 80 columns (a CI log)
    table = again.stdout[again.stdout.index("cost and speed"):].split("\nwrote ")[0]
    assert f"{prompt:,}" in table and f"${cost:,.4f}" in table
    assert max(len(line.rstrip()) for line in table.splitlines()) <= 80


def test_gates_on_cost_truncation_and_latency(tiny_set: Path, tmp_path: Path, server: ScriptedServer) -> None:
    cache = tmp_path / "c.sqlite"
    failed = run_api(tiny_set, tmp_path / "a", cache, server, "--fail-over", "truncated=0",
                     "--fail-over", "latency_p95=60", "--fail-over", "cost_per_1k=1")  # fmt: skip
    assert failed.returncode == 1
    assert "FAIL llm: truncated 33.33 > 0.00 (%)" in failed.stderr
    assert "pass llm: latency_p95" in failed.stdout and "pass llm: cost_per_1k" in failed.stdout
    results = json.loads((tmp_path / "a" / "results.json").read_text())
    assert [g["ok"] for g in results["metadata"]["gates"]] == [False, True, True]
    unpriced = run_cli("run", "-d", str(tiny_set), "-s", "lead", "-m", "length", "--bootstrap", "50",
                       "--fail-over", "cost=1", "-o", str(tmp_path / "b"))  # fmt: skip
    assert unpriced.returncode == 1 and "FAIL lead: cost has no price for its model" in unpriced.stderr


def test_prompt_file_newlines_and_no_usage(tiny_set: Path, tmp_path: Path, server: ScriptedServer) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Summarize the article below.\n\n{text}\n", encoding="utf-8")
    spec = (f"api:base_url={server.base_url},model=usage-none,prompt_file={prompt},"
            "system_prompt=Be brief.\\nNo lists.")
    proc = run_cli("run", "-d", str(tiny_set), "-s", spec, "-m", "length", "--bootstrap", "50",
                   "-o", str(tmp_path / "a"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    messages = server.requests[0].body["messages"]
    assert messages[0]["content"] == "Be brief.\nNo lists."
    assert messages[1]["content"].startswith("Summarize the article below.\n\n")
    figures = json.loads((tmp_path / "a" / "results.json").read_text())["usage"]["systems"]
    system = next(iter(figures.values()))
    assert system["prompt_tokens_total"] is None and system["latency_p50"] > 0
