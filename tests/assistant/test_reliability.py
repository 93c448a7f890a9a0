"""Crashes and concurrency: a killed ingest, simultaneous questions, ingest while serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant import Assistant, Settings

REPO = Path(__file__).resolve().parents[2]

KILLABLE_INGEST = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[3])
    from assistant import Assistant, Settings
    from vectorstore.embeddings import HashingEmbeddings

    class SlowEmbeddings(HashingEmbeddings):
        def embed_documents(self, texts):
            time.sleep(0.05)
            return super().embed_documents(texts)

    bot = Assistant(Settings(data_dir=sys.argv[1], embedding={"model": "fake"}), embeddings=SlowEmbeddings())

    def progress(done, total, name):
        print(f"done {done}/{total}", flush=True)

    bot.ingest([sys.argv[2]], progress=progress)
    print("finished", flush=True)
    """
)


def _many_articles(root: Path, n: int = 30) -> Path:
    d = root / "many"
    d.mkdir()
    for i in range(n):
        paras = [
            f"Bài {i}: Hà Nội triển khai nhiệm vụ số {i}.",
            *(f"Đoạn {j} của bài {i} nói về quy hoạch, giao thông và phân cấp quản lý số {i * 100 + j}." for j in range(8)),
        ]
        (d / f"bai_{i:02d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
    return d


def _assert_consistent(bot: Assistant) -> None:
    store = bot.components.store
    manifest = store.manifest()
    chunks = store.get()
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    live = [c for c in chunks if manifest.get(c.metadata["source"], {}).get("doc_hash") == c.metadata["doc_hash"]]
    per_source = Counter(c.metadata["source"] for c in live)
    for source, rec in manifest.items():
        assert per_source[source] == rec["chunks"], source


def test_sigkill_during_ingest_leaves_a_working_store(tmp_path):
    corpus = _many_articles(tmp_path)
    data = tmp_path / "kb"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_INGEST, str(data), str(corpus), str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = 0
    for line in proc.stdout:
        if line.startswith("done"):
            lines += 1
        if lines >= 5:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    settings = Settings(data_dir=data, embedding={"model": "fake"})
    bot = Assistant(settings)
    partial = len(bot.sources())
    assert 1 <= partial < 30
    assert bot.retrieve("quy hoạch giao thông", k=3)  # opens and answers
    _assert_consistent(bot)

    report = Assistant(settings).ingest([corpus])
    assert not report.failed
    assert len(report.added) + len(report.unchanged) == 30
    assert len(report.unchanged) >= partial - 1
    bot = Assistant(settings)
    assert len(bot.sources()) == 30
    _assert_consistent(bot)
    assert bot.components.store.count() == sum(s.chunks for s in bot.sources())


def test_sixteen_simultaneous_questions_on_the_python_api(tmp_path, tiny_corpus):
    bot = Assistant(Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}))
    bot.ingest([tiny_corpus])
    questions = [
        "Hà Nội cần tháo gỡ những điểm nghẽn nào?",
        "tang truong kinh te binh quan bao nhieu",
        "Quy hoạch chung điều chỉnh đến năm nào?",
        "Thu ngân sách năm 2023 ước đạt bao nhiêu?",
    ] * 4
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(bot.ask, questions))
    assert len(answers) == 16
    assert all(a.text for a in answers)
    assert [a.text for a in answers[:4]] == [a.text for a in answers[4:8]]


def test_ingest_while_serving(tmp_path, tiny_corpus):
    """Questions keep being answered while another article is ingested."""
    bot = Assistant(Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}))
    bot.ingest([tiny_corpus])
    extra = tmp_path / "extra"
    extra.mkdir()
    for i in range(10):
        (extra / f"moi_{i}.txt").write_text(
            f"Bài mới {i}\n\n" + " ".join(f"Câu {j} về phát triển đô thị xanh." for j in range(20)),
            encoding="utf-8",
        )
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_loop():
        while not stop.is_set():
            try:
                assert bot.retrieve("điểm nghẽn giao thông", k=3)
            except BaseException as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)

    threads = [threading.Thread(target=ask_loop) for _ in range(4)]
    for t in threads:
        t.start()
    report = bot.ingest([extra])
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert len(report.added) == 10
    assert len(bot.sources()) == 13


@pytest.mark.parametrize("make", ["empty", "binary", "missing", "loop", "too_big"])
def test_bad_files_are_reported_and_nothing_stored_is_lost(tmp_path, tiny_corpus, make):
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}, max_file_mb=0.001)
    bot = Assistant(settings)
    bot.ingest([tiny_corpus])
    before = bot.components.store.count()
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    target = bad_dir / "x.txt"
    if make == "empty":
        target.write_text("", encoding="utf-8")
    elif make == "binary":
        target.write_bytes(bytes(range(256)) * 10)
    elif make == "missing":
        target = bad_dir / "khong_co.txt"
    elif make == "loop":
        (bad_dir / "loop").symlink_to(bad_dir, target_is_directory=True)
        target.write_text("Bài ngắn\n\nMột bài ngắn về quy hoạch Hà Nội.", encoding="utf-8")
    elif make == "too_big":
        target.write_text("Hà Nội " * 2000, encoding="utf-8")
    report = bot.ingest([target if make != "loop" else bad_dir])
    if make == "loop":
        assert [Path(p).name for p in report.added] == ["x.txt"]  # the loop is not followed twice
    else:
        assert str(target) in {str(Path(k)) for k in report.failed} or any(
            Path(k).name == target.name for k in report.failed
        )
        assert all(report.failed.values())
    assert bot.components.store.count() >= before
    assert len([s for s in bot.sources() if s.file_name in {"giao_thong.txt", "kinh_te.txt", "quy_hoach.txt"}]) == 3


@pytest.mark.parametrize(
    "question", ["河内的经济增长目标是多少？", "Какова цель экономического роста Ханоя?"]
)
def test_question_in_another_language_gets_an_answer_or_a_plain_not_found(tmp_path, tiny_corpus, question):
    bot = Assistant(Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}))
    bot.ingest([tiny_corpus])
    answer = bot.ask(question)
    assert answer.text
    if answer.abstained:
        assert "không tìm thấy" in answer.text and not answer.citations
    else:
        assert answer.citations


def test_file_deleted_while_ingest_runs_is_reported(tmp_path, tiny_corpus, monkeypatch):
    import assistant.documents as documents

    bot = Assistant(Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}))
    doomed = tiny_corpus / "quy_hoach.txt"
    real = documents.load_article

    def deleting_loader(path, **kwargs):
        if Path(path).name == doomed.name:
            doomed.unlink()  # gone between discovery and reading
        return real(path, **kwargs)

    monkeypatch.setattr(documents, "load_article", deleting_loader)
    report = bot.ingest([tiny_corpus])
    assert {Path(p).name for p in report.added} == {"giao_thong.txt", "kinh_te.txt"}
    assert [Path(p).name for p in report.failed] == ["quy_hoach.txt"]
    assert next(iter(report.failed.values()))


def test_a_second_ingest_waits_for_all_of_the_first_or_changes_nothing(tmp_path, monkeypatch):
    """The writer lock covers a whole ingest, not each batch: a second writer that
    gives up has written none of its files (and says nothing was changed)."""
    import assistant.documents as documents
    from vectorstore.errors import StoreLocked

    first_corpus = _many_articles(tmp_path, n=20)  # two write batches
    second_corpus = tmp_path / "second"
    second_corpus.mkdir()
    for i in range(3):
        (second_corpus / f"khac_{i}.txt").write_text(
            f"Bài khác {i}\n\nMột bài khác số {i} về đô thị xanh.", encoding="utf-8"
        )
    paused, resume = threading.Event(), threading.Event()
    real = documents.load_article

    def pausing_loader(path, **kwargs):
        if Path(path).name == "bai_17.txt":  # after the first batch was written
            paused.set()
            resume.wait(30)
        return real(path, **kwargs)

    monkeypatch.setattr(documents, "load_article", pausing_loader)
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})
    first = threading.Thread(target=lambda: Assistant(settings).ingest([first_corpus]))
    first.start()
    try:
        assert paused.wait(30)
        second = Assistant(settings)
        second.components.index.lock.timeout = 0.5
        with pytest.raises(StoreLocked, match="nothing was changed"):
            second.ingest([second_corpus])
    finally:
        resume.set()
        first.join(30)
    bot = Assistant(settings)
    assert {s.file_name for s in bot.sources()} == {f"bai_{i:02d}.txt" for i in range(20)}
    _assert_consistent(bot)


def test_a_delete_cut_off_midway_can_be_finished(tmp_path, tiny_corpus):
    """A delete stopped after its first store write leaves the source listed, its
    chunks out of searches, and a second delete removes everything (it used to
    drop the record first: the chunks stayed and no command could name them)."""
    from vectorstore.embeddings import HashingEmbeddings
    from vectorstore.store import InMemoryStore

    class DyingStore(InMemoryStore):
        """Stops (as a killed process would) at the second write once armed."""

        writes = None

        def _write(self):
            if self.writes is not None:
                self.writes += 1
                if self.writes == 2:
                    raise KeyboardInterrupt

        def set_manifest(self, source, record):
            self._write()
            super().set_manifest(source, record)

        def delete(self, *, ids=None, where=None):
            self._write()
            super().delete(ids=ids, where=where)

        def delete_manifest(self, source):
            self._write()
            super().delete_manifest(source)

    emb = HashingEmbeddings()
    store = DyingStore(emb.model_id)
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})
    bot = Assistant(settings, embeddings=emb, store=store)
    bot.ingest([tiny_corpus])
    store.writes = 0
    with pytest.raises(KeyboardInterrupt):
        bot.delete("giao_thong.txt")
    store.writes = None

    bot = Assistant(settings, embeddings=emb, store=store)
    assert "giao_thong.txt" in {s.file_name for s in bot.sources()}  # still listed ...
    hits = bot.retrieve("điểm nghẽn giao thông", k=5)
    assert all(Path(p.source).name != "giao_thong.txt" for p in hits)  # ... but not served
    assert bot.delete("giao_thong.txt") >= 1  # and a second delete finishes the job
    assert not [c for c in store.get() if c.metadata["source"].endswith("giao_thong.txt")]
    assert {s.file_name for s in bot.sources()} == {"kinh_te.txt", "quy_hoach.txt"}
    _assert_consistent(bot)
