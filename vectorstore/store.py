"""Vector store backends: Chroma (embedded or server) and an in-memory fake.

A store holds two record sets:

* chunks: id, text, metadata (see :mod:`ingest.schema`), vector;
* a *manifest*, one record per source: which version (``doc_hash``) of the
  article is live, with its title and chunk count. Searches keep only chunks of
  the live version, so a reader never sees half of an article that is being
  replaced, and a write cut off part-way leaves no visible duplicates.

Both backends pass the same contract tests (``tests/vectorstore/test_store_contract.py``).
"""

from __future__ import annotations

import functools
import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.errors import EmbeddingModelMismatch, StoreError

log = logging.getLogger(__name__)

Where = dict[str, Any]

MODEL_KEY = "embedding_model"


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as it comes back from a store; ``similarity`` is cosine (query only)."""

    id: str
    text: str
    metadata: dict[str, Any]
    similarity: float = 0.0


class VectorStore(ABC):
    """The narrow interface every backend implements."""

    #: the embedding model the store was built with ("" for a new, empty store)
    embedding_model: str = ""

    @abstractmethod
    def upsert(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        vectors: list[list[float]],
    ) -> None:
        """Add or overwrite chunks."""

    @abstractmethod
    def delete(self, *, ids: list[str] | None = None, where: Where | None = None) -> None:
        """Delete chunks by id or by metadata filter."""

    @abstractmethod
    def query(self, vector: list[float], k: int, where: Where | None = None) -> list[StoredChunk]:
        """The ``k`` nearest chunks by cosine similarity, best first."""

    def query_ids(
        self, vector: list[float], k: int, where: Where | None = None
    ) -> list[tuple[str, float]]:
        """``(id, similarity)`` of the ``k`` nearest chunks, best first: :meth:`query`
        without reading the chunks (a backend that can skip that overrides this)."""
        return [(c.id, c.similarity) for c in self.query(vector, k, where)]

    @abstractmethod
    def get(self, *, ids: list[str] | None = None, where: Where | None = None) -> list[StoredChunk]:
        """Chunks matching ids or a filter (all chunks when both are None)."""

    @abstractmethod
    def count(self) -> int:
        """Number of chunks stored (live or not)."""

    @abstractmethod
    def manifest(self) -> dict[str, dict[str, Any]]:
        """source → its manifest record (``doc_hash``, ``title``, ``chunks`` ...)."""

    @abstractmethod
    def set_manifest(self, source: str, record: dict[str, Any]) -> None:
        """Make ``record`` the live version of ``source`` (one atomic write)."""

    @abstractmethod
    def delete_manifest(self, source: str) -> None:
        """Forget ``source``."""

    @abstractmethod
    def reset(self) -> None:
        """Drop everything (used by rebuild with another embedding model).

        Works whatever model built the store: a rebuild is how a mismatch is mended.
        """

    def recorded_manifest(self) -> dict[str, dict[str, Any]]:
        """:meth:`manifest`, readable whatever embedding model built the store
        (a rebuild reads which sources to re-read before it drops them)."""
        return self.manifest()


# --------------------------------------------------------------------- filters


def _match(meta: dict[str, Any], where: Where | None) -> bool:
    """Evaluate the subset of Chroma's ``where`` language that we use."""
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(_match(meta, c) for c in cond):
                return False
            continue
        if key == "$or":
            if not any(_match(meta, c) for c in cond):
                return False
            continue
        value = meta.get(key)
        if not isinstance(cond, dict):
            cond = {"$eq": cond}
        for op, arg in cond.items():
            if op == "$eq" and value != arg:
                return False
            if op == "$ne" and value == arg:
                return False
            if op == "$in" and value not in arg:
                return False
            if op == "$nin" and value in arg:
                return False
            if op in ("$gte", "$lte", "$gt", "$lt"):
                if not isinstance(value, int | float):
                    return False
                if op == "$gte" and not value >= arg:
                    return False
                if op == "$lte" and not value <= arg:
                    return False
                if op == "$gt" and not value > arg:
                    return False
                if op == "$lt" and not value < arg:
                    return False
    return True


# ----------------------------------------------------------------- in-memory


class InMemoryStore(VectorStore):
    """A brute-force numpy store: the fake for unit tests, same contract as Chroma."""

    def __init__(self, embedding_model: str = "") -> None:
        self.embedding_model = embedding_model
        self._configured_model = embedding_model
        self._rows: dict[str, StoredChunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._manifest: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()

    def upsert(self, ids, texts, metadatas, vectors) -> None:
        with self._lock:
            for i, t, m, v in zip(ids, texts, metadatas, vectors, strict=True):
                self._rows[i] = StoredChunk(i, t, dict(m))
                arr = np.asarray(v, dtype=np.float32)
                self._vectors[i] = arr / (np.linalg.norm(arr) or 1.0)

    def delete(self, *, ids=None, where=None) -> None:
        with self._lock:
            doomed = set(ids or [])
            if where is not None:
                doomed |= {i for i, r in self._rows.items() if _match(r.metadata, where)}
            for i in doomed:
                self._rows.pop(i, None)
                self._vectors.pop(i, None)

    def query(self, vector, k, where=None) -> list[StoredChunk]:
        with self._lock:
            ids = [i for i, r in self._rows.items() if _match(r.metadata, where)]
            if not ids:
                return []
            q = np.asarray(vector, dtype=np.float32)
            q = q / (np.linalg.norm(q) or 1.0)
            sims = np.stack([self._vectors[i] for i in ids]) @ q
            order = np.argsort(-sims, kind="stable")[:k]
            return [
                StoredChunk(
                    ids[j],
                    self._rows[ids[j]].text,
                    dict(self._rows[ids[j]].metadata),
                    float(sims[j]),
                )
                for j in order
            ]

    def get(self, *, ids=None, where=None) -> list[StoredChunk]:
        with self._lock:
            rows = (
                [self._rows[i] for i in ids if i in self._rows]
                if ids is not None
                else list(self._rows.values())
            )
            return [r for r in rows if _match(r.metadata, where)]

    def count(self) -> int:
        return len(self._rows)

    def manifest(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {s: dict(r) for s, r in self._manifest.items()}

    def set_manifest(self, source, record) -> None:
        with self._lock:
            self._manifest[source] = dict(record)
            if not self.embedding_model:
                self.embedding_model = self._configured_model

    def delete_manifest(self, source) -> None:
        with self._lock:
            self._manifest.pop(source, None)

    def reset(self) -> None:
        with self._lock:
            self._rows.clear()
            self._vectors.clear()
            self._manifest.clear()
            self.embedding_model = self._configured_model


# -------------------------------------------------------------------- Chroma


def _is_connection_error(e: BaseException) -> bool:
    try:
        import httpx
    except ImportError:  # pragma: no cover - chromadb depends on httpx
        return isinstance(e, ConnectionError)
    return isinstance(e, httpx.TransportError | ConnectionError)


def _server_call(method):
    """A lost Chroma server becomes a :class:`StoreError` that says so (the
    client raises ``httpx`` errors once it has connected); the next call
    connects again."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except Exception as e:
            if self._host is None or not _is_connection_error(e):
                raise
            with self._lock:
                self._client = self._chunks = self._sources = None
            raise StoreError(f"cannot reach the Chroma server at {self.location}: {e}") from e

    return call


class ChromaStore(VectorStore):
    """Chroma collection(s) through ``PersistentClient`` or ``HttpClient``.

    The client is created on first use. Cosine space. The collection's metadata
    records the embedding model that built it; opening it with another model
    raises :class:`EmbeddingModelMismatch` with the rebuild command.

    Example:
        >>> store = ChromaStore(collection="articles", embedding_model="m", path="/tmp/kb/chroma")
        >>> store.count()  # doctest: +SKIP
        0
    """

    #: Chroma rejects very large single requests; batches stay under this
    MAX_BATCH = 1000
    #: rows per page when reading a whole collection
    PAGE = 5000

    def __init__(
        self,
        *,
        collection: str,
        embedding_model: str,
        path: Path | str | None = None,
        host: str | None = None,
        port: int = 8000,
        ssl: bool = False,
    ) -> None:
        if (path is None) == (host is None):
            raise ValueError("ChromaStore needs exactly one of path (embedded) or host (server)")
        self.collection_name = collection
        self._configured_model = embedding_model
        self._path = Path(path) if path is not None else None
        self._host, self._port, self._ssl = host, port, ssl
        self._client = None
        self._chunks = None
        self._sources = None
        self._lock = threading.RLock()

    # -- connection -------------------------------------------------------------
    @property
    def location(self) -> str:
        if self._path is not None:
            return str(self._path)
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://{self._host}:{self._port}"

    def _open_client(self):
        """The Chroma client, created on first use (no collection is opened)."""
        with self._lock:
            if self._client is not None:
                return self._client
            try:
                import chromadb
                from chromadb.config import Settings as ChromaClientSettings
            except ImportError as e:  # pragma: no cover - install hint
                raise ImportError("chromadb is required: pip install chromadb") from e
            client_settings = ChromaClientSettings(anonymized_telemetry=False)
            try:
                if self._path is not None:
                    self._path.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(
                        path=str(self._path), settings=client_settings
                    )
                else:
                    client = chromadb.HttpClient(
                        host=self._host, port=self._port, ssl=self._ssl, settings=client_settings
                    )
                    client.heartbeat()
            except Exception as e:
                raise StoreError(f"cannot open the Chroma store at {self.location}: {e}") from e
            self._client = client
            return client

    def _connect(self) -> None:
        if self._chunks is not None:
            return
        with self._lock:
            if self._chunks is not None:
                return
            client = self._open_client()
            chunks = client.get_or_create_collection(
                self.collection_name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={MODEL_KEY: self._configured_model},
            )
            sources = client.get_or_create_collection(
                f"{self.collection_name}__sources",
                metadata={MODEL_KEY: self._configured_model},
            )
            recorded = (chunks.metadata or {}).get(MODEL_KEY, "")
            if recorded and recorded != self._configured_model and chunks.count() > 0:
                raise EmbeddingModelMismatch(
                    f"The collection '{self.collection_name}' at {self.location} was built with "
                    f"the embedding model '{recorded}', but '{self._configured_model}' is "
                    "configured. Either set ASSISTANT_EMBEDDING__MODEL back to "
                    f"'{recorded}', or rebuild the index with the new model: "
                    "`assistant ingest --rebuild` (re-reads every indexed file)."
                )
            if recorded != self._configured_model:
                chunks.modify(metadata={MODEL_KEY: self._configured_model})
            self._sources, self._chunks = sources, chunks

    @property
    def embedding_model(self) -> str:  # type: ignore[override]
        self._connect()
        return (self._chunks.metadata or {}).get(MODEL_KEY, "")

    # -- chunks -----------------------------------------------------------------
    @_server_call
    def upsert(self, ids, texts, metadatas, vectors) -> None:
        self._connect()
        for i in range(0, len(ids), self.MAX_BATCH):
            sl = slice(i, i + self.MAX_BATCH)
            self._chunks.upsert(
                ids=ids[sl], documents=texts[sl], metadatas=metadatas[sl], embeddings=vectors[sl]
            )

    @_server_call
    def delete(self, *, ids=None, where=None) -> None:
        self._connect()
        if ids:
            for i in range(0, len(ids), self.MAX_BATCH):
                self._chunks.delete(ids=ids[i : i + self.MAX_BATCH])
        if where:
            self._chunks.delete(where=_chroma_where(where))

    @_server_call
    def _nearest(self, vector, k, where, include: list[str]) -> dict[str, Any] | None:
        """Chroma's answer for the ``k`` nearest chunks (None when there are none)."""
        self._connect()
        n = self._chunks.count()
        if n == 0 or k <= 0:
            return None
        return self._chunks.query(
            query_embeddings=[vector],
            n_results=min(k, n),
            where=_chroma_where(where),
            include=include,
        )

    def query(self, vector, k, where=None) -> list[StoredChunk]:
        res = self._nearest(vector, k, where, ["documents", "metadatas", "distances"])
        if res is None:
            return []
        out = []
        for i, doc, meta, dist in zip(
            res["ids"][0],
            res["documents"][0],
            res["metadatas"][0],
            res["distances"][0],
            strict=True,
        ):
            out.append(StoredChunk(i, doc, dict(meta or {}), 1.0 - float(dist)))
        return out

    def query_ids(self, vector, k, where=None) -> list[tuple[str, float]]:
        """Ids and similarities only: reading the texts and metadata of 50 results
        costs Chroma several times the search itself."""
        res = self._nearest(vector, k, where, ["distances"])
        if res is None:
            return []
        return [
            (i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
        ]

    @_server_call
    def get(self, *, ids=None, where=None) -> list[StoredChunk]:
        """Read in pages: Chroma fails on one request for a very large result."""
        self._connect()
        out: list[StoredChunk] = []

        def take(res) -> int:
            out.extend(
                StoredChunk(i, d, dict(m or {}))
                for i, d, m in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
            )
            return len(res["ids"])

        include = ["documents", "metadatas"]
        if ids is not None:
            for i in range(0, len(ids), self.MAX_BATCH):
                take(
                    self._chunks.get(
                        ids=ids[i : i + self.MAX_BATCH], where=_chroma_where(where), include=include
                    )
                )
            return out
        offset = 0
        while True:
            n = take(
                self._chunks.get(
                    where=_chroma_where(where), include=include, limit=self.PAGE, offset=offset
                )
            )
            if n < self.PAGE:
                return out
            offset += n

    @_server_call
    def count(self) -> int:
        self._connect()
        return self._chunks.count()

    # -- manifest ---------------------------------------------------------------
    @_server_call
    def manifest(self) -> dict[str, dict[str, Any]]:
        self._connect()
        return _manifest_of(self._sources)

    @_server_call
    def recorded_manifest(self) -> dict[str, dict[str, Any]]:
        """The manifest without the embedding-model check (nothing is created)."""
        client = self._open_client()
        try:
            sources = client.get_collection(f"{self.collection_name}__sources")
        except Exception as e:  # no such collection: nothing recorded
            if _is_connection_error(e):
                raise
            return {}
        return _manifest_of(sources)

    @_server_call
    def set_manifest(self, source, record) -> None:
        self._connect()
        meta = {k: v for k, v in {**record, "source": source}.items() if v is not None}
        self._sources.upsert(ids=[_source_id(source)], metadatas=[meta], embeddings=[[1.0]])

    @_server_call
    def delete_manifest(self, source) -> None:
        self._connect()
        self._sources.delete(ids=[_source_id(source)])

    @_server_call
    def reset(self) -> None:
        # not _connect(): it refuses a store built with another model, which is
        # exactly the store a rebuild must drop
        with self._lock:
            client = self._open_client()
            for name in (self.collection_name, f"{self.collection_name}__sources"):
                try:
                    client.delete_collection(name)
                except Exception:  # noqa: BLE001 - absent is fine
                    log.debug("collection %s not present", name)
            self._chunks = self._sources = None
        self._connect()


def _manifest_of(sources) -> dict[str, dict[str, Any]]:
    res = sources.get(include=["metadatas"])
    return {m["source"]: dict(m) for m in res["metadatas"] if m and "source" in m}


def _source_id(source: str) -> str:
    import hashlib

    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def _chroma_where(where: Where | None) -> Where | None:
    """Chroma wants one operator per term and several terms wrapped in ``$and``."""
    if not where:
        return None
    terms = []
    for key, cond in where.items():
        if isinstance(cond, dict) and len(cond) > 1 and not key.startswith("$"):
            terms.extend({key: {op: arg}} for op, arg in cond.items())
        else:
            terms.append({key: cond})
    return terms[0] if len(terms) == 1 else {"$and": terms}
