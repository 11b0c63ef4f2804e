"""The example plugin package installs, is discovered through its entry point and runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_cli_subprocess

EXAMPLE = ROOT / "examples" / "sumbench-plugin-example"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example installed with pip into a fresh directory; the env that puts it on the path."""
    base = tmp_path_factory.mktemp("plugin")
    source = base / "source"  # build from a copy: pip leaves build files beside the sources
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = base / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    path = os.pathsep.join(p for p in (str(target), os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path}


def test_sumbench_list_shows_the_plugin(installed: dict[str, str]) -> None:
    result = run_cli_subprocess("list", env={**installed, "COLUMNS": "250"})  # an installed package
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "longest" in line)
    assert "sumbench-plugin-example" in line


def test_the_plugin_runs_into_the_leaderboard(
    installed: dict[str, str], tiny_set: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli("run", "--dataset", str(tiny_set), "-s", "lead", "-s", "longest:k=2",
                     "-m", "rouge", "-o", str(out), "--no-cache", env=installed)
    assert result.returncode == 0, result.stderr
    assert "longest:k=2" in result.stdout
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    systems = {s["name"]: s for s in data["metadata"]["systems"]}
    assert systems["longest:k=2"]["failed"] == 0
    assert systems["longest:k=2"]["class"] == "sumbench_plugin_example.LongestSentences"


def test_the_plugins_own_tests_pass(installed: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        cwd=EXAMPLE, env={**os.environ, **installed}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
