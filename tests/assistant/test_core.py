"""The public API on the deterministic fake embedder and embedded Chroma."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from langchain_core.retrievers import BaseRetriever

from assistant import Assistant, AssistantError, Settings
from vectorstore.embeddings import HashingEmbeddings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})


@pytest.fixture
def bot(settings) -> Assistant:
    return Assistant(settings)


def test_construction_is_light(settings):
    bot = Assistant(settings)
    assert bot._components is None
    assert not (settings.data_dir / "chroma").exists()


def test_ingest_retrieve_roundtrip(bot, tiny_corpus):
    report = bot.ingest([tiny_corpus])
    assert sorted(Path(s).name for s in report.added) == ["giao_thong.txt", "kinh_te.txt", "quy_hoach.txt"]
    assert report.chunks_added >= 3 and not report.failed
    passages = bot.retrieve("Hà Nội cần tháo gỡ những điểm nghẽn nào?", k=2)
    assert Path(passages[0].source).name == "giao_thong.txt"
    p = passages[0]
    assert p.title == "Hà Nội tháo gỡ điểm nghẽn giao thông"
    assert p.chunk_id and p.score > 0
    assert passages[0].score >= passages[1].score


@pytest.mark.parametrize("as_given", [str, Path])
def test_one_path_given_alone_is_one_path_not_its_characters(bot, tiny_corpus, as_given):
    # a str is an iterable of characters: "/" among them would ingest the whole disk
    report = bot.ingest(as_given(tiny_corpus))
    assert sorted(Path(s).name for s in report.added) == ["giao_thong.txt", "kinh_te.txt", "quy_hoach.txt"]
    assert not report.failed


def test_question_without_diacritics_finds_the_passage(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    top = bot.retrieve("tang truong kinh te binh quan bao nhieu", k=1)[0]
    assert Path(top.source).name == "kinh_te.txt"
    assert top.lexical_rank == 1


def test_reingest_unchanged_adds_nothing(bot, settings, tiny_corpus):
    first = bot.ingest([tiny_corpus])
    count = bot.components.store.count()
    again = Assistant(settings).ingest([tiny_corpus])
    assert len(again.unchanged) == 3
    assert not again.added and not again.updated and again.chunks_added == 0
    assert bot.components.store.count() == count == first.chunks_added


def test_editing_one_article_replaces_only_its_chunks(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    store = bot.components.store
    before = {c.id: c.metadata["source"] for c in store.get()}
    f = tiny_corpus / "kinh_te.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\nNăm 2024 tăng trưởng đạt 6,52%.\n", encoding="utf-8")
    report = bot.ingest([tiny_corpus])
    assert [Path(s).name for s in report.updated] == ["kinh_te.txt"]
    assert len(report.unchanged) == 2
    after = {c.id: c.metadata["source"] for c in store.get()}
    changed = str(f.resolve())
    assert {i for i, s in before.items() if s != changed} == {i for i, s in after.items() if s != changed}
    assert not ({i for i, s in before.items() if s == changed} & set(after))
    assert "6,52%" in bot.retrieve("năm 2024 tăng trưởng bao nhiêu", k=1)[0].text


def test_removed_file_is_removed_from_index(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    (tiny_corpus / "quy_hoach.txt").unlink()
    report = bot.ingest([tiny_corpus])
    assert [Path(s).name for s in report.removed] == ["quy_hoach.txt"]
    assert {s.file_name for s in bot.sources()} == {"giao_thong.txt", "kinh_te.txt"}


def test_unreadable_file_is_reported_and_the_rest_go_in(bot, tiny_corpus):
    (tiny_corpus / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    (tiny_corpus / "empty.md").write_text("   \n", encoding="utf-8")
    report = bot.ingest([tiny_corpus, tiny_corpus / "missing.txt"])
    assert len(report.added) == 3
    failed = {Path(k).name: v for k, v in report.failed.items()}
    assert set(failed) == {"binary.txt", "empty.md", "missing.txt"}
    assert all(reason for reason in failed.values())


def test_sources_and_delete(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    sources = bot.sources()
    assert len(sources) == 3
    kt = next(s for s in sources if s.file_name == "giao_thong.txt")
    assert kt.outlet and kt.date == "2017-11-20" and kt.chunks >= 1
    removed = bot.delete("giao_thong.txt")
    assert removed == kt.chunks
    assert all(Path(p.source).name != "giao_thong.txt" for p in bot.retrieve("điểm nghẽn", k=5))
    with pytest.raises(AssistantError, match="No indexed source"):
        bot.delete("giao_thong.txt")


def test_filters_by_source_and_date(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    only = bot.retrieve("Thủ đô", k=5, sources=["quy_hoach.txt"])
    assert {Path(p.source).name for p in only} == {"quy_hoach.txt"}
    dated = bot.retrieve("Thủ đô", k=5, date_from="2017", date_to="2017-12")
    assert {Path(p.source).name for p in dated} == {"giao_thong.txt"}


def test_as_langchain_retriever(bot, tiny_corpus):
    bot.ingest([tiny_corpus])
    retriever = bot.as_retriever(k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("quy hoạch chung đến năm 2045")
    assert len(docs) == 2
    assert docs[0].metadata["source"].endswith("quy_hoach.txt")
    assert docs[0].metadata["title"] == "Quy hoạch đô thị xanh và thông minh"


@pytest.mark.parametrize(
    "question,needle",
    [("", "trống"), ("   \n ", "trống"), ("?!… 🙂🙂", "không có chữ"), ("x" * 20_000, "quá dài")],
)
def test_bad_questions_get_clear_messages(bot, question, needle):
    with pytest.raises(AssistantError, match=needle):
        bot.retrieve(question)


def test_readers_see_old_or_new_version_never_half(settings, tiny_corpus):
    """While one thread rewrites an article, searches see one whole version."""
    emb = HashingEmbeddings()
    bot = Assistant(settings, embeddings=emb)
    f = tiny_corpus / "kinh_te.txt"
    base = "Tăng trưởng kinh tế Thủ đô\n\n"
    versions = [
        base + " ".join(f"Đoạn {i} phiên bản A nói về tăng trưởng kinh tế." for i in range(12)),
        base + " ".join(f"Đoạn {i} phiên bản B nói về tăng trưởng kinh tế." for i in range(12)),
    ]
    f.write_text(versions[0], encoding="utf-8")
    bot.ingest([f])
    seen_mixed = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            texts = " ".join(p.text for p in bot.retrieve("phiên bản tăng trưởng kinh tế", k=20))
            if "phiên bản A" in texts and "phiên bản B" in texts:
                seen_mixed.append(texts)

    t = threading.Thread(target=reader)
    t.start()
    for i in range(6):
        f.write_text(versions[(i + 1) % 2], encoding="utf-8")
        bot.ingest([f])
    stop.set()
    t.join()
    assert not seen_mixed


def test_bad_chunk_size_fails_at_construction():
    with pytest.raises(ValueError):
        Settings(chunking={"chunk_size": 10})
