"""The write side of :class:`~vectorstore.index.DocumentIndex`: articles in, sources out.

Each article is written in the order :mod:`vectorstore.index` describes (chunks upserted,
manifest record switched, old chunks deleted), its chunks replaced in the lexical index after
the switch; a delete switches the record off first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.documents import Document

from ingest import schema
from textvi import nfc
from vectorstore.chunk_fields import date_number, indexed_text
from vectorstore.errors import StoreLocked
from vectorstore.lexical import LexicalUpdate
from vectorstore.locking import LockTimeout

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from vectorstore.lexical import LexicalIndex
    from vectorstore.locking import WriterLock
    from vectorstore.store import VectorStore

#: chunks embedded per call when writing, so progress can be told within a long article
EMBED_STEP = 256
WriteStatus = Literal["added", "updated", "unchanged"]


@dataclass
class WriteResult:
    status: WriteStatus
    chunks_added: int = 0
    chunks_removed: int = 0


class IndexWritesMixin:
    """Writes of :class:`~vectorstore.index.DocumentIndex`: articles, deletes, reset."""

    embeddings: Embeddings
    store: VectorStore
    lexical: LexicalIndex
    lock: WriterLock | None
    chunker_signature: str
    refresh: Callable[[], None]

    # ------------------------------------------------------------------ writes
    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Hold the writer lock (if any) around several writes: a whole ingest
        takes it once, so a second writer waits for all of it or changes nothing."""
        return self.lock.hold() if self.lock is not None else contextlib.nullcontext()

    @contextlib.contextmanager
    def _lexical_update(self) -> Iterator[LexicalUpdate]:
        """The lexical index's writer, or :class:`StoreLocked` when another process keeps it."""
        try:
            with self.lexical.update() as lex:
                yield lex
        except LockTimeout as e:
            raise StoreLocked(
                f"Another process{e.holder} is writing to the lexical index in "
                f"{self.lexical.path}. Wait for it to finish and try again (nothing was changed)."
            ) from None

    def write_article(self, article: Document, chunks: list[Document]) -> WriteResult:
        """Make ``chunks`` the live version of ``article``'s source."""
        return self.write_articles([(article, chunks)])[0]

    def write_articles(
        self,
        items: list[tuple[Document, list[Document]]],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[WriteResult]:
        """Write several articles: their new chunks are embedded together (full
        batches), then each article is switched to its new version on its own.

        ``progress(done, total)`` is called as the new chunks are embedded, every
        ``EMBED_STEP`` chunks (a long article takes minutes)."""
        with self.writing():
            manifest = self.store.manifest()
            results: list[WriteResult | None] = [None] * len(items)
            pending = []
            for n, (article, chunks) in enumerate(items):
                m = article.metadata
                source, doc_hash = m[schema.SOURCE], m[schema.DOC_HASH]
                old = manifest.get(source)
                if (
                    old
                    and old.get("doc_hash") == doc_hash
                    and old.get("chunker", "") == self.chunker_signature
                ):
                    self._delete_stale(source, doc_hash)
                    results[n] = WriteResult("unchanged")
                else:
                    pending.append(
                        (n, article, old, *self._chunk_records(source, doc_hash, chunks))
                    )
            texts = [
                indexed_text(t, meta) for p in pending for t, meta in zip(p[4], p[5], strict=True)
            ]
            vectors: list[list[float]] = []
            for start in range(0, len(texts), EMBED_STEP):
                vectors += self.embeddings.embed_documents(texts[start : start + EMBED_STEP])
                if progress is not None:
                    progress(len(vectors), len(texts))
            lexical = self._lexical_update() if pending else contextlib.nullcontext()
            with lexical as lex:  # committed after the loop; a cut-off loop is caught up by the next search
                self._switch_versions(pending, vectors, texts, lex, results)
            self.refresh()
            return [r for r in results if r is not None]

    def _switch_versions(self, pending, vectors, texts, lex, results) -> None:
        """Steps 1 to 3 for each pending article: chunks in, record switched, old chunks out."""
        offset = 0
        for n, article, old, ids, chunk_texts, metas in pending:
            vecs = vectors[offset : offset + len(ids)]
            indexed = texts[offset : offset + len(ids)]
            offset += len(ids)
            self.store.upsert(ids, chunk_texts, metas, vecs)
            m = article.metadata
            source, doc_hash = m[schema.SOURCE], m[schema.DOC_HASH]
            self.store.set_manifest(
                source,
                {
                    "doc_hash": doc_hash,
                    "title": m.get(schema.TITLE, ""),
                    "file_name": m.get(schema.FILE_NAME, ""),
                    "outlet": m.get(schema.OUTLET, ""),
                    "date": m.get(schema.DATE, ""),
                    "chunks": len(ids),
                    "chunker": self.chunker_signature,
                    "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            )
            lex.replace(source, doc_hash, zip(ids, indexed, metas, strict=True))
            removed = self._delete_stale(source, doc_hash) if old else 0
            results[n] = WriteResult("updated" if old else "added", len(ids), removed)

    @staticmethod
    def _chunk_records(
        source: str, doc_hash: str, chunks: list[Document]
    ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Ids, texts and store metadata of an article version's chunks."""
        ids, texts, metas = [], [], []
        for c in chunks:
            cm = dict(c.metadata)
            cm[schema.DOC_HASH] = doc_hash
            cm[schema.CHUNK_ID] = schema.make_chunk_id(
                source, cm[schema.CHUNK_INDEX], c.page_content, doc_hash=doc_hash
            )
            cm["date_num"] = date_number(cm.get(schema.DATE, ""))
            ids.append(cm[schema.CHUNK_ID])
            texts.append(nfc(c.page_content))
            metas.append({k: v for k, v in cm.items() if isinstance(v, str | int | float | bool)})
        return ids, texts, metas

    def _delete_stale(self, source: str, doc_hash: str) -> int:
        stale = self.store.get(where={"source": source, "doc_hash": {"$ne": doc_hash}})
        if stale:
            self.store.delete(ids=[c.id for c in stale])
            self.refresh()
        return len(stale)

    def delete_source(self, source: str) -> int:
        """Remove a source and its chunks; returns the number of chunks removed.

        The source's record is first switched to no version (searches stop
        showing its chunks), then the chunks go, then the record: a delete cut
        off part-way leaves the source listed, and deleting it again finishes.
        """
        with self.writing(), self._lexical_update() as lex:
            record = self.store.manifest().get(source)
            if record is not None:
                self.store.set_manifest(source, {**record, "doc_hash": "", "chunks": 0})
                self.refresh()
            lex.remove(source)
            doomed = self.store.get(where={"source": source})
            if doomed:
                self.store.delete(ids=[c.id for c in doomed])
            self.store.delete_manifest(source)
            self.refresh()
            return len(doomed)

    def reset(self) -> None:
        """Drop every chunk and source (rebuild), whatever model built them."""
        with self.writing(), self._lexical_update() as lex:
            self.store.reset()
            lex.clear()
            self.refresh()

    def recorded_sources(self) -> list[str]:
        """The sources the store lists, whatever embedding model built it."""
        return sorted(self.store.recorded_manifest())
