"""SIGKILL in the middle of each write (ingest, delete, upload, rebuild) on the real
embedded Chroma store: the store opens, the manifest and the vectors agree, and
running the command again ends in the same state as a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from assistant import Assistant, Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

#: runs one write in a child process that says how far it got, slowly enough to be killed
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[4])
    from pathlib import Path
    from assistant import Assistant, Settings
    from vectorstore.embeddings import HashingEmbeddings

    class SlowEmbeddings(HashingEmbeddings):
        def embed_documents(self, texts):
            time.sleep(0.05)
            return super().embed_documents(texts)

    data, corpus, action = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    bot = Assistant(Settings(data_dir=data, embedding={"model": "fake"}), embeddings=SlowEmbeddings())

    def progress(done, total, name):
        print(f"done {done}/{total}", flush=True)

    if action == "ingest":
        bot.ingest([corpus], progress=progress)
    elif action == "rebuild":
        bot.ingest([], rebuild=True, progress=progress)
    elif action == "delete":
        store = bot.components.store
        real_delete = store.delete

        def slow_delete(**kwargs):
            print("done deleting chunks", flush=True)
            time.sleep(30)
            real_delete(**kwargs)

        store.delete = slow_delete
        bot.delete("bai_03.txt")
    elif action == "upload":
        from app import ChatSession, ingest_uploads

        session = ChatSession(bot, bot.settings)
        files = sorted(corpus.iterdir())
        ingest_uploads(session, files, 20.0, lambda *a, **k: print("done", flush=True))
    print("finished", flush=True)
    """
)


def _corpus(root: Path, n: int = 24) -> Path:
    d = root / "corpus"
    d.mkdir()
    for i in range(n):
        paras = [f"Bài {i}: Hà Nội triển khai nhiệm vụ số {i}."] + [
            f"Đoạn {j} của bài {i} nói về quy hoạch, giao thông và phân cấp số {i * 100 + j}." for j in range(8)
        ]
        (d / f"bai_{i:02d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
    return d


def _settings(data: Path) -> Settings:
    return Settings(data_dir=data, embedding={"model": "fake"})


def _state(data: Path, *, settled: bool = True) -> tuple:
    """What a user can observe, with paths inside the data dir made relative.

    Checks on the way that the store opens and answers and that every listed
    source has as many live chunks as its record says; ``settled`` (after a
    command ran to its end) also wants no chunk outside a live version (a
    killed write may leave some, which the next run removes).
    """
    bot = Assistant(_settings(data))
    store = bot.components.store
    manifest = store.manifest()
    chunks = store.get()
    live = Counter(
        c.metadata["source"]
        for c in chunks
        if manifest.get(c.metadata["source"], {}).get("doc_hash") == c.metadata["doc_hash"]
    )
    for source, record in manifest.items():
        assert live[source] == record["chunks"], source
    if settled:
        assert len(chunks) == sum(live.values()), "chunks of no live version are left"
        assert all(r["chunks"] > 0 for r in manifest.values())
    assert bot.retrieve("quy hoạch giao thông", k=3)  # the store opens and answers

    def rel(source: str) -> str:
        return source.replace(str(data.resolve()), "<data>")

    return tuple(sorted((rel(s), r["doc_hash"], r["chunks"]) for s, r in manifest.items()))


def _kill_after(data: Path, corpus: Path, action: str, lines: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(corpus), action, str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = 0
    for line in proc.stdout:
        assert not line.startswith("finished"), "the child finished before it could be killed"
        if line.startswith("done"):
            seen += 1
        if seen >= lines:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def _run(data: Path, corpus: Path, action: str) -> None:
    """The command a user runs (again); for "start", the app's start after a killed upload."""
    bot = Assistant(_settings(data))
    if action == "start":
        from webapp.uploads import reconcile_uploads

        reconcile_uploads(bot, data / "uploads")
    elif action == "ingest":
        assert not bot.ingest([corpus]).failed
    elif action == "ingest one file":
        assert not bot.ingest([corpus / "bai_00.txt"]).failed
    elif action == "rebuild":
        assert not bot.ingest([], rebuild=True).failed
    elif action == "delete":
        bot.delete("bai_03.txt")
    elif action == "upload":
        from app import ChatSession, ingest_uploads

        ingest_uploads(ChatSession(bot, bot.settings), sorted(corpus.iterdir()), 20.0)


def _prepare(data: Path, corpus: Path, action: str) -> None:
    """What is in the store before the command."""
    if action in ("rebuild", "delete"):
        assert not Assistant(_settings(data)).ingest([corpus]).failed


@pytest.mark.parametrize(
    "action,again",
    [
        ("ingest", "ingest"),
        ("delete", "delete"),
        ("upload", "upload"),
        ("upload", "start"),  # no second upload: the app's next start reconciles uploads/
        ("rebuild", "rebuild"),
        ("rebuild", "ingest one file"),  # any ingest finishes an interrupted rebuild
    ],
)
def test_sigkill_midway_then_again_ends_as_a_clean_run(tmp_path, action, again):
    corpus = _corpus(tmp_path)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    for data in (clean, crashed):
        _prepare(data, corpus, action)
    _run(clean, corpus, action)
    expected = _state(clean)

    _kill_after(crashed, corpus, action, lines=1 if action == "delete" else 5)
    _state(crashed, settled=False)  # opens, and manifest and vectors agree, right after the kill
    _run(crashed, corpus, again)
    assert _state(crashed) == expected
    if action == "upload":
        assert sorted(p.name for p in (crashed / "uploads").iterdir()) == sorted(p.name for p in corpus.iterdir())
