"""Test outcomes of a pytest session, for scripts/test.sh's closing line.

As a pytest plugin (tests/conftest.py loads it): with ``SUMBENCH_TEST_OUTCOMES=PREFIX`` set, the
controlling process writes ``PREFIX.json`` (counts of passed, failed and skipped tests; a test
that failed in setup or teardown counts as failed once).

As a script, ``python tests/outcomes.py DIR`` prints one closing line for ``DIR/first.json``.
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


def closing_line(folder: Path) -> str:
    """``tests: N passed, N failed, N skipped`` for the session recorded in ``folder``."""
    counts = json.loads((folder / "first.json").read_text(encoding="utf-8"))
    return f"tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"


if __name__ == "__main__":
    print(closing_line(Path(sys.argv[1])))
