#!/usr/bin/env bash
# Idempotent set-up: a virtualenv in .venv with the CPU build of torch and the project.
# Usage: bash scripts/setup.sh [--test]   (--test also installs the test tools and Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
. .venv/bin/activate

# pip warns once per package about extra-index directories of the machine's pip config that do
# not exist ("Location 'file:///…' is ignored: it is neither a file nor a directory"): harmless,
# but hundreds of lines that bury the rest of the log. Only that warning is filtered.
quiet_pip() {
  pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

stamp=.venv/.setup-stamp
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)${1:-}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "==> .venv is up to date"
else
  # torch first, pinned to the CPU build, so nothing pulls the CUDA wheels.
  if ! python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
    echo "==> installing torch 2.13.0 (CPU)"
    quiet_pip "torch==2.13.0"
  fi
  echo "==> installing the project"
  if [ "${1:-}" = "--test" ]; then
    quiet_pip -e ".[test]"
  else
    quiet_pip -e .
  fi
  python - <<'PY'
import torch, sys
if torch.version.cuda:
    sys.exit(f"torch {torch.__version__} is a CUDA build; expected the CPU build")
PY
  echo "$want" > "$stamp"
fi

if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian's chromium for the browser test"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null) || echo "warning: could not install chromium; the browser test will be skipped"
  elif command -v sudo >/dev/null; then
    (sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null) || echo "warning: could not install chromium; the browser test will be skipped"
  else
    echo "warning: chromium missing and no root; the browser test will be skipped"
  fi
fi
