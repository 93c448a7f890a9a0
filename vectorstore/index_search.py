"""The search side of :class:`~vectorstore.index.DocumentIndex`: dense and BM25 rankings fused.

Search fuses a dense ranking (cosine in the vector store) with a BM25 ranking
(:mod:`vectorstore.lexical`) with :class:`~vectorstore.fusion.FusionWeights`; a query typed
without diacritics leans on the folded lexical side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.documents import Document

from textvi import nfc, periods, query_kind
from vectorstore.chunk_fields import date_number
from vectorstore.fusion import FusionWeights, zscores
from vectorstore.store import StoredChunk

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import VectorStore

SearchMode = Literal["hybrid", "dense", "lexical"]


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


class IndexSearchMixin:
    """Searches of :class:`~vectorstore.index.DocumentIndex`."""

    embeddings: Embeddings
    store: VectorStore
    lexical: LexicalIndex
    fusion: FusionWeights
    manifest: Callable[[], dict[str, dict[str, Any]]]
    sync_lexical: Callable[..., None]
    _read_chunks: Callable[[list[str], dict[str, dict[str, Any]]], dict[str, StoredChunk]]

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


def _upper_bound(n: int) -> int:
    """Make a partial date an inclusive upper bound: 2023 → 20231299."""
    if n % 10000 == 0:
        return n + 1299
    if n % 100 == 0:
        return n + 99
    return n


def _zscores(scores: dict[str, float]) -> tuple[dict[str, float], float]:
    """Standardised scores and the lowest of them (the value for a missing candidate)."""
    if not scores:
        return {}, 0.0
    z = dict(zip(scores, zscores(list(scores.values())), strict=True))
    return z, min(z.values())
