"""The ``api`` summarizer against real HTTP servers on 127.0.0.1: a fault-injecting one and llama.cpp's."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, run_cli
from llm_servers import LlamaServer, ScriptedServer, scripted_server

from benchmark.components.build import build_systems
from benchmark.core.errors import ConfigError

KEY = "sk-test-9f3b2c1d-never-show-me"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as s:
        yield s


def run_api(dataset: Path, out: Path, cache: Path, *specs: str, env: dict[str, str] | None = None) -> Any:
    args = ["run", "-d", str(dataset), "-m", "length", "-o", str(out), "--cache", str(cache)]
    for spec in specs:
        args += ["-s", spec]
    return run_cli(*args, env=env, timeout=300)


def summaries(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    data = json.loads((out / "results.json").read_text("utf-8"))
    return {(r["system"], r["doc_id"]): r for r in data["summaries"]}


def test_retries_429_and_5xx_then_succeeds(server: ScriptedServer, tiny_set: Path, tmp_path: Path) -> None:
    base = server.base_url
    result = run_api(
        tiny_set,
        tmp_path / "out",
        tmp_path / "c.sqlite",
        f"api:base_url={base},model=flaky429,concurrency=3,name=r429",
        f"api:base_url={base},model=flaky500,concurrency=3,name=r500",
    )
    assert result.returncode == 0, result.stderr
    rows = summaries(tmp_path / "out")
    assert all(r["error"] is None and r["summary"] for r in rows.values()), rows
    assert server.count("flaky429") == 9 and server.count("flaky500") == 9  # 3 documents x 3 attempts
    first = [r for r in server.requests if r.body["model"] == "flaky429" and "story 0" in str(r.body)]
    assert first[1].at - first[0].at >= 0.9  # Retry-After: 1 honoured


def test_garbage_empty_and_timeouts_are_recorded_failures(
    server: ScriptedServer, tiny_set: Path, tmp_path: Path
) -> None:
    base = server.base_url
    specs = [f"api:base_url={base},model={m},name={m}" for m in ("garbage", "nochoices", "empty", "mixed")]
    specs.append(f"api:base_url={base},model=slow,timeout=0.5,retries=1,name=slow")
    started = time.monotonic()
    result = run_api(tiny_set, tmp_path / "out", tmp_path / "c.sqlite", *specs)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 120
    rows = summaries(tmp_path / "out")
    for name in ("garbage", "nochoices", "empty", "slow"):
        errors = [rows[(name, f"d{i}")]["error"] for i in range(3)]
        assert all(errors) and not any(rows[(name, f"d{i}")]["summary"] for i in range(3)), (name, errors)
    assert "malformed response" in rows[("nochoices", "d0")]["error"]
    assert "empty answer" in rows[("empty", "d0")]["error"]
    assert "Timeout" in rows[("slow", "d0")]["error"]
    assert server.count("slow") == 6  # each document: one try and one retry
    # One bad document does not take its batch down: the others are summarized.
    assert rows[("mixed", "d0")]["summary"] and rows[("mixed", "d2")]["summary"]
    assert rows[("mixed", "d1")]["error"] and rows[("mixed", "d1")]["summary"] is None


def test_rerun_sends_no_request_and_fingerprint_covers_prompt(
    server: ScriptedServer, tiny_set: Path, tmp_path: Path
) -> None:
    spec = f"api:base_url={server.base_url},model=echo,name=echo"
    cache = tmp_path / "c.sqlite"
    assert run_api(tiny_set, tmp_path / "a", cache, spec + ",concurrency=2").returncode == 0
    assert server.count() == 3
    assert run_api(tiny_set, tmp_path / "b", cache, spec + ",concurrency=3,timeout=9").returncode == 0
    assert server.count() == 3  # transport options do not change the fingerprint
    texts = {k: v["summary"] for k, v in summaries(tmp_path / "a").items()}
    assert texts == {k: v["summary"] for k, v in summaries(tmp_path / "b").items()}
    assert run_api(tiny_set, tmp_path / "c", cache, spec + ",prompt=Shorten: {text}").returncode == 0
    assert server.count() == 6
    url_variant = spec.replace("/v1,", "/v1/,")  # a trailing slash is the same server
    assert run_api(tiny_set, tmp_path / "d", cache, url_variant).returncode == 0
    assert server.count() == 6


def test_key_is_sent_as_bearer_and_never_shown(
    server: ScriptedServer, tiny_set: Path, tmp_path: Path
) -> None:
    env = {"SUMBENCH_TEST_KEY": KEY, "OPENAI_ORG_ID": "org-from-env", "OPENAI_API_KEY": "sk-other"}
    base = server.base_url
    out, cache = tmp_path / "out", tmp_path / "c.sqlite"
    result = run_api(
        tiny_set,
        out,
        cache,
        f"api:base_url={base},model=echo,api_key_env=SUMBENCH_TEST_KEY,name=ok",
        f"api:base_url={base},model=unauthorized,api_key_env=SUMBENCH_TEST_KEY,name=denied",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert {r.headers["authorization"] for r in server.requests} == {f"Bearer {KEY}"}
    assert not any("openai-organization" in r.headers for r in server.requests)
    rows = summaries(out)
    assert "401" in rows[("denied", "d0")]["error"] and "***" in rows[("denied", "d0")]["error"]
    seen = [result.stdout, result.stderr, cache.read_bytes().decode("latin-1")]
    seen += [p.read_bytes().decode("latin-1") for p in out.iterdir() if p.is_file()]
    assert not any(KEY in text for text in seen)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("api:model=m", "needs base_url"),
        ("api:base_url=http://127.0.0.1:9/v1,model=m,api_key_env=SUMBENCH_UNSET_VAR", "SUMBENCH_UNSET_VAR"),
        ("api:base_url=http://u:secret@127.0.0.1:9/v1,model=m", "must not hold credentials"),
        ("api:base_url=http://127.0.0.1:9/v1,model=m,prompt=no text", "{text}"),
    ],
)
def test_bad_options_are_config_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message if message != "{text}" else r"\{text\}"):
        build_systems([spec])


@pytest.mark.llama
@pytest.mark.slow
def test_llama_cpp_server_summarizes_and_rerun_is_free(smollm2_server: LlamaServer, tmp_path: Path) -> None:
    spec = f"api:base_url={smollm2_server.base_url},model=smollm2,concurrency=2,max_tokens=60,name=smol"
    args = [
        "run",
        "-d",
        str(BUNDLED),
        "--limit",
        "3",
        "-s",
        spec,
        "-m",
        "rouge",
        "--cache",
        str(tmp_path / "c"),
    ]
    first = run_cli(*args, "-o", str(tmp_path / "a"), timeout=600)
    assert first.returncode == 0, first.stderr
    rows = summaries(tmp_path / "a")
    assert len(rows) == 3 and all(
        r["error"] is None and len(r["summary"].split()) >= 5 for r in rows.values()
    )
    served = smollm2_server.completions()
    assert served == 3
    second = run_cli(*args, "-o", str(tmp_path / "b"), timeout=600)
    assert second.returncode == 0, second.stderr
    assert smollm2_server.completions() == served
    assert {k: v["summary"] for k, v in summaries(tmp_path / "b").items()} == {
        k: v["summary"] for k, v in rows.items()
    }
