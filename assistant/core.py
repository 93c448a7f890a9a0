"""The public API: :class:`Assistant`.

This module builds it (light construction, components on first use, views with another
answerer or settings, warm-up); the document side (ingest, sources, delete) is in
:mod:`assistant.documents`, the question side (retrieve, read, stream, ask) in
:mod:`assistant.asking`, the checks on questions, ``k`` and history in :mod:`assistant.inputs`.

Example:
    >>> from assistant import Assistant, Settings
    >>> bot = Assistant(Settings(data_dir="/tmp/kb"))           # doctest: +SKIP
    >>> report = bot.ingest(["data/articles"])                    # doctest: +SKIP
    >>> bot.retrieve("Hà Nội đặt mục tiêu tăng trưởng bao nhiêu?", k=5)[0].title  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

from assistant.asking import AskingMixin
from assistant.documents import (
    INGEST_GROUP_CHUNKS,
    INGEST_GROUP_FILES,
    REBUILD_PENDING_FILE,
    DocumentsMixin,
    Progress,
    Source,
)
from assistant.inputs import (
    DEFAULT_HISTORY_TURN_CHARS,
    DEFAULT_HISTORY_TURNS,
    MAX_K,
    MAX_QUESTION_CHARS,
    MIN_QUESTION_ALNUM,
    HistoryLike,
    check_k,
    check_question,
    normalize_history,
)
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answering.base import Answerer
    from assistant.factory import Components
    from vectorstore.embeddings import ModelIdentified
    from vectorstore.store import VectorStore

__all__ = [
    "DEFAULT_HISTORY_TURN_CHARS",
    "DEFAULT_HISTORY_TURNS",
    "INGEST_GROUP_CHUNKS",
    "INGEST_GROUP_FILES",
    "MAX_K",
    "MAX_QUESTION_CHARS",
    "MIN_QUESTION_ALNUM",
    "REBUILD_PENDING_FILE",
    "Assistant",
    "HistoryLike",
    "Progress",
    "Source",
    "check_k",
    "check_question",
    "normalize_history",
]


class Assistant(DocumentsMixin, AskingMixin):
    """Vietnamese retrieval Q&A over a collection of articles.

    Construction is light: the embedding model and the store open on first use.
    Parts can be injected (``embeddings=``, ``store=``, ``answerer=``) for tests
    or custom backends.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: ModelIdentified | None = None,
        store: VectorStore | None = None,
        answerer: Answerer | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self._inject = {"embeddings": embeddings, "store": store, "answerer": answerer}
        self._components: Components | None = None
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- wiring
    @property
    def components(self) -> Components:
        if self._components is None:
            with self._lock:
                if self._components is None:
                    from assistant.factory import build_components

                    self._components = build_components(self.settings, **self._inject)
        return self._components

    @property
    def answerer(self) -> Answerer:
        return self.components.answerer

    def with_answerer(self, answerer: Answerer, settings: Settings | None = None) -> Assistant:
        """A view of this assistant that answers with another answerer (same index)."""
        from assistant.factory import build_condenser, build_judge

        settings = settings or self.settings
        other = Assistant(settings, answerer=answerer)
        other._components = dataclasses.replace(
            self.components,
            answerer=answerer,
            condenser=build_condenser(settings, answerer),
            judge=build_judge(settings, answerer),
        )
        return other

    def with_answer_mode(self, mode: str) -> Assistant:
        """A view of this assistant answering in another ``answer.mode`` (same index).

        >>> bot = Assistant(Settings(data_dir="/tmp/kb", embedding={"model": "fake"}))
        >>> type(bot.with_answer_mode("learned").answerer).__name__
        'EvidenceAnswerer'
        """
        from assistant.factory import build_answerer

        answer = self.settings.answer.model_copy(update={"mode": mode})
        settings = self.settings.model_copy(update={"answer": answer})
        return self.with_answerer(build_answerer(settings), settings)

    def with_settings(self, settings: Settings) -> Assistant:
        """A view of this assistant under other search and answer settings (same model, store).

        Only how questions are searched and answered may differ (``retrieval``, ``answer``,
        ``history``...): ``data_dir``, ``chroma``, ``embedding`` and ``chunking`` must be this
        assistant's, since the view reads the same index. The embedding model and the store
        are shared; the rest (lexical index, re-ranker, answerer) is built from ``settings``.
        An ablation is a list of such settings.

        >>> bot = Assistant(Settings(data_dir="/tmp/kb", embedding={"model": "fake"}))
        >>> lexical = bot.with_settings(bot.settings.model_copy(
        ...     update={"retrieval": bot.settings.retrieval.model_copy(update={"mode": "lexical"})}))
        >>> lexical.settings.retrieval.mode
        'lexical'
        """
        for part in ("data_dir", "chroma", "embedding", "chunking"):
            if getattr(settings, part) != getattr(self.settings, part):
                raise ValueError(f"with_settings: {part} differs from this assistant's")
        c = self.components
        return Assistant(settings, embeddings=c.embeddings, store=c.store)

    def warm_up(self) -> None:
        """Load the model, open the store and the lexical index now."""
        c = self.components
        c.embeddings.embed_query("khởi động")
        c.index.manifest()
        c.index.sync_lexical()
