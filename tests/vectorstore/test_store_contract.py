"""One contract for every vector store: the in-memory fake and embedded Chroma here;
a real ``chroma run`` server in test_chroma_server.py."""

from __future__ import annotations

import pytest

from vectorstore.errors import EmbeddingModelMismatch
from vectorstore.store import ChromaStore, InMemoryStore
from vectorstore.testing import StoreContract, make_meta, unit_vector


@pytest.fixture(params=["memory", "embedded"])
def store(request, tmp_path):
    if request.param == "memory":
        return InMemoryStore(embedding_model="m1")
    return ChromaStore(collection="col", embedding_model="m1", path=tmp_path / "chroma")


class TestStores(StoreContract):
    pass


def test_embedded_store_persists_across_clients(tmp_path):
    s1 = ChromaStore(collection="col", embedding_model="m1", path=tmp_path / "chroma")
    s1.upsert(["a"], ["Hà Nội"], [make_meta("x")], [unit_vector(1)])
    s1.set_manifest("x", {"doc_hash": "h1"})
    s2 = ChromaStore(collection="col", embedding_model="m1", path=tmp_path / "chroma")
    assert s2.count() == 1 and "x" in s2.manifest()


def test_opening_with_another_model_is_a_clear_error(tmp_path):
    s1 = ChromaStore(collection="col", embedding_model="model-a", path=tmp_path / "chroma")
    s1.upsert(["a"], ["t"], [make_meta("x")], [unit_vector(1)])
    s2 = ChromaStore(collection="col", embedding_model="model-b", path=tmp_path / "chroma")
    with pytest.raises(EmbeddingModelMismatch) as e:
        s2.count()
    assert "model-a" in str(e.value) and "--rebuild" in str(e.value)


def test_store_needs_exactly_one_location():
    with pytest.raises(ValueError):
        ChromaStore(collection="col", embedding_model="m")


def test_embedded_store_reads_large_results_in_pages(tmp_path):
    store = ChromaStore(collection="col", embedding_model="m1", path=tmp_path / "chroma")
    store.PAGE = 7
    ids = [f"c{i:03d}" for i in range(30)]
    store.upsert(ids, ["t"] * 30, [make_meta("x") for _ in ids], [unit_vector(1)] * 30)
    assert sorted(c.id for c in store.get()) == ids
    assert len(store.get(where={"source": "x"})) == 30
    assert len(store.get(ids=ids[:12])) == 12
