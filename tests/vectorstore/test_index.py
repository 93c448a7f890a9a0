"""DocumentIndex: consistent writes, crash recovery, fusion, and the writer lock."""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest
from stored_articles import article as _article

from ingest import schema
from vectorstore.embeddings import HashingEmbeddings
from vectorstore.errors import StoreLocked
from vectorstore.index import DocumentIndex, FusionWeights, date_number
from vectorstore.lexical import LexicalIndex, lexical_features
from vectorstore.locking import WriterLock
from vectorstore.store import InMemoryStore


@pytest.fixture
def index(tmp_path) -> DocumentIndex:
    return DocumentIndex(HashingEmbeddings(), InMemoryStore("fake"), LexicalIndex(tmp_path / "lex"))


def test_write_statuses(index):
    art, chunks = _article("/a.txt", ["Hà Nội tăng trưởng 7,5%", "Quy hoạch đô thị"])
    assert index.write_article(art, chunks).status == "added"
    assert index.write_article(art, chunks).status == "unchanged"
    art2, chunks2 = _article("/a.txt", ["Hà Nội tăng trưởng 8%", "Quy hoạch đô thị"])
    res = index.write_article(art2, chunks2)
    assert (res.status, res.chunks_added, res.chunks_removed) == ("updated", 2, 2)
    assert index.store.count() == 2


def test_chunk_ids_are_deterministic(tmp_path):
    ids = []
    for run in range(2):
        idx = DocumentIndex(HashingEmbeddings(), InMemoryStore("fake"), LexicalIndex(tmp_path / f"l{run}"))
        art, chunks = _article("/a.txt", ["một", "hai"])
        idx.write_article(art, chunks)
        ids.append(sorted(c.id for c in idx.store.get()))
    assert ids[0] == ids[1]


def test_interrupted_write_leaves_nothing_visible_and_recovers(index):
    """Chunks upserted without the manifest switch (a crash) are invisible; re-ingest heals."""
    old, old_chunks = _article("/a.txt", ["phiên bản cũ về giao thông"])
    index.write_article(old, old_chunks)
    new, new_chunks = _article("/a.txt", ["phiên bản mới về giao thông"])
    # simulate a crash after step 1 of the write (chunks in, manifest not switched)
    store = index.store
    real = store.set_manifest
    store.set_manifest = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        index.write_article(new, new_chunks)
    store.set_manifest = real
    index.refresh()
    texts = [h.chunk.text for h in index.search("phiên bản giao thông", 5)]
    assert texts == ["phiên bản cũ về giao thông"]
    index.write_article(new, new_chunks)
    assert [h.chunk.text for h in index.search("phiên bản giao thông", 5)] == ["phiên bản mới về giao thông"]
    assert store.count() == 1


def test_folded_query_leans_on_lexical_side(index):
    for i, text in enumerate(["Thành phố Hà Nội tăng trưởng kinh tế", "Đà Nẵng phát triển du lịch biển"]):
        art, chunks = _article(f"/{i}.txt", [text])
        index.write_article(art, chunks)
    hits = index.search("da nang du lich", 2)
    assert hits[0].chunk.metadata["source"] == "/1.txt"
    assert hits[0].lexical_rank == 1 and hits[0].dense_rank is not None


def test_fusion_weights_reorder(tmp_path):
    idx = DocumentIndex(
        HashingEmbeddings(),
        InMemoryStore("fake"),
        LexicalIndex(tmp_path / "lex"),
        fusion=FusionWeights(dense=0.0, lexical=1.0, folded_lexical=1.0),
    )
    art, chunks = _article("/a.txt", ["ùn tắc giao thông", "trật tự đô thị"])
    idx.write_article(art, chunks)
    hits = idx.search("ùn tắc", 2)
    assert [h.chunk.text for h in hits] == ["ùn tắc giao thông", "trật tự đô thị"]
    assert hits[0].lexical_rank == 1
    assert hits[1].score == 0.0 and hits[1].lexical_rank is None  # found by the dense side only


@pytest.mark.parametrize("bonus", [0.0, 2.5])
def test_a_chunk_about_the_year_asked_gains_the_period_bonus(tmp_path, bonus):
    """ "Năm 2024 ...?": the chunk written after "trong năm 2024, ..." (its period) rises,
    though the chunk about 2023 shares more of the question's words."""
    idx = DocumentIndex(
        HashingEmbeddings(),
        InMemoryStore("fake"),
        LexicalIndex(tmp_path / "lex"),
        fusion=FusionWeights(period=bonus),
    )
    art, chunks = _article(
        "/a.txt",
        ["Kinh tế Hà Nội tăng trưởng ước đạt 6,11%.", "TP phấn đấu tăng trưởng khoảng 6,5-7,0%."],
    )
    chunks[0].metadata[schema.PERIOD] = "2023"
    chunks[1].metadata[schema.PERIOD] = "2024"
    idx.write_article(art, chunks)
    hits = idx.search("Năm 2024 kinh tế Hà Nội tăng trưởng bao nhiêu?", 2)
    top = hits[0].chunk.metadata[schema.PERIOD]
    assert top == ("2024" if bonus else "2023")
    # a range is not a year asked: "nhiệm kỳ 2023-2024" gives no bonus
    ranged = idx.search("Nhiệm kỳ 2023-2024 kinh tế Hà Nội tăng trưởng bao nhiêu?", 2)
    assert ranged[0].chunk.metadata[schema.PERIOD] == "2023"
    # dense-only search is left as it is
    dense = idx.search("Năm 2024 kinh tế Hà Nội tăng trưởng bao nhiêu?", 2, mode="dense")
    assert max(h.score for h in dense) <= 1.0 + 1e-9  # two z-scores, ±1: no bonus added


def test_lexical_index_persists_and_searches_read_no_chunk_to_index(tmp_path):
    store = _CountingStore("fake")
    idx = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"))
    art, chunks = _article("/a.txt", ["ùn tắc giao thông", "trật tự đô thị"])
    idx.write_article(art, chunks)
    read = store.read_where
    assert idx.search("giao thong", 1, mode="lexical")[0].chunk.text == "ùn tắc giao thông"
    assert store.read_where == read  # written with the store: nothing to catch up
    fresh = LexicalIndex(tmp_path / "lex")
    assert len(fresh) == 2 and fresh.versions() == {"/a.txt": art.metadata[schema.DOC_HASH]}


def test_lexical_features_fold_and_bigrams():
    assert lexical_features("Đảng bộ", folded=True) == ["dang", "bo", "dang_bo"]
    assert lexical_features("Đảng bộ", folded=False, bigrams=False) == ["đảng", "bộ"]


def test_date_number():
    assert date_number("2023-11-24") == 20231124
    assert date_number("bad") == 0


def _hold_lock(path, ready, release):
    lock = WriterLock(path)
    with lock.hold():
        ready.set()
        release.wait(10)


def test_second_writer_process_gets_a_clear_message(tmp_path):
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(tmp_path / "write.lock", ready, release))
    p.start()
    try:
        assert ready.wait(30)
        t0 = time.monotonic()
        with pytest.raises(StoreLocked, match="Another process .*pid"):
            with WriterLock(tmp_path / "write.lock", timeout=0.5).hold():
                pass
        assert time.monotonic() - t0 < 5
    finally:
        release.set()
        p.join(10)
    with WriterLock(tmp_path / "write.lock", timeout=0.5).hold():
        pass


class _CountingStore(InMemoryStore):
    """Counts the chunks read by ``get`` (what the chunk cache saves)."""

    def __init__(self, *a, **k) -> None:
        super().__init__(*a, **k)
        self.read = 0
        self.read_where = 0

    def get(self, *, ids=None, where=None):
        out = super().get(ids=ids, where=where)
        self.read += len(out) if ids is not None else 0
        self.read_where += len(out) if ids is None else 0
        return out


def test_a_repeated_search_reads_no_chunk_again(tmp_path):
    store = _CountingStore("fake")
    index = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"))
    index.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng 7,5%", "Quy hoạch đô thị", "Giao thông"]))
    first = [(h.chunk.id, h.chunk.text, h.dense_score) for h in index.search("Hà Nội tăng trưởng", 3)]
    read = store.read
    assert read > 0
    again = [(h.chunk.id, h.chunk.text, h.dense_score) for h in index.search("Hà Nội tăng trưởng", 3)]
    assert again == first  # the same chunks and similarities, from the cache
    assert store.read == read


def test_the_chunk_cache_never_serves_a_replaced_version(tmp_path):
    store = InMemoryStore("fake")
    index = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex"), manifest_ttl=0.0)
    index.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng 7,5%", "Quy hoạch đô thị"]))
    assert "7,5%" in index.search("Hà Nội tăng trưởng", 1)[0].chunk.text
    # another process (a second index on the same store) ingests a new version
    other = DocumentIndex(HashingEmbeddings(), store, LexicalIndex(tmp_path / "lex2"))
    other.write_article(*_article("/a.txt", ["Hà Nội tăng trưởng 8%", "Quy hoạch đô thị"]))
    texts = [h.chunk.text for h in index.search("Hà Nội tăng trưởng", 2)]
    assert texts[0] == "Hà Nội tăng trưởng 8%"
    assert not any("7,5%" in t for t in texts)
    # and this index's own delete empties it too
    index.delete_source("/a.txt")
    assert index.search("Hà Nội tăng trưởng", 2) == []
