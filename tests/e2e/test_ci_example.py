"""examples/ci/ and action.yml, run locally: their shell steps in order, in a temporary git
repository of a team that is not sumbench, with GITHUB_STEP_SUMMARY set (no runner needed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BUNDLED, ROOT

yaml = pytest.importorskip("yaml")

SCRIPT = '''import json, sys
refs, out = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    for line in open(refs):
        doc = json.loads(line)
        f.write(json.dumps({"id": doc["id"], "summary": %s}) + "\\n")
'''
LEAD3 = '" ".join(doc["text"].split(". ")[:3])'
WORDS8 = '" ".join(doc["text"].split()[:8])'


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


@pytest.fixture
def team_repo(tmp_path: Path) -> dict[str, Any]:
    """A team's repository: a reference set and their predict script."""
    repo = tmp_path / "team"
    (repo / "eval").mkdir(parents=True)
    (repo / "scripts").mkdir()
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()[:12]
    (repo / "eval" / "refs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (repo / "scripts" / "summarize.py").write_text(SCRIPT % LEAD3)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    shim = tmp_path / "bin"
    shim.mkdir()
    for name, cmd in (("sumbench", f'"{sys.executable}" -m benchmark'), ("python", f'"{sys.executable}"')):
        (shim / name).write_text(f'#!/usr/bin/env bash\nexec {cmd} "$@"\n')
        (shim / name).chmod(0o755)
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {**os.environ, "PATH": f"{shim}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "GITHUB_WORKSPACE": str(repo), "RUNNER_TEMP": str(runner),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "out.txt"),
           "SUMBENCH_CACHE": str(tmp_path / "cache.sqlite")}  # fmt: skip
    return {"repo": repo, "base": base, "env": env, "summary": tmp_path / "summary.md", "runner": runner}


def _expand(text: str, values: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        return values[match.group(1).strip()]  # an unknown expression fails the test: keep in sync

    return re.sub(r"\$\{\{(.*?)\}\}", sub, str(text))


def run_workflow(team: dict[str, Any], skip: tuple[str, ...] = ("Install sumbench",)) -> dict[str, int]:
    """Each `run:` step of examples/ci/sumbench.yml in order, as a runner would (bash -eo pipefail);
    after a failure only `if: always()` steps run. Returns each step's exit code."""
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "sumbench.yml").read_text())
    (job,) = workflow["jobs"].values()
    values = {"github.event.pull_request.base.sha": team["base"], "runner.temp": str(team["runner"])}
    env = {**team["env"], **{k: _expand(v, values) for k, v in job["env"].items()}}
    codes: dict[str, int] = {}
    failed = False
    for step in job["steps"]:
        if "run" not in step or step.get("name") in skip:
            continue
        if failed and "always()" not in str(step.get("if", "")):
            continue
        bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
        proc = subprocess.run(bash, cwd=team["repo"], env=env, capture_output=True, text=True, timeout=600)
        codes[step["name"]] = proc.returncode
        failed = failed or proc.returncode != 0
    return codes


def test_workflow_fails_a_regressing_pull_request_and_writes_the_summary(team_repo: dict[str, Any]) -> None:
    repo = team_repo["repo"]
    (repo / "scripts" / "summarize.py").write_text(SCRIPT % WORDS8)  # the pull request's "model"
    _git(repo, "commit", "-qam", "shorter summaries")
    codes = run_workflow(team_repo)
    assert codes["Predict with the pull request's model"] == 0
    assert codes["Predict with the base branch's model"] == 0
    assert codes["Score and gate"] == 1  # a gate failed: not a crash
    assert codes["Write the job summary"] == 0
    summary = team_repo["summary"].read_text()
    assert "### Gates" in summary and "Regressions" in summary
    assert re.search(r"FAIL model: rouge1_f mean \d+\.\d\d < 30\.00 \(x100\)", summary)
    assert "FAIL model: rouge1_f dropped" in summary
    assert (repo / "sumbench-out" / "head" / "report.html").is_file()


def test_workflow_passes_an_unchanged_model(team_repo: dict[str, Any]) -> None:
    codes = run_workflow(team_repo)
    assert codes["Score and gate"] == 0 and codes["Write the job summary"] == 0
    summary = team_repo["summary"].read_text()
    assert "pass model: rouge1_f mean" in summary and "FAIL" not in summary


def test_action_gate_script_fails_on_missing_predictions(team_repo: dict[str, Any]) -> None:
    """action.yml's gate step: inputs as SB_* variables, predictions missing for some documents."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "gate")
    assert set(step["env"]) >= {"SB_REFERENCES", "SB_HEAD_PREDICTIONS", "SB_FAIL_UNDER"}
    repo, env = team_repo["repo"], team_repo["env"]
    predict = [sys.executable, "scripts/summarize.py", "eval/refs.jsonl", "base.jsonl"]
    subprocess.run(predict, cwd=repo, check=True)
    head = [json.loads(line) for line in (repo / "base.jsonl").read_text().splitlines()[:10]]
    (repo / "head.jsonl").write_text("".join(json.dumps(r) + "\n" for r in head))
    inputs = {"SB_REFERENCES": "eval/refs.jsonl", "SB_BASE_PREDICTIONS": "base.jsonl",
              "SB_HEAD_PREDICTIONS": "head.jsonl", "SB_FAIL_UNDER": "rouge1_f=30",
              "SB_MAX_DROP": "rouge1_f=1", "GITHUB_ACTION_PATH": str(ROOT)}  # fmt: skip
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=repo, env={**env, **inputs}, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = team_repo["summary"].read_text()
    assert "### Gates (exit 1)" in summary
    assert "FAIL model: rouge1_f missing for 2 of 12 documents, 2 failed to summarize" in summary
    assert "exit-code=1" in Path(env["GITHUB_OUTPUT"]).read_text()
    inputs.update(SB_ALLOW_FAILURES="2", SB_MIN_COVERAGE="1")
    allowed = subprocess.run(["bash", "-c", step["run"]], cwd=repo, capture_output=True, text=True,
                             env={**env, **inputs})  # fmt: skip
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_action_gates_an_articles_only_set_on_its_flagged_rate(team_repo: dict[str, Any]) -> None:
    """No references: the action scores faithfulness and fails when more summaries are flagged
    than `fail-over` allows."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "gate")
    assert "SB_FAIL_OVER" in step["env"]
    repo, env = team_repo["repo"], team_repo["env"]
    records = [json.loads(line) for line in (repo / "eval" / "refs.jsonl").read_text().splitlines()[:4]]
    (repo / "eval" / "articles.jsonl").write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in records)
    )
    summaries = [{"id": r["id"], "summary": r["text"].split(". ")[0] + "."} for r in records]
    summaries[0]["summary"] += " The plan was welcomed by President Emmanuel Macron of France."
    (repo / "head.jsonl").write_text("".join(json.dumps(s) + "\n" for s in summaries))
    inputs = {"SB_REFERENCES": "eval/articles.jsonl", "SB_HEAD_PREDICTIONS": "head.jsonl",
              "SB_METRICS": "faithfulness", "SB_FAIL_OVER": "faith_flagged=0",
              "GITHUB_ACTION_PATH": str(ROOT)}  # fmt: skip
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=repo, env={**env, **inputs}, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = team_repo["summary"].read_text()
    assert "FAIL model: faith_flagged mean 25.00 > 0.00 (x100)" in summary
