#!/usr/bin/env bash
# One command: set up (idempotent) and run every test, then the evaluation regression gate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
. .venv/bin/activate
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
echo "==> unit tests"
python -m pytest -m "not integration" -q
echo "==> integration tests (real model, Chroma server, Gradio server, headless browser)"
python -m pytest -m integration -q
echo "==> evaluation regression gate"
python -m eval --check --no-progress
