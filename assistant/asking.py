"""The question side of :class:`~assistant.core.Assistant`: retrieve, read, stream and ask.

A question is checked (:mod:`assistant.inputs`), read with the conversation by the condenser,
searched in the document index (then re-ranked) and answered by the answerer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answering.base import AnswerEvent, Turn
from assistant.conversation.base import Attempt, Reading
from assistant.inputs import HistoryLike, check_k, check_question, normalize_history
from assistant.types import Answer, Passage
from textvi import nfc

if TYPE_CHECKING:
    from langchain_core.retrievers import BaseRetriever

    from assistant.answering.base import Answerer
    from assistant.factory import Components
    from assistant.settings import Settings


class AskingMixin:
    """Retrieval and answering (part of :class:`~assistant.core.Assistant`)."""

    settings: Settings
    components: Components
    answerer: Answerer
    resolve_source: Callable[[str], str]  # DocumentsMixin's

    # -------------------------------------------------------------- retrieval
    def retrieve(
        self,
        question: str,
        k: int | None = None,
        *,
        history: HistoryLike = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        """Passages that best answer ``question``, best first.

        ``sources`` restricts to some articles (paths, file names or titles);
        ``date_from``/``date_to`` are ISO dates (``"2023"``, ``"2023-11"``,
        ``"2023-11-24"``), and articles without a known date are then left out.
        With ``history``, the question is searched as :meth:`read` reads it.
        ``rerank=False`` skips the second stage (``settings.retrieval.rerank``)
        and returns the first-stage order.
        """
        question = check_question(question)
        query = self.search_query(question, history)
        return self._retrieve(query, k, sources, date_from, date_to, mode, rerank)

    def _retrieve(
        self,
        query: str,
        k: int | None = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        k = check_k(k or self.settings.retrieval.top_k)
        src = [self.resolve_source(s) for s in sources] if sources else None
        reranker = self.components.reranker if rerank else None
        hits = self.components.index.search(
            query,
            max(k, reranker.depth) if reranker else k,
            mode=mode or self.settings.retrieval.mode,  # type: ignore[arg-type]
            sources=src,
            date_from=date_from,
            date_to=date_to,
        )
        passages = [
            Passage.from_document(
                h.to_document(),
                h.score,
                dense_rank=h.dense_rank,
                lexical_rank=h.lexical_rank,
                dense_score=h.dense_score,
                lexical_score=h.lexical_score,
            )
            for h in hits
        ]
        if reranker:
            passages = reranker.rerank(query, passages)
        return passages[:k]

    def search_query(self, question: str, history: HistoryLike = None) -> str:
        """The stand-alone query a (follow-up) question is retrieved with."""
        return self.read(question, history).query

    def read(self, question: str, history: HistoryLike = None, *, k: int | None = None) -> Reading:
        """How ``question`` is read after ``history``: as asked, or with the conversation.

        The conversation condenser (``settings.conversation``) decides; the evidence one
        searches and answers both readings with ``k`` passages.
        """
        return self._read(check_question(question), self._history(history), {}, k)

    def _read(
        self,
        question: str,
        turns: list[Turn],
        tried: dict[str, Attempt],
        k: int | None,
    ) -> Reading:
        c = self.components
        if not turns or c.condenser is None:
            return Reading(nfc(question))
        k = k or self.settings.answer.context_passages

        def try_reading(query: str) -> Attempt:
            if query not in tried:
                passages = self._retrieve(query, k)
                tried[query] = Attempt(query, passages, c.reading_judge.answer(query, passages))
            return tried[query]

        return c.condenser.read(question, turns, try_reading)

    def _history(self, history: HistoryLike) -> list[Turn]:
        """``history`` as turns, within ``settings.history`` limits."""
        h = self.settings.history
        return normalize_history(history, max_turns=h.max_turns, max_chars=h.max_turn_chars)

    def as_retriever(self, k: int | None = None, **search: Any) -> BaseRetriever:
        """This assistant as a LangChain ``BaseRetriever``."""
        from assistant.retriever import AssistantRetriever

        return AssistantRetriever(
            assistant=self, k=k or self.settings.retrieval.top_k, search_kwargs=search
        )

    # -------------------------------------------------------------- answering
    def stream(
        self, question: str, history: HistoryLike = None, *, k: int | None = None
    ) -> Iterator[AnswerEvent]:
        """Stream the answer: text deltas, then a final event with the ``Answer``."""
        question = check_question(question)
        k = k or self.settings.answer.context_passages
        tried: dict[str, Attempt] = {}
        reading = self._read(question, self._history(history), tried, k)
        query = reading.query
        passages = tried[query].passages if query in tried else self._retrieve(query, k)
        for event in self.answerer.stream_focused(query, passages, reading.focus):
            if event.answer is not None:
                event = AnswerEvent(
                    delta=event.delta,
                    answer=dataclasses.replace(
                        event.answer,
                        question=question,
                        search_query=query,
                        understood_as=reading.understood_as,
                    ),
                )
            yield event

    def ask(self, question: str, history: HistoryLike = None, *, k: int | None = None) -> Answer:
        """Answer ``question`` with inline citations [n] → ``answer.citations[n-1]``."""
        final = None
        for event in self.stream(question, history, k=k):
            if event.answer is not None:
                final = event.answer
        assert final is not None
        return final
