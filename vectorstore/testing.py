"""The behaviour every vector store backend must show, as a reusable test suite.

Subclass :class:`StoreContract` in a test module and provide a ``store``
fixture returning an empty store built with ``embedding_model="m1"``
(haystack's ``testing/document_store.py`` pattern).
"""

from __future__ import annotations


def unit_vector(*xs: float) -> list[float]:
    """A 4-d vector from its first components."""
    return list(xs) + [0.0] * (4 - len(xs))


def make_meta(source: str, doc_hash: str = "h1", **extra):
    """Chunk metadata with the keys the stores filter on."""
    return {"source": source, "doc_hash": doc_hash, "title": "T", "date_num": 0, **extra}


class StoreContract:
    """Behaviour every backend must show."""

    def test_upsert_query_best_first(self, store):
        store.upsert(
            ["a", "b", "c"],
            ["Hà Nội", "Hải Phòng", "Đà Nẵng"],
            [make_meta("x"), make_meta("x"), make_meta("y")],
            [unit_vector(1, 0), unit_vector(0.8, 0.6), unit_vector(0, 1)],
        )
        got = store.query(unit_vector(1, 0.1), 2)
        assert [c.id for c in got] == ["a", "b"]
        assert got[0].text == "Hà Nội"
        assert got[0].similarity > got[1].similarity
        assert got[0].metadata["source"] == "x"

    def test_query_ids_is_query_without_the_chunks(self, store):
        store.upsert(
            ["a", "b", "c"],
            ["Hà Nội", "Hải Phòng", "Đà Nẵng"],
            [make_meta("x"), make_meta("x"), make_meta("y")],
            [unit_vector(1, 0), unit_vector(0.8, 0.6), unit_vector(0, 1)],
        )
        full = store.query(unit_vector(1, 0.1), 3, where={"source": "x"})
        ids = store.query_ids(unit_vector(1, 0.1), 3, where={"source": "x"})
        assert [i for i, _ in ids] == [c.id for c in full] == ["a", "b"]
        for (_, similarity), chunk in zip(ids, full, strict=True):
            assert abs(similarity - chunk.similarity) < 1e-6
        assert store.query_ids(unit_vector(1), 0) == []

    def test_upsert_is_idempotent(self, store):
        for _ in range(2):
            store.upsert(["a"], ["t"], [make_meta("x")], [unit_vector(1)])
        assert store.count() == 1

    def test_filters(self, store):
        store.upsert(
            ["a", "b", "c"],
            ["1", "2", "3"],
            [make_meta("x", date_num=20171120), make_meta("y", date_num=20231100), make_meta("z")],
            [unit_vector(1), unit_vector(1, 0.1), unit_vector(1, 0.2)],
        )
        assert {c.id for c in store.query(unit_vector(1), 5, where={"source": {"$in": ["x", "z"]}})} == {"a", "c"}
        got = store.query(unit_vector(1), 5, where={"date_num": {"$gte": 20200000}})
        assert [c.id for c in got] == ["b"]
        assert {c.id for c in store.get(where={"source": "y"})} == {"b"}
        both = store.get(where={"source": "x", "doc_hash": {"$ne": "h2"}})
        assert [c.id for c in both] == ["a"]

    def test_delete_by_id_and_filter(self, store):
        store.upsert(["a", "b", "c"], ["1", "2", "3"], [make_meta("x"), make_meta("x"), make_meta("y")], [unit_vector(1)] * 3)
        store.delete(ids=["a"])
        assert store.count() == 2
        store.delete(where={"source": "x"})
        assert [c.id for c in store.get()] == ["c"]

    def test_query_empty_store(self, store):
        assert store.query(unit_vector(1), 3) == []

    def test_manifest_roundtrip(self, store):
        store.set_manifest("/a.txt", {"doc_hash": "h1", "title": "Tiêu đề", "chunks": 3})
        store.set_manifest("/b.txt", {"doc_hash": "h2", "title": "B", "chunks": 1})
        store.set_manifest("/a.txt", {"doc_hash": "h3", "title": "Tiêu đề", "chunks": 4})
        m = store.manifest()
        assert set(m) == {"/a.txt", "/b.txt"}
        assert m["/a.txt"]["doc_hash"] == "h3" and m["/a.txt"]["chunks"] == 4
        store.delete_manifest("/b.txt")
        assert set(store.manifest()) == {"/a.txt"}

    def test_reset(self, store):
        store.upsert(["a"], ["t"], [make_meta("x")], [unit_vector(1)])
        store.set_manifest("x", {"doc_hash": "h1"})
        store.reset()
        assert store.count() == 0 and store.manifest() == {}

    def test_records_embedding_model(self, store):
        store.upsert(["a"], ["t"], [make_meta("x")], [unit_vector(1)])
        store.set_manifest("x", {"doc_hash": "h1"})
        assert store.embedding_model == "m1"
