"""Pairwise judging end to end: a scripted judge on 127.0.0.1 with a known, position-biased preference.

The scripted judge (``model=pairwise`` in tests/llm_servers.py) prefers the summary with more
sentences when they differ by two or more, and answers "A" (the first shown) when they differ
by one or less. With lead-1, lead-2 and lead-3 (poor, fair, good): good beats poor on every
document in both orders, and the close pairs (poor-fair, fair-good) are inconsistent on every
document. Everything runs as a user runs it: ``python -m benchmark`` in a subprocess.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, run_cli, write_jsonl
from llm_servers import LlamaServer, ScriptedServer, scripted_server, sentences_in

SYSTEMS = ["-s", "lead:k=1,name=poor", "-s", "lead:k=2,name=fair", "-s", "lead:k=3,name=good"]
RULE_JUDGE = '''
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from benchmark import JudgeBase, Judgement, Matchup


@dataclass(frozen=True)
class Shorter(JudgeBase):
    """A rule as a judge: the shorter summary wins."""

    name: ClassVar[str] = "shorter"
    needs_text: ClassVar[bool] = False

    def judge(self, matchups: Sequence[Matchup]) -> list[Judgement]:
        return [Judgement("tie" if len(m.first) == len(m.second) else "A" if len(m.first) < len(m.second)
                          else "B") for m in matchups]
'''


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as s:
        yield s


@pytest.fixture
def eight(tmp_path: Path) -> Path:
    """Eight articles of five sentences each."""
    docs = [
        {"id": f"d{i}", "title": f"Story {i}",
         "text": " ".join(f"Sentence {j} of story {i} tells of {j + i} boats." for j in range(5)),
         "references": [f"Story {i} is about the harbour."]}
        for i in range(8)
    ]
    return write_jsonl(tmp_path / "eight.jsonl", docs)


def judged(out: Path) -> dict[str, Any]:
    data = json.loads((out / "results.json").read_text("utf-8"))
    assert data["schema_version"] == 3
    return dict(data["pairwise"])


def pair(block: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    return next(p for p in block["pairs"] if (p["a"], p["b"]) == (a, b))


def run_judged(dataset: Path, out: Path, cache: Path, spec: str, *systems: str) -> Any:
    return run_cli("run", "-d", str(dataset), *(systems or SYSTEMS), "-m", "length", "--pairwise", spec,
                   "--cache", str(cache), "--bootstrap", "200", "-o", str(out))


def test_known_preference_position_bias_ranking_and_cost(
    server: ScriptedServer, eight: Path, tmp_path: Path
) -> None:
    spec = f"llm:base_url={server.base_url},model=pairwise,concurrency=3"
    cache = tmp_path / "cache.sqlite"
    first = run_judged(eight, tmp_path / "run", cache, spec, *SYSTEMS, "--price", "pairwise=2/10")
    assert first.returncode == 0, first.stderr
    assert server.count("pairwise") == 48  # 3 pairs x 8 documents x 2 orders
    block = judged(tmp_path / "run")
    good = pair(block, "poor", "good")
    counts = ("n", "b_wins", "a_wins", "inconsistent", "failed")
    assert [good[k] for k in counts] == [8, 8, 0, 0, 0]
    assert good["win_rate_a"] == 0.0 and good["sign_p"] == pytest.approx(2 / 256)
    for a, b in (("poor", "fair"), ("fair", "good")):
        close = pair(block, a, b)
        assert [close[k] for k in ("inconsistent", "a_wins", "b_wins", "win_rate_a")] == [8, 0, 0, 0.5]
    assert [r["system"] for r in block["ranking"]] == ["good", "fair", "poor"]
    assert block["bias"]["position"]["value"] == pytest.approx(40 / 48)
    assert block["bias"]["length"]["value"] == 1.0  # good is also the longer summary
    assert block["bias"]["inconsistency"]["value"] == pytest.approx(16 / 24)
    assert block["usage"]["requests"] == 48 and block["usage"]["prompt_tokens"] > 0
    # the evaluation's own cost: the run's price table keyed by the judge's model
    assert block["usage"]["completion_tokens"] == 96
    expected = (block["usage"]["prompt_tokens"] * 2 + 96 * 10) / 1e6
    assert block["usage"]["cost_usd"] == pytest.approx(expected, abs=1e-6)
    report = (tmp_path / "run" / "report.md").read_text("utf-8")
    (line,) = [x for x in report.splitlines() if x.startswith("| pairwise judge llm |")]
    assert "| 24 document-pairs | 48 |" in line and f"${expected:,.4f}" in line
    soft = good["soft_win_rate_a"]
    assert soft == pytest.approx(0.08 + 0.01)  # P(poor better) + P(tie)/2, the same in both orders
    rows = [v for v in block["verdicts"] if (v["a"], v["b"]) == ("poor", "good")]
    assert len(rows) == 8 and all(v["verdict_ab"] == "B" and v["verdict_ba"] == "A" for v in rows)
    assert {v["answer_ab"] for v in rows} == {"Summary B"} and {v["answer_ba"] for v in rows} == {"[[A]]"}
    # position swap, always: every pair of texts was shown in both orders
    shown = {(sentences_in(r.body["messages"][-1]["content"], "A"),
              sentences_in(r.body["messages"][-1]["content"], "B")) for r in server.requests}
    assert shown == {(1, 2), (2, 1), (1, 3), (3, 1), (2, 3), (3, 2)}
    assert "pairwise" in first.stdout and "Bradley-Terry ranking" in first.stdout

    rerun = run_judged(eight, tmp_path / "again", cache, spec)
    assert rerun.returncode == 0, rerun.stderr
    assert server.count("pairwise") == 48  # a rerun sends no request
    again = judged(tmp_path / "again")
    assert again["pairs"] == block["pairs"] and again["ranking"] == block["ranking"]
    assert again["usage"]["requests"] == 0 and again["usage"]["cached_contests"] == 24

    judged_again = run_cli("pairwise", str(tmp_path / "run"), "--judge", spec, "--cache", str(cache),
                           "--bootstrap", "200")
    assert judged_again.returncode == 0, judged_again.stderr
    assert server.count("pairwise") == 48 and judged(tmp_path / "run")["pairs"] == block["pairs"]

    more = run_judged(eight, tmp_path / "more", cache, spec, *SYSTEMS, "-s", "lead:k=5,name=best")
    assert more.returncode == 0, more.stderr
    assert server.count("pairwise") == 48 + 48  # only the new system's 3 pairs x 8 x 2
    assert [r["system"] for r in judged(tmp_path / "more")["ranking"]][:2] == ["best", "good"]

    only = run_cli("pairwise", str(tmp_path / "run" / "results.json"), "--judge", spec,
                   "--systems", "poor,good", "--cache", str(cache), "-o", str(tmp_path / "two"),
                   "--format", "json")
    assert only.returncode == 0, only.stderr
    assert [(p["a"], p["b"]) for p in judged(tmp_path / "two")["pairs"]] == [("poor", "good")]
    assert server.count("pairwise") == 96


def test_unreadable_replies_are_failures_never_ties(
    server: ScriptedServer, eight: Path, tmp_path: Path
) -> None:
    spec = f"llm:base_url={server.base_url},model=pairwise-bad"
    cache = tmp_path / "cache.sqlite"
    result = run_judged(eight, tmp_path / "run", cache, spec, "-s", "lead:k=1", "-s", "lead:k=3")
    assert result.returncode == 0, result.stderr
    block = judged(tmp_path / "run")
    (only,) = block["pairs"]
    assert (only["failed"], only["ties"], only["inconsistent"], only["win_rate_a"]) == (8, 0, 0, None)
    assert block["ranking"] == [] and block["bias"]["failed"] == 8
    assert all(v["outcome"] == "failed" and "I cannot say" in v["error_ab"] for v in block["verdicts"])
    warnings = json.loads((tmp_path / "run" / "results.json").read_text())["metadata"]["warnings"]
    assert any("16 of 16 judgements failed" in w for w in warnings), warnings
    run_judged(eight, tmp_path / "again", cache, spec, "-s", "lead:k=1", "-s", "lead:k=3")
    assert server.count("pairwise-bad") == 32  # failures are not cached: asked again


def test_score_judges_prediction_files(server: ScriptedServer, eight: Path, tmp_path: Path) -> None:
    docs = [json.loads(line) for line in eight.read_text("utf-8").splitlines()]
    for name, k in (("short", 1), ("long", 3)):
        rows = [{"id": d["id"], "summary": ". ".join(d["text"].split(". ")[:k]) + "."} for d in docs]
        write_jsonl(tmp_path / f"{name}.jsonl", rows)
    proc = run_cli("score", str(eight), str(tmp_path / "short.jsonl"), str(tmp_path / "long.jsonl"),
                   "--pairwise", f"llm:base_url={server.base_url},model=pairwise",
                   "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    (record,) = judged(tmp_path / "out")["pairs"]
    assert (record["a"], record["b"], record["b_wins"]) == ("short", "long", 8)
    assert server.count("pairwise") == 16


def test_bad_specs_and_systems_exit_2_before_any_request(
    server: ScriptedServer, eight: Path, tmp_path: Path
) -> None:
    spec = f"llm:base_url={server.base_url},model=pairwise"
    one = run_judged(eight, tmp_path / "one", tmp_path / "c", spec, "-s", "lead")
    assert one.returncode == 2 and "compares systems head to head" in one.stderr
    typo = run_judged(eight, tmp_path / "typo", tmp_path / "c", "llm:base_url=http://127.0.0.1:9/v1,tempreature=0")
    assert typo.returncode == 2 and "unknown option 'tempreature'" in typo.stderr
    assert "Traceback" not in typo.stderr
    ok = run_cli("run", "-d", str(eight), *SYSTEMS, "-m", "length", "-o", str(tmp_path / "plain"))
    assert ok.returncode == 0, ok.stderr
    unknown = run_cli("pairwise", str(tmp_path / "plain"), "--judge", spec, "--systems", "poor,nobody")
    assert unknown.returncode == 2 and "'nobody'" in unknown.stderr and "poor, fair, good" in unknown.stderr
    bad_judge = run_cli("pairwise", str(tmp_path / "plain"), "--judge", "lmm")
    assert bad_judge.returncode == 2 and "did you mean 'llm'" in bad_judge.stderr
    plain = str(tmp_path / "plain")
    bad_format = run_cli("pairwise", plain, "--judge", spec, "--format", "json,docx")
    assert bad_format.returncode == 2 and "unknown report format(s) ['docx']" in bad_format.stderr
    no_batch = run_cli("pairwise", plain, "--judge", spec, "--batch-size", "0")
    assert no_batch.returncode == 2 and "--batch-size must be at least 1" in no_batch.stderr
    assert server.count() == 0


def test_a_plugin_judge_from_a_file(eight: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "rule.py"
    plugin.write_text(RULE_JUDGE, encoding="utf-8")
    listed = run_cli("list", "--plugin", str(plugin))
    assert listed.returncode == 0 and "shorter" in listed.stdout and "judges" in listed.stdout
    ran = run_cli("run", "-d", str(eight), *SYSTEMS, "-m", "length", "-o", str(tmp_path / "run"))
    assert ran.returncode == 0, ran.stderr
    judged_by_rule = run_cli("pairwise", str(tmp_path / "run"), "--plugin", str(plugin), "--judge", "shorter")
    assert judged_by_rule.returncode == 0, judged_by_rule.stderr
    block = judged(tmp_path / "run")
    assert [r["system"] for r in block["ranking"]] == ["poor", "fair", "good"]  # the rule: shorter wins
    assert all(p["a_wins"] == 8 for p in block["pairs"]) and block["bias"]["length"]["value"] == 0.0
    assert block["judge"]["signature"].startswith("judge:shorter|impl:sumbench-shorter-1|source:")
    html = (tmp_path / "run" / "report.html").read_text("utf-8")
    assert 'id="pairwise"' in html and "Story 3" in html


def test_a_judge_that_exits_cannot_end_the_run(eight: Path, tmp_path: Path) -> None:
    """SystemExit(0) inside a plugin judge: every matchup of the batch is a recorded failure,
    never exit 0 from the plugin, and the next run asks again."""
    plugin = tmp_path / "quitter.py"
    source = RULE_JUDGE.replace('"shorter"', '"quitter"')
    body = "        return [Judgement("
    source = source.replace(body, "        raise SystemExit(0)\n" + body)
    plugin.write_text(source, encoding="utf-8")
    ran = run_cli("run", "-d", str(eight), *SYSTEMS[:4], "-m", "length", "-o", str(tmp_path / "run"),
                  "--plugin", str(plugin), "--pairwise", "quitter", "--cache", str(tmp_path / "c"))
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, ran.stderr
    block = judged(tmp_path / "run")
    (pair,) = block["pairs"]
    assert pair["failed"] == 8 and pair["win_rate_a"] is None
    errors = {row["error_ab"] for row in block["verdicts"]}
    assert len(errors) == 1 and "raised SystemExit(0) in judge" in errors.pop()


@pytest.mark.llama
@pytest.mark.slow
def test_the_bundled_model_judges_through_llama_cpp_server(
    smollm2_server: LlamaServer, tmp_path: Path
) -> None:
    """A real judge, kept lean for CI: two summarizers x two bundled documents (their first 120
    words) x both orders."""
    spec = f"llm:base_url={smollm2_server.base_url},model=smollm2,concurrency=1,max_article_words=120"
    args = ["run", "-d", str(BUNDLED), "--limit", "2", "-s", "lead", "-s", "textrank", "-m", "length",
            "--pairwise", spec, "--bootstrap", "200", "--cache", str(tmp_path / "c")]
    result = run_cli(*args, "-o", str(tmp_path / "out"), timeout=900)
    assert result.returncode == 0, result.stderr
    assert smollm2_server.completions() == 4
    block = judged(tmp_path / "out")
    (record,) = block["pairs"]
    assert record["n"] == 2 == sum(record[k] for k in ("a_wins", "b_wins", "ties", "inconsistent", "failed"))
    for row in block["verdicts"]:  # a 135M model: each order a verdict or a recorded failure, never silent
        for order in ("ab", "ba"):
            assert (row[f"verdict_{order}"] is None) == (row[f"error_{order}"] is not None)
            assert row[f"verdict_{order}"] in (None, "A", "B", "tie")
    assert block["usage"]["requests"] == 4 and block["usage"]["prompt_tokens"] > 4 * 150
    assert "|server:" in block["judge"]["signature"] and "|model:smollm2|" in block["judge"]["signature"]
    assert 'id="pairwise"' in (tmp_path / "out" / "report.html").read_text("utf-8")
    failed = sum(row[f"verdict_{o}"] is None for row in block["verdicts"] for o in ("ab", "ba"))
    again = run_cli(*args, "-o", str(tmp_path / "again"), timeout=900)
    assert again.returncode == 0  # from the cache, but for the failed judgements: asked again
    assert smollm2_server.completions() == 4 + failed
