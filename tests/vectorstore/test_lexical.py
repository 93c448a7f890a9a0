"""The lexical index: per-source updates, persistence, catching up with the store, sharing."""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest
from stored_articles import article as _article

from vectorstore.embeddings import HashingEmbeddings
from vectorstore.index import DocumentIndex
from vectorstore.lexical import LEGACY_FILE, LexicalIndex
from vectorstore.locking import file_lock
from vectorstore.store import InMemoryStore


def _sources(hits) -> list[str]:
    return [h.chunk.metadata["source"] for h in hits]


def test_one_source_is_added_replaced_and_removed_without_touching_the_others(tmp_path):
    lex = LexicalIndex(tmp_path / "lex")
    with lex.update() as batch:
        batch.replace("/a.txt", "a1", [("a-0", "Hà Nội tăng trưởng kinh tế", {})])
        batch.replace("/b.txt", "b1", [("b-0", "Đà Nẵng phát triển du lịch", {})])
    with lex.update() as batch:
        batch.replace("/a.txt", "a2", [("a-1", "Hà Nội xây dựng đường sắt đô thị", {})])
    assert lex.versions() == {"/a.txt": "a2", "/b.txt": "b1"}
    assert [cid for cid, _ in lex.search("đường sắt", 5, folded=False)] == ["a-1"]
    assert lex.search("tăng trưởng kinh tế", 5, folded=False) == []  # the old version is gone
    with lex.update() as batch:
        batch.remove("/a.txt")
    assert lex.versions() == {"/b.txt": "b1"}
    assert [cid for cid, _ in lex.search("da nang du lich", 5, folded=True)] == ["b-0"]


def test_a_failed_update_commits_nothing(tmp_path):
    lex = LexicalIndex(tmp_path / "lex")
    with pytest.raises(RuntimeError), lex.update() as batch:
        batch.replace("/a.txt", "a1", [("a-0", "Hà Nội", {})])
        raise RuntimeError("cut off")
    assert lex.versions() == {} and len(lex) == 0
    with lex.update() as batch:  # the writer was let go
        batch.replace("/a.txt", "a1", [("a-0", "Hà Nội", {})])
    assert len(lex) == 1


def test_bm25_prefers_the_rarer_term_and_the_shorter_chunk():
    lex = LexicalIndex()
    with lex.update() as batch:
        batch.replace(
            "/a.txt",
            "a",
            [
                ("common", "thành phố thành phố thành phố", {}),
                ("rare", "thành phố metro", {}),
                ("long", "metro " + "thành phố " * 30, {}),
            ],
        )
    ranked = [cid for cid, _ in lex.search("thành phố metro", 3, folded=False)]
    assert ranked[0] == "rare" and set(ranked) == {"common", "rare", "long"}


def test_filters_by_source_and_date():
    lex = LexicalIndex()
    with lex.update() as batch:
        batch.replace("/a.txt", "a", [("a-0", "giao thông Hà Nội", {"date_num": 20230105})])
        batch.replace("/b.txt", "b", [("b-0", "giao thông Hà Nội", {"date_num": 20240105})])
    assert [c for c, _ in lex.search("giao thông", 5, folded=False, sources=["/b.txt"])] == ["b-0"]
    assert [c for c, _ in lex.search("giao thông", 5, folded=False, date_to=20231299)] == ["a-0"]
    assert [c for c, _ in lex.search("giao thông", 5, folded=False, date_from=20240101)] == ["b-0"]


def test_restoration_statistics_follow_the_indexed_chunks():
    lex = LexicalIndex()
    with lex.update() as batch:
        batch.replace("/a.txt", "a", [("a-0", "Hà Nội tăng trưởng", {}), ("a-1", "Hà Nội tăng trưởng", {})])
        batch.replace("/b.txt", "b", [("b-0", "tầng trường", {})])
    assert lex.restore("tang truong") == "tăng trưởng"
    with lex.update() as batch:
        batch.remove("/a.txt")
    assert lex.restore("tang truong") == "tầng trường"  # what is left says so


def test_a_data_dir_without_a_lexical_index_gets_one_from_the_stored_chunks(tmp_path):
    """A data dir from before this index: chunks in the store, an old bm25s file, no index."""
    store = InMemoryStore("fake")
    writer = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "elsewhere"))
    for i, text in enumerate(["Hà Nội tăng trưởng kinh tế", "Đà Nẵng phát triển du lịch biển"]):
        writer.write_article(*_article(f"/{i}.txt", [text]))
    before = sorted(c.id for c in store.get())
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / LEGACY_FILE).write_bytes(b"old")
    index = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"))
    assert _sources(index.search("da nang du lich", 1, mode="lexical")) == ["/1.txt"]
    assert len(index.lexical) == 2
    assert sorted(c.id for c in store.get()) == before  # nothing stored is lost
    assert not (tmp_path / "lex" / LEGACY_FILE).exists()


def test_a_write_cut_off_before_the_lexical_commit_is_caught_up(tmp_path):
    index = DocumentIndex(HashingEmbeddings(), InMemoryStore("fake"), LexicalIndex(tmp_path / "lex"))
    index.write_article(*_article("/a.txt", ["phiên bản cũ về giao thông"]))
    real = index._delete_stale
    index._delete_stale = lambda *a: (_ for _ in ()).throw(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):  # manifest switched, lexical update rolled back
        index.write_article(*_article("/a.txt", ["phiên bản mới về đường sắt"]))
    index._delete_stale = real
    index.refresh()
    texts = [h.chunk.text for h in index.search("phien ban duong sat", 5, mode="lexical")]
    assert texts == ["phiên bản mới về đường sắt"]


def test_a_delete_and_a_rebuild_empty_the_lexical_index(tmp_path):
    index = DocumentIndex(HashingEmbeddings(), InMemoryStore("fake"), LexicalIndex(tmp_path / "lex"))
    index.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng"]))
    index.write_article(*_article("/b.txt", ["Đà Nẵng du lịch"]))
    index.delete_source("/a.txt")
    assert index.lexical.versions().keys() == {"/b.txt"}
    index.reset()
    assert len(index.lexical) == 0


def test_a_write_by_another_index_on_the_same_store_is_found_without_a_restart(tmp_path):
    """Two processes' views: each has its own DocumentIndex and LexicalIndex object."""
    store = InMemoryStore("fake")
    one = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"), manifest_ttl=0.0)
    two = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"), manifest_ttl=0.0)
    one.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng kinh tế"]))
    assert _sources(two.search("ha noi tang truong", 1, mode="lexical")) == ["/a.txt"]
    two.write_article(*_article("/b.txt", ["Đà Nẵng phát triển du lịch biển"]))
    assert _sources(one.search("du lịch biển", 1, mode="lexical")) == ["/b.txt"]
    two.delete_source("/a.txt")
    assert one.search("tăng trưởng kinh tế", 1, mode="lexical") == []


def _hold(path, ready, release):
    with file_lock(path):
        ready.set()
        release.wait(30)


def test_a_search_never_waits_for_another_process_writing_the_lexical_index(tmp_path):
    store = InMemoryStore("fake")
    writer = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "other"))
    writer.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng kinh tế"]))
    index = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"))
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(tmp_path / "lex" / "write.lock", ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        t0 = time.monotonic()
        hits = index.search("Hà Nội tăng trưởng", 1)  # the dense side answers meanwhile
        assert time.monotonic() - t0 < 5
        assert _sources(hits) == ["/a.txt"] and hits[0].lexical_rank is None
    finally:
        release.set()
        holder.join(30)
    assert index.search("Hà Nội tăng trưởng", 1)[0].lexical_rank == 1  # caught up after
