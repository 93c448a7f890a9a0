"""Two `assistant serve` processes on one Chroma server and one data dir: a document uploaded
in one is found by the other without a restart, and a delete in the other is seen by the first."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTICLE = """Hồ Gươm mở rộng không gian đi bộ

Thành phố thí điểm mở rộng không gian đi bộ quanh hồ Hoàn Kiếm sang các phố cổ lân cận
vào mỗi tối thứ Bảy, theo phương án mang mã số QX7731 do Sở Văn hóa trình.
"""
QUESTION = "phuong an ma so QX7731 mo rong khong gian di bo"  # typed without diacritics


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not start in {seconds:.0f} s")


def _serve(data_dir: Path, port: int, chroma_port: int, **env: str) -> subprocess.Popen:
    """`assistant serve` (as ``python -m cli serve``), once it says it is ready."""
    environ = {
        **os.environ,
        "ASSISTANT_EMBEDDING__MODEL": "fake",
        "ASSISTANT_CHROMA__HOST": "127.0.0.1",
        "ASSISTANT_CHROMA__PORT": str(chroma_port),
        "PYTHONPATH": str(REPO),
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--data-dir", str(data_dir), "--port", str(port), "--no-ingest"],
        cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    deadline, line = time.monotonic() + 120, ""
    while time.monotonic() < deadline and "ready at" not in line:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}")
        with contextlib.suppress(queue.Empty):
            line = lines.get(timeout=1)
    assert "ready at" in line
    return proc


def _stop(proc: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    proc.send_signal(sig)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _found(client: Client, name: str) -> bool:
    passages = client.predict(QUESTION, 5, api_name="/retrieve")
    return any(Path(p["source"]).name == name for p in passages)


def _within(seconds: float, check) -> float | None:
    """Seconds until ``check()`` held, or None after ``seconds``."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if check():
            return time.monotonic() - t0
        time.sleep(0.2)
    return None


def test_an_upload_in_one_process_is_found_by_the_other(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    chroma_port, port_a, port_b = _free_port(), _free_port(), _free_port()
    data_dir = tmp_path / "kb"
    server = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "db"), "--host", "127.0.0.1", "--port", str(chroma_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    procs: list[subprocess.Popen] = []
    try:
        _wait_for_port(chroma_port, server, "chroma run")
        procs.append(_serve(data_dir, port_a, chroma_port))
        # the second process searches with the lexical index alone: finding the upload
        # there shows that it sees the first process's lexical commit
        procs.append(_serve(data_dir, port_b, chroma_port, ASSISTANT_RETRIEVAL__MODE="lexical"))
        a = Client(f"http://127.0.0.1:{port_a}/", verbose=False)
        b = Client(f"http://127.0.0.1:{port_b}/", verbose=False)
        assert not _found(b, "ho-guom.txt")

        upload = tmp_path / "ho-guom.txt"
        upload.write_text(ARTICLE, encoding="utf-8")
        a.predict([handle_file(str(upload))], api_name="/upload")
        assert _found(a, "ho-guom.txt")
        assert _within(15, lambda: _found(b, "ho-guom.txt")) is not None

        source = next(s["source"] for s in b.predict(api_name="/sources") if Path(s["source"]).name == "ho-guom.txt")
        b.predict(source, api_name="/delete_source")
        assert _within(15, lambda: not _found(a, "ho-guom.txt")) is not None
        assert not _found(b, "ho-guom.txt")
    finally:
        for proc in procs:
            _stop(proc)
        _stop(server, signal.SIGTERM)
