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
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from ingest import schema
from textvi import nfc, periods, query_kind
from vectorstore.errors import StoreLocked
from vectorstore.lexical import LexicalIndex, LexicalUpdate
from vectorstore.locking import LockTimeout, WriterLock
from vectorstore.store import StoredChunk, VectorStore

log = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "dense", "lexical"]

#: chunks embedded per call when writing, so progress can be told within a long article
EMBED_STEP = 256
#: sources read from the store per request when the lexical index catches up
CATCH_UP_SOURCES = 100
WriteStatus = Literal["added", "updated", "unchanged"]


def date_number(date: str) -> int:
    """ISO date (full or partial) as a sortable integer; 0 when unknown.

    >>> date_number("2017-11-20"), date_number("2023-11"), date_number("")
    (20171120, 20231100, 0)
    """
    parts = (date or "").split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 0
        d = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return 0
    return y * 10000 + m * 100 + d


def indexed_text(text: str, metadata: dict[str, Any]) -> str:
    """What is embedded and indexed for a chunk: its text under its section heading.

    A heading names what a section is about ("Quyết liệt tập trung tháo gỡ 5
    điểm nghẽn"); repeating it before every chunk of the section lets a chunk
    deep in the section match a question about it. The displayed passage is the
    chunk text alone.

    >>> indexed_text("Đó là ùn tắc giao thông.", {"section": "Năm điểm nghẽn"})
    'Năm điểm nghẽn\\nĐó là ùn tắc giao thông.'
    """
    section = str(metadata.get(schema.SECTION, "") or "")
    if not section or text.startswith(section):
        return text
    return f"{section}\n{text}"


@dataclass(frozen=True)
class FusionWeights:
    """How the dense and lexical rankings are fused, per kind of query.

    ``method="zscore"`` (default) standardises each side's scores over its
    candidates (z-scores; a candidate one side did not return gets that side's
    lowest z) and adds them with the weights; ``"rrf"`` is weighted reciprocal
    rank fusion with constant ``rrf_k``. Weights per kind of query:

    * accented Vietnamese: dense on the query, lexical on accented syllables;
    * folded (typed without diacritics): dense on the query with its marks
      restored from corpus statistics, lexical on folded syllables;
    * foreign (e.g. English): dense on the query (e5 is multilingual), lexical
      on folded syllables for names, numbers and codes.

    ``period`` is added to the fused score of a chunk whose ``period`` (the
    year its article is about where the chunk starts, see
    :mod:`ingest.chunking`) is a year the query names: "GRDP tăng khoảng
    6,5-7,0%", written after "trong năm 2024, ...", answers "Năm 2024 Hà Nội
    tăng trưởng bao nhiêu?" without naming 2024 itself. Ranges ("2025-2030")
    do not count: a plan's range is named all over an article. It is in
    z-score units (with ``rrf``, in units of one first-rank vote) and applies
    to hybrid search only.

    Defaults were chosen with ``python -m eval.ablation`` (docs/retrieval.md).
    """

    method: str = "zscore"
    rrf_k: int = 60
    dense: float = 0.6
    lexical: float = 0.4
    folded_dense: float = 0.35
    folded_lexical: float = 0.65
    foreign_dense: float = 0.8
    foreign_lexical: float = 0.2
    candidates: int = 50
    restore_diacritics: bool = True
    period: float = 2.5

    def for_kind(self, kind: str) -> tuple[float, float]:
        """(dense weight, lexical weight) for a query kind."""
        if kind == "folded":
            return self.folded_dense, self.folded_lexical
        if kind == "foreign":
            return self.foreign_dense, self.foreign_lexical
        return self.dense, self.lexical


def zscores(values: Sequence[float]) -> list[float]:
    """``values`` standardised (mean 0, population sd 1); all 0 when they (nearly) tie.

    The tie guard keeps equal scores equal: their mean can differ from them by
    a rounding error, which divided by an sd of that size would spread them.

    >>> zscores([1.0, 2.0, 3.0])
    [-1.224744871391589, 0.0, 1.224744871391589]
    >>> zscores([0.1, 0.1, 0.1])
    [0.0, 0.0, 0.0]
    """
    if not values:
        return []
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if sd < 1e-12:
        return [0.0] * len(values)
    return [(v - mean) / sd for v in values]


def _zscores(scores: dict[str, float]) -> tuple[dict[str, float], float]:
    """Standardised scores and the lowest of them (the value for a missing candidate)."""
    if not scores:
        return {}, 0.0
    z = dict(zip(scores, zscores(list(scores.values())), strict=True))
    return z, min(z.values())


@dataclass(frozen=True)
class SearchHit:
    """One search result with how each side ranked it."""

    chunk: StoredChunk
    score: float
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_rank: int | None = None
    lexical_score: float | None = None
    query_kind: str = "accented"
    dense_query: str = ""

    def to_document(self) -> Document:
        return Document(
            page_content=self.chunk.text, id=self.chunk.id, metadata=dict(self.chunk.metadata)
        )


@dataclass
class WriteResult:
    status: WriteStatus
    chunks_added: int = 0
    chunks_removed: int = 0


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


class DocumentIndex:
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

    def sync_lexical(self, *, wait: bool = False) -> None:
        """Bring the lexical index in line with the live sources (cheap when it is).

        Once per change of the manifest: see other processes' commits, then index
        the sources the lexical index lacks or holds another version of, and drop
        those no longer live. That catching up never waits for another process's
        writer unless ``wait``: the search goes on with the index as it is, and the
        next one tries again.
        """
        manifest = self.manifest()
        fp = self.fingerprint(manifest)
        if fp == self._lexical_fingerprint:
            return
        self.lexical.reload()
        if _version_diff(self.lexical.versions(), manifest) != ([], []):
            try:
                with self.lexical.update(timeout=None if wait else 0.0) as lex:
                    self._catch_up_lexical(lex)
            except LockTimeout:
                log.info("lexical index: another process is writing it; catching up later")
                return
        self._lexical_fingerprint = fp

    def _catch_up_lexical(self, lex: LexicalUpdate) -> None:
        """Index what the store has live and the lexical index lacks (its writer held)."""
        manifest = self.store.manifest()  # fresh: a writer may have moved on
        self.lexical.reload()
        missing, stale = _version_diff(self.lexical.versions(), manifest)
        for source in stale:
            lex.remove(source)
        chunks = 0
        for start in range(0, len(missing), CATCH_UP_SOURCES):
            group = missing[start : start + CATCH_UP_SOURCES]
            by_source: dict[str, list[tuple[str, str, dict[str, Any]]]] = {s: [] for s in group}
            for c in self.store.get(where={"source": {"$in": group}}):
                if self._is_live(c.metadata, manifest):
                    by_source[c.metadata["source"]].append((c.id, indexed_text(c.text, c.metadata), c.metadata))
            for source, items in by_source.items():
                items.sort(key=lambda item: item[2].get(schema.CHUNK_INDEX, 0))
                chunks += lex.replace(source, manifest[source]["doc_hash"], items)
        log.info(
            "lexical index caught up with the store: %d sources indexed (%d chunks), %d dropped",
            len(missing), chunks, len(stale),
        )

    def search(
        self,
        query: str,
        k: int,
        *,
        mode: SearchMode = "hybrid",
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[SearchHit]:
        """The ``k`` best live chunks for ``query``, best first."""
        query = nfc(query)
        manifest = self.manifest()
        where: dict[str, Any] = {}
        if sources:
            where["source"] = {"$in": list(sources)}
        lo, hi = date_number(date_from or ""), date_number(date_to or "")
        if lo:
            where["date_num"] = {"$gte": lo}
        if hi:
            hi = _upper_bound(hi)
            where.setdefault("date_num", {})["$lte"] = hi
        n_cand = max(k, self.fusion.candidates)
        kind = query_kind(query)
        restore = kind == "folded" and self.fusion.restore_diacritics
        if mode != "dense" or restore:
            self.sync_lexical()  # BM25 and the restoration tables both come from it
        dense_query = self.lexical.restore(query) if restore else query

        dense: list[StoredChunk] = []
        if mode in ("hybrid", "dense"):
            vector = self.embeddings.embed_query(dense_query)
            want = n_cand
            while True:
                got = self.store.query_ids(vector, want, where=where or None)
                live = self._read_chunks([i for i, _ in got], manifest)
                dense = [replace(live[i], similarity=s) for i, s in got if i in live]
                if len(dense) >= n_cand or len(got) < want:
                    break
                want *= 2
            dense = dense[:n_cand]

        lexical: list[tuple[str, float]] = []
        folded = kind != "accented"
        if mode in ("hybrid", "lexical"):
            lexical = self.lexical.search(
                query, n_cand, folded=folded, sources=sources, date_from=lo, date_to=hi
            )

        years = {p for _, p in periods(query) if "-" not in p}  # single years
        hits = self._fuse(dense, lexical, k, kind=kind, manifest=manifest, mode=mode, years=years)
        return [replace(h, query_kind=kind, dense_query=dense_query) for h in hits]

    def _fuse(self, dense, lexical, k, *, kind, manifest, mode, years=frozenset()) -> list[SearchHit]:
        """Fused hits, best first; ``years`` are the single years the query names."""
        f = self.fusion
        w_dense, w_lex = f.for_kind(kind)
        if mode == "dense":
            w_dense, w_lex = 1.0, 0.0
        elif mode == "lexical":
            w_dense, w_lex = 0.0, 1.0
        info: dict[str, dict[str, Any]] = {}
        for rank, c in enumerate(dense, 1):
            info[c.id] = {"chunk": c, "dense_rank": rank, "dense_score": c.similarity}
        for rank, (cid, score) in enumerate(lexical, 1):
            info.setdefault(cid, {}).update(lexical_rank=rank, lexical_score=score)
        missing = [cid for cid, d in info.items() if "chunk" not in d]
        if missing:
            for cid, c in self._read_chunks(missing, manifest).items():
                info[cid]["chunk"] = c
        if f.method == "rrf":

            def fused(d: dict[str, Any]) -> float:
                score = 0.0
                if d.get("dense_rank"):
                    score += w_dense / (f.rrf_k + d["dense_rank"])
                if d.get("lexical_rank"):
                    score += w_lex / (f.rrf_k + d["lexical_rank"])
                return score
        else:
            zd, zd_min = _zscores({c.id: c.similarity for c in dense})
            zl, zl_min = _zscores(dict(lexical))

            def fused(d: dict[str, Any]) -> float:
                cid = d["chunk"].id
                return w_dense * zd.get(cid, zd_min) + w_lex * zl.get(cid, zl_min)

        bonus = 0.0
        if years and mode == "hybrid":
            bonus = f.period / (f.rrf_k + 1) if f.method == "rrf" else f.period
        hits = []
        for d in info.values():
            chunk = d.get("chunk")
            if chunk is None:  # not live (what _read_chunks returns is)
                continue
            score = fused(d)
            if bonus and chunk.metadata.get("period") in years:
                score += bonus  # about the year asked, though it may not name it
            hits.append(
                SearchHit(
                    chunk,
                    score,
                    d.get("dense_rank"),
                    d.get("dense_score"),
                    d.get("lexical_rank"),
                    d.get("lexical_score"),
                )
            )
        hits.sort(key=lambda h: (-h.score, h.dense_rank or 10**9, h.lexical_rank or 10**9))
        return hits[:k]


def _version_diff(
    indexed: dict[str, str], manifest: dict[str, dict[str, Any]]
) -> tuple[list[str], list[str]]:
    """Sources to (re)index and sources to drop, for the lexical index to match ``manifest``.

    >>> _version_diff({"/a": "1", "/b": "1"}, {"/a": {"doc_hash": "2"}, "/c": {"doc_hash": "1"}})
    (['/a', '/c'], ['/b'])
    """
    live = {s: r.get("doc_hash", "") for s, r in manifest.items() if r.get("doc_hash")}
    missing = sorted(s for s, h in live.items() if indexed.get(s) != h)
    stale = sorted(s for s in indexed if s not in live)
    return missing, stale


def _upper_bound(n: int) -> int:
    """Make a partial date an inclusive upper bound: 2023 → 20231299."""
    if n % 10000 == 0:
        return n + 1299
    if n % 100 == 0:
        return n + 99
    return n
