#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
.venv/bin/ruff check benchmark tests examples
.venv/bin/mypy
workers=${PYTEST_WORKERS:-auto}
.venv/bin/python -m pytest -n "$workers" "$@"
