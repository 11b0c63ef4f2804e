"""Test outcomes across pytest sessions, for scripts/test.sh.

As a pytest plugin (tests/conftest.py loads it): with ``SUMBENCH_TEST_OUTCOMES=PREFIX`` set, the
controlling process writes ``PREFIX.json`` (counts of passed, failed and skipped tests) and
``PREFIX.skipped`` (the ids of the skipped tests, one a line, for ``pytest @PREFIX.skipped``).

As a script, ``python tests/outcomes.py DIR`` prints one closing line for the sessions in DIR:
``first`` and, when the skipped tests ran again, ``again`` (whose outcomes replace the skips).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

_OUTCOMES: dict[str, str] = {}


def pytest_runtest_logreport(report: Any) -> None:
    if "PYTEST_XDIST_WORKER" in os.environ or not os.environ.get("SUMBENCH_TEST_OUTCOMES"):
        return
    if report.failed:
        _OUTCOMES[report.nodeid] = "failed"
    elif report.skipped and _OUTCOMES.get(report.nodeid) != "failed":
        _OUTCOMES[report.nodeid] = "skipped"
    elif report.when == "call" and report.passed:
        _OUTCOMES.setdefault(report.nodeid, "passed")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    prefix = os.environ.get("SUMBENCH_TEST_OUTCOMES")
    if "PYTEST_XDIST_WORKER" in os.environ or not prefix:
        return
    counts = {k: sum(v == k for v in _OUTCOMES.values()) for k in ("passed", "failed", "skipped")}
    Path(f"{prefix}.json").write_text(json.dumps(counts), encoding="utf-8")
    skipped = sorted(n for n, v in _OUTCOMES.items() if v == "skipped")
    Path(f"{prefix}.skipped").write_text("".join(f"{n}\n" for n in skipped), encoding="utf-8")


def closing_line(folder: Path) -> str:
    """``tests: N passed, N failed, N skipped`` over the first session and its rerun of skips."""
    first = json.loads((folder / "first.json").read_text(encoding="utf-8"))
    again_file = folder / "again.json"
    if again_file.is_file():
        again = json.loads(again_file.read_text(encoding="utf-8"))
        rerun = sum(again.values())
        first = {
            "passed": first["passed"] + again["passed"],
            "failed": first["failed"] + again["failed"],
            "skipped": first["skipped"] - rerun + again["skipped"],
        }
    return f"tests: {first['passed']} passed, {first['failed']} failed, {first['skipped']} skipped"


if __name__ == "__main__":
    print(closing_line(Path(sys.argv[1])))
