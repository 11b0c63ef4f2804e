"""Gates never pass on missing data; thresholds have one unit rule; exit codes CI can read.

Every case runs the CLI as a subprocess: 0 pass, 1 a gate failed, 2 a usage or input error,
3 an internal error with its traceback in a log file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, run_cli, run_cli_subprocess

BROKEN = "command:cmd=python3 -c 'import sys; sys.exit(3)',name=broken"

# Predictions for only two of the bundled set's 32 documents: every other one fails.
SPARSE_PLUGIN = '''
from dataclasses import dataclass
from benchmark import SummarizerBase
from benchmark.summarizers import SummaryFailure

KNOWN = {"%s", "%s"}


@dataclass(frozen=True)
class Sparse(SummarizerBase):
    name = "sparse"

    def summarize(self, docs):
        return [
            " ".join(d.text.split(". ")[:3]) if d.id in KNOWN else SummaryFailure("no prediction")
            for d in docs
        ]
'''


def _ids(path: Path, n: int) -> list[str]:
    import json

    return [json.loads(line)["id"] for line in path.read_text().splitlines()[:n]]


def test_all_failed_system_fails_the_gate_and_stays_in_the_leaderboard(tmp_path: Path) -> None:
    args = ["run", "--limit", "3", "-s", "lead", "-s", BROKEN, "-m", "rouge", "-o", str(tmp_path / "o")]
    proc = run_cli(*args, "--fail-under", "rouge1_f=30")
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"│ broken\s+│\s+—", proc.stdout)  # listed, no score
    assert re.search(r"│\s+3 │", proc.stdout)  # its failure count
    assert "FAIL broken: rouge1_f missing for 3 of 3 documents, 3 failed to summarize" in proc.stderr
    assert "FAIL lead" not in proc.stderr and "pass lead: rouge1_f mean" in proc.stdout
    # allowing three failures cannot make a system with no value at all pass
    allowed = run_cli(*args, "--fail-under", "rouge1_f=30", "--allow-failures", "3")
    assert allowed.returncode == 1 and "FAIL broken" in allowed.stderr
    # a per-system gate checks only that system
    only_lead = run_cli(*args, "--fail-under", "lead:rouge1_f=30")
    assert only_lead.returncode == 0, only_lead.stderr
    report = (tmp_path / "o" / "report.md").read_text()
    assert "| broken |" in report


def test_predictions_for_2_of_32_documents_fail_unless_allowed(tmp_path: Path) -> None:
    plugin = tmp_path / "sparse.py"
    plugin.write_text(SPARSE_PLUGIN % tuple(_ids(BUNDLED, 2)))
    args = ["run", "--plugin", str(plugin), "-s", "sparse", "-m", "rouge", "--fail-under", "rouge1_f=10"]
    proc = run_cli(*args, "-o", str(tmp_path / "a"))
    assert proc.returncode == 1, proc.stderr
    line = "FAIL sparse: rouge1_f missing for 30 of 32 documents, 30 failed to summarize"
    assert line in proc.stderr
    ok = run_cli(*args, "--allow-failures", "0.95", "-o", str(tmp_path / "c"))
    assert ok.returncode == 0, ok.stderr


def test_count_thresholds_are_raw_and_fraction_thresholds_x100(tiny_set: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "run", "--dataset", str(tiny_set), "-s", "lead:k=1,name=lead1", "-m", "length", "-m", "rouge",
        "-o", str(tmp_path / "o"), "--fail-under", "length_words=50", "--fail-under", "rouge1_f=20",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"FAIL lead1: length_words mean \d+\.\d\d < 50\.00 \(raw\)", proc.stderr)
    assert re.search(r"pass lead1: rouge1_f mean \d+\.\d\d >= 20\.00 \(x100\)", proc.stdout)


@pytest.mark.parametrize("value", ["nan", "inf", "abc", "1e999"])
def test_bad_threshold_is_a_usage_error(tiny_set: Path, value: str) -> None:
    proc = run_cli("run", "--dataset", str(tiny_set), "-s", "lead", "-m", "rouge", "--fail-under",
                   f"rouge1_f={value}")  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert f"bad --fail-under value {value!r}" in proc.stderr and "Traceback" not in proc.stderr


def test_compare_fails_on_low_coverage_and_missing_systems(tiny_set: Path, tmp_path: Path) -> None:
    full, part, broken = tmp_path / "full", tmp_path / "part", tmp_path / "broken"
    base = ["--dataset", str(tiny_set), "-m", "rouge"]
    assert run_cli("run", *base, "-s", "lead", "-s", "lead:k=1,name=x", "-o", str(full)).returncode == 0
    assert run_cli("run", *base, "-s", "lead", "--limit", "2", "-o", str(part)).returncode == 0
    cmd = ["command:cmd=python3 -c 'import sys; sys.exit(3)',name=x"]
    assert run_cli("run", *base, "-s", "lead", "-s", *cmd, "-o", str(broken)).returncode == 0
    low = run_cli("compare", str(full), str(part))
    assert low.returncode == 1, low.stderr
    assert "FAIL coverage: the runs share 2 of BASE's 3 documents" in low.stderr
    assert "missing from NEW: d2" in low.stderr
    assert run_cli("compare", str(full), str(part), "--min-coverage", "0.6").returncode == 0
    assert run_cli("compare", str(full), str(part), "--min-coverage", "1.5").returncode == 2
    ungated = run_cli("compare", str(full), str(broken))
    warning = "warning: x: rouge1_f has no value for 0 (BASE) and 3 (NEW)"
    assert ungated.returncode == 0 and warning in " ".join(ungated.stderr.split())
    gated = run_cli("compare", str(full), str(broken), "--max-drop", "rouge1_f=1")
    assert gated.returncode == 1, gated.stderr
    assert "FAIL x: rouge1_f missing for 3 of 3 shared documents in NEW" in gated.stderr
    assert "FAIL lead" not in gated.stderr


def test_exit_codes_usage_and_internal_errors(tiny_set: Path, tmp_path: Path) -> None:
    assert run_cli("run", "--no-such-option").returncode == 2
    assert run_cli("compare").returncode == 2
    assert run_cli("run", "--limit", "many").returncode == 2
    plugin = tmp_path / "buggy.py"
    plugin.write_text(
        "from benchmark import SummarizerBase\n\n"
        "class Buggy(SummarizerBase):\n"
        "    name = 'buggy'\n\n"
        "    def fingerprint(self):\n"
        "        raise RuntimeError('boom')\n"
    )
    logs = tmp_path / "logs"
    proc = run_cli_subprocess(  # a real process: exit code 3 and nothing but the message on stderr
        "run", "--dataset", str(tiny_set), "--plugin", str(plugin), "-s", "buggy", "-m", "rouge",
        "-o", str(tmp_path / "o"), env={"SUMBENCH_LOG_DIR": str(logs)},
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert "internal error: RuntimeError: boom" in proc.stderr and "Traceback" not in proc.stderr
    (log,) = logs.glob("sumbench-error-*.log")
    assert str(log) in " ".join(proc.stderr.split()) or log.name in proc.stderr
    assert "Traceback" in log.read_text() and "raise RuntimeError('boom')" in log.read_text()
