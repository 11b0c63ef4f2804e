#!/usr/bin/env bash
# Regenerate reports/example/: the bundled default run (default dataset, summarizers and
# metrics) with its HTML, Markdown, JSON and CSV. Uses a throwaway cache so it is computed fresh.
#   bash scripts/make_example_report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/sumbench run --no-cache --output reports/example "$@"
