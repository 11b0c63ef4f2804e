#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: ruff, mypy, pytest (-n auto, the 20 slowest
# tests listed). llama-cpp-python compiles llama.cpp (minutes): when it is missing it builds in
# the background (niced) while ruff, mypy and the tests run; the tests that skipped for want of
# anything then run again, once it is installed, so every test runs. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --no-llama
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
llama_pid=0
llama_log=.venv/llama-build.log
if ! .venv/bin/python -c "import llama_cpp.server" 2>/dev/null; then
  echo "building llama-cpp-python in the background (log: $llama_log)"
  nice -n 10 bash scripts/setup.sh --llama >"$llama_log" 2>&1 &
  llama_pid=$!
fi
.venv/bin/ruff check benchmark tests examples
.venv/bin/mypy
workers=${PYTEST_WORKERS:-auto}
outcomes=$(mktemp -d)
pytest_run() {  # one pytest session; its outcomes (and the ids of skipped tests) land in $1
  local rc=0
  SUMBENCH_TEST_OUTCOMES="$outcomes/$1" .venv/bin/python -m pytest -n "$workers" --durations=20 "${@:2}" || rc=$?
  (( rc == 0 || rc == 5 )) || return "$rc"  # 5: nothing selected
}
rc=0
pytest_run first "$@" || rc=$?
if (( llama_pid )); then
  if ! wait "$llama_pid"; then
    tail -n 40 "$llama_log"
    echo "error: building llama-cpp-python failed (log above)" >&2
    exit 1
  fi
  if [[ -s "$outcomes/first.skipped" ]]; then
    echo "llama-cpp-python installed: running the $(wc -l <"$outcomes/first.skipped") test(s) that skipped"
    pytest_run again "@$outcomes/first.skipped" || rc=$?
  fi
fi
.venv/bin/python tests/outcomes.py "$outcomes"
rm -rf "$outcomes"
exit "$rc"
