#!/usr/bin/env bash
# Set up (idempotent) and run the test suite: ruff, mypy, pytest (-n auto, the 20 slowest tests
# listed). Left out: the `heavy` tests (a Ray cluster, a wheel in a fresh venv, the
# 10,000-document viewer); the `llama` tests skip unless llama-cpp-python (an opt-in extra
# that compiles for minutes: bash scripts/setup.sh --llama) is installed. `bash .ci/run` runs
# this, then both. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --no-llama
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
.venv/bin/ruff check benchmark tests examples
.venv/bin/mypy
outcomes=$(mktemp -d)
rc=0
SUMBENCH_TEST_OUTCOMES="$outcomes/first" .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" \
  --durations=20 "$@" || rc=$?
.venv/bin/python tests/outcomes.py "$outcomes"
rm -rf "$outcomes"
exit "$rc"
