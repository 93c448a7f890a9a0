"""Serve a GGUF model over llama.cpp's OpenAI-compatible HTTP API (xllamacpp), until stopped.

Run with the Python that has ``xllamacpp`` installed (``scripts/local-llm.sh`` makes one
outside the repository); the assistant itself never imports this file.

    python scripts/llama_server.py --model MODEL.gguf --port 8080 [--threads 2] [--ctx 4096]

Prints ``listening http://127.0.0.1:PORT`` once the model is loaded. llama.cpp's
extra CPU buffer types (the AMX/repacked matmul kernels) are turned off: with them a
build on these machines crashed on its first inference.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="path of the .gguf file")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 2))
    p.add_argument("--ctx", type=int, default=4096, help="context window (tokens)")
    p.add_argument("--parallel", type=int, default=1, help="requests served at once")
    args = p.parse_args()
    if not os.path.isfile(args.model):
        sys.stderr.write(f"error: no model file at {args.model}\n")
        return 2
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.no_extra_bufts = True
    server = xlc.Server(params)
    sys.stdout.write(f"listening {server.listening_address}\n")
    sys.stdout.flush()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    return 0


if __name__ == "__main__":
    sys.exit(main())
