#!/usr/bin/env bash
# One command: set up (idempotent) and start the chat app on the bundled corpus.
# The first start ingests data/articles into .data/ (converting the embedding model once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
exec assistant serve "$@"
