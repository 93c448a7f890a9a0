"""The store contract against a real ``chroma run`` server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from vectorstore.store import ChromaStore
from vectorstore.testing import StoreContract

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((data / "server.log").read_text()) from None
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("chroma server did not start in 60 s")
    yield port
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


class TestServerStore(StoreContract):
    @pytest.fixture
    def store(self, chroma_server):
        # a fresh collection per test on the shared server
        return ChromaStore(
            collection=f"t{uuid.uuid4().hex[:12]}",
            embedding_model="m1",
            host="127.0.0.1",
            port=chroma_server,
        )


def test_assistant_on_server(chroma_server, tmp_path, tiny_corpus):
    """The whole assistant runs against the server: ingest, retrieve, re-ingest, delete."""
    from assistant import Assistant, Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        embedding={"model": "fake"},
        chroma={"host": "127.0.0.1", "port": chroma_server, "collection": "server_e2e"},
    )
    bot = Assistant(settings)
    report = bot.ingest([tiny_corpus])
    assert len(report.added) == 3 and not report.failed
    top = bot.retrieve("điểm nghẽn giao thông", k=3)
    assert "nghẽn" in top[0].text
    again = Assistant(settings).ingest([tiny_corpus])
    assert len(again.unchanged) == 3 and again.chunks_added == 0
    bot.delete("giao_thong.txt")
    assert {s.file_name for s in bot.sources()} == {"quy_hoach.txt", "kinh_te.txt"}
