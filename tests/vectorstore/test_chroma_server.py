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


def _chroma_exe() -> str:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    return exe


def _start_server(data: Path, port: int) -> subprocess.Popen:
    """``chroma run`` on loopback, once it accepts connections (log in data/server.log)."""
    log = open(data / "server.log", "a")  # noqa: SIM115 - the child process keeps it
    proc = subprocess.Popen(
        [_chroma_exe(), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((data / "server.log").read_text()) from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start in 60 s")


def _stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = _free_port()
    proc = _start_server(tmp_path_factory.mktemp("chroma-server"), port)
    yield port
    _stop_server(proc)


def test_a_server_lost_midway_is_a_store_error_and_comes_back(tmp_path):
    """Once connected, the client raises httpx errors; the store says what happened,
    and connects again when the server is back."""
    from vectorstore.errors import StoreError
    from vectorstore.testing import make_meta, unit_vector

    port = _free_port()
    proc = _start_server(tmp_path, port)
    try:
        store = ChromaStore(collection="lost", embedding_model="m1", host="127.0.0.1", port=port)
        store.upsert(["a"], ["Hà Nội"], [make_meta("x")], [unit_vector(1)])
        store.set_manifest("x", {"doc_hash": "h1"})
        _stop_server(proc)
        for call in (store.manifest, store.count, lambda: store.query_ids(unit_vector(1), 3)):
            with pytest.raises(StoreError, match="Chroma .* at http"):
                call()
        proc = _start_server(tmp_path, port)
        assert store.count() == 1 and set(store.manifest()) == {"x"}
    finally:
        _stop_server(proc)


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
