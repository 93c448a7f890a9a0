"""The document index: embeds chunks, writes them consistently, searches them.

Writes follow one order so that readers always see a whole version of an
article and an interrupted write leaves nothing visible behind:

1. upsert the new version's chunks (ids derive from content and ``doc_hash``);
2. switch the source's manifest record to the new ``doc_hash`` (one write);
3. delete chunks of the source whose ``doc_hash`` is not the live one.

Searches drop chunks that are not of their source's live version, so between
1 and 3 a query sees either the old or the new article, never half of each.
A delete runs the other way: record switched to no version, chunks deleted,
record deleted; cut off, it leaves a listed source that a second delete finishes.

Search fuses a dense ranking (cosine in the vector store) with a BM25 ranking
(:mod:`vectorstore.lexical`) by weighted reciprocal rank; a query typed
without diacritics leans on the folded lexical side.

The lexical index is written with the store, per source: a write replaces the
source's chunks in it after step 2, a delete removes them after the record is
switched off. A search first brings it in line with the live sources
(:meth:`DocumentIndex.sync_lexical`): it picks up other processes' commits and
indexes from the stored chunks whatever source it lacks (a write cut off
between the store and the index, a data directory built before the index).

The parts live in their own modules: writes in :mod:`vectorstore.index_writes`, the lexical
catch-up in :mod:`vectorstore.lexical_sync`, search and fusion in :mod:`vectorstore.index_search`
and :mod:`vectorstore.fusion`, a chunk's indexed text and date number in
:mod:`vectorstore.chunk_fields`; this module keeps the manifest and chunk caches and re-exports
the names callers import from it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.embeddings import Embeddings

from vectorstore.chunk_fields import date_number, indexed_text
from vectorstore.fusion import FusionWeights, zscores
from vectorstore.index_search import IndexSearchMixin, SearchHit, SearchMode
from vectorstore.index_writes import EMBED_STEP, IndexWritesMixin, WriteResult, WriteStatus
from vectorstore.lexical import LexicalIndex
from vectorstore.lexical_sync import CATCH_UP_SOURCES, LexicalSyncMixin
from vectorstore.locking import WriterLock
from vectorstore.store import StoredChunk, VectorStore

__all__ = [
    "CATCH_UP_SOURCES",
    "EMBED_STEP",
    "DocumentIndex",
    "FusionWeights",
    "SearchHit",
    "SearchMode",
    "WriteResult",
    "WriteStatus",
    "date_number",
    "indexed_text",
    "zscores",
]


@dataclass
class _ManifestCache:
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    at: float = 0.0
    fingerprint: str = ""


class _ChunkCache:
    """Recently read chunks by id, for one version of the manifest.

    A chunk id names one version of one chunk (its source, its article's
    hash, its position and its text), so what is read under an id does not
    change; the cache is still emptied when the live sources change (another
    process's ingest shows as a new manifest fingerprint) and on this index's
    own writes. Reading texts and metadata is most of a Chroma query's time;
    a question over a corpus already searched reads few.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._data: OrderedDict[str, StoredChunk] = OrderedDict()
        self._fingerprint = ""
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def _check(self, fingerprint: str) -> None:
        if fingerprint != self._fingerprint:
            self._data.clear()
            self._fingerprint = fingerprint

    def lookup(self, ids: list[str], fingerprint: str) -> dict[str, StoredChunk]:
        with self._lock:
            self._check(fingerprint)
            out = {}
            for i in ids:
                c = self._data.get(i)
                if c is not None:
                    self._data.move_to_end(i)
                    out[i] = c
            return out

    def add(self, chunks: list[StoredChunk], fingerprint: str) -> None:
        with self._lock:
            self._check(fingerprint)
            for c in chunks:
                self._data[c.id] = replace(c, similarity=0.0)
                self._data.move_to_end(c.id)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


class DocumentIndex(IndexWritesMixin, LexicalSyncMixin, IndexSearchMixin):
    """Embeddings + vector store + lexical index behind one write/search API."""

    def __init__(
        self,
        embeddings: Embeddings,
        store: VectorStore,
        lexical: LexicalIndex,
        *,
        lock: WriterLock | None = None,
        fusion: FusionWeights | None = None,
        chunker_signature: str = "",
        manifest_ttl: float = 2.0,
    ) -> None:
        self.embeddings = embeddings
        self.store = store
        self.lexical = lexical
        self.lock = lock
        self.fusion = fusion or FusionWeights()
        self.chunker_signature = chunker_signature
        self.manifest_ttl = manifest_ttl
        self._manifest = _ManifestCache()
        self._mlock = threading.Lock()
        self._chunks = _ChunkCache()
        self._lexical_fingerprint: str | None = None  # the manifest the lexical index was last checked against

    # ------------------------------------------------------------------- reads
    def refresh(self) -> None:
        """Forget the cached manifest and chunks: the next read sees the store as it is now
        (after another process, or a caller writing to the store directly, changed it)."""
        with self._mlock:
            self._manifest = _ManifestCache()
        self._chunks.clear()

    def _read_chunks(self, ids: list[str], manifest: dict[str, dict[str, Any]]) -> dict[str, StoredChunk]:
        """The chunks ``ids`` that are live under ``manifest``, from the cache or the store."""
        fingerprint = self.fingerprint(manifest)
        found = self._chunks.lookup(ids, fingerprint)
        missing = [i for i in ids if i not in found]
        if missing:
            fetched = self.store.get(ids=missing)
            self._chunks.add(fetched, fingerprint)
            found.update((c.id, c) for c in fetched)
        return {i: c for i, c in found.items() if self._is_live(c.metadata, manifest)}

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Live sources (cached for ``manifest_ttl`` seconds)."""
        with self._mlock:
            now = time.monotonic()
            if not self._manifest.at or now - self._manifest.at > self.manifest_ttl:
                self._manifest = _ManifestCache(self.store.manifest(), now)
            return self._manifest.data

    def _is_live(self, meta: dict[str, Any], manifest: dict[str, dict[str, Any]]) -> bool:
        rec = manifest.get(meta.get("source", ""))
        return rec is not None and rec.get("doc_hash") == meta.get("doc_hash")

    def fingerprint(self, manifest: dict[str, dict[str, Any]] | None = None) -> str:
        """A hash of the live sources' versions (computed once per cached manifest)."""
        manifest = self.manifest() if manifest is None else manifest
        cached = self._manifest
        if manifest is cached.data and cached.fingerprint:
            return cached.fingerprint
        h = hashlib.sha256()
        for src in sorted(manifest):
            h.update(
                f"{src}\x00{manifest[src].get('doc_hash', '')}\x00{manifest[src].get('chunker', '')}\n".encode()
            )
        digest = h.hexdigest()
        if manifest is cached.data:
            cached.fingerprint = digest
        return digest
