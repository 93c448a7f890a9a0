"""The composition root: settings in, wired components out.

``build_components`` is the one place that knows which concrete backend each
setting selects. The app, the CLI, the evaluation and the tests all go through
it (via :class:`assistant.Assistant`). Nothing heavy happens here: models and
clients load on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.chunking import ArticleChunker
from vectorstore.embeddings import ModelIdentified, make_embeddings
from vectorstore.index import DocumentIndex, FusionWeights
from vectorstore.lexical import LexicalIndex
from vectorstore.locking import WriterLock
from vectorstore.store import ChromaStore, VectorStore

if TYPE_CHECKING:
    from assistant.answering.base import Answerer
    from assistant.conversation.base import Condenser
    from assistant.rerank import Reranker
    from assistant.settings import Settings

CHUNKER_VERSION = "v3"  # v3: chunks carry their article's period


@dataclass
class Components:
    """Everything an :class:`~assistant.Assistant` runs on."""

    embeddings: ModelIdentified
    store: VectorStore
    index: DocumentIndex
    chunker: ArticleChunker
    answerer: Answerer
    reranker: Reranker | None = None
    condenser: Condenser | None = None
    judge: Answerer | None = None

    @property
    def reading_judge(self) -> Answerer:
        """The offline answerer that weighs a conversation's readings (the answerer itself
        unless it is generative)."""
        return self.judge or self.answerer


def build_store(settings: Settings, model_id: str) -> VectorStore:
    """The vector store that ``settings.chroma`` selects."""
    c = settings.chroma
    if c.mode == "server":
        return ChromaStore(
            collection=c.collection, embedding_model=model_id, host=c.host, port=c.port, ssl=c.ssl
        )
    return ChromaStore(
        collection=c.collection, embedding_model=model_id, path=settings.data_dir / "chroma"
    )


def build_answerer(settings: Settings) -> Answerer:
    """The answerer that ``settings.answer.mode`` selects."""
    if settings.answer.mode == "llm":
        from assistant.answering.llm import LLMAnswerer

        offline = settings.answer.model_copy(update={"mode": settings.answer.llm_evidence})
        return LLMAnswerer.from_settings(
            settings.answer, offline=build_answerer(settings.model_copy(update={"answer": offline}))
        )
    if settings.answer.mode == "learned":
        from assistant.answering.evidence_answerer import EvidenceAnswerer

        return EvidenceAnswerer.from_settings(settings.answer)
    from assistant.answering.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer.from_settings(settings.answer)


def build_condenser(settings: Settings, answerer: Answerer) -> Condenser:
    """The conversation condenser that ``settings.conversation`` (and the answer mode) select."""
    from assistant.conversation import (
        AsAskedCondenser,
        EvidenceCondenser,
        ReadingWeights,
        RuleCondenser,
    )

    conv = settings.conversation
    offline: Condenser
    if conv.mode == "off":
        offline = AsAskedCondenser()
    elif conv.mode == "rules":
        offline = RuleCondenser()
    else:
        offline = EvidenceCondenser(
            ReadingWeights(margin=conv.margin, max_missing=conv.max_missing, vague=conv.vague)
        )
    generative = hasattr(type(answerer), "chat_model")  # the property: nothing connects yet
    if settings.answer.mode == "llm" and conv.llm_rewrite and generative:
        from assistant.conversation.llm import LLMCondenser

        return LLMCondenser(lambda: answerer.chat_model, fallback=offline)  # type: ignore[attr-defined]
    return offline


def build_reranker(settings: Settings) -> Reranker | None:
    """The second-stage re-ranker that ``settings.retrieval.rerank`` selects (None: off)."""
    r = settings.retrieval
    if r.rerank == "none":
        return None
    from assistant.rerank import EvidenceReranker

    support = None
    if settings.answer.mode == "learned":
        from assistant.answering.evidence import EvidenceScorer

        model = settings.answer.evidence_model
        support = lambda q, ps: EvidenceScorer.from_path(model).score(q, ps).passage_support()  # noqa: E731
    return EvidenceReranker(weight=r.rerank_weight, depth=r.rerank_depth, support=support)


def build_components(
    settings: Settings,
    *,
    embeddings: ModelIdentified | None = None,
    store: VectorStore | None = None,
    answerer: Answerer | None = None,
) -> Components:
    """Wire the assistant from settings; any part can be injected (tests, eval)."""
    emb = settings.embedding
    embeddings = embeddings or make_embeddings(
        emb.model,
        query_prompt=emb.query_prompt,
        passage_prompt=emb.passage_prompt,
        batch_size=emb.batch_size,
        device=emb.device,
        cache_dir=settings.model_cache_dir,
    )
    store = store or build_store(settings, embeddings.model_id)
    ch = settings.chunking
    chunker = ArticleChunker(chunk_size=ch.chunk_size, overlap_sentences=ch.chunk_overlap)
    r = settings.retrieval
    lexical_dir = (
        settings.data_dir / "lexical" / _slug(settings.chroma.collection, settings.chroma.host)
    )
    index = DocumentIndex(
        embeddings,
        store,
        LexicalIndex(lexical_dir, bigrams=r.lexical_bigrams),
        lock=WriterLock(settings.data_dir / "write.lock")
        if settings.chroma.mode == "embedded"
        else None,
        fusion=FusionWeights(
            method=r.fusion,
            rrf_k=r.rrf_k,
            dense=r.dense_weight,
            lexical=r.lexical_weight,
            folded_dense=r.folded_dense_weight,
            folded_lexical=r.folded_lexical_weight,
            foreign_dense=r.foreign_dense_weight,
            foreign_lexical=r.foreign_lexical_weight,
            candidates=r.candidates,
            restore_diacritics=r.restore_diacritics,
            period=r.period_weight,
        ),
        chunker_signature=f"{CHUNKER_VERSION}/{ch.chunk_size}/{ch.chunk_overlap}",
    )
    answerer = answerer or build_answerer(settings)
    return Components(
        embeddings=embeddings,
        store=store,
        index=index,
        chunker=chunker,
        answerer=answerer,
        reranker=build_reranker(settings),
        condenser=build_condenser(settings, answerer),
        judge=build_judge(settings, answerer),
    )


def build_judge(settings: Settings, answerer: Answerer) -> Answerer | None:
    """The offline answerer that weighs a conversation's readings when ``answerer`` is
    generative (never extra LLM calls); None: the answerer itself."""
    if not hasattr(type(answerer), "chat_model"):
        return None
    from assistant.answering.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer.from_settings(settings.answer)


def _slug(collection: str, host: str | None) -> str:
    import re

    base = f"{collection}" if not host else f"{collection}@{host}"
    return re.sub(r"[^\w.@-]+", "_", base)
