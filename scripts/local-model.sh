#!/usr/bin/env bash
# The embedded local model, set up: llama.cpp built portable (no -march=native: the build runs on any x86-64
# and picks AVX2 / AVX-512 / AMX kernels at run time where the CPU has them), its OpenAI-compatible server,
# then the model file pulled and verified. The app runs it as a supervised sidecar (tools/core/llm/sidecar.py).
# About 9 minutes on 2 cores. Usage: bash scripts/local-model.sh   (from the repository root, after bootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON ${CMAKE_ARGS:-}"
.venv/bin/pip install --no-cache-dir -e ".[local]"
.venv/bin/agentify models pull
.venv/bin/agentify models check
