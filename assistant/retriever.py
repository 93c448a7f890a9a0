"""The assistant as a LangChain retriever, for use in chains and agents."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field


class AssistantRetriever(BaseRetriever):
    """Hybrid Vietnamese retrieval behind LangChain's ``BaseRetriever``.

    Example:
        >>> retriever = bot.as_retriever(k=3)                        # doctest: +SKIP
        >>> retriever.invoke("Hà Nội có mấy điểm nghẽn?")[0].metadata["title"]  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 5
    search_kwargs: dict[str, Any] = Field(default_factory=dict)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        passages = self.assistant.retrieve(query, self.k, **self.search_kwargs)
        return [p.to_document() for p in passages]
